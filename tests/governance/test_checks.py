"""The pipeline's system checks: timeouts that only work together."""

from __future__ import annotations

import pytest
from django.test import override_settings

from governance.checks import check_ingest_timeouts

REDIS = "redis://127.0.0.1:6379/0"


def ids(**overrides) -> list[str]:
    with override_settings(**overrides):
        return [message.id for message in check_ingest_timeouts()]


def test_the_defaults_pass_on_redis():
    assert ids(CELERY_BROKER_URL=REDIS) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param(
            {"CELERY_VISIBILITY_TIMEOUT": 60}, ["governance.W002"], id="equal-to-held"
        ),
        pytest.param(
            {"CELERY_VISIBILITY_TIMEOUT": 20}, ["governance.W002"], id="below-the-limit"
        ),
        pytest.param(
            {"INGEST_SOFT_TIME_LIMIT": 30},
            ["governance.W001"],
            id="soft-not-below-hard",
        ),
    ],
)
def test_it_warns_of_limits_that_do_not_fit(overrides, expected):
    assert ids(CELERY_BROKER_URL=REDIS, **overrides) == expected


def test_the_embedded_broker_has_no_visibility_timeout_to_check():
    assert ids(CELERY_BROKER_URL="embedded://", CELERY_VISIBILITY_TIMEOUT=1) == []
