"""Validity drop (design 2.3): the share of invalid samples against the event's own baseline.

Baseline p0 = the median hourly invalid rate over the 7 days before the judged hour, floored at
0.001. The rolling hour (and the last 5 minutes when it holds 200 samples) is judged by the
Wilson lower bound at z = 2.576 of its invalid rate: above max(2 p0, p0 + 0.05) with at least
3 invalid samples is a warning, above p0 + 0.20 critical. Absolute floor, which needs no
baseline: validity under 95 % in each of the last 2 hours with at least 100 samples each is a
warning, so an event broken from its first day is not learnt as normal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from governance.detectors.base import (
    Anomaly,
    Evidence,
    Fingerprint,
    Learning,
    Outcome,
    Series,
    Severity,
    floor_time,
    iso,
    register,
)
from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig, ValidityConfig
from governance.detectors.stats import median, wilson_interval

NAME = "validity"
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidityInput:
    """One event (on one source, or all) at `now`, the end of the last complete 5-minute
    bucket: `five_minute` covers at least the last 2 hours, `hourly` the 7 days before.
    `excluded` instants take their hours out of the baseline (hours that fired)."""

    now: datetime
    five_minute: Series
    hourly: Series
    excluded: frozenset[datetime] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Window:
    start: datetime
    end: datetime
    received: int
    invalid: int


@register(NAME, ValidityInput)
def detect(inputs: ValidityInput, config: DetectorConfig = DEFAULT_CONFIG) -> Outcome:
    """The worst of the relative rules and the absolute floor; the relative rules learn while
    the baseline has fewer than 24 hours with samples."""
    s = config.validity
    series = inputs.hourly
    outcome = Outcome(detector=NAME, event=series.event, source=series.source)
    floor = _below_floor(inputs, s)
    p0 = _baseline(inputs, s)
    if isinstance(p0, Learning):
        return replace(outcome, anomalies=(floor,) if floor else (), learning=p0)
    candidates = [a for a in (*_relative(inputs, p0, s), floor) if a is not None]
    worst = max(candidates, key=lambda a: a.severity.rank, default=None)
    return replace(outcome, anomalies=(worst,) if worst else ())


def _sum(series: Series, start: datetime, end: datetime) -> _Window:
    buckets = [b for b in series.buckets if start <= b.start < end]
    return _Window(
        start=start,
        end=end,
        received=sum(b.received for b in buckets),
        invalid=sum(b.invalid for b in buckets),
    )


def _baseline(inputs: ValidityInput, s: ValidityConfig) -> float | Learning:
    """p0: the median hourly invalid rate over the 7 days before the judged hour."""
    stop = inputs.now - HOUR
    start = stop - s.baseline_window
    flagged = {floor_time(at, HOUR) for at in inputs.excluded}
    rates = [
        b.invalid / b.received
        for b in inputs.hourly.buckets
        if start <= b.start
        and b.start + HOUR <= stop
        and b.received
        and b.start not in flagged
    ]
    if len(rates) < s.min_baseline_hours:
        return Learning(
            code="validity.learning", have=len(rates), need=s.min_baseline_hours
        )
    return max(median(rates), s.p0_floor)


def _relative(
    inputs: ValidityInput, p0: float, s: ValidityConfig
) -> list[Anomaly | None]:
    now, step = inputs.now, inputs.five_minute.granularity.step
    windows = [_sum(inputs.five_minute, now - HOUR, now)]
    last = _sum(inputs.five_minute, now - step, now)
    if last.received >= s.five_minute_min_samples:
        windows.append(last)
    return [_judge(inputs, window, p0, s) for window in windows]


def _judge(
    inputs: ValidityInput, window: _Window, p0: float, s: ValidityConfig
) -> Anomaly | None:
    low, _ = wilson_interval(window.invalid, window.received, s.z)
    warning_at = max(s.warning_ratio * p0, p0 + s.warning_margin)
    critical_at = p0 + s.critical_margin
    if window.invalid < s.min_invalid or low <= warning_at:
        return None
    severity = Severity.CRITICAL if low > critical_at else Severity.WARNING
    return Anomaly(
        fingerprint=Fingerprint(
            detector=NAME, event=inputs.hourly.event, source=inputs.hourly.source
        ),
        severity=severity,
        code="validity.drop",
        evidence={
            **_evidence(window),
            "lower_bound_percent": _percent(low),
            "baseline_percent": _percent(p0),
            "threshold_percent": _percent(
                critical_at if low > critical_at else warning_at
            ),
        },
    )


def _below_floor(inputs: ValidityInput, s: ValidityConfig) -> Anomaly | None:
    now = inputs.now
    hours = [
        _sum(inputs.five_minute, now - (k + 1) * HOUR, now - k * HOUR)
        for k in range(s.floor_hours)
    ]
    if inputs.five_minute.start > now - s.floor_hours * HOUR:
        return None
    for hour in hours:
        if hour.received < s.floor_min_samples:
            return None
        if 1 - hour.invalid / hour.received >= s.floor_validity:
            return None
    whole = _Window(
        start=hours[-1].start,
        end=now,
        received=sum(h.received for h in hours),
        invalid=sum(h.invalid for h in hours),
    )
    return Anomaly(
        fingerprint=Fingerprint(
            detector=NAME, event=inputs.hourly.event, source=inputs.hourly.source
        ),
        severity=Severity.WARNING,
        code="validity.below_floor",
        evidence={**_evidence(whole), "floor_percent": _percent(s.floor_validity)},
    )


def _percent(rate: float) -> float:
    return round(100 * rate, 2)


def _evidence(window: _Window) -> Evidence:
    rate = window.invalid / window.received if window.received else 0.0
    return {
        "since": iso(window.start),
        "until": iso(window.end),
        "window_minutes": (window.end - window.start) // timedelta(minutes=1),
        "received": window.received,
        "invalid": window.invalid,
        "observed": window.invalid,
        "invalid_percent": _percent(rate),
        "validity_percent": _percent(1 - rate),
    }
