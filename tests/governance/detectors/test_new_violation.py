"""New violation kinds: unseen for 30 days, the count and share bars, required paths, learning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from governance.detectors.base import Anomaly, Fingerprint, Learning, Outcome, Severity
from governance.detectors.new_violation import (
    NewViolationInput,
    ViolationActivity,
    detect,
)

NOW = datetime(2024, 4, 29, 12, 0, tzinfo=UTC)
OLD_SOURCE = {"ios": NOW - timedelta(days=60)}


def _activity(**overrides) -> ViolationActivity:
    fields = {
        "source": "ios",
        "kind": "schema",
        "keyword": "type",
        "path": "/properties/price",
        "count": 3,
        "samples": 1000,
        "previously_seen": None,
        "example": '{"price": "12.5"}',
    }
    return ViolationActivity(**{**fields, **overrides})


def _detect(*activities, first_seen=OLD_SOURCE) -> Outcome:
    return detect(
        NewViolationInput(
            event="Order Completed",
            now=NOW,
            first_seen=first_seen,
            activities=activities,
        )
    )


def test_three_samples_of_a_never_seen_kind_in_an_hour_fire():
    assert _detect(_activity()).anomalies == (
        Anomaly(
            fingerprint=Fingerprint(
                detector="new_violation",
                event="Order Completed",
                source="ios",
                kind="schema",
                path="/properties/price",
            ),
            severity=Severity.WARNING,
            code="new_violation.new_kind",
            evidence={
                "kind": "schema",
                "keyword": "type",
                "path": "/properties/price",
                "source": "ios",
                "observed": 3,
                "samples": 1000,
                "share_percent": 0.3,
                "required": False,
                "feeds_online_metric": False,
                "since": "2024-04-29T11:00:00+00:00",
                "previously_seen": None,
                "unseen_days": 30,
                "example": '{"price": "12.5"}',
            },
        ),
    )


@pytest.mark.parametrize(
    "activity",
    [
        pytest.param(_activity(count=2), id="two-in-a-busy-hour"),
        pytest.param(
            _activity(previously_seen=NOW - timedelta(days=12)), id="seen-12-days-ago"
        ),
    ],
)
def test_a_kind_below_the_bar_or_seen_recently_is_not_new(activity):
    assert _detect(activity).anomalies == ()


@pytest.mark.parametrize(
    "activity",
    [
        pytest.param(_activity(count=1, samples=80), id="one-percent-of-a-quiet-hour"),
        pytest.param(_activity(count=1, required=True), id="a-required-property"),
        pytest.param(
            _activity(count=1, feeds_online_metric=True), id="feeding-an-online-metric"
        ),
        pytest.param(
            _activity(previously_seen=NOW - timedelta(days=45)), id="back-after-45-days"
        ),
    ],
)
def test_a_new_kind_fires_at_its_bar(activity):
    (anomaly,) = _detect(activity).anomalies

    assert anomaly.code == "new_violation.new_kind"


def test_on_a_source_less_than_a_day_old_every_kind_is_learnt():
    outcome = _detect(_activity(), first_seen={"ios": NOW - timedelta(hours=6)})

    assert outcome == Outcome(
        detector="new_violation",
        event="Order Completed",
        source=None,
        learning=Learning(code="new_violation.learning", have=6.0, need=24.0),
    )


def test_each_source_is_its_own_fingerprint():
    outcome = _detect(
        _activity(),
        _activity(source="android"),
        first_seen={
            "ios": NOW - timedelta(days=60),
            "android": NOW - timedelta(days=60),
        },
    )

    assert [a.fingerprint.source for a in outcome.anomalies] == ["ios", "android"]
