"""Roll-ups: a plan's traffic-weighted score and D/F count, a metric's weakest link and risk."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from governance.scoring.components import ValidityCounts
from governance.scoring.health import (
    Grade,
    Granularity,
    HealthScope,
    HealthWindow,
    score_event,
)
from governance.scoring.rollups import (
    MetricHealth,
    PlanHealth,
    RiskCode,
    RiskReason,
    metric_health,
    metrics_health,
    plan_health,
)
from tests.governance.scoring.figures import CRITICAL_SILENCE, HEALTHY

START = datetime(2024, 5, 18, tzinfo=UTC)
WINDOW = HealthWindow(
    start=START, end=START + timedelta(hours=24), granularity=Granularity.REPORT
)
OTHER_WINDOW = HealthWindow(
    start=WINDOW.end,
    end=WINDOW.end + timedelta(hours=24),
    granularity=Granularity.REPORT,
)


def _event(key, *, received=1000, valid=None, window=WINDOW, source=None, **changes):
    counts = ValidityCounts(
        received=received, valid=received if valid is None else valid
    )
    return score_event(
        replace(HEALTHY, validity=counts, **changes),
        scope=HealthScope(event=key, source=source),
        window=window,
    )


def _healthy(key, received=1000, **changes):
    return _event(key, received=received, **changes)  # 100, A


def _c_grade(key, received=1000, **changes):
    return _event(
        key, received=received, valid=round(received * 0.7), **changes
    )  # 65, C


def _silent(key):
    return _event(key, received=0, arrival=CRITICAL_SILENCE)  # 20 (critical silence), F


def _learning(key):
    return _event(key, received=5, history_days=2)  # N/A


def test_the_plan_score_is_the_traffic_weighted_mean_of_its_events():
    health = plan_health([_healthy("a", 3000), _c_grade("b", 1000)], window=WINDOW)

    # (100 × 3000 + 65 × 1000) / 4000; an unweighted mean would say 82.5
    assert health == PlanHealth(
        window=WINDOW,
        score=91.25,
        grade=Grade.A,
        graded=2,
        learning=0,
        poor_events=(),
    )


def test_the_plan_counts_its_d_and_f_events_and_a_silent_event_still_weighs():
    health = plan_health(
        [_healthy("a", 3000), _c_grade("b", 1000), _silent("c")], window=WINDOW
    )

    # the silent event received nothing and weighs 1: (300000 + 65000 + 20) / 4001
    assert (health.score, health.poor, health.poor_events) == (91.23, 1, ("c",))


def test_learning_events_are_left_out_of_the_plan_score_and_counted_apart():
    health = plan_health([_c_grade("b"), _learning("new")], window=WINDOW)

    assert (health.score, health.graded, health.learning) == (65.0, 1, 1)


def test_a_plan_with_only_learning_events_is_not_graded():
    health = plan_health([_learning("new")], window=WINDOW)

    assert (health.score, health.grade, health.learning) == (None, Grade.NA, 1)


def test_a_plan_with_no_events_is_not_graded():
    assert plan_health([], window=WINDOW).grade is Grade.NA


def test_the_plan_refuses_an_event_of_another_window():
    with pytest.raises(ValueError, match="another window"):
        plan_health([_healthy("a"), _event("b", window=OTHER_WINDOW)], window=WINDOW)


def test_the_plan_refuses_two_healths_of_one_scope():
    with pytest.raises(ValueError, match="two healths"):
        plan_health([_healthy("a"), _c_grade("a")], window=WINDOW)


def test_the_plan_rolls_up_one_source_scope_per_event():
    health = plan_health(
        [_healthy("a", source="iOS"), _c_grade("b", source="iOS")], window=WINDOW
    )

    assert health.graded == 2


def test_the_plan_refuses_to_mix_all_source_and_single_source_healths():
    with pytest.raises(ValueError, match="cannot be rolled up together"):
        plan_health([_healthy("a"), _healthy("b", source="iOS")], window=WINDOW)


def test_a_metric_is_as_healthy_as_its_weakest_dependency():
    events = {"a": _healthy("a"), "b": _c_grade("b")}

    health = metric_health(
        "buyers", dependencies=["a", "b"], events=events, window=WINDOW
    )

    assert health == MetricHealth(
        metric="buyers",
        window=WINDOW,
        score=65.0,
        grade=Grade.C,
        weakest="b",
        at_risk=False,
        reasons=(),
    )


def test_a_metric_becomes_at_risk_when_a_dependency_breaks_and_says_which():
    healthy = {"a": _healthy("a"), "c": _healthy("c")}
    broken = healthy | {"c": _silent("c")}

    before = metric_health(
        "orders", dependencies=["a", "c"], events=healthy, window=WINDOW
    )
    after = metric_health(
        "orders", dependencies=["a", "c"], events=broken, window=WINDOW
    )

    assert (before.at_risk, before.reasons) == (False, ())
    assert (after.at_risk, after.weakest, after.grade) == (True, "c", Grade.F)
    assert after.reasons == (
        RiskReason(code=RiskCode.POOR_GRADE, event="c", grade=Grade.F, score=20.0),
    )


def test_an_open_critical_alert_on_a_dependency_puts_the_metric_at_risk_naming_it():
    events = {"a": _healthy("a"), "b": _event("b", open_critical_alerts=("volume",))}

    health = metric_health(
        "orders", dependencies=["b", "a"], events=events, window=WINDOW
    )

    assert health.at_risk
    assert health.reasons == (
        RiskReason(code=RiskCode.POOR_GRADE, event="b", grade=Grade.D, score=59.0),
        RiskReason(
            code=RiskCode.OPEN_CRITICAL_ALERT,
            event="b",
            grade=Grade.D,
            score=59.0,
            alerts=("volume",),
        ),
    )


def test_every_broken_dependency_is_a_reason_in_key_order():
    events = {"z": _silent("z"), "m": _healthy("m"), "b": _silent("b")}

    health = metric_health("orders", dependencies=events, events=events, window=WINDOW)

    assert [r.event for r in health.reasons] == ["b", "z"]


def test_a_metric_on_c_grade_dependencies_is_not_at_risk():
    events = {"b": _c_grade("b")}

    health = metric_health("orders", dependencies=["b"], events=events, window=WINDOW)

    assert (health.grade, health.at_risk) == (Grade.C, False)


def test_learning_dependencies_are_not_the_weakest_link():
    events = {"a": _c_grade("a"), "new": _learning("new")}

    health = metric_health("orders", dependencies=events, events=events, window=WINDOW)

    assert (health.weakest, health.score, health.at_risk) == ("a", 65.0, False)


def test_a_metric_whose_dependencies_all_learn_is_not_graded_nor_at_risk():
    events = {"new": _learning("new")}

    health = metric_health("orders", dependencies=["new"], events=events, window=WINDOW)

    assert (health.score, health.grade, health.weakest, health.at_risk) == (
        None,
        Grade.NA,
        None,
        False,
    )


def test_dependencies_without_a_health_are_listed_as_unscored():
    events = {"a": _healthy("a")}

    health = metric_health(
        "orders", dependencies=["a", "gone", "gone"], events=events, window=WINDOW
    )

    assert (health.weakest, health.unscored) == ("a", ("gone",))


def test_every_metric_of_a_lineage_is_rolled_up_in_key_order():
    events = {"a": _healthy("a"), "c": _silent("c")}
    lineage = {"revenue": ["a"], "orders": ["a", "c"]}

    healths = metrics_health(lineage, events=events, window=WINDOW)

    assert [(h.metric, h.at_risk) for h in healths] == [
        ("orders", True),
        ("revenue", False),
    ]


def test_a_metric_refuses_a_dependency_of_another_window():
    events = {"a": _event("a", window=OTHER_WINDOW)}

    with pytest.raises(ValueError, match="another window"):
        metric_health("orders", dependencies=["a"], events=events, window=WINDOW)
