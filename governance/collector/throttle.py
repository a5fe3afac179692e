"""Per-write-key rate limit: events per second, counted in a shared cache bucket per second.

A source has one working write key at a time, so the bucket is named by the source.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from governance.collector.keys import CacheUnavailable

_BUCKET_SECONDS = (
    2  # a bucket outlives its second a little, so add + incr never race expiry
)


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
        cache.add(bucket, 0, timeout=_BUCKET_SECONDS)
        used: int = cache.incr(bucket, events)
    except ValueError:
        # The bucket expired between add and incr (a stalled process): start it again.
        used = _restart(bucket, events)
    except RedisError as error:
        raise CacheUnavailable(str(error)) from error
    return used <= limit or used == events


def _restart(bucket: str, events: int) -> int:
    try:
        cache.set(bucket, events, timeout=_BUCKET_SECONDS)
    except RedisError as error:
        raise CacheUnavailable(str(error)) from error
    return events
