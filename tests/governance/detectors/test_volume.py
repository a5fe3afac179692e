"""Volume drop and spike on crafted series: seasonality, level, spread, tiers, share."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import timedelta

import pytest

from governance.detectors.base import (
    REGISTRY,
    Anomaly,
    Fingerprint,
    Learning,
    Outcome,
    Series,
    Severity,
    run,
)
from governance.detectors.baseline import Baseline, TierBaseline, fit_baseline
from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig
from governance.detectors.volume import VolumeInput, detect, training_exclusions
from tests.governance.detectors.replay import replay
from tests.governance.detectors.traffic import (
    EPOCH,
    FIVE_MINUTES,
    Rhythm,
    counts,
    five_minute_series,
    history,
    hourly,
    rates,
)

NOW = EPOCH + timedelta(days=28, hours=12)  # a Monday noon, after 4 weeks
BUCKETS = (NOW - EPOCH) // FIVE_MINUTES
FINGERPRINT = Fingerprint(detector="volume", event="Order Completed")


def _steady(per_bucket: int = 60, *, buckets: int = BUCKETS) -> list[int]:
    return [per_bucket] * buckets


def _detect(values, *, now=NOW, start=EPOCH, **kwargs) -> Outcome:
    return detect(
        VolumeInput(now=now, event=history(values, now=now, start=start), **kwargs)
    )


def _rhythm(rhythm: Rhythm, *, days: float) -> list[int]:
    """A noiseless rhythm: the generator's expected counts, rounded."""
    return [round(r) for r in rates(rhythm, start=EPOCH, days=days, seed=0)]


def test_a_stopped_event_is_a_critical_drop_over_the_rolling_15_minutes():
    values = _steady()
    values[-3:] = [0, 0, 0]

    assert _detect(values).anomalies == (
        Anomaly(
            fingerprint=FINGERPRINT,
            severity=Severity.CRITICAL,
            code="volume.drop",
            evidence={
                "tier": "5m",
                "window_minutes": 15,
                "since": "2024-04-29T11:45:00+00:00",
                "until": "2024-04-29T12:00:00+00:00",
                "observed": 0,
                "expected": 180.0,
                "expected_low": 126.0,
                "expected_high": 234.0,
                "change_percent": -100.0,
                "spread": 0.05,
                "slots": "weekday_slots",
                "z": -11.14,
            },
        ),
    )


def test_a_forty_percent_drop_over_15_minutes_is_a_warning():
    values = _steady()
    values[-3:] = [36, 36, 36]

    (anomaly,) = _detect(values).anomalies

    assert (anomaly.severity, anomaly.code) == (Severity.WARNING, "volume.drop")
    assert (anomaly.evidence["observed"], anomaly.evidence["z"]) == (108, -4.46)


def test_a_doubling_is_a_critical_spike():
    values = _steady()
    values[-3:] = [150, 150, 150]

    (anomaly,) = _detect(values).anomalies

    assert (anomaly.severity, anomaly.code) == (Severity.CRITICAL, "volume.spike")
    assert anomaly.evidence["change_percent"] == 150.0


def test_a_drop_with_one_bucket_on_the_other_side_waits_for_the_hour():
    values = _steady()
    values[-3:] = [0, 0, 61]

    assert _detect(values).anomalies == ()


def test_a_drop_through_the_hour_fires_on_the_rolling_hour():
    values = _steady()
    values[-12:] = [36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 61, 36]

    (anomaly,) = _detect(values).anomalies

    assert anomaly.evidence["window_minutes"] == 60
    assert anomaly.evidence["observed"] == 36 * 11 + 61
    assert anomaly.severity is Severity.WARNING


