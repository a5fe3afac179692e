"""Health in plain words: why an event scored what it did, why a metric is at risk.

Pure. The explanation is data first: a tuple of `Message` (a stable `code` plus the figures
it quotes), the form an API returns and a store keeps; `render` turns one into English and
Simplified Chinese (`Words`) from the one table below. Every sentence scoring shows comes from
this table, so the two languages never drift apart.

An event's explanation says, in order: that it is learning (with its raw counts), the cap that
applies, then each component below 100, the one costing the most points first, then the
components that were not scored and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from governance.scoring.components import (
    MIN_VALIDITY_SAMPLES,
    ArrivalGap,
    Component,
    ComponentScore,
    CoverageCounts,
    NotApplicable,
    PersonalDataFindings,
    ValidityCounts,
    VolumeDeviation,
)
from governance.scoring.health import (
    MIN_BASELINE_DAYS,
    CapRule,
    EventHealth,
    effective_weights,
)
from governance.scoring.rollups import MetricHealth, RiskCode, RiskReason

Param = str | int | float


class MessageCode(StrEnum):
    LEARNING = "learning"
    CAPPED = "capped"  # the cap lowered the score
    CAP_CEILING = "cap_ceiling"  # a cap applies but the score was already below it
    VALIDITY_LOW = "validity_low"
    VOLUME_OFF = "volume_off"
    FRESHNESS_LOW = "freshness_low"
    COVERAGE_LOW = "coverage_low"
    PERSONAL_DATA = "personal_data"
    NOT_SCORED = "not_scored"
    WEAKEST_DEPENDENCY = "weakest_dependency"
    DEPENDENCY_POOR_GRADE = RiskCode.POOR_GRADE.value
    DEPENDENCY_OPEN_CRITICAL_ALERT = RiskCode.OPEN_CRITICAL_ALERT.value


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """One sentence as data: `code` is stable (clients match on it), `params` its figures."""

    code: MessageCode
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Words:
    en: str
    zh: str


def explain_event(health: EventHealth) -> tuple[Message, ...]:
    """Why the event has its score (or is learning); the costliest component first."""
    messages = []
    if health.learning:
        messages.append(_learning(health))
    if health.cap is not None:
        cap = health.cap
        code = MessageCode.CAPPED if cap.binding else MessageCode.CAP_CEILING
        messages.append(
            Message(
                code=code,
                params={"rule": cap.rule, "limit": cap.limit, "uncapped": cap.uncapped},
            )
        )
    messages += _components_below_full(health)
    messages += [_not_scored(c) for c in health.components if not c.applicable]
    return tuple(messages)


def explain_metric(health: MetricHealth) -> tuple[Message, ...]:
    """The weakest dependency, then every reason the metric is at risk."""
    messages = []
    if health.weakest is not None and health.score is not None:
        messages.append(
            Message(
                code=MessageCode.WEAKEST_DEPENDENCY,
                params={
                    "event": health.weakest,
                    "grade": health.grade,
                    "score": health.score,
                },
            )
        )
    return (*messages, *(risk_message(reason) for reason in health.reasons))


def risk_message(reason: RiskReason) -> Message:
    if reason.code is RiskCode.OPEN_CRITICAL_ALERT:
        return Message(
            code=MessageCode.DEPENDENCY_OPEN_CRITICAL_ALERT,
            params={"event": reason.event, "alerts": ", ".join(reason.alerts)},
        )
    return Message(
        code=MessageCode.DEPENDENCY_POOR_GRADE,
        params={
            "event": reason.event,
            "grade": reason.grade,
            "score": reason.score if reason.score is not None else 0.0,
        },
    )


def render(message: Message) -> Words:
    """The message in English and Simplified Chinese."""
    en, zh = _TEXT[message.code]
    return Words(
        en=en.format(**_localised(message.params, _EN)),
        zh=zh.format(**_localised(message.params, _ZH)),
    )


def _learning(health: EventHealth) -> Message:
    return Message(
        code=MessageCode.LEARNING,
        params={
            "received": health.received,
            "history_days": round(health.history_days, 1),
            "min_samples": MIN_VALIDITY_SAMPLES,
            "min_days": round(MIN_BASELINE_DAYS),
        },
    )


def _components_below_full(health: EventHealth) -> list[Message]:
    weights = effective_weights(health.components)
    costs = [
        (weights[c.component] * (100.0 - c.score), c)
        for c in health.components
        if c.score is not None and c.score < 100.0
    ]
    costs.sort(key=lambda pair: -pair[0])
    return [_component(c, lost=round(lost, 1)) for lost, c in costs]


def _component(c: ComponentScore, *, lost: float) -> Message:
    params: dict[str, Param] = {"score": c.score or 0.0, "lost": lost}
    figures = c.figures
    if isinstance(figures, ValidityCounts):
        params |= {
            "share": figures.valid_share or 0.0,
            "valid": figures.valid,
            "received": figures.received,
        }
        return Message(code=MessageCode.VALIDITY_LOW, params=params)
    if isinstance(figures, VolumeDeviation):
        params |= {"z": abs(figures.worst_z), "change": figures.change}
        return Message(code=MessageCode.VOLUME_OFF, params=params)
    if isinstance(figures, ArrivalGap):
        params |= {
            "minutes": figures.minutes_since_seen,
            "expected": figures.expected_missing,
        }
        return Message(code=MessageCode.FRESHNESS_LOW, params=params)
    if isinstance(figures, CoverageCounts):
        params |= {"seen": figures.seen, "expected": figures.expected}
        return Message(code=MessageCode.COVERAGE_LOW, params=params)
    count = figures.count if isinstance(figures, PersonalDataFindings) else 0
    return Message(code=MessageCode.PERSONAL_DATA, params=params | {"findings": count})


def _not_scored(c: ComponentScore) -> Message:
    reason = c.not_applicable or NotApplicable.LEARNING
    return Message(
        code=MessageCode.NOT_SCORED,
        params={"component": c.component, "reason": reason},
    )


def _localised(
    params: Mapping[str, Param], names: Mapping[str, str]
) -> dict[str, Param]:
    """The params naming a component, a reason or a cap rule, as words."""
    return {
        key: names.get(str(value), value) if key in _NAMED else value
        for key, value in params.items()
    }


_NAMED = frozenset({"component", "reason", "rule"})


_EN: dict[str, str] = {
    Component.VALIDITY: "Validity",
    Component.VOLUME: "Volume",
    Component.FRESHNESS: "Freshness",
    Component.COVERAGE: "Coverage",
    Component.PRIVACY: "Privacy",
    NotApplicable.TOO_FEW_SAMPLES: f"fewer than {MIN_VALIDITY_SAMPLES} samples",
    NotApplicable.LEARNING: "learning the baseline",
    NotApplicable.NOTHING_EXPECTED: "no source or app version expected",
    CapRule.PERSONAL_DATA: "a personal-data finding",
    CapRule.CRITICAL_SILENCE: "a critical silence",
    CapRule.OPEN_CRITICAL_ALERT: "an open critical alert",
}
_ZH: dict[str, str] = {
    Component.VALIDITY: "有效性",
    Component.VOLUME: "数据量",
    Component.FRESHNESS: "新鲜度",
    Component.COVERAGE: "覆盖度",
    Component.PRIVACY: "隐私",
    NotApplicable.TOO_FEW_SAMPLES: f"样本少于 {MIN_VALIDITY_SAMPLES} 条",
    NotApplicable.LEARNING: "基线学习中",
    NotApplicable.NOTHING_EXPECTED: "没有预期的来源或应用版本",
    CapRule.PERSONAL_DATA: "发现个人信息",
    CapRule.CRITICAL_SILENCE: "严重静默",
    CapRule.OPEN_CRITICAL_ALERT: "存在未关闭的严重告警",
}

_TEXT = {
    MessageCode.LEARNING: (
        "Learning: {received} samples in this window and {history_days:g} days of "
        "history; a grade needs {min_samples} samples or {min_days} days.",
        "学习中：本窗口 {received} 条样本，历史 {history_days:g} 天；"
        "评分需要 {min_samples} 条样本或 {min_days} 天历史。",
    ),
    MessageCode.CAPPED: (
        "Capped at {limit:g} by {rule} (otherwise {uncapped:g}).",
        "因{rule}，最高 {limit:g} 分（否则为 {uncapped:g} 分）。",
    ),
    MessageCode.CAP_CEILING: (
        "At most {limit:g} while there is {rule}.",
        "因{rule}，最高 {limit:g} 分。",
    ),
    MessageCode.VALIDITY_LOW: (
        "Validity {score:g}: {share:.2%} valid ({valid} of {received} samples); "
        "costs {lost:g} points.",
        "有效性 {score:g}：有效率 {share:.2%}（{received} 条样本中 {valid} 条有效）；"
        "扣 {lost:g} 分。",
    ),
    MessageCode.VOLUME_OFF: (
        "Volume {score:g}: the worst bucket was {change:+.0%} against its expected "
        "volume (|z| = {z:.1f}); costs {lost:g} points.",
        "数据量 {score:g}：最异常的时段较预期 {change:+.0%}（|z| = {z:.1f}）；扣 {lost:g} 分。",
    ),
    MessageCode.FRESHNESS_LOW: (
        "Freshness {score:g}: not seen for {minutes:.0f} min while about {expected:.1f} "
        "samples were expected; costs {lost:g} points.",
        "新鲜度 {score:g}：已 {minutes:.0f} 分钟未收到，期间预计约 {expected:.1f} 条；"
        "扣 {lost:g} 分。",
    ),
    MessageCode.COVERAGE_LOW: (
        "Coverage {score:g}: seen on {seen} of {expected} expected source × app-version "
        "pairs; costs {lost:g} points.",
        "覆盖度 {score:g}：预期的 {expected} 个来源 × 应用版本组合中出现在 {seen} 个；"
        "扣 {lost:g} 分。",
    ),
    MessageCode.PERSONAL_DATA: (
        "Privacy {score:g}: personal data found {findings} times in properties not "
        "classed personal; costs {lost:g} points.",
        "隐私 {score:g}：在未标记为个人信息的属性中发现个人信息 {findings} 次；扣 {lost:g} 分。",
    ),
    MessageCode.NOT_SCORED: (
        "{component} not scored: {reason}.",
        "{component}未评分：{reason}。",
    ),
    MessageCode.WEAKEST_DEPENDENCY: (
        "Weakest dependency: {event}, graded {grade} ({score:g}).",
        "最薄弱的依赖：{event}，评级 {grade}（{score:g} 分）。",
    ),
    MessageCode.DEPENDENCY_POOR_GRADE: (
        "At risk: depends on {event}, graded {grade} ({score:g}).",
        "有风险：依赖的事件 {event} 评级为 {grade}（{score:g} 分）。",
    ),
    MessageCode.DEPENDENCY_OPEN_CRITICAL_ALERT: (
        "At risk: depends on {event}, which has an open critical alert ({alerts}).",
        "有风险：依赖的事件 {event} 有未关闭的严重告警（{alerts}）。",
    ),
}
