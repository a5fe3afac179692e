"""The stored JSON: an event's health survives a round trip; roll-ups are written plainly."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from governance.scoring.encoding import (
    event_health_from_json,
    event_health_to_json,
    metric_health_to_json,
    plan_health_to_json,
)
from governance.scoring.health import HealthScope, score_event
from governance.scoring.rollups import metric_health, plan_health
from tests.governance.scoring.figures import (
    CRITICAL_SILENCE,
    FEW,
    HEALTHY,
    LEAK,
    SCOPE,
    VALIDITY_60,
    WINDOW,
)


def _health(scope=SCOPE, **changes):
    return score_event(replace(HEALTHY, **changes), scope=scope, window=WINDOW)


@pytest.mark.parametrize(
    "health",
    [
        pytest.param(_health(), id="healthy"),
        pytest.param(
            _health(validity=VALIDITY_60, privacy=LEAK, open_critical_alerts=("x",)),
            id="capped-with-two-rules",
        ),
        pytest.param(_health(validity=FEW, history_days=2), id="learning"),
        pytest.param(
            _health(scope=HealthScope(event="Order Completed", source="iOS")),
            id="one-source",
        ),
    ],
)
def test_an_event_health_survives_a_json_round_trip(health):
    stored = json.loads(json.dumps(event_health_to_json(health)))

    assert event_health_from_json(stored) == health


def test_the_stored_shape_holds_components_raw_figures_and_the_capping_rule():
    stored = event_health_to_json(_health(arrival=CRITICAL_SILENCE))

    assert stored == {
        "event": "Order Completed",
        "source": None,
        "window": {
            "start": "2024-05-18T01:00:00+00:00",
            "end": "2024-05-18T02:00:00+00:00",
            "granularity": "1h",
        },
        "score": 20.0,
        "grade": "F",
        "components": [
            {
                "component": "validity",
                "score": 100.0,
                "figures": {"received": 1000, "valid": 1000, "valid_share": 1.0},
                "not_applicable": None,
            },
            {
                "component": "volume",
                "score": 100.0,
                "figures": {"worst_z": 0.5, "change": 0.02},
                "not_applicable": None,
            },
            {
                "component": "freshness",
                "score": 0.0,
                "figures": {
                    "expected_per_minute": 1.0,
                    "minutes_since_seen": 30.0,
                    "expected_missing": 30.0,
                },
                "not_applicable": None,
            },
            {
                "component": "coverage",
                "score": 100.0,
                "figures": {"expected": 4, "seen": 4},
                "not_applicable": None,
            },
            {
                "component": "privacy",
                "score": 100.0,
                "figures": {"count": 0},
                "not_applicable": None,
            },
        ],
        "cap": {"rule": "critical_silence", "limit": 20.0, "uncapped": 80.0},
        "caps": ["critical_silence"],
        "history_days": 28.0,
        "open_critical_alerts": [],
    }


def test_a_learning_component_is_stored_without_figures_and_with_its_reason():
    stored = event_health_to_json(_health(validity=FEW, history_days=2))

    assert (stored["score"], stored["grade"]) == (None, "N/A")
    assert stored["components"][1] == {
        "component": "volume",
        "score": None,
        "figures": None,
        "not_applicable": "learning",
    }


def test_reading_an_unknown_grade_fails_loudly():
    stored = event_health_to_json(_health()) | {"grade": "E"}

    with pytest.raises(ValueError, match="'E'"):
        event_health_from_json(stored)


def test_reading_a_figure_of_the_wrong_type_fails_loudly():
    stored = event_health_to_json(_health())
    stored["components"][0]["figures"] = {"received": "1000", "valid": 1000}

    with pytest.raises(ValueError, match="received must be an integer"):
        event_health_from_json(stored)


def test_a_plan_health_is_written_with_its_poor_events():
    health = plan_health(
        [_health(), _health(scope=HealthScope(event="b"), arrival=CRITICAL_SILENCE)],
        window=WINDOW,
    )

    assert plan_health_to_json(health) == {
        "window": {
            "start": "2024-05-18T01:00:00+00:00",
            "end": "2024-05-18T02:00:00+00:00",
            "granularity": "1h",
        },
        "score": 60.0,
        "grade": "C",
        "graded": 2,
        "learning": 0,
        "poor": 1,
        "poor_events": ["b"],
    }


def test_a_metric_health_is_written_with_its_reasons():
    events = {
        "b": _health(scope=HealthScope(event="b"), open_critical_alerts=("volume",))
    }
    health = metric_health("orders", dependencies=["b"], events=events, window=WINDOW)

    stored = metric_health_to_json(health)

    assert (stored["at_risk"], stored["weakest"], stored["reasons"]) == (
        True,
        "b",
        [
            {
                "code": "dependency_poor_grade",
                "event": "b",
                "grade": "D",
                "score": 59.0,
                "alerts": [],
            },
            {
                "code": "dependency_open_critical_alert",
                "event": "b",
                "grade": "D",
                "score": 59.0,
                "alerts": ["volume"],
            },
        ],
    )
