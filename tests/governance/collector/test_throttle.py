"""The per-write-key rate limit: events per second, a bucket per source and second.

Each rule holds alike with Redis (one round trip, a script) and with the embedded mode's
local-memory cache (Django's add and incr).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache

from governance.collector import keys, throttle
from governance.collector.keys import CacheUnavailable
from tests.factories import SourceFactory
from tracking.models import rotate_write_key

START = datetime(2025, 3, 1, 8, 0, 0, 100_000, tzinfo=UTC)


@pytest.fixture
def clock(either_cache):
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_it_admits_up_to_the_limit_within_a_second(settings, clock):
    settings.COLLECTOR_RATE_LIMIT = 10

    answers = [throttle.admit(1, 4) for _ in range(3)]

    assert answers == [True, True, False]


def test_it_starts_counting_again_the_next_second(settings, clock):
    settings.COLLECTOR_RATE_LIMIT = 10
    assert throttle.admit(1, 10) is True
    assert throttle.admit(1, 1) is False

    clock.shift(timedelta(seconds=1))

    assert throttle.admit(1, 10) is True


def test_it_counts_each_source_apart(settings, clock):
    settings.COLLECTOR_RATE_LIMIT = 5

    assert [throttle.admit(source_id, 5) for source_id in (1, 2)] == [True, True]


def test_it_admits_a_lone_request_larger_than_the_limit(settings, clock):
    settings.COLLECTOR_RATE_LIMIT = 5

    assert throttle.admit(1, 50) is True
    assert throttle.admit(1, 1) is False


def test_it_admits_everything_when_the_limit_is_zero(settings, clock):
    settings.COLLECTOR_RATE_LIMIT = 0

    assert all(throttle.admit(1, 1_000_000) for _ in range(5))


def test_it_raises_cache_unavailable_when_the_cache_is_down(settings, clock):
    settings.COLLECTOR_RATE_LIMIT = 5
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    with pytest.raises(CacheUnavailable):
        throttle.admit(1, 1)


def test_it_counts_in_one_round_trip_with_redis(settings, redis_cache, redis_commands):
    settings.COLLECTOR_RATE_LIMIT = 10
    throttle.admit(
        99, 1
    )  # connected, so the count below holds only the limit's traffic
    sent = redis_commands()
    with time_machine.travel(START, tick=False):
        answers = [throttle.admit(1, 4) for _ in range(3)]

    assert answers == [True, True, False]
    assert len(sent) == 3


def test_it_loads_its_script_again_when_redis_forgot_it(settings, redis_cache):
    settings.COLLECTOR_RATE_LIMIT = 10
    with time_machine.travel(START, tick=False):
        assert throttle.admit(1, 4) is True
        redis_cache.script_flush()

        assert [throttle.admit(1, 4) for _ in range(2)] == [True, False]


def test_a_redis_bucket_expires_two_seconds_after_its_first_count(
    settings, redis_cache
):
    settings.COLLECTOR_RATE_LIMIT = 10
    with time_machine.travel(START, tick=False):
        throttle.admit(1, 4)
        throttle.admit(1, 4)

    [bucket] = redis_cache.keys("*collector:rate:1:*")
    assert redis_cache.get(bucket) == b"8"
    assert 0 < redis_cache.pttl(bucket) <= 2000


# --- A key seen active: checked and counted in one round trip ------------------------------


@pytest.fixture
def seen_source(db, settings, redis_cache):
    """A source whose key this process has read from Redis as active."""
    settings.COLLECTOR_RATE_LIMIT = 10
    source = SourceFactory()
    keys.source_for(source.write_key)  # a miss: looked up and cached
    keys.source_for(source.write_key)  # read back from Redis: now seen
    return source


def test_it_admits_a_seen_key_by_the_same_rule_and_bucket_as_admit(seen_source):
    with time_machine.travel(START, tick=False):
        answers = [
            throttle.admit_seen(seen_source.write_key, 4).admitted,
            throttle.admit(seen_source.id, 4),
            throttle.admit_seen(seen_source.write_key, 4).admitted,
        ]

    assert answers == [True, True, False]


def test_it_names_the_seen_keys_source(seen_source):
    with time_machine.travel(START, tick=False):
        admission = throttle.admit_seen(seen_source.write_key, 1)

    assert admission.source == keys.source_for(seen_source.write_key)
    assert admission.source.source_id == seen_source.id


def test_it_checks_and_counts_a_seen_key_in_one_round_trip(seen_source, redis_commands):
    sent = redis_commands()
    with time_machine.travel(START, tick=False):
        answers = [throttle.admit_seen(seen_source.write_key, 4) for _ in range(3)]

    assert [a.admitted for a in answers] == [True, True, False]
    assert len(sent) == 3


def test_a_seen_bucket_expires_two_seconds_after_its_first_count(
    seen_source, redis_cache
):
    with time_machine.travel(START, tick=False):
        throttle.admit_seen(seen_source.write_key, 4)
        throttle.admit_seen(seen_source.write_key, 4)

    [bucket] = redis_cache.keys(f"*collector:rate:{seen_source.id}:*")
    assert redis_cache.get(bucket) == b"8"
    assert 0 < redis_cache.pttl(bucket) <= 2000


def test_it_counts_nothing_for_a_seen_key_after_rotation(seen_source, redis_cache):
    old_key = seen_source.write_key

    rotate_write_key(seen_source)

    with time_machine.travel(START, tick=False):
        assert throttle.admit_seen(old_key, 4) is None
    assert redis_cache.keys("*collector:rate:*") == []


def test_it_counts_nothing_for_a_seen_key_whose_entry_changed(seen_source, redis_cache):
    stored = keys.source_for(seen_source.write_key)
    cache.set(keys.cache_key(seen_source.write_key), replace(stored, name="Renamed"))

    with time_machine.travel(START, tick=False):
        assert throttle.admit_seen(seen_source.write_key, 4) is None
    assert redis_cache.keys("*collector:rate:*") == []


def test_it_counts_nothing_for_a_seen_key_whose_entry_expired(seen_source):
    cache.delete(keys.cache_key(seen_source.write_key))

    with time_machine.travel(START, tick=False):
        assert throttle.admit_seen(seen_source.write_key, 4) is None


def test_a_deactivated_key_is_no_longer_seen(seen_source):
    seen_source.is_active = False
    seen_source.save(update_fields=["is_active"])
    assert throttle.admit_seen(seen_source.write_key, 4) is None

    keys.source_for(seen_source.write_key)  # read back as inactive

    assert throttle.can_admit_seen(seen_source.write_key) is False


def test_it_sees_no_key_without_redis(db, settings):
    settings.COLLECTOR_RATE_LIMIT = 10
    source = SourceFactory()
    keys.source_for(source.write_key)
    keys.source_for(source.write_key)

    assert throttle.can_admit_seen(source.write_key) is False


def test_it_sees_no_key_when_the_limit_is_off(seen_source, settings):
    assert throttle.can_admit_seen(seen_source.write_key) is True

    settings.COLLECTOR_RATE_LIMIT = 0

    assert throttle.can_admit_seen(seen_source.write_key) is False


def test_it_loads_the_seen_script_again_when_redis_forgot_it(seen_source, redis_cache):
    with time_machine.travel(START, tick=False):
        assert throttle.admit_seen(seen_source.write_key, 4).admitted is True
        redis_cache.script_flush()

        answers = [throttle.admit_seen(seen_source.write_key, 4) for _ in range(2)]

    assert [a.admitted for a in answers] == [True, False]
