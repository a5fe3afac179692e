"""Volume drop and spike (design 2.1): counts against their own seasonal expectation.

The expectation of a bucket is mu = L * S (see `baseline`): S the median of its reference
slots, L the recent level. The score z = (x - mu) / sqrt(mu + (c mu)^2) adds Poisson noise and
the fitted multiplicative spread c. Warning at |z| >= 3 and |x/mu - 1| >= 0.3, critical at
|z| >= 5 and >= 0.6. The tier follows mu: 5-minute buckets when mu >= 10 a bucket (the rolling
15 minutes with all three buckets on one side, or the rolling hour), else the last complete
hour when mu >= 10 an hour, else the rolling 24 hours, judged by the exact Poisson tail
(P < 0.001) when mu < 10 a day.

The event's share of its source's traffic is judged too, by rescaling the event's expectation
by how far the source's whole traffic moved in the same window. An anomaly the source shares
says `moved_with_source` (a traffic swing, or a source-wide outage the alert lifecycle may fold
into one source alert); a share that moved while the event's own count looks normal (a drop
hidden by a traffic surge) is a `volume.share_drop` or `volume.share_spike`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from governance.detectors.base import (
    Anomaly,
    Evidence,
    Fingerprint,
    Granularity,
    Learning,
    Outcome,
    Severity,
    iso,
    register,
)
from governance.detectors.baseline import (
    Baseline,
    Frame,
    History,
    fit_baseline,
    frame,
)
from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig, VolumeConfig
from governance.detectors.seasonal import DAY
from governance.detectors.stats import poisson_cdf, poisson_sf

NAME = "volume"
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class VolumeInput:
    """One event's volume (on one source, or all) at `now`, the end of the last complete
    5-minute bucket. `source_traffic` is all samples of the event's source (or the plan's, for
    all sources). `excluded` holds instants whose buckets leave training: buckets that fired,
    declared calendar windows. A baseline (spreads refit daily, levels hourly with `relevel`)
    may be passed; else one is fitted here."""

    now: datetime
    event: History
    source_traffic: History | None = None
    excluded: frozenset[datetime] = frozenset()
    baseline: Baseline | None = None
    source_baseline: Baseline | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Window:
    tier: Granularity
    start: datetime
    end: datetime
    observed: int
    expected: float
    spread: float
    one_sided: bool = True


@register(NAME, VolumeInput)
def detect(inputs: VolumeInput, config: DetectorConfig = DEFAULT_CONFIG) -> Outcome:
    """Judge the newest window of the event's tier; `Learning` under 7 days of history."""
    series = inputs.event.hourly
    outcome = Outcome(detector=NAME, event=series.event, source=series.source)
    baseline = inputs.baseline or fit_baseline(
        inputs.event, now=inputs.now, excluded=inputs.excluded, config=config.volume
    )
    if isinstance(baseline, Learning):
        return replace(outcome, learning=baseline)
    window = _current_window(inputs.event, baseline, inputs, config.volume)
    anomaly = _judge(window, inputs, baseline, config.volume) if window else None
    return replace(outcome, anomalies=(anomaly,) if anomaly else ())


def _frame(
    history: History,
    baseline: Baseline,
    granularity: Granularity,
    inputs: VolumeInput,
    s: VolumeConfig,
) -> Frame:
    return frame(
        history,
        baseline,
        granularity,
        now=inputs.now,
        excluded=inputs.excluded,
        config=s,
    )


def _current_window(
    history: History, baseline: Baseline, inputs: VolumeInput, s: VolumeConfig
) -> _Window | None:
    """The window of the tier mu calls for; None when no tier has a reference yet."""
    five = _frame(history, baseline, Granularity.FIVE_MINUTES, inputs, s)
    windows = _five_minute_windows(five, baseline, s)
    if windows:
        return max(windows, key=lambda w: _rank(_severity(w, s)))
    for granularity, length in ((Granularity.HOUR, HOUR), (Granularity.DAY, DAY)):
        tier = _frame(history, baseline, granularity, inputs, s)
        end = tier.track.end
        measured = tier.measure(end - length, end)
        if measured is None:
            return None
        window = _Window(
            tier=granularity,
            start=end - length,
            end=end,
            observed=measured[0],
            expected=measured[1],
            spread=tier.spread,
        )
        if granularity is Granularity.DAY or window.expected >= s.min_expected:
            return window
    return None


