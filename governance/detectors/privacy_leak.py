"""Personal data (design 2.6): a detector hit in a property not classed personal.

Critical at once, with no baseline and no learning. One anomaly per (event, property,
personal-data kind), whatever the source: that is the fingerprint the alert lifecycle
deduplicates for 24 hours. Only the masked example travels with it, never a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from governance.detectors.base import (
    Anomaly,
    Fingerprint,
    Outcome,
    Severity,
    iso,
    register,
)
from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig

NAME = "privacy_leak"


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalDataHit:
    """Samples of the event whose value at `path` a personal-data detector (`kind`: phone,
    email, id_number, bank_card) flagged, on one source and app version, in the judged
    window. `masked_example` is already masked."""

    path: str
    kind: str
    source: str
    app_version: str
    count: int
    first_seen: datetime
    last_seen: datetime
    masked_example: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivacyLeakInput:
    """An event's personal-data hits, and the paths of its properties classed personal."""

    event: str
    personal_paths: frozenset[str]
    hits: tuple[PersonalDataHit, ...]


@register(NAME, PrivacyLeakInput)
def detect(
    inputs: PrivacyLeakInput, config: DetectorConfig = DEFAULT_CONFIG
) -> Outcome:
    """One critical anomaly per (property, kind) found outside the personal properties."""
    groups: dict[tuple[str, str], list[PersonalDataHit]] = {}
    for hit in inputs.hits:
        if hit.count > 0 and hit.path not in inputs.personal_paths:
            groups.setdefault((hit.path, hit.kind), []).append(hit)
    anomalies = tuple(
        _anomaly(inputs.event, path, kind, hits)
        for (path, kind), hits in sorted(groups.items())
    )
    return Outcome(detector=NAME, event=inputs.event, source=None, anomalies=anomalies)


def _anomaly(
    event: str, path: str, kind: str, hits: Sequence[PersonalDataHit]
) -> Anomaly:
    latest = max(hits, key=lambda h: h.last_seen)
    return Anomaly(
        fingerprint=Fingerprint(detector=NAME, event=event, kind=kind, path=path),
        severity=Severity.CRITICAL,
        code="privacy.leak",
        evidence={
            "path": path,
            "kind": kind,
            "observed": sum(h.count for h in hits),
            "sources": ", ".join(sorted({h.source for h in hits})),
            "app_versions": ", ".join(sorted({h.app_version or "?" for h in hits})),
            "since": iso(min(h.first_seen for h in hits)),
            "last_seen": iso(latest.last_seen),
            "masked_example": latest.masked_example,
        },
    )
