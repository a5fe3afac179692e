"""The plan's rows as the checks read them: plain values, loaded once by `tracking.checks.load`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracking.constraints import Constraints

# The stored values of `PrivacyClass` and `EventStatus` the checks tell apart.
PRIVACY_NONE = "none"
PRIVACY_SENSITIVE = "sensitive"
STATUS_ACTIVE = "active"
STATUS_DEPRECATED = "deprecated"


@dataclass(frozen=True, slots=True, kw_only=True)
class NamingPolicy:
    convention: str
    regex: str
    label: str  # the convention as people read it, e.g. "snake_case (product_viewed)"


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyRow:
    id: int
    key: str
    path: str  # dotted from the top-level property, e.g. `items.sku`
    parent_id: int | None
    display_name: str
    description: str
    privacy_class: str
    examples: Any  # a JSON list when the row is well-formed; imports may leave anything
    constraints: Constraints
    ancestor_ids: tuple[int, ...] = ()  # parent first, then its parent …

    @property
    def is_top_level(self) -> bool:
        return self.parent_id is None

    @property
    def is_classed_personal(self) -> bool:
        """Classed personal or sensitive: its values are masked or never stored."""
        return self.privacy_class != PRIVACY_NONE

    @property
    def is_sensitive(self) -> bool:
        return self.privacy_class == PRIVACY_SENSITIVE


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentRow:
    """A property attached to an event directly, with the event's narrowing of it."""

    event_id: int
    property_id: int
    required: bool
    narrowing: Constraints


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow:
    id: int
    key: str
    display_name: str
    description: str
    trigger: str
    status: str
    owner_id: int | None
    group_ids: tuple[int, ...]

    @property
    def is_active(self) -> bool:
        return self.status == STATUS_ACTIVE

    @property
    def is_deprecated(self) -> bool:
        return self.status == STATUS_DEPRECATED


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupRow:
    id: int
    key: str
    name: str
    property_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanRows:
    plan_id: int
    plan_key: str
    event_naming: NamingPolicy
    property_naming: NamingPolicy
    events: tuple[EventRow, ...]
    properties: tuple[PropertyRow, ...]  # top-level and nested
    groups: tuple[GroupRow, ...]
    attachments: tuple[AttachmentRow, ...]
    common_property_ids: frozenset[int]

    def property_by_id(self) -> dict[int, PropertyRow]:
        return {p.id: p for p in self.properties}
