"""The per-write-key rate limit: events per second, a bucket per source and second.

Each rule holds alike with Redis (one round trip, a script) and with the embedded mode's
local-memory cache (Django's add and incr).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine

from governance.collector import throttle
from governance.collector.keys import CacheUnavailable

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


def test_it_counts_in_one_round_trip_with_redis(settings, redis_cache, monkeypatch):
    settings.COLLECTOR_RATE_LIMIT = 10
    throttle.admit(
        99, 1
    )  # connected, so the count below holds only the limit's traffic
    sent = []
    original = redis.connection.Connection.send_packed_command

    def counting(connection, command, *args, **kwargs):
        sent.append(command)
        return original(connection, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting)
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
