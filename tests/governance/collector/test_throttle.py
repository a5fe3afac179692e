"""The per-write-key rate limit: events per second, a bucket per source and second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from governance.collector import throttle
from governance.collector.keys import CacheUnavailable

START = datetime(2025, 3, 1, 8, 0, 0, 100_000, tzinfo=UTC)


@pytest.fixture
def clock():
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
