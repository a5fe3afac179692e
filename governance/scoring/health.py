"""One event's health over one window: the weighted score, its caps and its grade.

Pure. `score_event(figures, scope=…, window=…)` returns an `EventHealth`, the shape that is
stored (see `encoding`) and explained (see `explain`).

H = Σ wᵢSᵢ over the applicable components, the weights renormalised to sum to 1 when some are
not applicable. Then the caps: a personal-data finding caps at 40, a critical silence at 20,
any open critical alert at 59; the lowest applicable cap wins and is stored with its rule.

**Learning (N/A).** An event is graded N/A, with its raw counts shown, when neither of the two
statistics that need data can be judged:
- validity needs at least 20 samples in the window (`MIN_VALIDITY_SAMPLES`), and
- volume (and freshness with it) needs the baseline's 7 days of history (`MIN_BASELINE_DAYS`,
  the detectors' cold start).
With only one of them missing the event is graded on the rest: a rare event (a few refunds a
day) is judged on volume, freshness, coverage and privacy; a new event with traffic is judged
on validity, coverage and privacy, so a new event that is all invalid is an F at once instead
of "learning" for a week. A cap overrides learning: a personal-data finding, a critical silence
or an open critical alert rests on a finding rather than on statistics, so such an event is
scored on what can be judged (privacy always can) and capped, never hidden behind N/A.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from governance.scoring.components import (
    ArrivalGap,
    Component,
    ComponentScore,
    CoverageCounts,
    NotApplicable,
    PersonalDataFindings,
    ValidityCounts,
    VolumeDeviation,
    coverage,
    freshness,
    privacy,
    validity,
    volume,
)

WEIGHTS = {
    Component.VALIDITY: 0.35,
    Component.VOLUME: 0.25,
    Component.FRESHNESS: 0.20,
    Component.COVERAGE: 0.10,
    Component.PRIVACY: 0.10,
}
MIN_BASELINE_DAYS = 7.0


class Granularity(StrEnum):
    LIVE = "1h"  # the live badge, refreshed every 5 minutes
    REPORT = "24h"  # the health report, refreshed hourly

    @property
    def span(self) -> timedelta:
        return timedelta(hours=1) if self is Granularity.LIVE else timedelta(hours=24)


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    F = "F"
    NA = "N/A"  # learning: too little data to grade

    @property
    def is_poor(self) -> bool:
        """D or F: counted in the plan's roll-up and puts dependent metrics at risk."""
        return self in (Grade.D, Grade.F)


# Lowest score of each grade, best first.
GRADE_FLOORS = ((Grade.A, 90.0), (Grade.B, 75.0), (Grade.C, 60.0), (Grade.D, 40.0))


class CapRule(StrEnum):
    PERSONAL_DATA = "personal_data"
    CRITICAL_SILENCE = "critical_silence"
    OPEN_CRITICAL_ALERT = "open_critical_alert"

    @property
    def limit(self) -> float:
        return _CAP_LIMITS[self]


