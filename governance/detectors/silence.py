"""Silence (design 2.2): an event that stopped arriving on a source, or never arrived.

Poisson rule: the expected count since the event was last seen, Lambda = sum of lambda over
the gap (lambda per minute from the hourly seasonal expectation L * S, so a gap through the
night expects little), is the design's lambda * d; P(no event) = exp(-Lambda). Warning when
Lambda >= 7 and d >= 15 minutes, critical at Lambda >= 14. Rare events (a mean rate under one
an hour over the last 4 weeks) instead alert when the gap exceeds both 3x the 99th percentile
of their historical gaps and 24 hours. "Never seen": an event expected on a source with no
sample 24 hours after the source's first traffic, or 48 hours after a new app version passed
5 % of the source's traffic (when the event's usual rate would have sent 7 by then).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from governance.detectors.base import (
    Anomaly,
    Fingerprint,
    Granularity,
    Learning,
    Outcome,
    Series,
    Severity,
    floor_time,
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
from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig, SilenceConfig
from governance.detectors.stats import quantile

NAME = "silence"
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
WEEKS_OF_RATE = timedelta(days=28)


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionAdoption:
    """An app version of the source: when it passed 5 % of the source's traffic (None: not
    yet) and its share of the source's traffic now."""

    version: str
    passed_share_at: datetime | None
    share: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SilenceInput:
    """One event on one source at `now`.

    `history` is the event's counts on the source (as for volume; the baseline fitted for
    volume may be passed). `last_seen` is the event's last sample on the source, None if
    never. `expected` says the event is active, planned and expected on this source.
    `versions_seen` are the app versions it was seen in on the source.
    """

    now: datetime
    history: History
    last_seen: datetime | None
    expected: bool = True
    source_first_traffic: datetime | None = None
    versions_seen: frozenset[str] = frozenset()
    versions: tuple[VersionAdoption, ...] = ()
    excluded: frozenset[datetime] = frozenset()
    baseline: Baseline | None = None


@register(NAME, SilenceInput)
def detect(inputs: SilenceInput, config: DetectorConfig = DEFAULT_CONFIG) -> Outcome:
    """The never-seen rules always; the rate rules once the event has 7 days of history."""
    s = config.silence
    series = inputs.history.hourly
    outcome = Outcome(detector=NAME, event=series.event, source=series.source)
    if inputs.last_seen is None:
        never = _never_seen_on_source(inputs, s)
        if never is None and _source_hours(inputs) < s.never_seen_after_source / HOUR:
            learning = Learning(
                code="silence.learning_source",
                have=round(_source_hours(inputs), 1),
                need=s.never_seen_after_source / HOUR,
            )
            return replace(outcome, learning=learning)
        return replace(outcome, anomalies=(never,) if never else ())
    versions = tuple(_never_seen_in_versions(inputs, s))
    gap = _gap(inputs, inputs.last_seen, config)
    if isinstance(gap, Learning):
        return replace(outcome, anomalies=versions, learning=gap)
    return replace(outcome, anomalies=(gap, *versions) if gap else versions)


def _fingerprint(series: Series, **detail: str) -> Fingerprint:
    return Fingerprint(
        detector=NAME, event=series.event, source=series.source, **detail
    )


def _source_hours(inputs: SilenceInput) -> float:
    first = inputs.source_first_traffic
    return (inputs.now - first) / HOUR if first else 0.0


def _never_seen_on_source(inputs: SilenceInput, s: SilenceConfig) -> Anomaly | None:
    first = inputs.source_first_traffic
    if not inputs.expected or first is None:
        return None
    if inputs.now - first < s.never_seen_after_source:
        return None
    return Anomaly(
        fingerprint=_fingerprint(inputs.history.hourly, kind="never_seen"),
        severity=Severity.WARNING,
        code="silence.never_seen_source",
        evidence={
            "source_first_traffic": iso(first),
            "hours_since": round((inputs.now - first) / HOUR, 1),
        },
    )


def _mean_rate_per_minute(series: Series, *, now: datetime) -> float:
    """Samples a minute over the last 4 weeks of the series (or since it began)."""
    start = max(series.start, now - WEEKS_OF_RATE)
    first = next((b.start for b in series.buckets if b.received), None)
    if first is not None:
        start = max(start, first)
    minutes = (min(series.end, now) - start) / MINUTE
    total = sum(b.received for b in series.buckets if b.start >= start)
    return total / minutes if minutes > 0 else 0.0


