"""Our own JSON: a plan snapshot's JSON form with a format marker; lossless both ways.

An export holds everything a snapshot holds (write keys never do). Importing it into an empty
plan gives a plan whose snapshot equals the exported one: events keep their own attachments
(with their narrowing), groups and the common properties stay groups and common properties.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tracking.interchange.document import (
    AttachmentDoc,
    EventDoc,
    GroupDoc,
    ParseResult,
    PlanDocument,
    PlanSettings,
    ProblemLog,
    PropertyDoc,
    SourceDoc,
    failed,
)
from tracking.interchange.files import FileFormatError, decode_json, encode_json
from tracking.interchange.json_schema import path

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot

FORMAT = "native"
MARKER = "tracking-plan-governance"
MARKER_VERSION = 1
SNAPSHOT_FORMAT = 1  # tracking.snapshot.SNAPSHOT_FORMAT; a test keeps the two equal
ORIGIN_EVENT = "event"

_PLAN_TEXT = (
    "description",
    "event_naming",
    "event_naming_regex",
    "property_naming",
    "property_naming_regex",
    "additional_properties",
)
_BOUNDS = ("minimum", "maximum", "min_length", "max_length", "min_items", "max_items")
_SHARED_FIELDS = (
    "type",
    "item_type",
    "display_name",
    "description",
    "privacy_class",
    "examples",
    "fields",
)


def export_native(snapshot: PlanSnapshot) -> bytes:
    """The snapshot's JSON form (as `snapshot_to_dict` gives it) inside a format marker."""
    plan = _plain(snapshot)
    plan["format"] = SNAPSHOT_FORMAT
    return encode_json({"format": MARKER, "version": MARKER_VERSION, "plan": plan})


def is_native(value: Any) -> bool:
    return isinstance(value, dict) and value.get("format") == MARKER


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------


def parse_native(data: bytes, *, filename: str = "") -> ParseResult:
    """An exact document from our own JSON; every shape error is reported with its path."""
    try:
        value = decode_json(data)
    except FileFormatError as exc:
        return failed(str(exc), where=filename, format_name=FORMAT)
    if not is_native(value):
        return failed(
            _("No “format”: “%s” marker: not a plan exported by this service.")
            % MARKER,
            where=filename,
            format_name=FORMAT,
        )
    if value.get("version") != MARKER_VERSION or not isinstance(
        value.get("plan"), dict
    ):
        return failed(
            _("This file was written by another version of the service (format %s).")
            % value.get("version"),
            where=filename,
            format_name=FORMAT,
        )
    reader = _Reader()
    document = reader.plan(value["plan"])
    return ParseResult(
        document=document, problems=tuple(reader.log.problems), format=FORMAT
    )


