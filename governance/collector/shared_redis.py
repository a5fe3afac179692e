"""The shared cache's Redis reached directly: one client per process, not one per call.

Django's Redis cache builds a new `redis.Redis` for every call, which costs more than the
round trip on the collector's hot path. The collector's two reads per request (write key,
rate-limit bucket) use this client instead; keys are named as Django's cache names them, and
values are read with Django's serializer, so entries written through `cache` read back alike.
With any other cache backend (local memory in the embedded mode) there is no client and the
callers use Django's cache API.
"""

from __future__ import annotations

import functools
import re
from typing import Any, cast

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisSerializer

_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
# Options that change how Django talks to Redis; with any of them, Django's API is used.
_CUSTOM_CLIENT_OPTIONS = frozenset({"serializer", "pool_class", "parser_class"})

serializer = RedisSerializer()


def client() -> redis.Redis | None:
    """The default cache's Redis (its first server, where Django writes); None if not Redis."""
    config = settings.CACHES["default"]
    options = cast("dict[str, Any]", config.get("OPTIONS") or {})
    if config["BACKEND"] != _REDIS_BACKEND or _CUSTOM_CLIENT_OPTIONS & options.keys():
        return None
    location = config.get("LOCATION", "")
    servers = re.split("[;,]", location) if isinstance(location, str) else location
    try:
        return _connect(servers[0], tuple(sorted(options.items())))
    except (
        TypeError
    ):  # an option value that cannot be a cache key: let Django handle it
        return None


@functools.lru_cache(maxsize=8)
def _connect(url: str, options: tuple[tuple[str, Any], ...]) -> redis.Redis:
    pool = redis.ConnectionPool.from_url(url, **dict(options))
    return redis.Redis(connection_pool=pool)
