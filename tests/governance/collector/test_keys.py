"""Write keys: read from headers, resolved through the cache, forgotten whenever a source changes."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.base import memcache_key_warnings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from governance.collector import keys
from tests.factories import SourceFactory
from tests.governance.collector.conftest import send
from tracking.models import rotate_write_key
from tracking.published import SourceRef

DOWN_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def _b64(text: bytes) -> str:
    return base64.b64encode(text).decode()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Basic " + _b64(b"wk_123:"), "wk_123"),
        ("Basic " + _b64(b"wk_123"), "wk_123"),
        ("Basic " + _b64(b"wk_123:ignored-password"), "wk_123"),
        ("basic " + _b64(b"wk_123:"), "wk_123"),
        ("Bearer wk_123", "wk_123"),
        ("  Bearer   wk_123  ", "wk_123"),
        ("", None),
        ("Basic", None),
        ("Basic " + _b64(b":password-only"), None),
        ("Basic not*base64", None),
        ("Basic " + _b64(b"\xff\xfe:"), None),
        ("Basic clé", None),
        ("Basic " + _b64(b"wk_123:")[:-2], None),
        ("Basic " + _b64(b"wk\x00123:"), "wk\x00123"),
        ("Bearer", None),
        ("Token wk_123", None),
    ],
    ids=[
        "basic-username",
        "basic-no-colon",
        "basic-password-ignored",
        "basic-lowercase",
        "bearer",
        "bearer-spaced",
        "empty",
        "basic-no-credentials",
        "basic-no-username",
        "basic-not-base64",
        "basic-not-utf8",
        "basic-not-ascii",
        "basic-bad-padding",
        "basic-nul-kept-for-refusal",
        "bearer-no-token",
        "other-scheme",
    ],
)
def test_it_reads_the_write_key_from_an_authorization_header(header, expected):
    assert keys.from_authorization(header) == expected


def test_it_caches_a_source_after_one_query(
    db, either_cache, django_assert_num_queries
):
    source = SourceFactory(name="Web")
    expected = SourceRef(
        source_id=source.id,
        plan_id=source.plan_id,
        name="Web",
        kind="web",
        is_active=True,
    )

    with django_assert_num_queries(1):
        assert keys.source_for(source.write_key) == expected
    with django_assert_num_queries(0):
        assert keys.source_for(source.write_key) == expected


def test_it_remembers_an_unknown_key_briefly(db, django_assert_num_queries):
    start = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        with django_assert_num_queries(1):
            assert keys.source_for("unknown-key") is None
        with django_assert_num_queries(0):
            assert keys.source_for("unknown-key") is None

        traveller.shift(timedelta(seconds=keys.NEGATIVE_CACHE_SECONDS + 1))
        with django_assert_num_queries(1):
            assert keys.source_for("unknown-key") is None


UNUSABLE_KEYS = {
    "empty": "",
    "too-long": "x" * 65,
    "huge": "x" * 100_000,
    "nul": "wk\x00123",
    "nul-only": "\x00",
    "tab": "wk\t123",
    "newline": "wk_123\n",
    "delete": "wk\x7f123",
    "c1-control": "wk\x85123",
    "space": "wk 123",
    "lone-surrogate": "wk\ud800",
    "non-ascii": "clé",
    "latin-1-header-bytes": "\xff\xfe",
}


@pytest.mark.parametrize("write_key", UNUSABLE_KEYS.values(), ids=UNUSABLE_KEYS)
def test_it_refuses_impossible_keys_without_a_query_or_cache_read(
    db, django_assert_num_queries, monkeypatch, write_key
):
    # PostgreSQL refuses NUL in text (a 500) where SQLite would look the key up.
    monkeypatch.setattr(keys, "_cached", _never)

    with django_assert_num_queries(0):
        assert keys.source_for(write_key) is None


def _never(entry: str) -> None:
    raise AssertionError(entry)


@given(st.text(max_size=80))
def test_it_names_any_key_by_a_cache_entry_every_backend_takes(write_key):
    # Memcached refuses keys over 250 bytes or with spaces or control characters.
    assert list(memcache_key_warnings(keys.cache_key(write_key))) == []


def test_it_finds_a_new_source_at_once_after_its_key_was_refused(db, either_cache):
    assert keys.source_for("wk_new_source_key") is None

    source = SourceFactory(write_key="wk_new_source_key")

    assert keys.source_for("wk_new_source_key").source_id == source.id


def test_it_forgets_the_old_key_on_rotation(db, either_cache):
    source = SourceFactory()
    old_key = source.write_key
    assert keys.source_for(old_key) is not None

    new_key = rotate_write_key(source)

    assert keys.source_for(old_key) is None
    assert keys.source_for(new_key).source_id == source.id


def test_it_sees_a_deactivation_at_once(db, either_cache):
    source = SourceFactory()
    assert keys.source_for(source.write_key).is_active is True

    source.is_active = False
    source.save(update_fields=["is_active"])

    assert keys.source_for(source.write_key).is_active is False


def test_it_forgets_a_key_whose_plan_is_deleted(db, either_cache):
    source = SourceFactory()
    assert keys.source_for(source.write_key) is not None

    source.plan.delete()

    assert keys.source_for(source.write_key) is None


def test_it_forgets_the_old_key_again_after_commit(
    db, django_capture_on_commit_callbacks
):
    source = SourceFactory()
    old_key = source.write_key
    stale = keys.source_for(old_key)

    with django_capture_on_commit_callbacks(execute=True):
        rotate_write_key(source)
        # A request that read the row before the rotation committed caches it again.
        cache.set(keys.cache_key(old_key), stale)

    assert keys.source_for(old_key) is None


def test_it_reads_no_old_key_when_the_key_is_not_being_saved(db):
    source = SourceFactory()
    source.name = "Renamed"

    with CaptureQueriesContext(connection) as captured:
        source.save(update_fields=["name"])

    assert [q["sql"].split()[0] for q in captured.captured_queries] == [
        "UPDATE",
        "INSERT",  # the history row
    ]


def test_it_names_the_key_by_a_hash_in_the_cache(db):
    source = SourceFactory()

    entry = keys.cache_key(source.write_key)

    assert source.write_key not in entry
    assert entry == keys.cache_key(source.write_key)
    assert keys.key_id(source.write_key) not in source.write_key


def test_it_raises_cache_unavailable_when_the_cache_is_down(db, settings):
    settings.CACHES = DOWN_CACHE

    with pytest.raises(keys.CacheUnavailable):
        keys.source_for("wk_any")


def test_it_answers_503_when_the_cache_is_down(client, source, settings):
    settings.CACHES = DOWN_CACHE

    response = send(client, "track", b'{"event": "A"}', write_key=source.write_key)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert response["Retry-After"] == "5"


def test_it_never_logs_the_write_key(client, source, caplog):
    caplog.set_level(logging.DEBUG)
    inactive = SourceFactory(is_active=False)

    for write_key in (source.write_key, inactive.write_key, "leaked-looking-key"):
        send(client, "track", b'{"event": "A"', write_key=write_key)
        send(client, "track", b'{"event": "A"}', write_key=write_key)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "collector.refused_write_key" in logged
    for write_key in (source.write_key, inactive.write_key, "leaked-looking-key"):
        assert write_key not in logged
