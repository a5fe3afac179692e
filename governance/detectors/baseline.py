"""A count series' fitted baseline: its age, slot mode, and per tier the level and spread.

Volume (2.1) judges against it and silence (2.2) takes its expected rate from it. Fitting
reads four weeks and costs tens of milliseconds, so the caller fits once an hour and passes the
`Baseline` to every 5-minute evaluation of that hour; the detectors fit one themselves when
given none. A `Frame` is one tier's grid at evaluation time, with the fitted level and spread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from governance.detectors.base import Granularity, Learning, Series, floor_time
from governance.detectors.config import VolumeConfig
from governance.detectors.seasonal import (
    DAY,
    SlotMode,
    SpreadFit,
    Track,
    expectation,
    level,
    reference_offsets,
    relative_spread,
    slot_mode,
    to_track,
)

HOUR = timedelta(hours=1)
_PER_DAY = {Granularity.FIVE_MINUTES: 288, Granularity.HOUR: 24, Granularity.DAY: 1}
# How many of the newest buckets the live evaluation judges, kept out of the level:
# the rolling hour of 5-minute buckets, the last hour, the last day.
_JUDGED = {Granularity.FIVE_MINUTES: 12, Granularity.HOUR: 1, Granularity.DAY: 1}


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    """The counts of one event, or of a source's whole traffic, that a baseline reads.

    `five_minute` ends at the evaluation time and reaches back as far as 5-minute rows are
    kept (14 days is enough); `hourly` ends at or after the start of the current hour and
    covers at least 4 weeks. The history's age is read from `hourly`'s first hour with samples.
    """

    five_minute: Series
    hourly: Series


@dataclass(frozen=True, slots=True, kw_only=True)
class TierBaseline:
    level: float
    spread: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """What changes slowly: spreads fitted at `fitted_at` over four weeks (refit daily),
    levels at `levelled_at` from the day before (refit hourly, see `relevel`)."""

    fitted_at: datetime
    levelled_at: datetime
    history_start: datetime
    mode: SlotMode
    five_minutes: TierBaseline  # spread of the rolling 15 minutes
    rolling_hour: TierBaseline  # the rolling hour of 5-minute buckets
    hour: TierBaseline
    day: TierBaseline

    def tier(self, granularity: Granularity) -> TierBaseline:
        return {
            Granularity.FIVE_MINUTES: self.five_minutes,
            Granularity.HOUR: self.hour,
            Granularity.DAY: self.day,
        }[granularity]


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """One tier at evaluation time: the grid, its reference slots, level and spread."""

    granularity: Granularity
    track: Track
    offsets: tuple[int, ...]
    level: float
    spread: float

    def expected_at(self, index: int) -> float | None:
        """mu = L * S of bucket `index` (past the end for a bucket still running)."""
        reference = expectation(self.track, index, self.offsets)
        return None if reference is None else self.level * reference

    def measure(self, start: datetime, end: datetime) -> tuple[int, float] | None:
        """Observed and expected counts over [start, end), or None when a bucket there lies
        outside the grid or has no reference."""
        first, stop = self.track.index_of(start), self.track.index_of(end)
        if first < 0 or stop > self.track.size:
            return None
        observed, expected = 0, 0.0
        for i in range(first, stop):
            mu = self.expected_at(i)
            if mu is None:
                return None
            observed += self.track.count(i)
            expected += mu
        return observed, expected


def fit_baseline(
    history: History,
    *,
    now: datetime,
    excluded: frozenset[datetime],
    config: VolumeConfig,
) -> Baseline | Learning:
    """The baseline at `now`, or `Learning` under `config.learning_days` of history."""
    first = next((b.start for b in history.hourly.buckets if b.received), None)
    days = (now - first) / DAY if first else 0.0
    if first is None or days < config.learning_days:
        return Learning(
            code="volume.learning", have=round(days, 1), need=config.learning_days
        )
    mode = slot_mode(days, weekday_from_days=config.weekday_slots_from_days)
    grids = {
        g: _grid(history, g, now=now, first=first, excluded=excluded, dense=True)
        for g in Granularity
    }
    five = grids[Granularity.FIVE_MINUTES]
    return Baseline(
        fitted_at=now,
        levelled_at=now,
        history_start=first,
        mode=mode,
        five_minutes=_fit_tier(five, mode, config, window=config.rolling_buckets),
        rolling_hour=_fit_tier(five, mode, config, window=HOUR // five.step),
        hour=_fit_tier(grids[Granularity.HOUR], mode, config),
        day=_fit_tier(grids[Granularity.DAY], mode, config),
    )


def relevel(
    baseline: Baseline,
    history: History,
    *,
    now: datetime,
    excluded: frozenset[datetime],
    config: VolumeConfig,
) -> Baseline:
    """The baseline with its levels refitted at `now` (a few milliseconds): the spreads,
    fitted over four weeks, may be refitted daily while the levels follow the hour."""
    levels = {
        g: _level_at(
            _grid(
                history,
                g,
                now=now,
                first=baseline.history_start,
                excluded=excluded,
                dense=True,
            ),
            baseline.mode,
            config,
        )
        for g in Granularity
    }
    five = replace(baseline.five_minutes, level=levels[Granularity.FIVE_MINUTES])
    return replace(
        baseline,
        levelled_at=now,
        five_minutes=five,
        rolling_hour=replace(baseline.rolling_hour, level=five.level),
        hour=replace(baseline.hour, level=levels[Granularity.HOUR]),
        day=replace(baseline.day, level=levels[Granularity.DAY]),
    )


def frame(
    history: History,
    baseline: Baseline,
    granularity: Granularity,
    *,
    now: datetime,
    excluded: frozenset[datetime],
    config: VolumeConfig,
) -> Frame:
    """The tier's grid at `now` with the baseline's level and spread."""
    track = _grid(
        history, granularity, now=now, first=baseline.history_start, excluded=excluded
    )
    fitted = baseline.tier(granularity)
    return Frame(
        granularity=granularity,
        track=track,
        offsets=_offsets(granularity, baseline.mode, config),
        level=fitted.level,
        spread=fitted.spread,
    )


def _grid(
    history: History,
    granularity: Granularity,
    *,
    now: datetime,
    first: datetime,
    excluded: frozenset[datetime],
    dense: bool = False,
) -> Track:
    """5-minute buckets up to `now`; hours, and days of 24 hours, up to the current hour."""
    if granularity is Granularity.FIVE_MINUTES:
        series, end, block = history.five_minute, now, 1
    else:
        series, end = history.hourly, floor_time(now, HOUR)
        block = 1 if granularity is Granularity.HOUR else 24
    return to_track(
        series,
        end=end,
        history_start=first,
        excluded=excluded,
        block=block,
        dense=dense,
    )


def _offsets(
    granularity: Granularity, mode: SlotMode, config: VolumeConfig
) -> tuple[int, ...]:
    neighbours = (
        config.neighbour_slots if granularity is Granularity.FIVE_MINUTES else 0
    )
    return reference_offsets(
        mode, granularity.step, weeks=config.weeks, neighbours=neighbours
    )


def _level_span(track: Track, config: VolumeConfig) -> int:
    daily = _granularity_of(track) is Granularity.DAY
    return (config.daily_level_window if daily else config.level_window) // track.step


def _level_at(track: Track, mode: SlotMode, config: VolumeConfig) -> float:
    """The live level: over the level window before the buckets judged (the daily tier by
    sum)."""
    granularity = _granularity_of(track)
    span = _level_span(track, config)
    stop = track.size - _JUDGED[granularity]
    return level(
        track,
        stop - span,
        stop,
        _offsets(granularity, mode, config),
        by_sum=granularity is Granularity.DAY,
        low=config.level_min,
        high=config.level_max,
    )


def _fit_tier(
    track: Track, mode: SlotMode, config: VolumeConfig, *, window: int = 1
) -> TierBaseline:
    """The live level and the spread of `window` buckets, fitted the way the live
    expectation is formed."""
    granularity = _granularity_of(track)
    fit = SpreadFit(
        span=config.weeks * 7 * _PER_DAY[granularity],
        window=window,
        level_span=_level_span(track, config),
        by_sum=granularity is Granularity.DAY,
        level_min=config.level_min,
        level_max=config.level_max,
        floor=config.spread_floor,
    )
    offsets = _offsets(granularity, mode, config)
    return TierBaseline(
        level=_level_at(track, mode, config),
        spread=relative_spread(track, offsets, fit),
    )


def _granularity_of(track: Track) -> Granularity:
    return next(g for g in Granularity if g.step == track.step)
