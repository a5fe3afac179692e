"""The neutral plan document every import format parses into, and the problems found on the way.

A document says what a file holds, not what the database will do with it: `apply.py` compares it
with the plan. A field left `None` means "the file does not say" (an existing row keeps its value,
a new row gets the model's default); an empty string or tuple means "the file says: empty".
`where` on each object locates it in the file ("row 7", "events[3].rules…") for messages; it takes
no part in equality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    ERROR = "error"  # the file cannot be imported as it is; apply refuses
    UNSUPPORTED = (
        "unsupported"  # a construct the plan cannot hold: left out or approximated
    )
    NOTE = "note"  # worth knowing, nothing lost


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Something found while reading a file; `where` is a row, a JSON path or a file member."""

    level: Level
    message: str
    where: str = ""
    row: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": str(self.level),
            "where": self.where,
            "row": self.row,
            "message": self.message,
        }


class ProblemLog:
    """Collects problems while a parser walks a file."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, where: str, message: str, *, row: int | None = None) -> None:
        self._add(Level.ERROR, where, message, row)

    def unsupported(self, where: str, message: str, *, row: int | None = None) -> None:
        self._add(Level.UNSUPPORTED, where, message, row)

    def note(self, where: str, message: str, *, row: int | None = None) -> None:
        self._add(Level.NOTE, where, message, row)

    @property
    def has_errors(self) -> bool:
        return any(p.level == Level.ERROR for p in self.problems)

    def _add(self, level: Level, where: str, message: str, row: int | None) -> None:
        self.problems.append(
            Problem(level=level, message=message, where=where, row=row)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyDoc:
    """A property definition; `patterns` must all match (a plan property holds at most one)."""

    key: str
    type: str
    item_type: str = ""
    display_name: str | None = None
    description: str | None = None
    privacy_class: str | None = None
    enum: tuple[Any, ...] = ()
    patterns: tuple[str, ...] = ()
    minimum: str | None = None  # exact decimal text, as in a snapshot
    maximum: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    examples: tuple[Any, ...] | None = None
    fields: tuple[PropertyDoc, ...] = ()
    where: str = field(default="", compare=False)


NARROWING_FIELDS = (
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "min_length",
    "max_length",
    "min_items",
    "max_items",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentDoc:
    """A property on an event, in a group or common to the plan, by key.

    Only an event's attachment narrows: enum, pattern and bounds here tighten the plan's property
    for that event. `note` says what the property means on this event.
    """

    key: str
    required: bool = False
    note: str | None = None
    enum: tuple[Any, ...] = ()
    pattern: str = ""
    minimum: str | None = None
    maximum: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    where: str = field(default="", compare=False)
    row: int | None = field(default=None, compare=False)

    @property
    def narrows(self) -> bool:
        return any(
            getattr(self, name) not in ((), "", None) for name in NARROWING_FIELDS
        )

    def narrowing_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in NARROWING_FIELDS}


@dataclass(frozen=True, slots=True, kw_only=True)
class EventDoc:
    key: str
    display_name: str | None = None
    description: str | None = None
    trigger: str | None = None
    category: str | None = None
    tags: tuple[str, ...] | None = None
    owner: str | None = None  # a username; "" means nobody
    status: str | None = None
    tracked_on: str | None = None
    sources: tuple[str, ...] | None = None  # source names
    groups: tuple[str, ...] | None = None  # group keys
    properties: tuple[AttachmentDoc, ...] = ()
    where: str = field(default="", compare=False)
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupDoc:
    key: str
    name: str | None = None
    description: str | None = None
    properties: tuple[AttachmentDoc, ...] = ()
    where: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceDoc:
    name: str
    kind: str
    where: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSettings:
    """The plan's own fields as the file gives them; `name` is used when a plan is created."""

    name: str | None = None
    description: str | None = None
    event_naming: str | None = None
    event_naming_regex: str | None = None
    property_naming: str | None = None
    property_naming_regex: str | None = None
    additional_properties: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanDocument:
    """A whole plan as one file describes it.

    `exact` documents (our own JSON) describe objects completely: an event's attachments, a
    group's members, the common properties and nested fields become exactly what they list.
    Other formats list each event's effective properties (`flattened`), so an attachment an
    event already receives unchanged from one of its groups or the common properties is not
    duplicated on the event.
    """

    plan: PlanSettings = PlanSettings()
    sources: tuple[SourceDoc, ...] = ()
    properties: tuple[PropertyDoc, ...] = ()
    groups: tuple[GroupDoc, ...] = ()
    common_properties: tuple[AttachmentDoc, ...] | None = None
    events: tuple[EventDoc, ...] = ()
    exact: bool = False

    @property
    def flattened(self) -> bool:
        return not self.exact

    def property_named(self, key: str) -> PropertyDoc | None:
        return next((p for p in self.properties if p.key == key), None)

    def event_named(self, key: str) -> EventDoc | None:
        return next((e for e in self.events if e.key == key), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseResult:
    """What a parser read: the document and every problem, errors first in importance."""

    document: PlanDocument
    problems: tuple[Problem, ...] = ()
    format: str = ""

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == Level.ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors


def failed(message: str, *, where: str = "", format_name: str = "") -> ParseResult:
    """A result for a file that could not be read at all."""
    problem = Problem(level=Level.ERROR, message=message, where=where)
    return ParseResult(document=PlanDocument(), problems=(problem,), format=format_name)
