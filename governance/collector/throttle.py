"""Per-write-key rate limit: events per second, counted in a shared cache bucket per second.

A source has one working write key at a time, so the bucket is named by the source. With
Redis, counting is one round trip (INCRBY and EXPIRE NX pipelined); with any other cache
backend (the embedded mode), Django's `add` then `incr`.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from governance.collector import shared_redis
from governance.collector.keys import CacheUnavailable

# A bucket outlives its second a little, so a count never lands in an expired bucket.
_BUCKET_SECONDS = 2


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
    key = cache.make_key(bucket)
    pipe = client.pipeline(transaction=False)
    pipe.incrby(key, events)
    pipe.expire(key, _BUCKET_SECONDS, nx=True)
    used, _expiry_set = pipe.execute()
    return int(used)


def _count_in_django_cache(bucket: str, events: int) -> int:
    cache.add(bucket, 0, timeout=_BUCKET_SECONDS)
    try:
        return int(cache.incr(bucket, events))
    except ValueError:
        # The bucket expired between add and incr (a stalled process): start it again.
        cache.set(bucket, events, timeout=_BUCKET_SECONDS)
        return events
