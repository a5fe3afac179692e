"""Seasonal expectations of a count series: reference slots, level factor, relative spread.

A `Track` is a series seen as a regular grid. The expectation of bucket i is the median of its
reference slots (the same weekday slot in earlier weeks, or the same time of day on earlier
days while the history is short; 5-minute buckets also take the slots either side), times a
level factor from the recent past. Buckets marked unusable (before the history began, or
holding an excluded instant: a bucket that fired, a declared calendar window) never serve as a
reference, a level ratio or a spread residual, so one incident does not widen the band.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from governance.detectors.base import Bucket, Series
from governance.detectors.stats import MAD_TO_SIGMA, clamp, mad, median

DAY = timedelta(days=1)
WEEK = timedelta(days=7)


class SlotMode(StrEnum):
    HOUR_OF_DAY = "hour_of_day_slots"
    WEEKDAY = "weekday_slots"


@dataclass(frozen=True, slots=True, kw_only=True)
class Track:
    """A series seen as a regular grid of `size` buckets of `step`, the last ending at `end`.

    Read in place by bisection (a live evaluation touches a few dozen buckets), or from
    `dense` counts when a fit walks every bucket. A bucket is usable for training from
    `first_usable` on, unless its index is `excluded`.
    """

    end: datetime
    step: timedelta
    size: int
    first_usable: int
    excluded: frozenset[int]
    buckets: tuple[Bucket, ...]
    dense: tuple[int, ...] | None = None

    def index_of(self, at: datetime) -> int:
        """The index of the bucket starting at `at` (may lie outside the track)."""
        return self.size - (self.end - at) // self.step

    def start_of(self, index: int) -> datetime:
        return self.end - (self.size - index) * self.step

    def count(self, index: int) -> int:
        """Samples in bucket `index`, which must lie in [0, size)."""
        if self.dense is not None:
            return self.dense[index]
        start = self.start_of(index)
        low = bisect.bisect_left(self.buckets, start, key=_start)
        high = bisect.bisect_left(self.buckets, start + self.step, lo=low, key=_start)
        return sum(b.received for b in self.buckets[low:high])

    def usable(self, index: int) -> bool:
        return self.first_usable <= index < self.size and index not in self.excluded


def _start(bucket: Bucket) -> datetime:
    return bucket.start


def to_track(
    series: Series,
    *,
    end: datetime,
    history_start: datetime,
    excluded: frozenset[datetime],
    block: int = 1,
    dense: bool = False,
) -> Track:
    """The series as a grid of `block` buckets each, aligned to `end` (a bucket boundary).

    Buckets wholly before `history_start` or before the series' coverage, and buckets holding
    an excluded instant, are unusable for training; their counts still read.
    """
    step = series.granularity.step * block
    size = max(0, (end - series.start) // step)
    origin = end - size * step
    first = -(
        (origin - history_start) // step
    )  # the first bucket starting at or after it
    track = Track(
        end=end,
        step=step,
        size=size,
        first_usable=max(0, first),
        excluded=frozenset(
            (at - origin) // step for at in excluded if origin <= at < end
        ),
        buckets=series.buckets,
    )
    if not dense:
        return track
    counts = [0] * size
    for bucket in series.buckets:
        i = (bucket.start - origin) // step
        if 0 <= i < size:
            counts[i] += bucket.received
    return replace(track, dense=tuple(counts))


def slot_mode(history_days: float, *, weekday_from_days: float) -> SlotMode:
    if history_days >= weekday_from_days:
        return SlotMode.WEEKDAY
    return SlotMode.HOUR_OF_DAY


def reference_offsets(
    mode: SlotMode, step: timedelta, *, weeks: int, neighbours: int
) -> tuple[int, ...]:
    """How many buckets back each reference slot lies (positive: earlier)."""
    period = (WEEK if mode is SlotMode.WEEKDAY else DAY) // step
    count = weeks if mode is SlotMode.WEEKDAY else weeks * 7
    return tuple(
        k * period + n
        for k in range(1, count + 1)
        for n in range(-neighbours, neighbours + 1)
    )


def expectation(track: Track, index: int, offsets: Sequence[int]) -> float | None:
    """The median of the usable reference slots of bucket `index`, or None if it has none.
    `index` may lie past the track's end (an expectation for a bucket still running)."""
    references = [
        track.count(j) for offset in offsets if track.usable(j := index - offset)
    ]
    return median(references) if references else None


