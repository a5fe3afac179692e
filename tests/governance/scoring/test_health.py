"""An event's score: the weights, renormalisation, caps and which wins, grades, learning."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from governance.scoring.components import (
    ArrivalGap,
    Component,
    NotApplicable,
    ValidityCounts,
)
from governance.scoring.health import (
    Cap,
    CapRule,
    Grade,
    Granularity,
    HealthWindow,
    grade_for,
    score_event,
)
from tests.governance.scoring.figures import (
    COVERAGE_0,
    CRITICAL_SILENCE,
    FEW,
    FRESHNESS_50,
    HEALTHY,
    LEAK,
    SCOPE,
    START,
    VALIDITY_0,
    VALIDITY_60,
    VOLUME_0,
    VOLUME_40,
    WINDOW,
)


def _score(**changes):
    return score_event(replace(HEALTHY, **changes), scope=SCOPE, window=WINDOW)


def test_a_healthy_event_scores_100_with_an_a_and_no_cap():
    health = _score()

    assert (health.score, health.grade, health.cap, health.caps) == (
        100.0,
        Grade.A,
        None,
        (),
    )


def test_the_stored_shape_keeps_the_five_components_in_order_with_their_figures():
    health = _score(validity=VALIDITY_60)

    assert [(c.component, c.score, c.figures) for c in health.components] == [
        (Component.VALIDITY, 60.0, VALIDITY_60),
        (Component.VOLUME, 100.0, HEALTHY.volume),
        (Component.FRESHNESS, 100.0, HEALTHY.arrival),
        (Component.COVERAGE, 100.0, HEALTHY.coverage),
        (Component.PRIVACY, 100.0, HEALTHY.privacy),
    ]
    assert (health.scope, health.window, health.received) == (SCOPE, WINDOW, 1000)


@pytest.mark.parametrize(
    ("changes", "score", "grade"),
    [
        pytest.param(
            {"validity": VALIDITY_0}, 65.0, Grade.C, id="validity-weighs-0.35"
        ),
        pytest.param({"volume": VOLUME_0}, 75.0, Grade.B, id="volume-weighs-0.25"),
        pytest.param(
            {"arrival": FRESHNESS_50}, 90.0, Grade.A, id="freshness-weighs-0.20"
        ),
        pytest.param(
            {"coverage": COVERAGE_0}, 90.0, Grade.A, id="coverage-weighs-0.10"
        ),
        pytest.param(
            {"validity": VALIDITY_60, "volume": VOLUME_40},
            71.0,
            Grade.C,
            id="weighted-sum-of-two",
        ),
        pytest.param(
            {"validity": VALIDITY_0, "volume": VOLUME_0, "arrival": FRESHNESS_50},
            30.0,
            Grade.F,
            id="weighted-sum-of-three",
        ),
    ],
)
def test_the_score_is_the_weighted_sum_of_the_components(changes, score, grade):
    health = _score(**changes)

    assert (health.score, health.grade, health.cap) == (score, grade, None)


@pytest.mark.parametrize(
    ("changes", "score", "cap", "caps"),
    [
        pytest.param(
            {"privacy": LEAK},
            40.0,
            Cap(rule=CapRule.PERSONAL_DATA, uncapped=90.0),
            (CapRule.PERSONAL_DATA,),
            id="personal-data-caps-at-40",
        ),
        pytest.param(
            {"arrival": CRITICAL_SILENCE},
            20.0,
            Cap(rule=CapRule.CRITICAL_SILENCE, uncapped=80.0),
            (CapRule.CRITICAL_SILENCE,),
            id="critical-silence-caps-at-20",
        ),
        pytest.param(
            {"open_critical_alerts": ("validity",)},
            59.0,
            Cap(rule=CapRule.OPEN_CRITICAL_ALERT, uncapped=100.0),
            (CapRule.OPEN_CRITICAL_ALERT,),
            id="open-critical-alert-caps-at-59",
        ),
        pytest.param(
            {"privacy": LEAK, "open_critical_alerts": ("personal_data",)},
            40.0,
            Cap(rule=CapRule.PERSONAL_DATA, uncapped=90.0),
            (CapRule.PERSONAL_DATA, CapRule.OPEN_CRITICAL_ALERT),
            id="personal-data-wins-over-alert",
        ),
        pytest.param(
            {
                "privacy": LEAK,
                "arrival": CRITICAL_SILENCE,
                "open_critical_alerts": ("silence", "personal_data"),
            },
            20.0,
            Cap(rule=CapRule.CRITICAL_SILENCE, uncapped=70.0),
            (
                CapRule.CRITICAL_SILENCE,
                CapRule.PERSONAL_DATA,
                CapRule.OPEN_CRITICAL_ALERT,
            ),
            id="silence-wins-over-all",
        ),
    ],
)
def test_the_lowest_applicable_cap_wins_and_names_its_rule(changes, score, cap, caps):
    health = _score(**changes)

    assert (health.score, health.cap, health.caps) == (score, cap, caps)
    assert health.cap.binding


def test_a_cap_above_the_score_is_kept_but_does_not_bind():
    health = _score(
        validity=VALIDITY_0, volume=VOLUME_0, open_critical_alerts=("volume",)
    )

    assert (health.score, health.grade) == (40.0, Grade.D)
    assert health.cap == Cap(rule=CapRule.OPEN_CRITICAL_ALERT, uncapped=40.0)
    assert not health.cap.binding


def test_a_short_gap_at_a_high_rate_is_no_critical_silence():
    health = _score(
        arrival=ArrivalGap(expected_per_minute=100.0, minutes_since_seen=10.0)
    )

    assert (health.score, health.caps) == (100.0, ())


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        pytest.param(100.0, Grade.A, id="100-A"),
        pytest.param(90.0, Grade.A, id="90-A"),
        pytest.param(89.99, Grade.B, id="89.99-B"),
        pytest.param(75.0, Grade.B, id="75-B"),
        pytest.param(74.99, Grade.C, id="74.99-C"),
        pytest.param(60.0, Grade.C, id="60-C"),
        pytest.param(59.99, Grade.D, id="59.99-D"),
        pytest.param(40.0, Grade.D, id="40-D"),
        pytest.param(39.99, Grade.F, id="39.99-F"),
        pytest.param(0.0, Grade.F, id="0-F"),
        pytest.param(None, Grade.NA, id="no-score-NA"),
    ],
)
def test_grades_start_at_their_floor(score, grade):
    assert grade_for(score) is grade


def test_a_score_of_exactly_90_from_components_is_an_a():
    health = _score(coverage=COVERAGE_0)

    assert (health.score, health.grade) == (90.0, Grade.A)


@pytest.mark.parametrize("grade", [Grade.D, Grade.F], ids=["D", "F"])
def test_d_and_f_are_poor_grades(grade):
    assert grade.is_poor


@pytest.mark.parametrize(
    "grade", [Grade.A, Grade.B, Grade.C, Grade.NA], ids=["A", "B", "C", "NA"]
)
def test_other_grades_are_not_poor(grade):
    assert not grade.is_poor


def test_too_few_samples_and_a_short_history_is_learning_with_the_counts_shown():
    health = _score(validity=FEW, history_days=6.9)

    assert (health.score, health.grade, health.learning, health.cap) == (
        None,
        Grade.NA,
        True,
        None,
    )
    assert [(c.component, c.not_applicable) for c in health.components] == [
        (Component.VALIDITY, NotApplicable.TOO_FEW_SAMPLES),
        (Component.VOLUME, NotApplicable.LEARNING),
        (Component.FRESHNESS, NotApplicable.LEARNING),
        (Component.COVERAGE, None),
        (Component.PRIVACY, None),
    ]
    assert health.component(Component.VALIDITY).figures == FEW
    assert health.received == 19


def test_a_new_event_with_traffic_is_graded_on_validity_coverage_and_privacy():
    health = _score(validity=ValidityCounts(received=20, valid=0), history_days=0.5)

    # (0 × 0.35 + 100 × 0.10 + 100 × 0.10) / 0.55
    assert (health.score, health.grade) == (36.36, Grade.F)


def test_a_rare_event_with_a_baseline_is_graded_on_volume_freshness_coverage_privacy():
    health = _score(validity=ValidityCounts(received=3, valid=0), volume=VOLUME_0)

    # (0 × 0.25 + 100 × 0.20 + 100 × 0.10 + 100 × 0.10) / 0.65
    assert (health.score, health.grade) == (61.54, Grade.C)


@pytest.mark.parametrize(
    ("history_days", "learning"),
    [
        pytest.param(6.99, True, id="under-7-days"),
        pytest.param(7.0, False, id="exactly-7-days"),
    ],
)
def test_the_baseline_needs_seven_days_of_history(history_days, learning):
    health = _score(validity=FEW, history_days=history_days)

    assert health.learning is learning


def test_volume_and_silence_figures_are_ignored_while_the_baseline_learns():
    health = _score(
        validity=VALIDITY_60, volume=VOLUME_0, arrival=CRITICAL_SILENCE, history_days=3
    )

    # (60 × 0.35 + 100 × 0.10 + 100 × 0.10) / 0.55; no critical-silence cap
    assert (health.score, health.caps) == (74.55, ())
    assert health.component(Component.VOLUME).figures is None


def test_a_personal_data_finding_overrides_learning_and_caps():
    health = _score(validity=FEW, history_days=1, privacy=LEAK)

    # (0 × 0.10 + 100 × 0.10) / 0.20 = 50, capped at 40
    assert (health.score, health.grade, health.learning) == (40.0, Grade.D, False)
    assert health.cap == Cap(rule=CapRule.PERSONAL_DATA, uncapped=50.0)


def test_an_open_critical_alert_overrides_learning_and_caps():
    health = _score(
        validity=FEW, history_days=1, open_critical_alerts=("new_violation",)
    )

    assert (health.score, health.grade) == (59.0, Grade.D)


def test_a_window_must_span_its_granularity():
    with pytest.raises(ValueError, match="24h"):
        HealthWindow(
            start=START, end=START + timedelta(hours=1), granularity=Granularity.REPORT
        )


def test_a_window_must_be_timezone_aware():
    naive = datetime(2024, 5, 18, 1, 0)  # noqa: DTZ001

    with pytest.raises(ValueError, match="timezone"):
        HealthWindow(
            start=naive, end=naive + timedelta(hours=1), granularity=Granularity.LIVE
        )