_CAP_LIMITS = {
    CapRule.PERSONAL_DATA: 40.0,
    CapRule.CRITICAL_SILENCE: 20.0,
    CapRule.OPEN_CRITICAL_ALERT: 59.0,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthWindow:
    """[start, end) of the scored window; its length is the granularity's span."""

    start: datetime
    end: datetime
    granularity: Granularity

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            msg = "window bounds must be timezone-aware"
            raise ValueError(msg)
        if self.end - self.start != self.granularity.span:
            msg = f"a {self.granularity} window must span {self.granularity.span}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthScope:
    """One event over all sources (`source=None`) or on one source."""

    event: str
    source: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFigures:
    """Everything one window's score is computed from, as the loader read it.

    `volume` and `arrival` are None while the event has no baseline; `open_critical_alerts`
    names the detectors of the scope's open critical alerts (e.g. `("silence",)`).
    """

    validity: ValidityCounts
    volume: VolumeDeviation | None
    arrival: ArrivalGap | None
    coverage: CoverageCounts
    privacy: PersonalDataFindings
    history_days: float
    open_critical_alerts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Cap:
    """The lowest applicable cap; `uncapped` is H before it (at or below `limit`: not binding)."""

    rule: CapRule
    uncapped: float

    @property
    def limit(self) -> float:
        return self.rule.limit

    @property
    def binding(self) -> bool:
        return self.uncapped > self.limit


@dataclass(frozen=True, slots=True, kw_only=True)
class EventHealth:
    """A scored (or learning) event over one window, with everything needed to explain it.

    `score` is None exactly when `grade` is N/A. `components` always holds the five
    components in `WEIGHTS` order, applicable or not. `caps` lists every cap rule that
    applied, lowest limit first; `cap` is the first of them.
    """

    scope: HealthScope
    window: HealthWindow
    score: float | None
    grade: Grade
    components: tuple[ComponentScore, ...]
    cap: Cap | None
    caps: tuple[CapRule, ...]
    history_days: float
    open_critical_alerts: tuple[str, ...]

    @property
    def learning(self) -> bool:
        return self.score is None

    @property
    def received(self) -> int:
        """Samples received in the window: the roll-ups' traffic weight."""
        figures = self.component(Component.VALIDITY).figures
        return figures.received if isinstance(figures, ValidityCounts) else 0

    def component(self, component: Component) -> ComponentScore:
        return next(c for c in self.components if c.component == component)


def score_event(
    figures: EventFigures, *, scope: HealthScope, window: HealthWindow
) -> EventHealth:
    """Score one event's window; see the module docstring for the learning rule."""
    components = _components(figures)
    caps = _cap_rules(figures)
    uncapped = weighted_score(components)
    if _is_learning(components) and not caps:
        uncapped = None
    cap = None
    score = uncapped
    if caps and uncapped is not None:
        cap = Cap(rule=caps[0], uncapped=uncapped)
        score = min(uncapped, cap.limit)
    return EventHealth(
        scope=scope,
        window=window,
        score=score,
        grade=grade_for(score),
        components=components,
        cap=cap,
        caps=caps,
        history_days=figures.history_days,
        open_critical_alerts=figures.open_critical_alerts,
    )


def weighted_score(components: tuple[ComponentScore, ...]) -> float | None:
    """Σ wᵢSᵢ / Σ wᵢ over the applicable components, to two decimals; None if none apply."""
    weights = effective_weights(components)
    if not weights:
        return None
    total = sum(
        weights[c.component] * (c.score or 0.0) for c in components if c.applicable
    )
    return round(total, 2)


def effective_weights(components: tuple[ComponentScore, ...]) -> dict[Component, float]:
    """Each applicable component's weight, renormalised so that they sum to 1."""
    applicable = [c.component for c in components if c.applicable]
    total = sum(WEIGHTS[name] for name in applicable)
    return {name: WEIGHTS[name] / total for name in applicable}


def grade_for(score: float | None) -> Grade:
    if score is None:
        return Grade.NA
    for grade, floor in GRADE_FLOORS:
        if score >= floor:
            return grade
    return Grade.F


def _components(figures: EventFigures) -> tuple[ComponentScore, ...]:
    return (
        validity(figures.validity),
        volume(figures.volume if _has_baseline(figures) else None),
        freshness(_arrival(figures)),
        coverage(figures.coverage),
        privacy(figures.privacy),
    )


def _has_baseline(figures: EventFigures) -> bool:
    return figures.history_days >= MIN_BASELINE_DAYS


def _arrival(figures: EventFigures) -> ArrivalGap | None:
    """The gap, when there is a baseline to expect a rate from."""
    return figures.arrival if _has_baseline(figures) else None


def _is_learning(components: tuple[ComponentScore, ...]) -> bool:
    by_name = {c.component: c for c in components}
    return (
        by_name[Component.VALIDITY].not_applicable is NotApplicable.TOO_FEW_SAMPLES
        and by_name[Component.VOLUME].not_applicable is NotApplicable.LEARNING
    )


def _cap_rules(figures: EventFigures) -> tuple[CapRule, ...]:
    """Every cap rule that applies, lowest limit first."""
    rules = []
    if figures.privacy.count:
        rules.append(CapRule.PERSONAL_DATA)
    arrival = _arrival(figures)
    if arrival is not None and arrival.is_critical_silence:
        rules.append(CapRule.CRITICAL_SILENCE)
    if figures.open_critical_alerts:
        rules.append(CapRule.OPEN_CRITICAL_ALERT)
    return tuple(sorted(rules, key=lambda rule: rule.limit))