def _never_seen_in_versions(inputs: SilenceInput, s: SilenceConfig) -> list[Anomaly]:
    if not inputs.expected:
        return []
    rate = _mean_rate_per_minute(inputs.history.hourly, now=inputs.now)
    found = []
    for adoption in inputs.versions:
        passed = adoption.passed_share_at
        if passed is None or adoption.version in inputs.versions_seen:
            continue
        waited = inputs.now - passed
        expected = rate * adoption.share * (waited / MINUTE)
        if waited >= s.never_seen_after_version and expected >= s.version_min_expected:
            found.append(_version_anomaly(inputs, adoption, passed, expected, s))
    return found


def _version_anomaly(
    inputs: SilenceInput,
    adoption: VersionAdoption,
    passed: datetime,
    expected: float,
    s: SilenceConfig,
) -> Anomaly:
    return Anomaly(
        fingerprint=_fingerprint(
            inputs.history.hourly, kind="never_seen", app_version=adoption.version
        ),
        severity=Severity.WARNING,
        code="silence.never_seen_version",
        evidence={
            "app_version": adoption.version,
            "since": iso(passed),
            "hours_since": round((inputs.now - passed) / HOUR, 1),
            "traffic_share_percent": round(100 * adoption.share, 1),
            "adoption_percent": round(100 * s.version_share, 1),
            "expected": round(expected, 1),
        },
    )


def _gap(
    inputs: SilenceInput, last_seen: datetime, config: DetectorConfig
) -> Anomaly | Learning | None:
    """The rate rules: `Learning` under 7 days of history (or too few gaps for a rare
    event's rhythm)."""
    baseline = inputs.baseline or fit_baseline(
        inputs.history, now=inputs.now, excluded=inputs.excluded, config=config.volume
    )
    if isinstance(baseline, Learning):
        return replace(baseline, code="silence.learning")
    rate = _mean_rate_per_minute(inputs.history.hourly, now=inputs.now)
    if rate * 60 < config.silence.rare_rate_per_hour:
        return _rare_gap(inputs, last_seen, config.silence)
    return _poisson_gap(inputs, last_seen, baseline, config)


def _poisson_gap(
    inputs: SilenceInput,
    last_seen: datetime,
    baseline: Baseline,
    config: DetectorConfig,
) -> Anomaly | None:
    s = config.silence
    hours = frame(
        inputs.history,
        baseline,
        Granularity.HOUR,
        now=inputs.now,
        excluded=inputs.excluded,
        config=config.volume,
    )
    expected = _expected_between(hours, last_seen, inputs.now)
    silent = inputs.now - last_seen
    if silent < s.min_gap or expected < s.warning_expected:
        return None
    severity = (
        Severity.CRITICAL if expected >= s.critical_expected else Severity.WARNING
    )
    current = (
        hours.expected_at(hours.track.index_of(floor_time(inputs.now, HOUR))) or 0.0
    )
    return Anomaly(
        fingerprint=_fingerprint(inputs.history.hourly),
        severity=severity,
        code="silence.silent",
        evidence={
            "last_seen": iso(last_seen),
            "since": iso(last_seen),
            "minutes_silent": round(silent / MINUTE),
            "expected": round(expected, 1),
            "observed": 0,
            "rate_per_hour": round(current, 1),
            "p_no_event": float(f"{math.exp(-expected):.3g}"),
        },
    )


def _expected_between(hours: Frame, start: datetime, end: datetime) -> float:
    """Lambda: the samples expected over [start, end), hour by hour from L * S."""
    expected = 0.0
    at = start
    while at < end:
        hour = floor_time(at, HOUR)
        stop = min(hour + HOUR, end)
        mu = hours.expected_at(hours.track.index_of(hour)) or 0.0
        expected += mu * ((stop - at) / HOUR)
        at = stop
    return expected


def _rare_gap(
    inputs: SilenceInput, last_seen: datetime, s: SilenceConfig
) -> Anomaly | Learning | None:
    seen = [b.start for b in inputs.history.hourly.buckets if b.received]
    gaps = [
        (later - earlier) / HOUR for earlier, later in zip(seen, seen[1:], strict=False)
    ]
    if len(gaps) < s.rare_min_gaps:
        return Learning(
            code="silence.learning_gaps", have=len(gaps), need=s.rare_min_gaps
        )
    typical = quantile(gaps, s.rare_gap_quantile)
    threshold = max(s.rare_gap_factor * typical, s.rare_min_gap / HOUR)
    silent = (inputs.now - last_seen) / HOUR
    if silent <= threshold:
        return None
    return Anomaly(
        fingerprint=_fingerprint(inputs.history.hourly),
        severity=Severity.WARNING,
        code="silence.rare_gap",
        evidence={
            "last_seen": iso(last_seen),
            "since": iso(last_seen),
            "hours_silent": round(silent, 1),
            "typical_gap_hours": round(typical, 1),
            "threshold_hours": round(threshold, 1),
            "gaps_seen": len(gaps),
        },
    )
