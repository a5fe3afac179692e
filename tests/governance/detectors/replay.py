"""Replaying the volume detector every 5 minutes over a series, as the beat job would."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from governance.detectors.base import Anomaly, Granularity, Learning, Series, floor_time
from governance.detectors.baseline import Baseline, History, fit_baseline, relevel
from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig
from governance.detectors.volume import VolumeInput, detect, training_exclusions

HOUR = timedelta(hours=1)
KEEP_FIVE_MINUTES = timedelta(days=14)
REFIT_SPREADS = timedelta(days=1)
# Firings of one fingerprint less than this apart are one alert (the lifecycle resolves after
# 3 clean evaluations and reopens, rather than opens, an alert fired again within 30 minutes).
SAME_ALERT = timedelta(hours=1)


class Slicer:
    """Cuts a series at any end quickly, as the loader would read it at that time."""

    def __init__(self, series: Series) -> None:
        self.series = series
        self.starts = [b.start for b in series.buckets]

    def until(self, end: datetime, *, keep: timedelta | None = None) -> Series:
        start = (
            self.series.start if keep is None else max(self.series.start, end - keep)
        )
        first = bisect.bisect_left(self.starts, start)
        stop = bisect.bisect_left(self.starts, end)
        return Series(
            event=self.series.event,
            source=self.series.source,
            granularity=self.series.granularity,
            start=start,
            end=end,
            buckets=self.series.buckets[first:stop],
        )


@dataclass(slots=True, kw_only=True)
class Replay:
    """Alerts opened while replaying, as (opened at, anomaly)."""

    alerts: list[tuple[datetime, Anomaly]] = field(default_factory=list)
    evaluations: int = 0
    learning: int = 0


def _refreshed(
    baseline: Baseline | Learning | None,
    history: History,
    now: datetime,
    excluded: frozenset[datetime],
    config: DetectorConfig,
) -> Baseline | Learning:
    """Spreads refitted daily and levels hourly, as the beat job would."""
    stale = (
        not isinstance(baseline, Baseline) or now - baseline.fitted_at >= REFIT_SPREADS
    )
    if baseline is None or (stale and now.minute == 0):
        return fit_baseline(history, now=now, excluded=excluded, config=config.volume)
    if isinstance(baseline, Baseline) and now.minute == 0:
        return relevel(
            baseline, history, now=now, excluded=excluded, config=config.volume
        )
    return baseline


def replay(
    five_minute: Series,
    hourly: Series,
    *,
    start: datetime,
    end: datetime,
    config: DetectorConfig = DEFAULT_CONFIG,
) -> Replay:
    """Evaluate at every 5-minute boundary in [start, end); fired windows leave training."""
    fives, hours = Slicer(five_minute), Slicer(hourly)
    result = Replay()
    excluded: frozenset[datetime] = frozenset()
    baseline: Baseline | Learning | None = None
    last_fired: dict[str, datetime] = {}
    now = start
    while now < end:
        history = History(
            five_minute=fives.until(now, keep=KEEP_FIVE_MINUTES),
            hourly=hours.until(floor_time(now, HOUR)),
        )
        baseline = _refreshed(baseline, history, now, excluded, config)
        fitted = baseline if isinstance(baseline, Baseline) else None
        outcome = detect(
            VolumeInput(now=now, event=history, excluded=excluded, baseline=fitted),
            config,
        )
        result.evaluations += 1
        result.learning += outcome.learning is not None
        for anomaly in outcome.anomalies:
            key = anomaly.fingerprint.key
            if key not in last_fired or now - last_fired[key] >= SAME_ALERT:
                result.alerts.append((now, anomaly))
            last_fired[key] = now
            excluded |= training_exclusions(anomaly)
        now += Granularity.FIVE_MINUTES.step
    return result
