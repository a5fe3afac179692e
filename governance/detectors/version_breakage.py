"""Breakage in a new app version (design 2.5): a version against the two before it.

A version is judged against the two previous versions with at least 500 samples of the event
(pooled). Checks: invalid rate (the new version's Wilson lower bound above the old versions'
upper bound), type drift (a JSON type at a path the old versions sent with other types only),
a required property going missing (the same Wilson test on its missing share), events per
active device under half the old rate ("stops firing in 5.2.0"), and an enum's value shares
shifting (PSI >= 0.25, both sides with 200 samples). Every check but the firing one needs 50
samples of the event in the new version; the firing one needs the old rate to have promised
50. Critical when half the new version's samples are hit, or the event nearly stopped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from governance.detectors.base import (
    Anomaly,
    Evidence,
    Fingerprint,
    Learning,
    Outcome,
    Severity,
    iso,
    register,
)
from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig, VersionConfig
from governance.detectors.stats import psi, wilson_interval

NAME = "version_breakage"


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionProfile:
    """The event in one app version on the source, over the loader's window.

    `active_devices` counts devices sending anything on the source in this version (None:
    unknown, the firing check is skipped); `traffic_share` is the version's share of the
    source's traffic now. `types` maps a property path to sample counts per JSON type,
    `missing_required` a required property to the samples without it, `enum_values` an enum
    property to sample counts per value.
    """

    version: str
    first_seen: datetime
    samples: int
    invalid: int
    traffic_share: float
    active_devices: int | None = None
    types: Mapping[str, Mapping[str, int]] | None = None
    missing_required: Mapping[str, int] | None = None
    enum_values: Mapping[str, Mapping[str, int]] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionBreakageInput:
    """The event on one source (or all), its versions oldest first in release order."""

    event: str
    source: str | None
    versions: tuple[VersionProfile, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Pool:
    """The previous versions, pooled."""

    versions: tuple[str, ...]
    samples: int
    invalid: int
    active_devices: int | None
    types: Mapping[str, Mapping[str, int]]
    missing_required: Mapping[str, int]
    enum_values: Mapping[str, Mapping[str, int]]


@register(NAME, VersionBreakageInput)
def detect(
    inputs: VersionBreakageInput, config: DetectorConfig = DEFAULT_CONFIG
) -> Outcome:
    """Every version that has previous versions to compare with is judged; learning when none
    has."""
    s = config.version
    outcome = Outcome(detector=NAME, event=inputs.event, source=inputs.source)
    anomalies: list[Anomaly] = []
    compared = 0
    for index, version in enumerate(inputs.versions):
        pool = _previous(inputs.versions[:index], s)
        if pool is None:
            continue
        compared += 1
        anomalies.extend(_checks(inputs, version, pool, s))
    if not compared:
        best = max((v.samples for v in inputs.versions), default=0)
        learning = Learning(code="version.learning", have=best, need=s.min_old_samples)
        return replace(outcome, learning=learning)
    return replace(outcome, anomalies=tuple(anomalies))


def _previous(earlier: Sequence[VersionProfile], s: VersionConfig) -> _Pool | None:
    chosen = [v for v in earlier if v.samples >= s.min_old_samples][
        -s.previous_versions :
    ]
    if not chosen:
        return None
    devices = [v.active_devices for v in chosen]
    return _Pool(
        versions=tuple(v.version for v in chosen),
        samples=sum(v.samples for v in chosen),
        invalid=sum(v.invalid for v in chosen),
        active_devices=None if None in devices else sum(d or 0 for d in devices),
        types=_merge_nested([v.types or {} for v in chosen]),
        missing_required=_merge([v.missing_required or {} for v in chosen]),
        enum_values=_merge_nested([v.enum_values or {} for v in chosen]),
    )


def _merge(parts: Sequence[Mapping[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for part in parts:
        for key, count in part.items():
            merged[key] = merged.get(key, 0) + count
    return merged


def _merge_nested(
    parts: Sequence[Mapping[str, Mapping[str, int]]],
) -> dict[str, dict[str, int]]:
    keys = {key for part in parts for key in part}
    return {key: _merge([part.get(key, {}) for part in parts]) for key in keys}


def _checks(
    inputs: VersionBreakageInput, version: VersionProfile, pool: _Pool, s: VersionConfig
) -> Iterator[Anomaly]:
    firing = _firing(inputs, version, pool, s)
    if firing:
        yield firing
    if version.samples < s.min_new_samples:
        return
    invalid = _rate_rise(
        version.invalid, version.samples, pool.invalid, pool.samples, s
    )
    if invalid:
        yield _anomaly(inputs, version, pool, "invalid_rate", None, invalid, s)
    yield from _type_drift(inputs, version, pool, s)
    yield from _missing_required(inputs, version, pool, s)
    yield from _enum_shift(inputs, version, pool, s)


def _rate_rise(
    k_new: int, n_new: int, k_old: int, n_old: int, s: VersionConfig
) -> Evidence | None:
    """Wilson lower bound of the new rate above the old's upper bound, or None."""
    low, _ = wilson_interval(k_new, n_new, s.z)
    _, old_high = wilson_interval(k_old, n_old, s.z)
    if k_new < s.min_count or low <= old_high:
        return None
    return {
        "observed": k_new,
        "samples": n_new,
        "rate_percent": round(100 * k_new / n_new, 2),
        "lower_bound_percent": round(100 * low, 2),
        "previous_rate_percent": round(100 * k_old / n_old, 2),
        "previous_upper_percent": round(100 * old_high, 2),
    }


