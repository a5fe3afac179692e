"""Explanations: which components pulled a score down, the cap, learning, metrics at risk."""

from __future__ import annotations

from dataclasses import replace

import pytest

from governance.scoring.components import (
    Component,
    NotApplicable,
)
from governance.scoring.explain import (
    Message,
    MessageCode,
    Words,
    explain_event,
    explain_metric,
    render,
)
from governance.scoring.health import CapRule, Grade, HealthScope, score_event
from governance.scoring.rollups import metric_health
from tests.governance.scoring.figures import (
    COVERAGE_0,
    CRITICAL_SILENCE,
    FEW,
    HEALTHY,
    LEAK,
    VALIDITY_0,
    VALIDITY_60,
    VOLUME_0,
    VOLUME_40,
    WINDOW,
)


def _health(key="Order Completed", **changes):
    return score_event(
        replace(HEALTHY, **changes), scope=HealthScope(event=key), window=WINDOW
    )


def test_a_healthy_event_needs_no_explanation():
    assert explain_event(_health()) == ()


def test_the_component_costing_most_points_comes_first():
    messages = explain_event(_health(validity=VALIDITY_60, volume=VOLUME_40))

    assert messages == (
        Message(
            code=MessageCode.VOLUME_OFF,
            params={"score": 40.0, "lost": 15.0, "z": 5.0, "change": -0.62},
        ),
        Message(
            code=MessageCode.VALIDITY_LOW,
            params={
                "score": 60.0,
                "lost": 14.0,
                "share": 0.95,
                "valid": 950,
                "received": 1000,
            },
        ),
    )


def test_points_lost_use_the_renormalised_weights():
    (message, *_) = explain_event(_health(validity=VALIDITY_0, history_days=3))

    # validity weighs 0.35 / 0.55 while volume and freshness learn
    assert (message.code, message.params["lost"]) == (MessageCode.VALIDITY_LOW, 63.6)


def test_a_binding_cap_is_explained_before_the_components_with_the_score_it_replaced():
    messages = explain_event(_health(privacy=LEAK))

    assert messages[0] == Message(
        code=MessageCode.CAPPED,
        params={"rule": CapRule.PERSONAL_DATA, "limit": 40.0, "uncapped": 90.0},
    )
    assert [m.code for m in messages[1:]] == [MessageCode.PERSONAL_DATA]


def test_a_cap_above_the_score_is_explained_as_a_ceiling():
    messages = explain_event(
        _health(validity=VALIDITY_0, volume=VOLUME_0, open_critical_alerts=("volume",))
    )

    assert messages[0].code is MessageCode.CAP_CEILING


def test_a_learning_event_shows_its_raw_counts_and_what_was_not_scored():
    messages = explain_event(_health(validity=FEW, history_days=2.5))

    assert messages == (
        Message(
            code=MessageCode.LEARNING,
            params={
                "received": 19,
                "history_days": 2.5,
                "min_samples": 20,
                "min_days": 7,
            },
        ),
        Message(
            code=MessageCode.NOT_SCORED,
            params={
                "component": Component.VALIDITY,
                "reason": NotApplicable.TOO_FEW_SAMPLES,
            },
        ),
        Message(
            code=MessageCode.NOT_SCORED,
            params={"component": Component.VOLUME, "reason": NotApplicable.LEARNING},
        ),
        Message(
            code=MessageCode.NOT_SCORED,
            params={"component": Component.FRESHNESS, "reason": NotApplicable.LEARNING},
        ),
    )


def test_an_event_explanation_reads_in_english_and_chinese():
    messages = explain_event(_health(arrival=CRITICAL_SILENCE, coverage=COVERAGE_0))

    assert [render(m) for m in messages] == [
        Words(
            en="Capped at 20 by a critical silence (otherwise 70).",
            zh="因严重静默，最高 20 分（否则为 70 分）。",
        ),
        Words(
            en="Freshness 0: not seen for 30 min while about 30.0 samples were "
            "expected; costs 20 points.",
            zh="新鲜度 0：已 30 分钟未收到，期间预计约 30.0 条；扣 20 分。",
        ),
        Words(
            en="Coverage 0: seen on 0 of 4 expected source × app-version pairs; "
            "costs 10 points.",
            zh="覆盖度 0：预期的 4 个来源 × 应用版本组合中出现在 0 个；扣 10 分。",
        ),
    ]


def test_a_not_scored_component_is_named_in_both_languages():
    message = Message(
        code=MessageCode.NOT_SCORED,
        params={
            "component": Component.VALIDITY,
            "reason": NotApplicable.TOO_FEW_SAMPLES,
        },
    )

    assert render(message) == Words(
        en="Validity not scored: fewer than 20 samples.",
        zh="有效性未评分：样本少于 20 条。",
    )


def test_an_event_key_that_spells_a_component_is_not_translated():
    message = Message(
        code=MessageCode.WEAKEST_DEPENDENCY,
        params={"event": "coverage", "grade": Grade.B, "score": 80.0},
    )

    assert render(message).zh == "最薄弱的依赖：coverage，评级 B（80 分）。"


def test_an_at_risk_metric_says_which_dependency_and_why_in_both_languages():
    events = {
        "Order Completed": _health("Order Completed"),
        "Product Viewed": _health("Product Viewed", open_critical_alerts=("silence",)),
    }
    health = metric_health(
        "conversion", dependencies=events, events=events, window=WINDOW
    )

    assert [render(m) for m in explain_metric(health)] == [
        Words(
            en="Weakest dependency: Product Viewed, graded D (59).",
            zh="最薄弱的依赖：Product Viewed，评级 D（59 分）。",
        ),
        Words(
            en="At risk: depends on Product Viewed, graded D (59).",
            zh="有风险：依赖的事件 Product Viewed 评级为 D（59 分）。",
        ),
        Words(
            en="At risk: depends on Product Viewed, which has an open critical alert "
            "(silence).",
            zh="有风险：依赖的事件 Product Viewed 有未关闭的严重告警（silence）。",
        ),
    ]


def test_a_metric_on_learning_dependencies_has_nothing_to_explain():
    events = {"new": _health("new", validity=FEW, history_days=1)}
    health = metric_health("orders", dependencies=events, events=events, window=WINDOW)

    assert explain_metric(health) == ()


EVERY_PARAM = {
    "received": 19,
    "history_days": 2.5,
    "min_samples": 20,
    "min_days": 7,
    "rule": CapRule.OPEN_CRITICAL_ALERT,
    "limit": 59.0,
    "uncapped": 80.0,
    "score": 60.0,
    "lost": 14.0,
    "share": 0.95,
    "valid": 18,
    "z": 5.0,
    "change": -0.5,
    "minutes": 30.0,
    "expected": 4,
    "seen": 2,
    "findings": 3,
    "component": Component.VOLUME,
    "reason": NotApplicable.LEARNING,
    "event": "Order Completed",
    "grade": Grade.F,
    "alerts": "silence",
}


@pytest.mark.parametrize("code", list(MessageCode), ids=str)
def test_every_message_has_words_in_both_languages(code):
    words = render(Message(code=code, params=EVERY_PARAM))

    assert words.en
    assert words.zh
    assert words.en != words.zh