def test_under_seven_days_of_history_the_event_is_learning():
    start = NOW - timedelta(days=3)
    values = _steady(buckets=(NOW - start) // FIVE_MINUTES)
    values[-3:] = [0, 0, 0]

    assert _detect(values, start=start) == Outcome(
        detector="volume",
        event="Order Completed",
        source=None,
        learning=Learning(code="volume.learning", have=3.0, need=7.0),
    )


def test_from_seven_days_hour_of_day_slots_judge_a_young_event():
    start = NOW - timedelta(days=10)
    values = _steady(buckets=(NOW - start) // FIVE_MINUTES)
    values[-3:] = [0, 0, 0]

    (anomaly,) = _detect(values, start=start).anomalies

    assert anomaly.evidence["slots"] == "hour_of_day_slots"
    assert anomaly.severity is Severity.CRITICAL


@pytest.mark.parametrize(
    "rhythm",
    [
        pytest.param(Rhythm(per_minute=50, day_cv=0, bucket_cv=0), id="weekly"),
        pytest.param(
            Rhythm(per_minute=50, day_cv=0, bucket_cv=0, weekend=0.4), id="deep-weekend"
        ),
        pytest.param(
            Rhythm(per_minute=50, day_cv=0, bucket_cv=0, growth_per_day=0.03),
            id="growing-3%-a-day",
        ),
        pytest.param(Rhythm(per_minute=0.5, day_cv=0, bucket_cv=0), id="hourly-tier"),
    ],
)
def test_a_weekend_of_rhythm_without_faults_raises_nothing(rhythm):
    """From Friday noon to Monday: the weekend's fall and rise are in the weekday slots."""
    five = five_minute_series(_rhythm(rhythm, days=35), start=EPOCH)

    result = replay(
        five,
        hourly(five),
        start=EPOCH + timedelta(days=32, hours=12),
        end=EPOCH + timedelta(days=35),
    )

    assert result.alerts == []


def test_the_tier_follows_the_expected_count():
    hourly_tier = _steady(1)  # 12 an hour: under 10 a bucket
    hourly_tier[-12:] = [0] * 12
    daily_tier = [1 if i % 144 == 0 else 0 for i in range(BUCKETS)]  # 2 a day
    daily_tier[-288:] = [0] * 288

    assert _detect(hourly_tier).anomalies[0].evidence["tier"] == "1h"
    assert (
        _detect(daily_tier).anomalies == ()
    )  # no sample in a day expecting 2: P = 0.14


def test_a_rare_event_missing_for_a_day_is_judged_by_the_poisson_tail():
    values = [1 if i % 32 == 0 else 0 for i in range(BUCKETS)]  # 9 a day
    values[-288:] = [0] * 288

    (anomaly,) = _detect(values).anomalies

    assert anomaly.severity is Severity.WARNING
    assert anomaly.evidence == {
        "tier": "1d",
        "window_minutes": 1440,
        "since": "2024-04-28T12:00:00+00:00",
        "until": "2024-04-29T12:00:00+00:00",
        "observed": 0,
        "expected": 9.0,
        "expected_low": 6.3,
        "expected_high": 11.7,
        "change_percent": -100.0,
        "spread": 0.05,
        "slots": "weekday_slots",
        "p_value": 0.000123,
    }


def _outage(values, hours_ago: float, hours: float) -> frozenset:
    """Zero the buckets of an outage; return its instants for `excluded`."""
    first = len(values) - round(hours_ago * 12)
    stop = first + round(hours * 12)
    values[first:stop] = [0] * (stop - first)
    return frozenset(EPOCH + i * FIVE_MINUTES for i in range(first, stop))


def test_an_excluded_outage_neither_lowers_the_level_nor_widens_the_band():
    values = _steady()
    outage = _outage(values, hours_ago=20, hours=14)
    event = history(values, now=NOW)

    baseline = fit_baseline(
        event, now=NOW, excluded=outage, config=DEFAULT_CONFIG.volume
    )

    steady = TierBaseline(level=1.0, spread=0.05)
    assert isinstance(baseline, Baseline)
    assert (baseline.five_minutes, baseline.rolling_hour, baseline.hour) == (
        steady,
        steady,
        steady,
    )
    assert detect(VolumeInput(now=NOW, event=event, excluded=outage)).anomalies == ()


def test_an_outage_left_in_training_halves_the_level_and_fakes_a_spike():
    values = _steady()
    _outage(values, hours_ago=20, hours=14)

    (anomaly,) = _detect(values).anomalies

    assert anomaly.code == "volume.spike"  # what excluding fired buckets prevents


def test_a_fired_window_gives_its_buckets_to_exclude():
    anomaly = Anomaly(
        fingerprint=FINGERPRINT,
        severity=Severity.WARNING,
        code="volume.drop",
        evidence={
            "since": "2024-04-29T11:45:00+00:00",
            "until": "2024-04-29T12:00:00+00:00",
        },
    )

    assert training_exclusions(anomaly) == frozenset(
        NOW - k * FIVE_MINUTES for k in (1, 2, 3)
    )


def _with_source(event_values, other_values, **kwargs):
    source = [e + o for e, o in zip(event_values, other_values, strict=True)]
    return detect(
        VolumeInput(
            now=NOW,
            event=history(event_values, now=NOW, source="ios"),
            source_traffic=history(source, now=NOW, source="ios"),
            **kwargs,
        )
    )


def test_a_drop_the_whole_source_shares_says_it_moved_with_the_source():
    event, other = _steady(), _steady(240)
    event[-3:], other[-3:] = [30, 30, 30], [120, 120, 120]

    (anomaly,) = _with_source(event, other).anomalies

    assert anomaly.code == "volume.drop"
    assert anomaly.evidence["moved_with_source"] is True
    assert anomaly.evidence["source_change_percent"] == -50.0


def test_a_drop_of_one_event_alone_says_the_source_did_not_move():
    event, other = _steady(), _steady(240)
    event[-3:] = [30, 30, 30]

    (anomaly,) = _with_source(event, other).anomalies

    assert anomaly.evidence["moved_with_source"] is False
    assert anomaly.fingerprint == Fingerprint(
        detector="volume", event="Order Completed", source="ios"
    )


def test_a_flat_event_in_a_surging_source_has_lost_its_share():
    event, other = _steady(), _steady(240)
    other[-3:] = [540, 540, 540]  # the source's traffic doubles around a flat event

    (anomaly,) = _with_source(event, other).anomalies

    assert (anomaly.code, anomaly.severity) == ("volume.share_drop", Severity.WARNING)
    assert anomaly.fingerprint.kind == "share"
    assert anomaly.evidence["expected"] == 360.0
    assert anomaly.evidence["observed"] == 180


def test_the_registry_runs_volume_and_refuses_another_input():
    values = _steady()

    assert REGISTRY["volume"].input_type is VolumeInput
    assert (
        run("volume", VolumeInput(now=NOW, event=history(values, now=NOW))).anomalies
        == ()
    )
    with pytest.raises(TypeError, match="volume takes VolumeInput"):
        run("volume", object())


FALSE_ALARM_DAYS = 7
RATES = [
    pytest.param(0.05, id="0.05/min"),
    pytest.param(0.5, id="0.5/min"),
    pytest.param(5, id="5/min"),
    pytest.param(50, id="50/min"),
    pytest.param(500, id="500/min"),
]


@functools.cache
def _clean(per_minute: float) -> Series:
    """Four weeks of history and a week to judge: Poisson counts with Gamma over-dispersion,
    two daily peaks and quieter weekends."""
    days = 28 + FALSE_ALARM_DAYS
    return five_minute_series(
        counts(Rhythm(per_minute=per_minute), start=EPOCH, days=days, seed=7),
        start=EPOCH,
    )


def _false_warnings(per_minute: float, config: DetectorConfig) -> int:
    five = _clean(per_minute)
    result = replay(
        five,
        hourly(five),
        start=EPOCH + timedelta(days=28),
        end=EPOCH + timedelta(days=28 + FALSE_ALARM_DAYS),
        config=config,
    )
    return sum(1 for _, a in result.alerts if a.severity is not Severity.INFO)


# The design's target is at most one false warning per 100 event-days. Its thresholds judge
# |z| >= 3 on windows evaluated every 5 minutes: a calibrated 3-sigma rule fires about once in
# 300 evaluations, and 288 run a day. Over 28 event-days per rate they gave 3.6, 14, 57, 75
# and 32 false warnings per 100 event-days from 0.05 to 500 a minute (|z| >= 4: 3.6, 0, 11, 7
# and 7; |z| >= 5: none), and no false critical.
DESIGN_DEFAULTS = {0.05: 0, 0.5: 1, 5: 3, 50: 5, 500: 0}


@pytest.mark.slow
@pytest.mark.parametrize("per_minute", RATES)
def test_the_design_thresholds_raise_this_many_false_warnings_in_a_clean_week(
    per_minute,
):
    assert _false_warnings(per_minute, DEFAULT_CONFIG) == DESIGN_DEFAULTS[per_minute]


FIVE_SIGMA = replace(
    DEFAULT_CONFIG, volume=replace(DEFAULT_CONFIG.volume, warning_z=5.0)
)


@pytest.mark.slow
@pytest.mark.parametrize("per_minute", RATES)
def test_with_a_five_sigma_warning_a_clean_week_raises_no_false_warning(per_minute):
    assert _false_warnings(per_minute, FIVE_SIGMA) == 0
