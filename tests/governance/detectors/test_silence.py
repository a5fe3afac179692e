"""Silence on crafted series: the Poisson rule, quiet hours, rare events, never seen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from governance.detectors.base import Anomaly, Fingerprint, Learning, Outcome, Severity
from governance.detectors.silence import SilenceInput, VersionAdoption, detect
from tests.governance.detectors.traffic import EPOCH, FIVE_MINUTES, history

NOW = EPOCH + timedelta(days=28, hours=12)  # a Monday noon, after 4 weeks
BUCKETS = (NOW - EPOCH) // FIVE_MINUTES
SILENCE = Fingerprint(detector="silence", event="Order Completed", source="ios")


def _silent_for(per_bucket: int, minutes: int) -> list[int]:
    values = [per_bucket] * BUCKETS
    values[len(values) - minutes // 5 :] = [0] * (minutes // 5)
    return values


def _detect(values, *, last_seen, now=NOW, start=EPOCH, **kwargs) -> Outcome:
    return detect(
        SilenceInput(
            now=now,
            history=history(values, now=now, start=start, source="ios"),
            last_seen=last_seen,
            **kwargs,
        )
    )


def test_twenty_silent_minutes_of_an_event_sent_twice_a_minute_is_critical():
    outcome = _detect(_silent_for(10, 20), last_seen=NOW - timedelta(minutes=20))

    assert outcome.anomalies == (
        Anomaly(
            fingerprint=SILENCE,
            severity=Severity.CRITICAL,
            code="silence.silent",
            evidence={
                "last_seen": "2024-04-29T11:40:00+00:00",
                "since": "2024-04-29T11:40:00+00:00",
                "minutes_silent": 20,
                "expected": 40.0,
                "observed": 0,
                "rate_per_hour": 120.0,
                "p_no_event": 4.25e-18,
            },
        ),
    )


def test_eight_expected_samples_missing_is_a_warning():
    outcome = _detect(_silent_for(2, 20), last_seen=NOW - timedelta(minutes=20))

    (anomaly,) = outcome.anomalies
    assert (anomaly.severity, anomaly.evidence["expected"]) == (Severity.WARNING, 8.0)


def test_a_gap_under_fifteen_minutes_is_not_silence_however_busy_the_event():
    outcome = _detect(_silent_for(100, 10), last_seen=NOW - timedelta(minutes=10))

    assert outcome.anomalies == ()


def test_a_gap_through_the_hours_an_event_sleeps_is_not_silence():
    """Traffic only from 08:00 to 20:00 UTC: at 23:00 the last sample was 3 hours ago."""
    now = EPOCH + timedelta(days=28, hours=23)
    values = [
        10 if 8 <= (i * 5 // 60) % 24 < 20 else 0
        for i in range((now - EPOCH) // FIVE_MINUTES)
    ]

    outcome = _detect(values, now=now, last_seen=now - timedelta(hours=3))

    assert outcome.anomalies == ()


def test_the_same_gap_in_the_busy_hours_is_silence():
    now = EPOCH + timedelta(days=28, hours=14)
    values = [
        10 if 8 <= (i * 5 // 60) % 24 < 20 else 0
        for i in range((now - EPOCH) // FIVE_MINUTES)
    ]
    values[-36:] = [0] * 36

    (anomaly,) = _detect(values, now=now, last_seen=now - timedelta(hours=3)).anomalies

    assert (anomaly.severity, anomaly.evidence["expected"]) == (
        Severity.CRITICAL,
        360.0,
    )


def _every(hours: int, *, buckets: int = BUCKETS) -> list[int]:
    return [1 if i % (hours * 12) == 0 else 0 for i in range(buckets)]


def test_a_rare_event_missing_past_three_times_its_longest_gap_and_a_day_is_a_warning():
    values = _every(6)  # four a day: under one an hour
    values[-(30 * 12 - 1) :] = [0] * (30 * 12 - 1)  # the last one 30 hours ago

    outcome = _detect(values, last_seen=NOW - timedelta(hours=30))

    assert outcome.anomalies == (
        Anomaly(
            fingerprint=SILENCE,
            severity=Severity.WARNING,
            code="silence.rare_gap",
            evidence={
                "last_seen": "2024-04-28T06:00:00+00:00",
                "since": "2024-04-28T06:00:00+00:00",
                "hours_silent": 30.0,
                "typical_gap_hours": 6.0,
                "threshold_hours": 24.0,
                "gaps_seen": 109,
            },
        ),
    )


def test_a_rare_event_within_its_usual_gaps_is_quiet():
    values = _every(6)
    values[-(20 * 12 - 1) :] = [0] * (20 * 12 - 1)  # the last one 20 hours ago

    assert _detect(values, last_seen=NOW - timedelta(hours=20)).anomalies == ()


def test_a_rare_event_seen_twice_has_no_rhythm_to_judge_yet():
    values = [0] * BUCKETS
    values[BUCKETS - 10 * 288] = values[BUCKETS - 5 * 288] = 1

    outcome = _detect(values, last_seen=NOW - timedelta(days=5))

    assert outcome.learning == Learning(code="silence.learning_gaps", have=1, need=3)
    assert outcome.anomalies == ()


def test_under_seven_days_of_history_the_rate_rules_are_learning():
    start = NOW - timedelta(days=3)
    values = [10] * ((NOW - start) // FIVE_MINUTES)
    values[-12:] = [0] * 12

    outcome = _detect(values, start=start, last_seen=NOW - timedelta(hours=1))

    assert outcome == Outcome(
        detector="silence",
        event="Order Completed",
        source="ios",
        learning=Learning(code="silence.learning", have=3.0, need=7.0),
    )


@pytest.mark.parametrize(
    ("hours_since_first_traffic", "expected"),
    [
        pytest.param(
            30,
            Outcome(
                detector="silence",
                event="Order Completed",
                source="ios",
                anomalies=(
                    Anomaly(
                        fingerprint=Fingerprint(
                            detector="silence",
                            event="Order Completed",
                            source="ios",
                            kind="never_seen",
                        ),
                        severity=Severity.WARNING,
                        code="silence.never_seen_source",
                        evidence={
                            "source_first_traffic": "2024-04-28T06:00:00+00:00",
                            "hours_since": 30.0,
                        },
                    ),
                ),
            ),
            id="a-day-after-the-source-began",
        ),
        pytest.param(
            10,
            Outcome(
                detector="silence",
                event="Order Completed",
                source="ios",
                learning=Learning(code="silence.learning_source", have=10.0, need=24.0),
            ),
            id="a-new-source",
        ),
    ],
)
def test_an_expected_event_never_seen_on_a_source(hours_since_first_traffic, expected):
    outcome = _detect(
        [0] * BUCKETS,
        last_seen=None,
        source_first_traffic=NOW - timedelta(hours=hours_since_first_traffic),
    )

    assert outcome == expected


def test_an_event_not_expected_on_a_source_is_never_missed_there():
    outcome = _detect(
        [0] * BUCKETS,
        last_seen=None,
        expected=False,
        source_first_traffic=NOW - timedelta(days=3),
    )

    assert outcome.anomalies == ()


def _versions(*, share: float, hours_ago: float) -> dict:
    return {
        "versions_seen": frozenset({"5.1.0"}),
        "versions": (
            VersionAdoption(
                version="5.2.0",
                passed_share_at=NOW - timedelta(hours=hours_ago),
                share=share,
            ),
        ),
    }


def test_an_event_missing_from_a_new_app_version_after_two_days_is_a_warning():
    outcome = _detect(
        [2] * BUCKETS, last_seen=NOW, **_versions(share=0.2, hours_ago=50)
    )

    assert outcome.anomalies == (
        Anomaly(
            fingerprint=Fingerprint(
                detector="silence",
                event="Order Completed",
                source="ios",
                kind="never_seen",
                app_version="5.2.0",
            ),
            severity=Severity.WARNING,
            code="silence.never_seen_version",
            evidence={
                "app_version": "5.2.0",
                "since": "2024-04-27T10:00:00+00:00",
                "hours_since": 50.0,
                "traffic_share_percent": 20.0,
                "adoption_percent": 5.0,
                "expected": 240.0,
            },
        ),
    )


@pytest.mark.parametrize(
    ("values", "share", "hours_ago"),
    [
        pytest.param([2] * BUCKETS, 0.2, 30, id="under-48-hours"),
        pytest.param(_every(24), 0.2, 50, id="too-rare-to-be-missed"),
    ],
)
def test_a_new_app_version_without_the_event_is_not_yet_a_finding(
    values, share, hours_ago
):
    outcome = _detect(
        values, last_seen=NOW, **_versions(share=share, hours_ago=hours_ago)
    )

    assert outcome.anomalies == ()
