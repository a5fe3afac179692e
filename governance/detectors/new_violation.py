"""New violation kind (design 2.4): a problem of an event not seen in the last 30 days.

The fingerprint is (event, kind, JSON pointer path, source). A kind is new when it was not
seen in the 30 days before the judged hour; it fires at 3 samples in the hour or 1 % of the
event's samples on that source, and at the first sample when the path is a required property
or feeds an online metric. During the event's first day on a source every kind is new: the
detector learns instead (the validity floor still watches an event broken from birth).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from governance.detectors.base import (
    Anomaly,
    Fingerprint,
    Learning,
    Outcome,
    Severity,
    iso,
    register,
)
from governance.detectors.config import (
    DEFAULT_CONFIG,
    DetectorConfig,
    NewViolationConfig,
)

NAME = "new_violation"
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class ViolationActivity:
    """One violation kind at one path of the event on one source, in the judged hour.

    `count` is its samples in the hour and `samples` the event's samples on the source in the
    same hour; `previously_seen` the last time it was seen before the hour (None: never).
    `example` is a masked example, passed through as evidence.
    """

    source: str
    kind: str
    path: str
    count: int
    samples: int
    previously_seen: datetime | None
    keyword: str = ""
    required: bool = False
    feeds_online_metric: bool = False
    example: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewViolationInput:
    """An event's violations in the hour ending at `now`; `first_seen` maps each source to
    the event's first sample there."""

    event: str
    now: datetime
    first_seen: Mapping[str, datetime]
    activities: tuple[ViolationActivity, ...]


@register(NAME, NewViolationInput)
def detect(
    inputs: NewViolationInput, config: DetectorConfig = DEFAULT_CONFIG
) -> Outcome:
    """One warning per new kind that passed its bar; learning on sources under a day old."""
    s = config.new_violation
    outcome = Outcome(detector=NAME, event=inputs.event, source=None)
    judged = [a for a in inputs.activities if not _learning(inputs, a.source, s)]
    anomalies = tuple(
        _anomaly(inputs, activity, s)
        for activity in judged
        if _is_new(inputs, activity, s) and _passes(activity, s)
    )
    if len(judged) < len(inputs.activities) and not anomalies:
        ages = [_age_hours(inputs, a.source) for a in inputs.activities]
        learning = Learning(
            code="new_violation.learning",
            have=round(min(ages), 1),
            need=s.learning / HOUR,
        )
        return replace(outcome, learning=learning)
    return replace(outcome, anomalies=anomalies)


def _age_hours(inputs: NewViolationInput, source: str) -> float:
    first = inputs.first_seen.get(source)
    return (inputs.now - first) / HOUR if first else 0.0


def _learning(inputs: NewViolationInput, source: str, s: NewViolationConfig) -> bool:
    return _age_hours(inputs, source) < s.learning / HOUR


def _is_new(
    inputs: NewViolationInput, activity: ViolationActivity, s: NewViolationConfig
) -> bool:
    seen = activity.previously_seen
    return activity.count > 0 and (
        seen is None or inputs.now - HOUR - seen >= s.unseen_for
    )


def _passes(activity: ViolationActivity, s: NewViolationConfig) -> bool:
    if activity.required or activity.feeds_online_metric:
        return True
    share = activity.count / activity.samples if activity.samples else 0.0
    return activity.count >= s.min_count or share >= s.min_share


def _anomaly(
    inputs: NewViolationInput, activity: ViolationActivity, s: NewViolationConfig
) -> Anomaly:
    share = activity.count / activity.samples if activity.samples else 0.0
    seen = activity.previously_seen
    return Anomaly(
        fingerprint=Fingerprint(
            detector=NAME,
            event=inputs.event,
            source=activity.source,
            kind=activity.kind,
            path=activity.path,
        ),
        severity=Severity.WARNING,
        code="new_violation.new_kind",
        evidence={
            "kind": activity.kind,
            "keyword": activity.keyword,
            "path": activity.path,
            "source": activity.source,
            "observed": activity.count,
            "samples": activity.samples,
            "share_percent": round(100 * share, 2),
            "required": activity.required,
            "feeds_online_metric": activity.feeds_online_metric,
            "since": iso(inputs.now - HOUR),
            "previously_seen": iso(seen) if seen else None,
            "unseen_days": s.unseen_for.days,
            "example": activity.example,
        },
    )