def _type_drift(
    inputs: VersionBreakageInput, version: VersionProfile, pool: _Pool, s: VersionConfig
) -> Iterator[Anomaly]:
    for path, counts in sorted((version.types or {}).items()):
        before = pool.types.get(path)
        if not before:
            continue  # a new property, not a drift
        for json_type, count in sorted(counts.items()):
            if count >= s.min_count and not before.get(json_type):
                evidence: Evidence = {
                    "json_type": json_type,
                    "previous_types": ", ".join(
                        sorted(t for t, n in before.items() if n)
                    ),
                    "observed": count,
                    "samples": version.samples,
                    "rate_percent": round(100 * count / version.samples, 2),
                }
                yield _anomaly(inputs, version, pool, "type_drift", path, evidence, s)


def _missing_required(
    inputs: VersionBreakageInput, version: VersionProfile, pool: _Pool, s: VersionConfig
) -> Iterator[Anomaly]:
    for prop, missing in sorted((version.missing_required or {}).items()):
        before = pool.missing_required.get(prop, 0)
        evidence = _rate_rise(missing, version.samples, before, pool.samples, s)
        if evidence:
            yield _anomaly(inputs, version, pool, "required_missing", prop, evidence, s)


def _enum_shift(
    inputs: VersionBreakageInput, version: VersionProfile, pool: _Pool, s: VersionConfig
) -> Iterator[Anomaly]:
    for prop, counts in sorted((version.enum_values or {}).items()):
        before = pool.enum_values.get(prop, {})
        if (
            sum(counts.values()) < s.psi_min_samples
            or sum(before.values()) < s.psi_min_samples
        ):
            continue
        index = psi(before, counts, floor=s.psi_floor)
        if index >= s.psi:
            evidence: Evidence = {
                "psi": round(index, 3),
                "new_values": ", ".join(sorted(v for v in counts if not before.get(v))),
                "samples": sum(counts.values()),
            }
            yield _anomaly(inputs, version, pool, "enum_shift", prop, evidence, s)


def _firing(
    inputs: VersionBreakageInput, version: VersionProfile, pool: _Pool, s: VersionConfig
) -> Anomaly | None:
    """Events per active device under half the old versions' (the old rate promised 50)."""
    if not version.active_devices or not pool.active_devices:
        return None
    old_rate = pool.samples / pool.active_devices
    expected = old_rate * version.active_devices
    if expected < s.firing_min_expected:
        return None
    ratio = version.samples / expected
    if ratio >= s.firing_ratio:
        return None
    evidence: Evidence = {
        "observed": version.samples,
        "expected": round(expected, 1),
        "per_device": round(version.samples / version.active_devices, 3),
        "previous_per_device": round(old_rate, 3),
        "ratio_percent": round(100 * ratio, 1),
        "active_devices": version.active_devices,
    }
    return _anomaly(inputs, version, pool, "firing_drop", None, evidence, s)


def _severity(kind: str, evidence: Evidence, s: VersionConfig) -> Severity:
    if kind == "firing_drop":
        ratio = evidence["ratio_percent"]
        nearly_stopped = (
            isinstance(ratio, float) and ratio < 100 * s.critical_firing_ratio
        )
        return Severity.CRITICAL if nearly_stopped else Severity.WARNING
    rate = evidence.get("rate_percent")
    if isinstance(rate, float) and rate >= 100 * s.critical_share:
        return Severity.CRITICAL
    return Severity.WARNING


def _anomaly(
    inputs: VersionBreakageInput,
    version: VersionProfile,
    pool: _Pool,
    kind: str,
    path: str | None,
    evidence: Evidence,
    s: VersionConfig,
) -> Anomaly:
    return Anomaly(
        fingerprint=Fingerprint(
            detector=NAME,
            event=inputs.event,
            source=inputs.source,
            kind=kind,
            app_version=version.version,
            path=path,
        ),
        severity=_severity(kind, evidence, s),
        code=f"version.{kind}",
        evidence={
            **evidence,
            "app_version": version.version,
            "path": path,
            "since": iso(version.first_seen),
            "first_seen": iso(version.first_seen),
            "traffic_share_percent": round(100 * version.traffic_share, 1),
            "compared_with": ", ".join(pool.versions),
        },
    )
