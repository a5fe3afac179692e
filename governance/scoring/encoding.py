"""The JSON shapes health is stored and served in, and the way back to the dataclasses.

Pure. `event_health_to_json` / `event_health_from_json` round-trip an `EventHealth` exactly
(a JSON column keeps components, raw figures and the cap rule); derived figures (`valid_share`,
`expected_missing`) are written for readers and recomputed on the way back. Plan and metric
roll-ups are written only: they are recomputed from event healths.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from governance.scoring.components import (
    ArrivalGap,
    Component,
    ComponentScore,
    CoverageCounts,
    Figures,
    NotApplicable,
    PersonalDataFindings,
    ValidityCounts,
    VolumeDeviation,
)
from governance.scoring.health import (
    Cap,
    CapRule,
    EventHealth,
    Grade,
    Granularity,
    HealthScope,
    HealthWindow,
)
from governance.scoring.rollups import MetricHealth, PlanHealth


class ValidityJSON(TypedDict):
    received: int
    valid: int
    valid_share: float | None


class VolumeJSON(TypedDict):
    worst_z: float
    change: float


class ArrivalJSON(TypedDict):
    expected_per_minute: float
    minutes_since_seen: float
    expected_missing: float


class CoverageJSON(TypedDict):
    expected: int
    seen: int


class PrivacyJSON(TypedDict):
    count: int


FiguresJSON = ValidityJSON | VolumeJSON | ArrivalJSON | CoverageJSON | PrivacyJSON


class ComponentJSON(TypedDict):
    component: str
    score: float | None
    figures: FiguresJSON | None
    not_applicable: str | None


class CapJSON(TypedDict):
    rule: str
    limit: float
    uncapped: float


class WindowJSON(TypedDict):
    start: str
    end: str
    granularity: str


class EventHealthJSON(TypedDict):
    event: str
    source: str | None
    window: WindowJSON
    score: float | None
    grade: str
    components: list[ComponentJSON]
    cap: CapJSON | None
    caps: list[str]
    history_days: float
    open_critical_alerts: list[str]


class PlanHealthJSON(TypedDict):
    window: WindowJSON
    score: float | None
    grade: str
    graded: int
    learning: int
    poor: int
    poor_events: list[str]


class RiskReasonJSON(TypedDict):
    code: str
    event: str
    grade: str
    score: float | None
    alerts: list[str]


class MetricHealthJSON(TypedDict):
    metric: str
    window: WindowJSON
    score: float | None
    grade: str
    weakest: str | None
    at_risk: bool
    reasons: list[RiskReasonJSON]
    unscored: list[str]


def event_health_to_json(health: EventHealth) -> EventHealthJSON:
    cap = health.cap
    return {
        "event": health.scope.event,
        "source": health.scope.source,
        "window": window_to_json(health.window),
        "score": health.score,
        "grade": str(health.grade),
        "components": [_component_to_json(c) for c in health.components],
        "cap": {"rule": str(cap.rule), "limit": cap.limit, "uncapped": cap.uncapped}
        if cap
        else None,
        "caps": [str(rule) for rule in health.caps],
        "history_days": health.history_days,
        "open_critical_alerts": list(health.open_critical_alerts),
    }


def event_health_from_json(data: EventHealthJSON) -> EventHealth:
    """Raises ValueError on an unknown grade, component, reason or rule."""
    cap = data["cap"]
    return EventHealth(
        scope=HealthScope(event=data["event"], source=data["source"]),
        window=window_from_json(data["window"]),
        score=data["score"],
        grade=Grade(data["grade"]),
        components=tuple(_component_from_json(c) for c in data["components"]),
        cap=Cap(rule=CapRule(cap["rule"]), uncapped=cap["uncapped"]) if cap else None,
        caps=tuple(CapRule(rule) for rule in data["caps"]),
        history_days=data["history_days"],
        open_critical_alerts=tuple(data["open_critical_alerts"]),
    )


def plan_health_to_json(health: PlanHealth) -> PlanHealthJSON:
    return {
        "window": window_to_json(health.window),
        "score": health.score,
        "grade": str(health.grade),
        "graded": health.graded,
        "learning": health.learning,
        "poor": health.poor,
        "poor_events": list(health.poor_events),
    }


def metric_health_to_json(health: MetricHealth) -> MetricHealthJSON:
    return {
        "metric": health.metric,
        "window": window_to_json(health.window),
        "score": health.score,
        "grade": str(health.grade),
        "weakest": health.weakest,
        "at_risk": health.at_risk,
        "reasons": [
            {
                "code": str(r.code),
                "event": r.event,
                "grade": str(r.grade),
                "score": r.score,
                "alerts": list(r.alerts),
            }
            for r in health.reasons
        ],
        "unscored": list(health.unscored),
    }


def window_to_json(window: HealthWindow) -> WindowJSON:
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "granularity": str(window.granularity),
    }


def window_from_json(data: WindowJSON) -> HealthWindow:
    return HealthWindow(
        start=datetime.fromisoformat(data["start"]),
        end=datetime.fromisoformat(data["end"]),
        granularity=Granularity(data["granularity"]),
    )


def _component_to_json(c: ComponentScore) -> ComponentJSON:
    return {
        "component": str(c.component),
        "score": c.score,
        "figures": _figures_to_json(c.figures),
        "not_applicable": str(c.not_applicable) if c.not_applicable else None,
    }


def _component_from_json(data: ComponentJSON) -> ComponentScore:
    component = Component(data["component"])
    figures = data["figures"]
    reason = data["not_applicable"]
    return ComponentScore(
        component=component,
        score=data["score"],
        figures=_figures_from_json(component, figures) if figures else None,
        not_applicable=NotApplicable(reason) if reason else None,
    )


def _figures_to_json(figures: Figures | None) -> FiguresJSON | None:
    if isinstance(figures, ValidityCounts):
        return {
            "received": figures.received,
            "valid": figures.valid,
            "valid_share": figures.valid_share,
        }
    if isinstance(figures, VolumeDeviation):
        return {"worst_z": figures.worst_z, "change": figures.change}
    if isinstance(figures, ArrivalGap):
        return {
            "expected_per_minute": figures.expected_per_minute,
            "minutes_since_seen": figures.minutes_since_seen,
            "expected_missing": figures.expected_missing,
        }
    if isinstance(figures, CoverageCounts):
        return {"expected": figures.expected, "seen": figures.seen}
    if isinstance(figures, PersonalDataFindings):
        return {"count": figures.count}
    return None


def _figures_from_json(component: Component, data: FiguresJSON) -> Figures:
    # TRICKY: the TypedDicts of a union cannot be told apart at run time; the component
    # says which one was written.
    raw: dict[str, object] = dict(data)
    match component:
        case Component.VALIDITY:
            return ValidityCounts(
                received=_int(raw, "received"), valid=_int(raw, "valid")
            )
        case Component.VOLUME:
            return VolumeDeviation(
                worst_z=_float(raw, "worst_z"), change=_float(raw, "change")
            )
        case Component.FRESHNESS:
            return ArrivalGap(
                expected_per_minute=_float(raw, "expected_per_minute"),
                minutes_since_seen=_float(raw, "minutes_since_seen"),
            )
        case Component.COVERAGE:
            return CoverageCounts(
                expected=_int(raw, "expected"), seen=_int(raw, "seen")
            )
        case Component.PRIVACY:
            return PersonalDataFindings(count=_int(raw, "count"))


def _int(raw: dict[str, object], key: str) -> int:
    value = raw[key]
    if not isinstance(value, int) or isinstance(value, bool):
        msg = f"{key} must be an integer, not {value!r}"
        raise ValueError(msg)
    return value


def _float(raw: dict[str, object], key: str) -> float:
    value = raw[key]
    if not isinstance(value, int | float) or isinstance(value, bool):
        msg = f"{key} must be a number, not {value!r}"
        raise ValueError(msg)
    return float(value)
