"""Per-write-key rate limit: events per second, counted in a shared cache bucket per second.

A source has one working write key at a time, so the bucket is named by the source. With
Redis, counting is one round trip (a small script: INCRBY, and EXPIRE when that created the
bucket); with any other cache backend (the embedded mode), Django's `add` then `incr`.
"""

from __future__ import annotations

import functools
import time

import redis
from django.conf import settings
from django.core.cache import cache
from redis.commands.core import Script
from redis.exceptions import RedisError

from governance.collector import shared_redis
from governance.collector.keys import CacheUnavailable

# A bucket outlives its second a little, so a count never lands in an expired bucket.
_BUCKET_SECONDS = 2
# Atomic, and portable to any Redis with scripting (EXPIRE ... NX needs Redis 7). Counts are
# never 0 (an empty batch is not counted), so a total equal to this count is a new bucket.
_COUNT_SCRIPT = """
local used = redis.call('INCRBY', KEYS[1], ARGV[1])
if used == tonumber(ARGV[1]) then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return used
"""


def admit(source_id: int, events: int) -> bool:
    """Count `events` for a source in the current second; False when that passes the limit.

    COLLECTOR_RATE_LIMIT = 0 admits everything. A request that is alone in its second is
    admitted whole even when it is larger than the limit, or such a batch could never pass.
    Raises CacheUnavailable when the cache does not answer.
    """
    limit = settings.COLLECTOR_RATE_LIMIT
    if limit <= 0:
        return True
    bucket = f"collector:rate:{source_id}:{int(time.time())}"
    try:
        used = _count(bucket, events)
    except RedisError as error:
        raise CacheUnavailable(str(error)) from error
    return used <= limit or used == events


def _count(bucket: str, events: int) -> int:
    """The bucket's total after adding `events`; the bucket expires `_BUCKET_SECONDS` after
    its first count."""
    client = shared_redis.client()
    if client is None:
        return _count_in_django_cache(bucket, events)
    count = _count_script(client)
    return int(count(keys=[cache.make_key(bucket)], args=[events, _BUCKET_SECONDS]))


@functools.lru_cache(maxsize=8)
def _count_script(client: redis.Redis) -> Script:
    # Sent by its SHA1 digest; redis-py loads it again when the server has forgotten it.
    return client.register_script(_COUNT_SCRIPT)


def _count_in_django_cache(bucket: str, events: int) -> int:
    cache.add(bucket, 0, timeout=_BUCKET_SECONDS)
    try:
        return int(cache.incr(bucket, events))
    except ValueError:
        # The bucket expired between add and incr (a stalled process): start it again.
        cache.set(bucket, events, timeout=_BUCKET_SECONDS)
        return events
