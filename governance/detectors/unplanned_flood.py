"""Unplanned events (design 2.4): first seen, floods, and near-duplicates of planned keys.

Per source: info when the name was first seen in the judged hour, warning when it sent 100
samples in the hour or 1 % of the source's traffic (with at least 3 samples, so one stray
sample on a quiet source is no flood). A name that folds to a planned key (case and separators
removed: `AddToCart` and `add_to_cart`) or lies within a normalised edit distance of 0.2 of one
(`add_to_card` and `add_to_cart`) says which planned key it resembles. During a source's first
day everything is first seen: the info findings learn instead; floods still fire.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

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
from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig, UnplannedConfig

NAME = "unplanned_flood"
HOUR = timedelta(hours=1)
# The separators the registry's key folding ignores (governance reads the registry only
# through its snapshot, so the rule is restated here).
_SEPARATORS = re.compile(r"[\s_\-.:/]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class UnplannedSighting:
    """An unplanned name on one source: its samples in the judged hour, the source's samples
    in the same hour, and when the name was first seen there."""

    source: str
    count: int
    source_samples: int
    first_seen: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class UnplannedInput:
    """One unplanned event name at `now` (the end of the judged hour), the plan's event keys,
    and each source's first traffic."""

    name: str
    now: datetime
    planned_keys: tuple[str, ...]
    source_first_traffic: Mapping[str, datetime]
    sightings: tuple[UnplannedSighting, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class NearDuplicate:
    key: str
    reason: str  # "folded" (case and separators) or "edit_distance"
    distance: float


@register(NAME, UnplannedInput)
def detect(inputs: UnplannedInput, config: DetectorConfig = DEFAULT_CONFIG) -> Outcome:
    """One finding per source that saw the name first or was flooded by it; learning when
    the only news is a first sighting on a source under a day old."""
    s = config.unplanned
    outcome = Outcome(detector=NAME, event=inputs.name, source=None)
    similar = near_duplicate(
        inputs.name, inputs.planned_keys, s.near_duplicate_distance
    )
    anomalies = []
    for sighting in inputs.sightings:
        severity = _severity(inputs, sighting, s)
        if severity is not None:
            anomalies.append(_anomaly(inputs, sighting, severity, similar))
    learning = [
        _source_hours(inputs, sighting)
        for sighting in inputs.sightings
        if _is_new(inputs, sighting) and _source_learning(inputs, sighting, s)
    ]
    if learning and not anomalies:
        have = round(min(learning), 1)
        return replace(
            outcome,
            learning=Learning(
                code="unplanned.learning", have=have, need=s.learning / HOUR
            ),
        )
    return replace(outcome, anomalies=tuple(anomalies))


def fold(key: str) -> str:
    """The key with case and separators removed."""
    return _SEPARATORS.sub("", key).casefold()


def near_duplicate(
    name: str, planned_keys: Sequence[str], max_distance: float
) -> NearDuplicate | None:
    """The planned key the name most resembles, if any is within `max_distance`."""
    folded = fold(name)
    best: NearDuplicate | None = None
    for key in planned_keys:
        other = fold(key)
        if other == folded:
            return NearDuplicate(key=key, reason="folded", distance=0.0)
        distance = edit_distance(folded, other) / max(len(folded), len(other), 1)
        if distance <= max_distance and (best is None or distance < best.distance):
            best = NearDuplicate(
                key=key, reason="edit_distance", distance=round(distance, 3)
            )
    return best


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and
    transpositions of adjacent characters each cost one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _is_new(inputs: UnplannedInput, sighting: UnplannedSighting) -> bool:
    return inputs.now - sighting.first_seen <= HOUR


def _source_hours(inputs: UnplannedInput, sighting: UnplannedSighting) -> float:
    first = inputs.source_first_traffic.get(sighting.source)
    return (inputs.now - first) / HOUR if first else 0.0


def _source_learning(
    inputs: UnplannedInput, sighting: UnplannedSighting, s: UnplannedConfig
) -> bool:
    return _source_hours(inputs, sighting) < s.learning / HOUR


def _is_flood(sighting: UnplannedSighting, s: UnplannedConfig) -> bool:
    if sighting.count >= s.flood_per_hour:
        return True
    share = sighting.count / sighting.source_samples if sighting.source_samples else 0.0
    return sighting.count >= s.flood_min_count and share >= s.flood_share


def _severity(
    inputs: UnplannedInput, sighting: UnplannedSighting, s: UnplannedConfig
) -> Severity | None:
    if _is_flood(sighting, s):
        return Severity.WARNING
    if _is_new(inputs, sighting) and not _source_learning(inputs, sighting, s):
        return Severity.INFO
    return None


def _anomaly(
    inputs: UnplannedInput,
    sighting: UnplannedSighting,
    severity: Severity,
    similar: NearDuplicate | None,
) -> Anomaly:
    kind = "flood" if severity is Severity.WARNING else "first_seen"
    share = sighting.count / sighting.source_samples if sighting.source_samples else 0.0
    evidence: Evidence = {
        "name": inputs.name,
        "source": sighting.source,
        "observed": sighting.count,
        "source_samples": sighting.source_samples,
        "share_percent": round(100 * share, 2),
        "first_seen": iso(sighting.first_seen),
        "since": iso(sighting.first_seen),
        "similar_to": similar.key if similar else None,
        "similarity": similar.reason if similar else None,
    }
    return Anomaly(
        fingerprint=Fingerprint(
            detector=NAME, event=inputs.name, source=sighting.source
        ),
        severity=severity,
        code=f"unplanned.{kind}{'_near_duplicate' if similar else ''}",
        evidence=evidence,
    )