def _five_minute_windows(
    five: Frame, baseline: Baseline, s: VolumeConfig
) -> list[_Window] | None:
    """The rolling 15 minutes and the rolling hour, or None when mu is under 10 a bucket."""
    end, step = five.track.end, five.track.step
    recent = [five.measure(end - k * step, end - (k - 1) * step) for k in range(1, 4)]
    pairs = [m for m in recent if m is not None]
    if len(pairs) < s.rolling_buckets:
        return None
    if sum(mu for _, mu in pairs) / len(pairs) < s.min_expected:
        return None
    sides = {x > mu for x, mu in pairs}
    rolling = _Window(
        tier=Granularity.FIVE_MINUTES,
        start=end - s.rolling_buckets * step,
        end=end,
        observed=sum(x for x, _ in pairs),
        expected=sum(mu for _, mu in pairs),
        spread=five.spread,
        one_sided=len(sides) == 1 and all(x != mu for x, mu in pairs),
    )
    hour = five.measure(end - HOUR, end)
    if hour is None:
        return [rolling]
    rolling_hour = replace(
        rolling,
        start=end - HOUR,
        observed=hour[0],
        expected=hour[1],
        spread=baseline.rolling_hour.spread,
        one_sided=True,
    )
    return [rolling, rolling_hour]


def _z(observed: float, expected: float, spread: float) -> float:
    return (observed - expected) / math.sqrt(expected + (spread * expected) ** 2)


def _change(observed: float, expected: float) -> float:
    return observed / expected - 1


def _by_poisson(window: _Window, s: VolumeConfig) -> bool:
    return window.tier is Granularity.DAY and window.expected < s.min_expected


def _severity(window: _Window, s: VolumeConfig) -> Severity | None:
    """The design's gates: the score and the practical size must both pass."""
    if not window.one_sided:
        return None
    if _by_poisson(window, s):
        return _poisson_severity(window, s)
    z = abs(_z(window.observed, window.expected, window.spread))
    change = abs(_change(window.observed, window.expected))
    if z >= s.critical_z and change >= s.critical_change:
        return Severity.CRITICAL
    if z >= s.warning_z and change >= s.warning_change:
        return Severity.WARNING
    return None


def _poisson_mu(window: _Window, s: VolumeConfig) -> float:
    return max(window.expected, s.poisson_min_expected)


def _poisson_p(window: _Window, s: VolumeConfig) -> float:
    """The one-sided tail on the side the observation lies."""
    mu = _poisson_mu(window, s)
    if window.observed < mu:
        return poisson_cdf(window.observed, mu)
    return poisson_sf(window.observed, mu)


def _poisson_severity(window: _Window, s: VolumeConfig) -> Severity | None:
    change = abs(_change(window.observed, _poisson_mu(window, s)))
    p = _poisson_p(window, s)
    if p < s.poisson_critical_p and change >= s.critical_change:
        return Severity.CRITICAL
    if p < s.poisson_warning_p and change >= s.warning_change:
        return Severity.WARNING
    return None


def _rank(severity: Severity | None) -> int:
    return severity.rank if severity else -1


