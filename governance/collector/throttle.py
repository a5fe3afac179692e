"""Per-write-key rate limit: events per second, counted in a shared cache bucket per second.

A source has one working write key at a time, so the bucket is named by the source. With
Redis, counting is one round trip (a small script: INCRBY, and EXPIRE when that created the
bucket); with any other cache backend (the embedded mode), Django's `add` then `incr`.

With Redis, a key this process has already read as an active source is checked and counted in
the same round trip (`admit_seen`): the script counts only if the key's cache entry is still
the one that was read, so a rotation or deactivation (which deletes the entry) is seen at once.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from redis.commands.core import Script
from redis.exceptions import RedisError

from governance.collector import keys, shared_redis
from governance.collector.keys import CacheUnavailable
from tracking.published import SourceRef

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
# The same count for a key seen active, after checking its cache entry still holds what was
# seen (ARGV[1], the entry's bytes); otherwise nothing is counted and the answer is nil.
_SEEN_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
    return false
end
local used = redis.call('INCRBY', KEYS[2], ARGV[2])
if used == tonumber(ARGV[2]) then
    redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return used
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Admission:
    """A seen key's source, and whether its events fit in the current second."""

    source: SourceRef
    admitted: bool


def admit(source_id: int, events: int) -> bool:
    """Count `events` for a source in the current second; False when that passes the limit.

    COLLECTOR_RATE_LIMIT = 0 admits everything. A request that is alone in its second is
    admitted whole even when it is larger than the limit, or such a batch could never pass.
    Raises CacheUnavailable when the cache does not answer.
    """
    limit = settings.COLLECTOR_RATE_LIMIT
    if limit <= 0:
        return True
    try:
        used = _count(_bucket(source_id), events)
    except RedisError as error:
        raise CacheUnavailable(str(error)) from error
    return used <= limit or used == events


def can_admit_seen(write_key: str) -> bool:
    """Whether `admit_seen` may take this key: Redis, a limit, and a key seen active here."""
    return settings.COLLECTOR_RATE_LIMIT > 0 and keys.seen_active(write_key) is not None


def admit_seen(write_key: str, events: int) -> Admission | None:
    """Check and count `events` (not 0) for a key `can_admit_seen` took, in one round trip.

    None when the key's cache entry is no longer the one seen (expired, deleted on rotation or
    deactivation, or rewritten): nothing was counted, and the key must be resolved again
    (`keys.source_for`) and counted with `admit`. Raises CacheUnavailable when Redis does not
    answer.
    """
    seen = keys.seen_active(write_key)
    client = shared_redis.client()
    if seen is None or client is None:
        return None
    source_id = seen.source.source_id
    script = _seen_script(client)
    entry = cache.make_key(keys.cache_key(write_key))
    bucket = cache.make_key(_bucket(source_id))
    try:
        used = script(keys=[entry, bucket], args=[seen.stored, events, _BUCKET_SECONDS])
    except RedisError as error:
        raise CacheUnavailable(str(error)) from error
    if used is None:
        return None
    limit = settings.COLLECTOR_RATE_LIMIT
    return Admission(source=seen.source, admitted=used <= limit or used == events)


def _bucket(source_id: int) -> str:
    return f"collector:rate:{source_id}:{int(time.time())}"


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


@functools.lru_cache(maxsize=8)
def _seen_script(client: redis.Redis) -> Script:
    return client.register_script(_SEEN_SCRIPT)


def _count_in_django_cache(bucket: str, events: int) -> int:
    cache.add(bucket, 0, timeout=_BUCKET_SECONDS)
    try:
        return int(cache.incr(bucket, events))
    except ValueError:
        # The bucket expired between add and incr (a stalled process): start it again.
        cache.set(bucket, events, timeout=_BUCKET_SECONDS)
        return events