class _Reader:
    """Reads the snapshot form field by field, reporting wrong shapes by path."""

    def __init__(self) -> None:
        self.log = ProblemLog()
        self.library: dict[str, dict[str, Any]] = {}

    def plan(self, data: dict[str, Any]) -> PlanDocument:
        if data.get("format") != SNAPSHOT_FORMAT:
            self.log.error(
                "plan.format",
                _("Snapshot format %s is not read by this version.")
                % data.get("format"),
            )
        settings = PlanSettings(
            name=self.text(data, "name", "plan"),
            **{name: self.text(data, name, "plan") for name in _PLAN_TEXT},
        )
        properties = []
        for where, item in self.items(data, "properties", "plan"):
            prop = self.property(item, where)
            if prop is not None:
                self.library[prop.key] = item
                properties.append(prop)
        return PlanDocument(
            plan=settings,
            sources=tuple(
                SourceDoc(
                    name=self.text(item, "name", where),
                    kind=self.text(item, "kind", where),
                    where=where,
                )
                for where, item in self.items(data, "sources", "plan")
            ),
            properties=tuple(properties),
            groups=tuple(
                self.group(item, where)
                for where, item in self.items(data, "groups", "plan")
            ),
            common_properties=tuple(
                self.member(item, where)
                for where, item in self.items(data, "common_properties", "plan")
            ),
            events=tuple(
                self.event(item, where)
                for where, item in self.items(data, "events", "plan")
            ),
            exact=True,
        )

    def property(self, data: dict[str, Any], where: str) -> PropertyDoc | None:
        patterns = self.values(data, "patterns", where)
        if len(patterns) > 1:
            self.log.error(
                path(where, "patterns"), _("A plan property holds one pattern.")
            )
        return PropertyDoc(
            key=self.text(data, "key", where),
            type=self.text(data, "type", where),
            item_type=self.text(data, "item_type", where),
            display_name=self.text(data, "display_name", where),
            description=self.text(data, "description", where),
            privacy_class=self.text(data, "privacy_class", where) or "none",
            enum=tuple(self.values(data, "enum", where)),
            patterns=tuple(patterns),
            examples=tuple(self.values(data, "examples", where)),
            fields=tuple(
                p
                for sub_where, item in self.items(data, "fields", where)
                if (p := self.property(item, sub_where)) is not None
            ),
            where=where,
            **{name: self.optional(data, name, where) for name in _BOUNDS},
        )

    def group(self, data: dict[str, Any], where: str) -> GroupDoc:
        return GroupDoc(
            key=self.text(data, "key", where),
            name=self.text(data, "name", where),
            description=self.text(data, "description", where),
            properties=tuple(
                self.member(item, sub_where)
                for sub_where, item in self.items(data, "properties", where)
            ),
            where=where,
        )

    def member(self, data: dict[str, Any], where: str) -> AttachmentDoc:
        """A group member or common property: the plan's property, unchanged."""
        prop = _object(data, "property")
        key = self.text(prop, "key", path(where, "property"))
        shared = self.library.get(key)
        if shared is None:
            self.log.error(where, _("“%s” is not a property of the plan.") % key)
        elif prop != shared:
            self.log.error(
                where, _("“%s” differs from the plan's property of that key.") % key
            )
        return AttachmentDoc(key=key, required=self.flag(data, "required", where))

    def event(self, data: dict[str, Any], where: str) -> EventDoc:
        groups = tuple(self.strings(data, "groups", where))
        attachments = []
        for sub_where, item in self.items(data, "properties", where):
            origin = self.text(item, "origin", sub_where) or ORIGIN_EVENT
            if origin == ORIGIN_EVENT:
                attachments.append(self.attachment(item, sub_where))
            elif origin.startswith("group:") and origin[6:] not in groups:
                self.log.error(
                    path(sub_where, "origin"),
                    _("The event is not in the group “%s”.") % origin[6:],
                )
        return EventDoc(
            key=self.text(data, "key", where),
            display_name=self.text(data, "display_name", where),
            description=self.text(data, "description", where),
            trigger=self.text(data, "trigger", where),
            category=self.text(data, "category", where),
            owner=self.text(data, "owner", where),
            status=self.text(data, "status", where),
            tracked_on=self.text(data, "tracked_on", where),
            tags=tuple(self.strings(data, "tags", where)),
            sources=tuple(self.strings(data, "sources", where)),
            groups=groups,
            properties=tuple(attachments),
            where=where,
        )

    def attachment(self, data: dict[str, Any], where: str) -> AttachmentDoc:
        """An event's own attachment: its narrowing is where it differs from the plan's."""
        prop = _object(data, "property")
        key = self.text(prop, "key", path(where, "property"))
        shared = self.library.get(key)
        if shared is None:
            self.log.error(where, _("“%s” is not a property of the plan.") % key)
            return AttachmentDoc(key=key, where=where)
        for name in _SHARED_FIELDS:
            if prop.get(name) != shared.get(name):
                self.log.error(
                    path(where, "property", name),
                    _(
                        "An event can only narrow a property; this differs from the plan's."
                    ),
                )
        narrowing: dict[str, Any] = {
            name: prop.get(name)
            for name in _BOUNDS
            if prop.get(name) != shared.get(name)
        }
        if prop.get("enum") != shared.get("enum"):
            narrowing["enum"] = tuple(self.values(prop, "enum", where))
        extra = self.values(prop, "patterns", where)[len(shared.get("patterns", [])) :]
        if len(extra) > 1:
            self.log.error(
                path(where, "property.patterns"),
                _("An event can add one pattern to a property."),
            )
        return AttachmentDoc(
            key=key,
            required=self.flag(data, "required", where),
            note=self.text(data, "note", where),
            pattern=extra[0] if extra else "",
            where=where,
            **narrowing,
        )

    # -- typed field readers ------------------------------------------------------------------

    def items(
        self, data: dict[str, Any], name: str, where: str
    ) -> list[tuple[str, dict[str, Any]]]:
        value = data.get(name, [])
        if not isinstance(value, list):
            self.log.error(path(where, name), _("Expected a list here."))
            return []
        found = []
        for index, item in enumerate(value):
            here = path(where, name, index)
            if isinstance(item, dict):
                found.append((here, item))
            else:
                self.log.error(here, _("Expected a JSON object here."))
        return found

    def values(self, data: dict[str, Any], name: str, where: str) -> list[Any]:
        value = data.get(name, [])
        if isinstance(value, list):
            return value
        self.log.error(path(where, name), _("Expected a list here."))
        return []

    def strings(self, data: dict[str, Any], name: str, where: str) -> list[str]:
        values = self.values(data, name, where)
        if all(isinstance(v, str) for v in values):
            return values
        self.log.error(path(where, name), _("Expected a list of texts here."))
        return [v for v in values if isinstance(v, str)]

    def text(self, data: dict[str, Any], name: str, where: str) -> str:
        value = data.get(name, "")
        if isinstance(value, str):
            return value
        self.log.error(path(where, name), _("Expected text here."))
        return ""

    def flag(self, data: dict[str, Any], name: str, where: str) -> bool:
        value = data.get(name, False)
        if isinstance(value, bool):
            return value
        self.log.error(path(where, name), _("Expected true or false here."))
        return False

    def optional(self, data: dict[str, Any], name: str, where: str) -> Any:
        value = data.get(name)
        valid = value is None or (
            _decimal_text(value) if name in ("minimum", "maximum") else _count(value)
        )
        if valid:
            return value
        self.log.error(path(where, name), _("Expected a number here."))
        return None


def _object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _decimal_text(value: Any) -> bool:
    try:
        return isinstance(value, str) and Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
