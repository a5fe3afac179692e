"""Write keys: read from the request, resolved to a source through the cache, forgotten on change.

A resolved key costs no query until its entry expires; an unknown key is remembered briefly
too, so a client with a wrong key does not cost a query per request. Saving, rotating,
deactivating or deleting a source forgets its keys at once (signals wired in `governance.apps`).
The cache is keyed by a hash of the write key, and logs name keys only by `key_id`. A value
that cannot be a key (`usable`) is refused before the cache or the database sees it.

With Redis, the process also keeps the last entry it read for each active key (`seen_active`),
so that the rate limit can check that Redis still holds it and count in one round trip.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.views.decorators.debug import sensitive_variables
from redis.exceptions import RedisError

from governance.collector import shared_redis
from governance.errors import TransientError
from tracking.published import SourceRef, source_for_write_key

logger = logging.getLogger(__name__)

# Bump when SourceRef changes shape, so entries written by an older release are not read back.
_CACHE_PREFIX = "collector:source:1:"
_UNKNOWN = "unknown"
NEGATIVE_CACHE_SECONDS = 30
# Generated keys are 32 characters and the column holds 64; longer is never a key.
MAX_WRITE_KEY_LENGTH = 64
# TRICKY: PostgreSQL refuses NUL in text where SQLite takes it, so a key with control
# characters must never reach the query; keys are printable ASCII, whatever made them.
_USABLE = re.compile(rf"[\x21-\x7e]{{1,{MAX_WRITE_KEY_LENGTH}}}")


class CacheUnavailable(TransientError):
    """The shared cache (Redis) did not answer; the collector answers 503."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SeenEntry:
    """A key's cache entry as Redis held it (`stored`, serialised) and the source it named."""

    stored: bytes
    source: SourceRef


# Entries last read as active sources, by cache entry name; bounded by the number of active
# keys in use, and emptied if it ever grows past the limit (random keys never enter it).
_seen_active: dict[str, SeenEntry] = {}
_SEEN_LIMIT = 4096


def key_id(write_key: str) -> str:
    """A short, non-reversible name for a write key, fit for logs and rate-limit buckets."""
    return _digest(write_key)[:12]


def _digest(write_key: str) -> str:
    return hashlib.sha256(write_key.encode("utf-8", "surrogatepass")).hexdigest()


def cache_key(write_key: str) -> str:
    """The cache entry of a write key's source: named by a hash, never by the key."""
    return _CACHE_PREFIX + _digest(write_key)


def usable(write_key: str) -> bool:
    """Whether a value may be a write key: 1 to 64 printable ASCII characters, no space."""
    return _USABLE.fullmatch(write_key) is not None


# Exception reports mask these: the key is in them under names no filter would guess.
@sensitive_variables("header", "credentials", "decoded", "username", "_password")
def from_authorization(header: str) -> str | None:
    """The write key in `Basic base64(key:)` (as Segment SDKs send it) or `Bearer key`.

    Anything that is not base64 of UTF-8 is None; the value found may still be unusable.
    """
    scheme, _, credentials = header.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "bearer":
        return credentials or None
    if scheme != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except ValueError:  # not ASCII, not base64 (binascii.Error) or not UTF-8
        return None
    username, _, _password = decoded.partition(":")
    return username or None


def source_for(write_key: str) -> SourceRef | None:
    """The source of a write key, active or not; None for an unknown key.

    Raises CacheUnavailable when the cache cannot be read or written.
    """
    if not usable(write_key):
        return None
    entry = cache_key(write_key)
    try:
        cached = _cached(entry)
        if isinstance(cached, SourceRef):
            return cached
        if cached == _UNKNOWN:
            return None
        source = source_for_write_key(write_key)
        _remember(entry, source)
    except RedisError as error:
        raise CacheUnavailable(str(error)) from error
    return source


def _cached(entry: str) -> Any:
    client = shared_redis.client()
    if client is None:
        return cache.get(entry)
    # A client made without decode_responses: values come back as bytes.
    value = cast("bytes | None", client.get(cache.make_key(entry)))
    found = None if value is None else shared_redis.serializer.loads(value)
    _note_seen(entry, value, found)
    return found


def _note_seen(entry: str, stored: Any, found: Any) -> None:
    if not (
        isinstance(found, SourceRef) and found.is_active and isinstance(stored, bytes)
    ):
        _seen_active.pop(entry, None)
        return
    if len(_seen_active) >= _SEEN_LIMIT:
        _seen_active.clear()
    _seen_active[entry] = SeenEntry(stored=stored, source=found)


def seen_active(write_key: str) -> SeenEntry | None:
    """The entry this process last read from Redis for a key, if it named an active source.

    Only a hint: the caller must check that Redis still holds these bytes (see
    `throttle.admit_seen`); every other read of the entry replaces or drops it.
    """
    if not _seen_active or shared_redis.client() is None:
        return None
    return _seen_active.get(cache_key(write_key))


def _remember(entry: str, source: SourceRef | None) -> None:
    if source is None:
        timeout = min(NEGATIVE_CACHE_SECONDS, settings.COLLECTOR_KEY_CACHE_SECONDS)
        cache.set(entry, _UNKNOWN, timeout=timeout)
    else:
        cache.set(entry, source, timeout=settings.COLLECTOR_KEY_CACHE_SECONDS)


def forget(write_key: str) -> None:
    """Drop a key's entry now and again after the current transaction commits.

    TRICKY: a request between this save and its commit may still read the old row and cache
    it again; the second delete, after commit, clears that.
    """
    entry = cache_key(write_key)
    cache.delete(entry)
    transaction.on_commit(partial(cache.delete, entry), robust=True)


def forget_replaced_key(
    sender: type[Any],
    instance: Any,
    *,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """pre_save of a Source: a write key being replaced stops working at once."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and "write_key" not in update_fields:
        return
    previous = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list("write_key", flat=True)
        .first()
    )
    if previous is not None and previous != instance.write_key:
        forget(previous)
        logger.info("collector.write_key_replaced source_id=%s", instance.pk)


def forget_source_key(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    """post_save and post_delete of a Source: its current key is looked up afresh."""
    forget(instance.write_key)
