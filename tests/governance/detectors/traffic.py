"""Seeded synthetic traffic for the detector tests: clean series with a real rhythm.

Counts per 5-minute bucket are Poisson around a rate that has two daily peaks (lunch and
evening, China time), a weekend factor, optional steady growth, and Gamma over-dispersion: a
day-level factor (one per day, drifting smoothly into the next) and a bucket-level factor (one per bucket), both mean one.
The same seed gives the same counts.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from governance.detectors.base import Bucket, Granularity, Series, floor_time, rollup
from governance.detectors.baseline import History

FIVE_MINUTES = timedelta(minutes=5)
# A Monday, midnight UTC: four weeks of history before the first evaluation start at this.
EPOCH = datetime(2024, 4, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rhythm:
    per_minute: float  # the mean rate over a weekday
    weekend: float = 0.7
    bucket_cv: float = 0.1  # Gamma over-dispersion of each 5-minute bucket
    day_cv: float = 0.05  # Gamma over-dispersion of each day's level
    growth_per_day: float = 0.0
    local_offset_hours: int = 8


def _bump(hour: float, centre: float, width: float) -> float:
    distance = min(abs(hour - centre), 24 - abs(hour - centre))
    return math.exp(-0.5 * (distance / width) ** 2)


def _raw_shape(hour: float) -> float:
    return 0.12 + _bump(hour, 12.5, 1.5) + 1.4 * _bump(hour, 21.0, 2.0)


_SHAPE_MEAN = sum(_raw_shape(i / 12) for i in range(288)) / 288


def daily_shape(at: datetime, offset_hours: int) -> float:
    """The time-of-day factor (mean one over a day) at `at`."""
    local = at + timedelta(hours=offset_hours)
    return _raw_shape(local.hour + local.minute / 60) / _SHAPE_MEAN


def _gamma(rng: random.Random, cv: float) -> float:
    if cv <= 0:
        return 1.0
    shape = 1 / (cv * cv)
    return rng.gammavariate(shape, 1 / shape)


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw: multiplication for small rates, Hormann's PTRS (NumPy's) above 30."""
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, product = math.exp(-lam), 0, rng.random()
        while product > limit:
            k += 1
            product *= rng.random()
        return k
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b) <= (
            -lam + k * loglam - math.lgamma(k + 1)
        ):
            return k


def rates(rhythm: Rhythm, *, start: datetime, days: float, seed: int) -> list[float]:
    """The expected count of every 5-minute bucket from `start`, day noise included."""
    rng = random.Random(seed)
    # One level per day, drifting smoothly from each day's to the next (a level that jumps at
    # midnight UTC would be a fault of its own).
    levels = [_gamma(rng, rhythm.day_cv) for _ in range(math.ceil(days) + 2)]
    result = []
    for i in range(round(days * 288)):
        at = start + i * FIVE_MINUTES
        day, into = divmod(i, 288)
        level = levels[day] + (levels[day + 1] - levels[day]) * into / 288
        local = at + timedelta(hours=rhythm.local_offset_hours)
        weekend = rhythm.weekend if local.weekday() >= 5 else 1.0
        growth = (1 + rhythm.growth_per_day) ** ((at - start) / timedelta(days=1))
        shape = daily_shape(at, rhythm.local_offset_hours)
        result.append(5 * rhythm.per_minute * shape * weekend * growth * level)
    return result


def counts(rhythm: Rhythm, *, start: datetime, days: float, seed: int) -> list[int]:
    """Poisson counts per 5-minute bucket from `start` with the rhythm's over-dispersion."""
    rng = random.Random(seed + 1)
    return [
        poisson(rng, lam * _gamma(rng, rhythm.bucket_cv))
        for lam in rates(rhythm, start=start, days=days, seed=seed)
    ]


def five_minute_series(
    values: list[int],
    *,
    start: datetime,
    event: str = "Order Completed",
    source: str | None = None,
    invalid: list[int] | None = None,
) -> Series:
    """A 5-minute series from dense counts (`invalid` per bucket, else all valid)."""
    buckets = tuple(
        Bucket(
            start=start + i * FIVE_MINUTES,
            received=n,
            valid=n - (invalid[i] if invalid else 0),
            invalid=invalid[i] if invalid else 0,
        )
        for i, n in enumerate(values)
        if n
    )
    return Series(
        event=event,
        source=source,
        granularity=Granularity.FIVE_MINUTES,
        start=start,
        end=start + len(values) * FIVE_MINUTES,
        buckets=buckets,
    )


def cut(series: Series, *, end: datetime, keep: timedelta | None = None) -> Series:
    """The series up to `end` (and only its last `keep`), as the loader would read it."""
    start = series.start if keep is None else max(series.start, end - keep)
    return Series(
        event=series.event,
        source=series.source,
        granularity=series.granularity,
        start=start,
        end=end,
        buckets=tuple(b for b in series.buckets if start <= b.start < end),
    )


def hourly(series: Series) -> Series:
    return rollup(series, Granularity.HOUR)


def history(
    values: list[int],
    *,
    now: datetime,
    start: datetime = EPOCH,
    event: str = "Order Completed",
    source: str | None = None,
) -> History:
    """What the loader would read at `now` from 5-minute counts starting at `start`: 14 days
    of 5-minute rows and every complete hour."""
    five = five_minute_series(values, start=start, event=event, source=source)
    return History(
        five_minute=cut(five, end=now, keep=timedelta(days=14)),
        hourly=cut(hourly(five), end=floor_time(now, timedelta(hours=1))),
    )
