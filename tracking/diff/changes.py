"""The result of a diff: one `Change` per difference, gathered in a `PlanDiff`, and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias, TypedDict

JsonValue: TypeAlias = (
    "str | int | float | bool | None | list[JsonValue] | dict[str, JsonValue]"
)
Bump: TypeAlias = Literal["major", "minor", "patch"]

DIFF_FORMAT = 1

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"

BREAKING = "breaking"
ADDITIVE = "additive"
TEXT = "text"
LEVELS = (BREAKING, ADDITIVE, TEXT)

EVENT = "event"
PROPERTY = "property"
GROUP = "group"
COMMON_PROPERTY = "common_property"
SOURCE = "source"
PLAN = "plan"
METRIC = "metric"
TERM = "glossary_term"
MODIFIER = "modifier"
TIME_PERIOD = "time_period"
# Also the order changes are listed in: what senders touch first, plan-wide settings, then
# the metrics read from the plan and their glossary.
OBJECT_TYPES = (
    EVENT,
    PROPERTY,
    GROUP,
    COMMON_PROPERTY,
    SOURCE,
    PLAN,
    METRIC,
    TERM,
    MODIFIER,
    TIME_PERIOD,
)

_KIND_ORDER = {REMOVED: 0, CHANGED: 1, ADDED: 2}


class ChangeDict(TypedDict):
    kind: str
    object_type: str
    key: str
    path: str
    field: str
    before: JsonValue
    after: JsonValue
    level: str
    summary: str


class DiffDict(TypedDict):
    format: int
    initial: bool
    bump: Bump | None
    is_breaking: bool
    counts: dict[str, int]
    changes: list[ChangeDict]


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One difference between two snapshots.

    `key` names the object (event key, property key, group key, source name, plan key); `path`
    says where inside it, ending with `field`, and is empty when the whole object was added or
    removed. `before` and `after` are JSON-safe.
    """

    kind: str
    object_type: str
    key: str
    path: str
    field: str
    before: JsonValue
    after: JsonValue
    level: str
    summary: str

    @property
    def is_breaking(self) -> bool:
        return self.level == BREAKING

    def sort_key(self) -> tuple[int, str, str, str, int]:
        return (
            OBJECT_TYPES.index(self.object_type),
            self.key,
            self.path,
            self.field,
            _KIND_ORDER[self.kind],
        )

    def as_dict(self) -> ChangeDict:
        return {
            "kind": self.kind,
            "object_type": self.object_type,
            "key": self.key,
            "path": self.path,
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "level": self.level,
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanDiff:
    """All changes between two snapshots, in a fixed order (see `Change.sort_key`).

    `initial` marks the diff of a first version (against nothing): every change is an
    addition, and the version it numbers is 1.0.0, a major bump.
    """

    changes: tuple[Change, ...] = ()
    initial: bool = False

    @property
    def is_breaking(self) -> bool:
        return any(c.is_breaking for c in self.changes)

    @property
    def bump(self) -> Bump | None:
        """The part of the version number this diff raises; None when nothing changed."""
        levels = {c.level for c in self.changes}
        if self.initial or BREAKING in levels:
            return "major"
        if ADDITIVE in levels:
            return "minor"
        if TEXT in levels:
            return "patch"
        return None

    def of_level(self, level: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.level == level)

    def as_dict(self) -> DiffDict:
        """A JSON-safe dict; `diff_from_dict` gives back an equal diff."""
        return {
            "format": DIFF_FORMAT,
            "initial": self.initial,
            "bump": self.bump,
            "is_breaking": self.is_breaking,
            "counts": {level: len(self.of_level(level)) for level in LEVELS},
            "changes": [c.as_dict() for c in self.changes],
        }


def diff_from_dict(data: DiffDict) -> PlanDiff:
    """The diff `PlanDiff.as_dict` stored; the derived entries (bump, counts) are recomputed."""
    return PlanDiff(
        changes=tuple(
            Change(
                kind=c["kind"],
                object_type=c["object_type"],
                key=c["key"],
                path=c["path"],
                field=c["field"],
                before=c["before"],
                after=c["after"],
                level=c["level"],
                summary=c["summary"],
            )
            for c in data["changes"]
        ),
        initial=data.get("initial", False),
    )
