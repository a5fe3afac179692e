"""Where sign-in failures are counted: the database, or Redis; anything else stops the start."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import _axes_handler


@pytest.mark.parametrize(
    ("name", "redis_url", "handler"),
    [
        pytest.param(
            "database", "", "axes.handlers.database.AxesDatabaseHandler", id="default"
        ),
        pytest.param(
            "cache",
            "redis://redis:6379/0",
            "axes.handlers.cache.AxesCacheHandler",
            id="cache-in-redis",
        ),
    ],
)
def test_failures_are_counted_where_every_process_sees_them(name, redis_url, handler):
    assert _axes_handler(name, redis_url=redis_url) == handler


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param(
            "cache", "AXES_HANDLER=cache needs REDIS_URL", id="cache-no-redis"
        ),
        pytest.param("memory", "AXES_HANDLER='memory' is not one of", id="unknown"),
    ],
)
def test_a_handler_that_would_not_count_for_everyone_is_refused(name, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        _axes_handler(name, redis_url="")
