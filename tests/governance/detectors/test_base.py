"""Series validation and roll-up, fingerprints, outcomes and the registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

import governance.detectors  # noqa: F401 -- registers every detector
from governance.detectors.base import (
    REGISTRY,
    Anomaly,
    Bucket,
    Fingerprint,
    Granularity,
    Outcome,
    Series,
    Severity,
    rollup,
    run,
)

T = datetime(2024, 4, 29, 10, 0, tzinfo=UTC)
FIVE = timedelta(minutes=5)


def _series(*buckets: Bucket, start=T, end=T + timedelta(hours=2)) -> Series:
    return Series(
        event="Order Completed",
        source="ios",
        granularity=Granularity.FIVE_MINUTES,
        start=start,
        end=end,
        buckets=buckets,
    )


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(T.replace(tzinfo=None), id="naive"),
        pytest.param(T + timedelta(minutes=2), id="misaligned"),
        pytest.param(T.astimezone(timezone(timedelta(hours=8))), id="not-utc"),
    ],
)
def test_a_series_refuses_times_it_could_misplace(start):
    with pytest.raises(ValueError, match="aligned to 5m"):
        _series(start=start)


def test_a_series_refuses_buckets_out_of_order_or_range():
    late, early = Bucket(start=T + FIVE, received=1), Bucket(start=T, received=1)

    with pytest.raises(ValueError, match="not in order"):
        _series(late, early)
    with pytest.raises(ValueError, match="not in order"):
        _series(Bucket(start=T - FIVE, received=1))


def test_rollup_sums_whole_hours_and_cuts_partial_ones():
    series = _series(
        Bucket(start=T - FIVE * 2, received=1),
        Bucket(start=T, received=2, valid=1, invalid=1),
        Bucket(start=T + FIVE * 11, received=3, valid=3),
        Bucket(start=T + timedelta(hours=1), received=4, personal=1),
        start=T - FIVE * 2,
        end=T + timedelta(hours=1, minutes=30),
    )

    hourly = rollup(series, Granularity.HOUR)

    assert hourly == Series(
        event="Order Completed",
        source="ios",
        granularity=Granularity.HOUR,
        start=T,
        end=T + timedelta(hours=1),
        buckets=(Bucket(start=T, received=5, valid=4, invalid=1),),
    )


def test_fingerprint_keys_are_stable_and_tell_every_part_apart():
    base = Fingerprint(detector="volume", event="Order Completed")

    assert base.key == Fingerprint(detector="volume", event="Order Completed").key
    assert len(base.key) == 32
    variants = {
        base.key,
        Fingerprint(detector="volume", event="Order Completed", source="ios").key,
        Fingerprint(detector="volume", event="Order Completed", kind="share").key,
        Fingerprint(detector="volume", event="Order Completed", app_version="").key,
        Fingerprint(detector="volume", event="Order Completed", path="").key,
    }
    assert len(variants) == 5


def _anomaly(severity: Severity) -> Anomaly:
    return Anomaly(
        fingerprint=Fingerprint(detector="volume", event="Order Completed"),
        severity=severity,
        code="volume.drop",
        evidence={},
    )


def test_an_outcome_has_the_worst_severity_it_found():
    outcome = Outcome(
        detector="volume",
        event="Order Completed",
        source=None,
        anomalies=(_anomaly(Severity.INFO), _anomaly(Severity.CRITICAL)),
    )

    assert outcome.severity is Severity.CRITICAL
    assert Outcome(detector="volume", event="x", source=None).severity is None


def test_every_detector_of_the_design_is_registered():
    assert sorted(REGISTRY) == [
        "new_violation",
        "privacy_leak",
        "silence",
        "unplanned_flood",
        "validity",
        "version_breakage",
        "volume",
    ]


def test_running_an_unknown_detector_is_refused():
    with pytest.raises(KeyError):
        run("sixth_sense", object())
