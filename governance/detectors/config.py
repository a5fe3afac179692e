"""Every detector threshold, with the design's defaults (one frozen value, so sweeps replace it).

Sweep one threshold with `dataclasses.replace`:
`replace(DEFAULT_CONFIG, volume=replace(DEFAULT_CONFIG.volume, warning_z=2.5))`.
Values the design leaves open are marked "(ours)" with the reason beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True, slots=True, kw_only=True)
class VolumeConfig:
    """2.1 Volume drop and spike."""

    weeks: int = 4
    neighbour_slots: int = 1  # 5-minute buckets also take the slots either side
    learning_days: float = 7.0
    weekday_slots_from_days: float = 21.0  # 7-20 days: hour-of-day slots from all days
    level_window: timedelta = timedelta(hours=24)
    # (ours) the daily tier's level is the ratio of sums over a week: one day is one ratio.
    daily_level_window: timedelta = timedelta(days=7)
    level_min: float = 0.5
    level_max: float = 2.0
    spread_floor: float = 0.05
    warning_z: float = 3.0
    warning_change: float = 0.3
    critical_z: float = 5.0
    critical_change: float = 0.6
    rolling_buckets: int = 3  # 15 minutes of 5-minute buckets, all on one side
    min_expected: float = 10.0  # per bucket, to judge a tier by z
    poisson_warning_p: float = 0.001
    # (ours) the design names no critical level for the exact tail: z = 5 one-sided.
    poisson_critical_p: float = 3e-7
    # (ours) a daily expectation is never below one sample, so a dormant event waking is
    # judged against something.
    poisson_min_expected: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SilenceConfig:
    """2.2 Silence and "never seen"."""

    learning_days: float = 7.0
    warning_expected: float = 7.0  # λd
    critical_expected: float = 14.0
    min_gap: timedelta = timedelta(minutes=15)
    rare_rate_per_hour: float = 1.0
    rare_gap_factor: float = 3.0
    rare_gap_quantile: float = 0.99
    rare_min_gap: timedelta = timedelta(hours=24)
    # (ours) fewer gaps than this tell no rhythm: the rare rule keeps learning.
    rare_min_gaps: int = 3
    never_seen_after_source: timedelta = timedelta(hours=24)
    never_seen_after_version: timedelta = timedelta(hours=48)
    version_share: float = 0.05
    # (ours) a new version is only expected to carry an event it would have sent this many
    # times by now at the event's usual rate (the same bar as λd ≥ 7).
    version_min_expected: float = 7.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidityConfig:
    """2.3 Validity drop."""

    baseline_window: timedelta = timedelta(days=7)
    # (ours) fewer hours with samples than this give no baseline: the relative rules learn.
    min_baseline_hours: int = 24
    p0_floor: float = 0.001
    z: float = 2.576
    warning_ratio: float = 2.0
    warning_margin: float = 0.05
    critical_margin: float = 0.20
    min_invalid: int = 3
    five_minute_min_samples: int = 200
    floor_validity: float = 0.95
    floor_hours: int = 2
    floor_min_samples: int = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class NewViolationConfig:
    """2.4 New violation kind."""

    unseen_for: timedelta = timedelta(days=30)
    min_count: int = 3
    min_share: float = 0.01
    # (ours) during an event's first day on a source every kind is new: learn, do not alert.
    learning: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnplannedConfig:
    """2.4 Unplanned events."""

    flood_per_hour: int = 100
    flood_share: float = 0.01
    # (ours) the share rule needs a few samples: one stray sample on a quiet source is no flood.
    flood_min_count: int = 3
    # Edit distance over the longer key, both folded (case and separators removed).
    near_duplicate_distance: float = 0.2
    # (ours) during a source's first day every event is first seen: no info findings.
    learning: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionConfig:
    """2.5 Breakage in a new app version."""

    min_new_samples: int = 50
    min_old_samples: int = 500
    previous_versions: int = 2
    z: float = 2.576
    min_count: int = 3  # (ours) samples showing a new type or a missing property
    firing_ratio: float = 0.5
    # (ours) the firing check needs the version to have been expected to send this many.
    firing_min_expected: float = 50.0
    psi: float = 0.25
    psi_min_samples: int = 200
    psi_floor: float = 1e-4  # (ours) share given to a value absent on one side
    # (ours) critical: most samples affected, or the event nearly stopped.
    critical_share: float = 0.5
    critical_firing_ratio: float = 0.1


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorConfig:
    volume: VolumeConfig = field(default_factory=VolumeConfig)
    silence: SilenceConfig = field(default_factory=SilenceConfig)
    validity: ValidityConfig = field(default_factory=ValidityConfig)
    new_violation: NewViolationConfig = field(default_factory=NewViolationConfig)
    unplanned: UnplannedConfig = field(default_factory=UnplannedConfig)
    version: VersionConfig = field(default_factory=VersionConfig)


DEFAULT_CONFIG = DetectorConfig()