def _judge(
    window: _Window, inputs: VolumeInput, baseline: Baseline, s: VolumeConfig
) -> Anomaly | None:
    """The event's own verdict, with the source's movement beside it; else the share's."""
    series = inputs.event.hourly
    subject = Fingerprint(detector=NAME, event=series.event, source=series.source)
    severity = _severity(window, s)
    traffic = None if _by_poisson(window, s) else _source_measure(window, inputs, s)
    if traffic is None:
        if severity is None:
            return None
        return _anomaly(subject, window, severity, _evidence(window, baseline, s))
    # The share is judged on the window's total: the event's own buckets may sit on its mu.
    share = replace(
        window, expected=window.expected * traffic[0] / traffic[1], one_sided=True
    )
    share_severity = _severity(share, s)
    if severity:
        evidence = {
            **_evidence(window, baseline, s),
            **_traffic(traffic),
            "moved_with_source": share_severity is None,
        }
        return _anomaly(subject, window, severity, evidence)
    if share_severity:
        evidence = {**_evidence(share, baseline, s), **_traffic(traffic)}
        subject = replace(subject, kind="share")
        return _anomaly(subject, share, share_severity, evidence, share=True)
    return None


def _source_measure(
    window: _Window, inputs: VolumeInput, s: VolumeConfig
) -> tuple[int, float] | None:
    """The source's whole traffic over the window: observed and expected, or None."""
    traffic = inputs.source_traffic
    if traffic is None:
        return None
    baseline = inputs.source_baseline or fit_baseline(
        traffic, now=inputs.now, excluded=inputs.excluded, config=s
    )
    if isinstance(baseline, Learning):
        return None
    tier = _frame(traffic, baseline, window.tier, inputs, s)
    measured = tier.measure(window.start, window.end)
    if measured is None or measured[0] <= 0 or measured[1] <= 0:
        return None
    return measured


def _traffic(traffic: tuple[int, float]) -> Evidence:
    observed, expected = traffic
    return {
        "source_observed": observed,
        "source_expected": round(expected, 1),
        "source_change_percent": round(100 * _change(observed, expected), 1),
    }


def _anomaly(
    fingerprint: Fingerprint,
    window: _Window,
    severity: Severity,
    evidence: Evidence,
    *,
    share: bool = False,
) -> Anomaly:
    direction = "spike" if window.observed > window.expected else "drop"
    return Anomaly(
        fingerprint=fingerprint,
        severity=severity,
        code=f"volume.{'share_' if share else ''}{direction}",
        evidence=evidence,
    )


def _evidence(window: _Window, baseline: Baseline, s: VolumeConfig) -> Evidence:
    """The window, what was expected and the band a warning needs to leave, the score."""
    if _by_poisson(window, s):
        mu = _poisson_mu(window, s)
        half_band = s.warning_change * mu
        score: Evidence = {"p_value": float(f"{_poisson_p(window, s):.3g}")}
    else:
        mu = window.expected
        sd = math.sqrt(mu + (window.spread * mu) ** 2)
        half_band = max(s.warning_z * sd, s.warning_change * mu)
        score = {"z": round(_z(window.observed, mu, window.spread), 2)}
    return {
        "tier": window.tier.value,
        "window_minutes": (window.end - window.start) // timedelta(minutes=1),
        "since": iso(window.start),
        "until": iso(window.end),
        "observed": window.observed,
        "expected": round(mu, 1),
        "expected_low": round(max(0.0, mu - half_band), 1),
        "expected_high": round(mu + half_band, 1),
        "change_percent": round(100 * _change(window.observed, mu), 1),
        "spread": round(window.spread, 3),
        "slots": baseline.mode.value,
        **score,
    }


def training_exclusions(anomaly: Anomaly) -> frozenset[datetime]:
    """The 5-minute bucket starts of the window an anomaly judged: what the caller adds to
    `excluded` so the incident leaves the training set (and the level)."""
    since, until = anomaly.evidence.get("since"), anomaly.evidence.get("until")
    if not isinstance(since, str) or not isinstance(until, str):
        return frozenset()
    start, end = datetime.fromisoformat(since), datetime.fromisoformat(until)
    step = Granularity.FIVE_MINUTES.step
    return frozenset(start + i * step for i in range((end - start) // step))
