"""The five health components, each 0–100 from the raw figures of one window.

Pure. Each scorer takes a small figures dataclass (what the loader read from the window counts
and the detectors' series) and returns a `ComponentScore` holding the score and those figures,
so a stored score always shows what it was computed from. The breakpoints are the published
ones (design, section 3); between two breakpoints the score is linear.

A component that cannot be judged returns `score=None` with the reason; `health.score_event`
then leaves it out and renormalises the weights of the others.

Scores are kept to two decimals: the grade is read from the rounded score, so the number a
person sees and the grade it carries always agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# Validity is judged on at least this many samples in the window; below it one bad sample
# would swing the score by tens of points. Twenty keeps an event of one sample an hour
# judged in the 24 h report, which is where the rare events that matter live.
MIN_VALIDITY_SAMPLES = 20
# Freshness and the critical-silence cap ignore gaps shorter than the silence detector's
# minimum (design 2.2): SDKs flush every few seconds to minutes and the last bucket has a
# 2-minute grace, so a shorter gap says nothing about the tracking.
MIN_SILENT_MINUTES = 15.0
# λd at which the silence detector calls a silence critical (design 2.2).
CRITICAL_SILENCE = 14.0

# (figure, score) breakpoints, ascending in the figure.
VALIDITY_POINTS = ((0.80, 0.0), (0.95, 60.0), (0.995, 100.0))
VOLUME_POINTS = ((2.0, 100.0), (3.0, 70.0), (5.0, 40.0), (8.0, 0.0))
FRESHNESS_POINTS = ((3.0, 100.0), (14.0, 0.0))
# A volume deviation smaller than this share of the expectation is never penalised.
VOLUME_NEGLIGIBLE_CHANGE = 0.10


class Component(StrEnum):
    VALIDITY = "validity"
    VOLUME = "volume"
    FRESHNESS = "freshness"
    COVERAGE = "coverage"
    PRIVACY = "privacy"


class NotApplicable(StrEnum):
    """Why a component has no score."""

    TOO_FEW_SAMPLES = (
        "too_few_samples"  # validity: under MIN_VALIDITY_SAMPLES in the window
    )
    LEARNING = "learning"  # volume, freshness: no baseline yet (cold start)
    NOTHING_EXPECTED = "nothing_expected"  # coverage: no source × app version expected


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidityCounts:
    """Samples of the event received in the window, and how many of them were valid."""

    received: int
    valid: int

    def __post_init__(self) -> None:
        if not 0 <= self.valid <= self.received:
            msg = f"valid ({self.valid}) must be within 0..received ({self.received})"
            raise ValueError(msg)

    @property
    def valid_share(self) -> float | None:
        return self.valid / self.received if self.received else None


@dataclass(frozen=True, slots=True, kw_only=True)
class VolumeDeviation:
    """The window's worst bucket against its seasonal expectation μ (design 2.1).

    `worst_z` is that bucket's z (its sign is ignored); `change` is the same bucket's x/μ − 1,
    e.g. -0.62 for a 62 % drop.
    """

    worst_z: float
    change: float

    def __post_init__(self) -> None:
        if math.isnan(self.worst_z) or math.isnan(self.change):
            msg = "worst_z and change must be numbers, not NaN"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArrivalGap:
    """The time since the event was last seen and the rate it was expected at (design 2.2)."""

    expected_per_minute: float  # λ for the current slots
    minutes_since_seen: float  # d, up to the end of the window

    def __post_init__(self) -> None:
        if self.expected_per_minute < 0 or self.minutes_since_seen < 0:
            msg = "expected_per_minute and minutes_since_seen must not be negative"
            raise ValueError(msg)

    @property
    def expected_missing(self) -> float:
        """λd: how many samples were expected in the gap."""
        return self.expected_per_minute * self.minutes_since_seen

    @property
    def is_critical_silence(self) -> bool:
        return (
            self.minutes_since_seen >= MIN_SILENT_MINUTES
            and self.expected_missing >= CRITICAL_SILENCE
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageCounts:
    """Source × app-version pairs where the event is expected, and those where it was seen."""

    expected: int
    seen: int

    def __post_init__(self) -> None:
        if not 0 <= self.seen <= self.expected:
            msg = f"seen ({self.seen}) must be within 0..expected ({self.expected})"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalDataFindings:
    """Personal-data detector hits in properties not classed personal, in the window."""

    count: int

    def __post_init__(self) -> None:
        if self.count < 0:
            msg = "count must not be negative"
            raise ValueError(msg)


Figures = (
    ValidityCounts
    | VolumeDeviation
    | ArrivalGap
    | CoverageCounts
    | PersonalDataFindings
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ComponentScore:
    """One component's score (None when not applicable, with the reason) and its figures."""

    component: Component
    score: float | None
    figures: Figures | None
    not_applicable: NotApplicable | None = None

    @property
    def applicable(self) -> bool:
        return self.score is not None


