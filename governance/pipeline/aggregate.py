"""A batch folded in memory: one row of increments per counter, before anything is written.

Pure. `fold` takes the verdicts of a batch's new (not duplicate) samples and returns a
`BatchFold` whose rows the store writes with one upsert each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from governance.pipeline.validate import Verdict

WINDOW = timedelta(minutes=5)
EXAMPLES_PER_VIOLATION = 5


class WindowKey(NamedTuple):
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


class ViolationKey(NamedTuple):
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


class ShapeKey(NamedTuple):
    """Samples of one event and app version whose properties had these (path, type) pairs."""

    event_name: str
    app_version: str
    pairs: tuple[tuple[str, str], ...]


class SeenKey(NamedTuple):
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
    shapes: dict[ShapeKey, int] = field(default_factory=dict)
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
    keep_sample: Callable[[Verdict], bool] | None = None,
    has_examples: Callable[[ViolationKey], bool] | None = None,
) -> BatchFold:
    """Fold (verdict, raw message) pairs; `mask` is called only for kept examples and samples.

    A sample is kept for QA while its event and validity have fewer than `samples_per_event`
    in this batch and `keep_sample` (if given) agrees. Examples are kept for a violation
    unless `has_examples` (if given) says its row already holds all it keeps.
    """
    # TRICKY: this loop runs once per sample, so it counts into plain tuples and lists and
    # builds the keyed dataclasses once per distinct key at the end.
    windows: dict[tuple[str, str, str], list[int]] = {}
    types: dict[tuple[str, str, int], int] = {}
    type_lists: dict[int, tuple[tuple[str, str], ...]] = {}
    result = BatchFold(at=at)
    kept: dict[tuple[str, bool], int] = {}
    for verdict, message in samples:
        key = (verdict.message_type, verdict.event_name, verdict.app_version)
        row = windows.get(key)
        if row is None:
            row = windows[key] = [int(verdict.planned), 0, 0, 0, 0]
        row[1] += 1
        row[2 if verdict.valid else 3] += 1
        if verdict.personal_findings:
            row[4] += 1
        if verdict.types:
            type_lists[id(verdict.types)] = verdict.types
            type_key = (verdict.event_name, verdict.app_version, id(verdict.types))
            types[type_key] = types.get(type_key, 0) + 1
        masked = (
            _examples(result, verdict, message, mask, has_examples)
            if verdict.violations
            else None
        )
        slot = (verdict.event_name, verdict.valid)
        if kept.get(slot, 0) < samples_per_event and (
            keep_sample is None or keep_sample(verdict)
        ):
            kept[slot] = kept.get(slot, 0) + 1
            result.samples.append(
                SampleRow(verdict=verdict, message=masked or mask(verdict, message))
            )
    _fill(result, windows, types, type_lists)
    return result


def _examples(
    result: BatchFold,
    verdict: Verdict,
    message: dict[str, Any],
    mask: Callable[[Verdict, dict[str, Any]], dict[str, Any]],
    has_examples: Callable[[ViolationKey], bool] | None,
) -> dict[str, Any] | None:
    masked: dict[str, Any] | None = None
    for violation in verdict.violations:
        key, tally = _tally(result, verdict, violation)
        if len(tally.examples) < EXAMPLES_PER_VIOLATION and not (
            has_examples is not None and has_examples(key)
        ):
            masked = masked or mask(verdict, message)
            tally.examples.append(masked)
    return masked


def _fill(
    result: BatchFold,
    windows: dict[tuple[str, str, str], list[int]],
    types: dict[tuple[str, str, int], int],
    type_lists: dict[int, tuple[tuple[str, str], ...]],
) -> None:
    start = window_start(result.at)
    for (message_type, event_name, app_version), row in windows.items():
        key = WindowKey(message_type, event_name, app_version, start)
        result.windows[key] = WindowCounts(
            planned=bool(row[0]),
            received=row[1],
            valid=row[2],
            invalid=row[3],
            personal=row[4],
        )
        result.last_seen[SeenKey(message_type, event_name)] = app_version
    for (event_name, app_version, list_id), count in types.items():
        shape = ShapeKey(event_name, app_version, type_lists[list_id])
        result.shapes[shape] = result.shapes.get(shape, 0) + count


def _tally(
    result: BatchFold, verdict: Verdict, violation: Any
) -> tuple[ViolationKey, ViolationTally]:
    key = ViolationKey(
        verdict.message_type,
        verdict.event_name,
        verdict.app_version,
        violation.kind,
        violation.keyword,
        violation.path,
    )
    tally = result.violations.get(key)
    if tally is None:
        tally = result.violations[key] = ViolationTally()
    tally.count += 1
    tally.message = violation.message
    return key, tally
