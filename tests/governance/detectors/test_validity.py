"""Validity drop on crafted counts: the Wilson rule, the 5-minute window, the floor, learning."""

from __future__ import annotations

from datetime import timedelta

from governance.detectors.base import Anomaly, Fingerprint, Learning, Outcome, Severity
from governance.detectors.validity import ValidityInput, detect
from tests.governance.detectors.traffic import (
    EPOCH,
    FIVE_MINUTES,
    cut,
    five_minute_series,
    hourly,
)

NOW = EPOCH + timedelta(days=28, hours=12)
BUCKETS = (NOW - EPOCH) // FIVE_MINUTES
VALIDITY = Fingerprint(detector="validity", event="Order Completed", source="ios")


def _counts(received: int = 100, invalid: int = 1, *, buckets: int = BUCKETS):
    return [received] * buckets, [invalid] * buckets


def _detect(received, invalid, *, start=EPOCH, **kwargs) -> Outcome:
    five = five_minute_series(received, start=start, invalid=invalid, source="ios")
    return detect(
        ValidityInput(
            now=NOW,
            five_minute=cut(five, end=NOW, keep=timedelta(days=14)),
            hourly=cut(hourly(five), end=NOW),
            **kwargs,
        )
    )


def test_ten_percent_invalid_against_a_usual_one_percent_is_a_warning():
    received, invalid = _counts()
    invalid[-12:] = [10] * 12

    assert _detect(received, invalid).anomalies == (
        Anomaly(
            fingerprint=VALIDITY,
            severity=Severity.WARNING,
            code="validity.drop",
            evidence={
                "since": "2024-04-29T11:00:00+00:00",
                "until": "2024-04-29T12:00:00+00:00",
                "window_minutes": 60,
                "received": 1200,
                "invalid": 120,
                "observed": 120,
                "invalid_percent": 10.0,
                "validity_percent": 90.0,
                "lower_bound_percent": 7.98,
                "baseline_percent": 1.0,
                "threshold_percent": 6.0,
            },
        ),
    )


def test_a_third_invalid_is_critical():
    received, invalid = _counts()
    invalid[-12:] = [33] * 12

    (anomaly,) = _detect(received, invalid).anomalies

    assert (anomaly.severity, anomaly.evidence["threshold_percent"]) == (
        Severity.CRITICAL,
        21.0,
    )


def test_a_burst_in_the_last_five_minutes_of_a_busy_event_is_judged_on_its_own():
    received, invalid = _counts(300, 3)
    invalid[-1] = 150  # the hour stays near 5 %: only the last bucket shows it

    (anomaly,) = _detect(received, invalid).anomalies

    assert anomaly.severity is Severity.CRITICAL
    assert (anomaly.evidence["window_minutes"], anomaly.evidence["invalid"]) == (5, 150)


def test_two_invalid_samples_are_too_few_whatever_the_share():
    received, invalid = _counts(1, 0)
    invalid[-2:] = [1, 1]

    assert _detect(received, invalid).anomalies == ()


def test_more_traffic_at_the_usual_invalid_rate_is_no_drop():
    received, invalid = _counts()
    received[-12:], invalid[-12:] = [1000] * 12, [10] * 12

    assert _detect(received, invalid).anomalies == ()


def test_an_event_always_eight_percent_invalid_sits_under_the_floor():
    received, invalid = _counts(100, 8)

    (anomaly,) = _detect(received, invalid).anomalies

    assert (anomaly.code, anomaly.severity) == (
        "validity.below_floor",
        Severity.WARNING,
    )
    assert anomaly.evidence["validity_percent"] == 92.0
    assert anomaly.evidence["window_minutes"] == 120


def test_under_a_day_of_history_only_the_floor_judges():
    start = NOW - timedelta(hours=10)
    received, invalid = _counts(100, 8, buckets=(NOW - start) // FIVE_MINUTES)

    outcome = _detect(received, invalid, start=start)

    assert outcome.learning == Learning(code="validity.learning", have=9, need=24)
    assert [a.code for a in outcome.anomalies] == ["validity.below_floor"]


def test_a_young_event_below_no_rule_is_just_learning():
    start = NOW - timedelta(hours=10)
    received, invalid = _counts(buckets=(NOW - start) // FIVE_MINUTES)

    assert _detect(received, invalid, start=start) == Outcome(
        detector="validity",
        event="Order Completed",
        source="ios",
        learning=Learning(code="validity.learning", have=9, need=24),
    )


def test_excluded_incident_hours_do_not_raise_the_baseline():
    received, invalid = _counts()
    incident = range(BUCKETS - 6 * 288, BUCKETS - 24)  # six days at 20 %, an hour well
    for i in incident:
        invalid[i] = 20
    invalid[-12:] = [10] * 12
    excluded = frozenset(EPOCH + i * FIVE_MINUTES for i in incident)

    assert _detect(received, invalid).anomalies == ()  # learnt 20 % as normal
    (anomaly,) = _detect(received, invalid, excluded=excluded).anomalies
    assert anomaly.evidence["baseline_percent"] == 1.0