def validity(counts: ValidityCounts) -> ComponentScore:
    """100 at ≥ 99.5 % valid, 60 at 95 %, 0 at 80 % and below."""
    share = counts.valid_share
    if share is None or counts.received < MIN_VALIDITY_SAMPLES:
        return _not_applicable(
            Component.VALIDITY, counts, NotApplicable.TOO_FEW_SAMPLES
        )
    return _scored(Component.VALIDITY, counts, piecewise(share, VALIDITY_POINTS))


def volume(deviation: VolumeDeviation | None) -> ComponentScore:
    """100 at |z| ≤ 2 or a change under 10 %, 70 at 3, 40 at 5, 0 at 8 and beyond.

    None (the baseline is still learning) is not applicable.
    """
    if deviation is None:
        return _not_applicable(Component.VOLUME, None, NotApplicable.LEARNING)
    if abs(deviation.change) < VOLUME_NEGLIGIBLE_CHANGE:
        return _scored(Component.VOLUME, deviation, 100.0)
    return _scored(
        Component.VOLUME, deviation, piecewise(abs(deviation.worst_z), VOLUME_POINTS)
    )


def freshness(gap: ArrivalGap | None) -> ComponentScore:
    """100 at λd < 3, linear to 0 at λd = 14; a gap under 15 minutes is always 100.

    None (no expected rate yet) is not applicable.
    """
    if gap is None:
        return _not_applicable(Component.FRESHNESS, None, NotApplicable.LEARNING)
    if gap.minutes_since_seen < MIN_SILENT_MINUTES:
        return _scored(Component.FRESHNESS, gap, 100.0)
    return _scored(
        Component.FRESHNESS, gap, piecewise(gap.expected_missing, FRESHNESS_POINTS)
    )


def coverage(counts: CoverageCounts) -> ComponentScore:
    """The share of expected source × app-version pairs where the event was seen, 0–100."""
    if counts.expected == 0:
        return _not_applicable(
            Component.COVERAGE, counts, NotApplicable.NOTHING_EXPECTED
        )
    return _scored(Component.COVERAGE, counts, 100.0 * counts.seen / counts.expected)


def privacy(findings: PersonalDataFindings) -> ComponentScore:
    """100 with no personal-data finding, else 0."""
    return _scored(Component.PRIVACY, findings, 0.0 if findings.count else 100.0)


def piecewise(x: float, points: Sequence[tuple[float, float]]) -> float:
    """Linear interpolation through `points` (ascending x), flat beyond both ends."""
    (first_x, first_y), (last_x, last_y) = points[0], points[-1]
    if x <= first_x:
        return first_y
    if x >= last_x:
        return last_y
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            return y0 + (x - x0) / (x1 - x0) * (y1 - y0)
    return last_y  # unreachable: x < last_x was checked above


def _scored(component: Component, figures: Figures, score: float) -> ComponentScore:
    return ComponentScore(component=component, score=round(score, 2), figures=figures)


def _not_applicable(
    component: Component, figures: Figures | None, reason: NotApplicable
) -> ComponentScore:
    return ComponentScore(
        component=component, score=None, figures=figures, not_applicable=reason
    )
