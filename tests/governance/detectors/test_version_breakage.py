"""Breakage in a new app version: invalid rate, type drift, missing property, firing, enums."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from governance.detectors.base import Anomaly, Fingerprint, Learning, Outcome, Severity
from governance.detectors.version_breakage import (
    VersionBreakageInput,
    VersionProfile,
    detect,
)

RELEASED = datetime(2024, 4, 27, 8, 0, tzinfo=UTC)


def _old(version: str, **overrides) -> VersionProfile:
    fields = {
        "version": version,
        "first_seen": datetime(2024, 3, 1, tzinfo=UTC),
        "samples": 2000,
        "invalid": 20,
        "traffic_share": 0.4,
        "active_devices": 1000,
        "types": {"/properties/price": {"number": 2000}},
        "missing_required": {"currency": 0},
        "enum_values": {"payment": {"card": 1200, "alipay": 800}},
    }
    return VersionProfile(**{**fields, **overrides})


def _new(**overrides) -> VersionProfile:
    fields = {
        "version": "5.2.0",
        "first_seen": RELEASED,
        "samples": 400,
        "invalid": 4,
        "traffic_share": 0.12,
        "active_devices": 200,
        "types": {"/properties/price": {"number": 400}},
        "missing_required": {"currency": 0},
        "enum_values": {"payment": {"card": 240, "alipay": 160}},
    }
    return VersionProfile(**{**fields, **overrides})


def _detect(*versions: VersionProfile) -> Outcome:
    return detect(
        VersionBreakageInput(event="Order Completed", source="ios", versions=versions)
    )


def _checks(new: VersionProfile) -> list[tuple[str, str | None, Severity]]:
    outcome = _detect(_old("5.0.0"), _old("5.1.0"), new)
    return [(a.code, a.fingerprint.path, a.severity) for a in outcome.anomalies]


def test_a_healthy_new_version_raises_nothing():
    assert _checks(_new()) == []


def test_a_version_with_a_higher_invalid_rate_breaks_since_that_version():
    (anomaly,) = _detect(_old("5.0.0"), _old("5.1.0"), _new(invalid=40)).anomalies

    assert anomaly == Anomaly(
        fingerprint=Fingerprint(
            detector="version_breakage",
            event="Order Completed",
            source="ios",
            kind="invalid_rate",
            app_version="5.2.0",
        ),
        severity=Severity.WARNING,
        code="version.invalid_rate",
        evidence={
            "observed": 40,
            "samples": 400,
            "rate_percent": 10.0,
            "lower_bound_percent": 6.77,
            "previous_rate_percent": 1.0,
            "previous_upper_percent": 1.49,
            "app_version": "5.2.0",
            "path": None,
            "since": "2024-04-27T08:00:00+00:00",
            "first_seen": "2024-04-27T08:00:00+00:00",
            "traffic_share_percent": 12.0,
            "compared_with": "5.0.0, 5.1.0",
        },
    )


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        pytest.param(
            _new(types={"/properties/price": {"number": 100, "string": 300}}),
            [("version.type_drift", "/properties/price", Severity.CRITICAL)],
            id="price-sent-as-text",
        ),
        pytest.param(
            _new(
                types={
                    "/properties/price": {"number": 400},
                    "/properties/coupon": {"string": 9},
                }
            ),
            [],
            id="a-new-property-is-no-drift",
        ),
        pytest.param(
            _new(missing_required={"currency": 60}),
            [("version.required_missing", "currency", Severity.WARNING)],
            id="currency-missing-in-15%",
        ),
        pytest.param(
            _new(enum_values={"payment": {"card": 200, "alipay": 100, "wechat": 100}}),
            [("version.enum_shift", "payment", Severity.WARNING)],
            id="a-new-payment-method",
        ),
        pytest.param(
            _new(samples=10, invalid=0, types={}, missing_required={}, enum_values={}),
            [("version.firing_drop", None, Severity.CRITICAL)],
            id="stops-firing",
        ),
        pytest.param(
            _new(samples=240, invalid=2),
            [],
            id="fires-at-three-fifths",
        ),
    ],
)
def test_each_breakage_of_a_new_version(new, expected):
    assert _checks(new) == expected


def test_an_event_that_stops_firing_says_how_far_per_device():
    new = _new(samples=30, invalid=0, types={}, missing_required={}, enum_values={})

    (anomaly,) = _detect(_old("5.0.0"), _old("5.1.0"), new).anomalies

    assert {
        k: anomaly.evidence[k] for k in ("observed", "expected", "ratio_percent")
    } == {
        "observed": 30,
        "expected": 400.0,
        "ratio_percent": 7.5,
    }


def test_under_fifty_samples_only_the_firing_check_judges():
    assert _checks(_new(samples=40, invalid=30, active_devices=20)) == []


def test_versions_too_small_to_compare_with_leave_it_learning():
    outcome = _detect(_old("5.1.0", samples=300), _new(invalid=40))

    assert outcome == Outcome(
        detector="version_breakage",
        event="Order Completed",
        source="ios",
        learning=Learning(code="version.learning", have=400, need=500),
    )


def test_the_two_versions_before_are_the_comparison_not_older_ones():
    broken_long_ago = _old("4.0.0", invalid=1000)

    outcome = _detect(broken_long_ago, _old("5.0.0"), _old("5.1.0"), _new(invalid=40))

    # 5.0.0 and 5.1.0 are better than 4.0.0; 5.2.0 is judged against them, not 4.0.0.
    assert [
        (a.fingerprint.app_version, a.evidence["compared_with"])
        for a in outcome.anomalies
    ] == [("5.2.0", "5.0.0, 5.1.0")]
