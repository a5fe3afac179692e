"""Health rolled up from events: a plan's traffic-weighted score, a metric's weakest link.

Pure. Both take `EventHealth` values of one window. A metric's dependencies come in as plain
data (metric key → the event keys of its lineage, e.g. `tracking.metrics.lineage`'s
`metric_lineage(key, catalog).events`), so this module never reads the registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from governance.scoring.health import EventHealth, Grade, HealthWindow, grade_for


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanHealth:
    """A plan over one window. `score` is None (grade N/A) when no event could be graded.

    `poor_events` are the D and F events (scope event keys, sorted); `learning` counts the
    N/A events, which take no part in the score.
    """

    window: HealthWindow
    score: float | None
    grade: Grade
    graded: int
    learning: int
    poor_events: tuple[str, ...]

    @property
    def poor(self) -> int:
        return len(self.poor_events)


class RiskCode(StrEnum):
    POOR_GRADE = "dependency_poor_grade"
    OPEN_CRITICAL_ALERT = "dependency_open_critical_alert"


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskReason:
    """Why a metric is at risk: one dependency and what is wrong with it."""

    code: RiskCode
    event: str
    grade: Grade
    score: float | None
    alerts: tuple[str, ...] = ()  # detectors of the open critical alerts


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricHealth:
    """A metric's health is its weakest graded dependency's.

    `score`/`grade` are the weakest's (None/N/A when no dependency is graded); `unscored`
    are dependencies with no health in the window (e.g. not in the plan's scored events).
    """

    metric: str
    window: HealthWindow
    score: float | None
    grade: Grade
    weakest: str | None
    at_risk: bool
    reasons: tuple[RiskReason, ...]
    unscored: tuple[str, ...] = ()


def plan_health(events: Iterable[EventHealth], *, window: HealthWindow) -> PlanHealth:
    """Traffic-weighted mean of the graded events' scores, plus the count of D/F events.

    Each event weighs its received samples, at least 1: a silent event still counts (and is
    counted among the poor ones) instead of vanishing from the mean. The events are all of one
    level: each over all sources, or each on the same source. Raises ValueError when an event
    is of another window, another level, or two events share a scope.
    """
    healths = _checked(events, window)
    graded = [h for h in healths if h.score is not None]
    score = _traffic_weighted_mean(graded)
    return PlanHealth(
        window=window,
        score=score,
        grade=grade_for(score),
        graded=len(graded),
        learning=len(healths) - len(graded),
        poor_events=tuple(sorted(h.scope.event for h in graded if h.grade.is_poor)),
    )


def _traffic_weighted_mean(graded: list[EventHealth]) -> float | None:
    weighted = [(max(h.received, 1), h.score) for h in graded if h.score is not None]
    if not weighted:
        return None
    total = sum(weight for weight, _ in weighted)
    return round(sum(weight * score for weight, score in weighted) / total, 2)


def metric_health(
    metric: str,
    *,
    dependencies: Iterable[str],
    events: Mapping[str, EventHealth],
    window: HealthWindow,
) -> MetricHealth:
    """The metric's weakest dependency, and at risk when any dependency is D/F or has an open
    critical alert (each such dependency is a reason, in dependency key order)."""
    keys = sorted(set(dependencies))
    found = [events[key] for key in keys if key in events]
    for health in found:
        _check_window(health, window)
    graded = [h for h in found if h.score is not None]
    weakest = min(graded, key=lambda h: (h.score or 0.0, h.scope.event), default=None)
    reasons = tuple(r for h in found for r in _reasons(h))
    return MetricHealth(
        metric=metric,
        window=window,
        score=weakest.score if weakest else None,
        grade=weakest.grade if weakest else Grade.NA,
        weakest=weakest.scope.event if weakest else None,
        at_risk=bool(reasons),
        reasons=reasons,
        unscored=tuple(key for key in keys if key not in events),
    )


def metrics_health(
    lineage: Mapping[str, Iterable[str]],
    *,
    events: Mapping[str, EventHealth],
    window: HealthWindow,
) -> tuple[MetricHealth, ...]:
    """`metric_health` for every metric of `lineage` (metric key → event keys), by key."""
    return tuple(
        metric_health(key, dependencies=lineage[key], events=events, window=window)
        for key in sorted(lineage)
    )


def _reasons(health: EventHealth) -> tuple[RiskReason, ...]:
    reasons = []
    if health.grade.is_poor:
        reasons.append(_reason(RiskCode.POOR_GRADE, health))
    if health.open_critical_alerts:
        reasons.append(_reason(RiskCode.OPEN_CRITICAL_ALERT, health))
    return tuple(reasons)


def _reason(code: RiskCode, health: EventHealth) -> RiskReason:
    return RiskReason(
        code=code,
        event=health.scope.event,
        grade=health.grade,
        score=health.score,
        alerts=health.open_critical_alerts
        if code is RiskCode.OPEN_CRITICAL_ALERT
        else (),
    )


def _checked(events: Iterable[EventHealth], window: HealthWindow) -> list[EventHealth]:
    healths = list(events)
    if len({h.scope.source for h in healths}) > 1:
        msg = (
            "events over all sources and on single sources cannot be rolled up together"
        )
        raise ValueError(msg)
    scopes = set()
    for health in healths:
        _check_window(health, window)
        if health.scope in scopes:
            msg = f"two healths for the scope {health.scope}"
            raise ValueError(msg)
        scopes.add(health.scope)
    return healths


def _check_window(health: EventHealth, window: HealthWindow) -> None:
    if health.window != window:
        msg = f"{health.scope.event} is scored over another window than {window}"
        raise ValueError(msg)