def level(
    track: Track,
    first: int,
    stop: int,
    offsets: Sequence[int],
    *,
    by_sum: bool,
    low: float,
    high: float,
) -> float:
    """The level of usable buckets in [first, stop) against their expectation, clamped to
    [low, high]: the median of observed/expected, or with `by_sum` the ratio of the sums
    (steadier over a handful of low-count buckets); 1 when nothing is expected there."""
    pairs = []
    for i in range(max(first, 0), stop):
        reference = expectation(track, i, offsets) if track.usable(i) else None
        if reference is not None:
            pairs.append((track.count(i), reference))
    return _level(pairs, by_sum=by_sum, low=low, high=high)


def _level(
    pairs: Sequence[tuple[int, float]], *, by_sum: bool, low: float, high: float
) -> float:
    if by_sum:
        expected = sum(s for _, s in pairs)
        return (
            clamp(sum(x for x, _ in pairs) / expected, low, high) if expected else 1.0
        )
    ratios = [x / s for x, s in pairs if s > 0]
    return clamp(median(ratios), low, high) if ratios else 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SpreadFit:
    """How the live expectation is formed, so the spread is fitted on the same shape: sums
    of `window` buckets, levelled over the `level_span` buckets before them (by median, or
    by sum), over the last `span` buckets."""

    span: int
    window: int
    level_span: int
    by_sum: bool
    level_min: float
    level_max: float
    floor: float


# The spread is fitted on at most this many windows (evenly strided): its median absolute
# deviation is stable long before that, and fitting stays a few tens of milliseconds.
_SPREAD_SAMPLE = 1000


def relative_spread(track: Track, offsets: Sequence[int], fit: SpreadFit) -> float:
    """The multiplicative spread c of windows like the live one, at least `fit.floor`.

    Each training window is compared with the medians of its buckets' reference slots on both
    sides (the bucket itself left out), times the level of the buckets before it, as the live
    expectation is. c is the value that makes the robust spread (1.4826 MAD) of the
    standardised residuals (x - mu) / sqrt(mu + (c mu)^2) equal one: the design's
    1.4826 MAD(x/mu - 1) with the Poisson share taken out, which the score's denominator
    already counts.
    """
    pairs = _training_pairs(track, offsets, fit)
    if len(pairs) < 2:
        return fit.floor
    return max(fit.floor, _solve_spread(pairs))


def _training_pairs(
    track: Track, offsets: Sequence[int], fit: SpreadFit
) -> list[tuple[int, float]]:
    size = track.size
    both = tuple(offsets) + tuple(-o for o in offsets)
    first = max(0, size - fit.span - fit.level_span)
    references = {
        i: reference
        for i in range(first, size)
        if track.usable(i) and (reference := expectation(track, i, both)) is not None
    }
    stride = max(1, fit.span // _SPREAD_SAMPLE)
    pairs = []
    for stop in range(size, first + fit.level_span + fit.window - 1, -stride):
        start = stop - fit.window
        window = range(start, stop)
        if any(i not in references for i in window):
            continue
        before = [
            (track.count(i), references[i])
            for i in range(start - fit.level_span, start)
            if i in references
        ]
        scale = _level(before, by_sum=fit.by_sum, low=fit.level_min, high=fit.level_max)
        mu = scale * sum(references[i] for i in window)
        if mu >= 1:
            pairs.append((sum(track.count(i) for i in window), mu))
    return pairs


def _solve_spread(pairs: Sequence[tuple[int, float]]) -> float:
    def excess(c: float) -> float:
        residuals = [(x - mu) / math.sqrt(mu + (c * mu) ** 2) for x, mu in pairs]
        return MAD_TO_SIGMA * mad(residuals) - 1

    low, high = 0.0, 4.0
    if excess(low) <= 0:
        return low
    if excess(high) > 0:
        return high
    for _ in range(12):
        mid = (low + high) / 2
        low, high = (mid, high) if excess(mid) > 0 else (low, mid)
    return high
