"""A batch folded in memory: one row of increments per counter, before anything is written.

Pure. `fold` takes the verdicts of a batch's new (not duplicate) samples and returns a
`BatchFold` whose rows the store writes with one upsert each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from governance.pipeline.validate import Verdict

WINDOW = timedelta(minutes=5)
EXAMPLES_PER_VIOLATION = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowKey:
    message_type: str
    event_name: str
    app_version: str
    window_start: datetime


@dataclass(slots=True, kw_only=True)
class WindowCounts:
    planned: bool
    received: int = 0
    valid: int = 0
    invalid: int = 0
    personal: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ViolationKey:
    message_type: str
    event_name: str
    app_version: str
    kind: str
    keyword: str
    path: str


@dataclass(slots=True, kw_only=True)
class ViolationTally:
    count: int = 0
    message: str = ""
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeKey:
    event_name: str
    path: str
    app_version: str
    json_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SeenKey:
    message_type: str
    event_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleRow:
    verdict: Verdict
    message: dict[str, Any]  # masked


@dataclass(slots=True, kw_only=True)
class BatchFold:
    at: datetime
    windows: dict[WindowKey, WindowCounts] = field(default_factory=dict)
    violations: dict[ViolationKey, ViolationTally] = field(default_factory=dict)
    types: dict[TypeKey, int] = field(default_factory=dict)
    last_seen: dict[SeenKey, str] = field(default_factory=dict)  # -> app version
    samples: list[SampleRow] = field(default_factory=list)


def window_start(moment: datetime) -> datetime:
    """The start of the 5-minute window holding `moment` (aware, same zone)."""
    return moment.replace(
        minute=moment.minute - moment.minute % 5, second=0, microsecond=0
    )


def fold(
    samples: Iterable[tuple[Verdict, dict[str, Any]]],
    *,
    at: datetime,
    mask: Callable[[Verdict, dict[str, Any]], dict[str, Any]],
    samples_per_event: int,
) -> BatchFold:
    """Fold (verdict, raw message) pairs; `mask` is called only for kept examples and samples."""
    result = BatchFold(at=at)
    start = window_start(at)
    kept: dict[tuple[str, bool], int] = {}
    for verdict, message in samples:
        _count(result, verdict, start)
        masked: dict[str, Any] | None = None
        for violation in verdict.violations:
            tally = _tally(result, verdict, violation)
            if len(tally.examples) < EXAMPLES_PER_VIOLATION:
                masked = masked or mask(verdict, message)
                tally.examples.append(masked)
        slot = (verdict.event_name, verdict.valid)
        if kept.get(slot, 0) < samples_per_event:
            kept[slot] = kept.get(slot, 0) + 1
            result.samples.append(
                SampleRow(verdict=verdict, message=masked or mask(verdict, message))
            )
    return result


def _count(result: BatchFold, verdict: Verdict, start: datetime) -> None:
    key = WindowKey(
        message_type=verdict.message_type,
        event_name=verdict.event_name,
        app_version=verdict.app_version,
        window_start=start,
    )
    counts = result.windows.get(key)
    if counts is None:
        counts = result.windows[key] = WindowCounts(planned=verdict.planned)
    counts.received += 1
    if verdict.valid:
        counts.valid += 1
    else:
        counts.invalid += 1
    if verdict.personal_findings:
        counts.personal += 1
    for path, json_type in verdict.types:
        type_key = TypeKey(
            event_name=verdict.event_name,
            path=path,
            app_version=verdict.app_version,
            json_type=json_type,
        )
        result.types[type_key] = result.types.get(type_key, 0) + 1
    seen = SeenKey(message_type=verdict.message_type, event_name=verdict.event_name)
    result.last_seen[seen] = verdict.app_version


def _tally(result: BatchFold, verdict: Verdict, violation: Any) -> ViolationTally:
    key = ViolationKey(
        message_type=verdict.message_type,
        event_name=verdict.event_name,
        app_version=verdict.app_version,
        kind=violation.kind,
        keyword=violation.keyword,
        path=violation.path,
    )
    tally = result.violations.get(key)
    if tally is None:
        tally = result.violations[key] = ViolationTally()
    tally.count += 1
    tally.message = violation.message
    return tally
