"""Segment Protocols tracking plans (the `rules` JSON with one JSON Schema per event), both ways.

What the format cannot carry, and an export therefore loses: triggers, categories, tags, owners,
statuses, client/server tracking, sources, notes on attachments, the plan's naming conventions,
which properties come from groups or the common properties (each event lists them all), and
properties no event carries. Display names and privacy classes travel as `x-display-name` and
`x-privacy`, as in the generated schemas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tracking.interchange.document import (
    EventDoc,
    ParseResult,
    PlanSettings,
    ProblemLog,
    failed,
)
from tracking.interchange.files import FileFormatError, decode_json, encode_json
from tracking.interchange.json_schema import (
    DISPLAY_NAME_KEYWORD,
    path,
    read_object_properties,
)
from tracking.interchange.json_schema_write import property_schema
from tracking.interchange.library import InlineEvent, build_document

if TYPE_CHECKING:
    from tracking.snapshot import EventSpec, PlanSnapshot

FORMAT = "segment"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
_PLAN_METADATA = {"name", "display_name", "create_time", "update_time", "rules"}
_PLAN_METADATA |= {"id", "workspace_id", "description"}
_EVENT_KEYS = {"name", "description", "version", "rules"}
_RULES_KEYS = {"$schema", "type", "properties", "required", DISPLAY_NAME_KEYWORD}
_TRAIT_SECTIONS = ("identify_traits", "group_traits", "identify", "group")

# An event as read: its inline definition, whether it forbids unlisted properties, its version.
_Entry = tuple[InlineEvent, bool, int]


def parse_segment(data: bytes, *, filename: str = "") -> ParseResult:
    """A flattened document from a Segment tracking plan; see the module for what is lost."""
    try:
        plan = decode_json(data)
    except FileFormatError as exc:
        return failed(str(exc), where=filename, format_name=FORMAT)
    if not isinstance(plan, dict):
        return failed(
            _("A Segment tracking plan is a JSON object."),
            where=filename,
            format_name=FORMAT,
        )
    rules = plan.get("rules", plan)
    events = rules.get("events") if isinstance(rules, dict) else None
    if not isinstance(events, list):
        return failed(
            _("No “rules.events” list: this is not a Segment tracking plan."),
            where=filename,
            format_name=FORMAT,
        )
    log = ProblemLog()
    _report_plan_sections(plan, rules, log)
    where = "rules.events" if "rules" in plan else "events"
    entries = []
    for index, raw in enumerate(events):
        own = ProblemLog()
        entry = _event(raw, path(where, index), own)
        if entry is None:
            log.problems += own.problems
        else:
            entries.append((entry, own))
    inline = _latest_versions(entries, log)
    settings = PlanSettings(
        name=_plan_name(plan),
        additional_properties="forbid"
        if inline and all(forbids for _e, forbids, _v in inline)
        else None,
    )
    document = build_document([e for e, _f, _v in inline], plan=settings, log=log)
    return ParseResult(document=document, problems=tuple(log.problems), format=FORMAT)


def _plan_name(plan: dict[str, Any]) -> str | None:
    name = plan.get("display_name")
    return name if isinstance(name, str) and name else None


def _report_plan_sections(
    plan: dict[str, Any], rules: dict[str, Any], log: ProblemLog
) -> None:
    holders = [(plan, "")] if rules is plan else [(plan, ""), (rules, "rules")]
    for holder, prefix in holders:
        for section in _TRAIT_SECTIONS:
            if _has_content(holder.get(section)):
                log.unsupported(
                    path(prefix, section),
                    _(
                        "Rules for identify and group calls (user and group traits) are not "
                        "represented; this plan governs track events only. Left out."
                    ),
                )
        if _has_content(holder.get("global")):
            log.unsupported(
                path(prefix, "global"),
                _(
                    "Global rules are not imported; define them as the plan's common "
                    "properties. Left out."
                ),
            )
    sections = {*_TRAIT_SECTIONS, "global", "events"}
    unknown = sorted(plan.keys() - _PLAN_METADATA - sections)
    if rules is not plan:
        unknown += [path("rules", k) for k in sorted(rules.keys() - sections)]
    for key in unknown:
        log.unsupported(key, _("Not represented; left out."))


def _has_content(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_content(v) or k == "properties" and v for k, v in value.items())
    if isinstance(value, list):
        return bool(value)
    return False


def _event(raw: Any, where: str, log: ProblemLog) -> _Entry | None:
    """The event, whether it forbids unlisted properties, and its version."""
    if not isinstance(raw, dict):
        log.error(where, _("An event must be a JSON object."))
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        log.error(where, _("The event has no “name”."))
        return None
    for key in sorted(raw.keys() - _EVENT_KEYS):
        log.unsupported(path(where, key), _("“%s” is not represented; left out.") % key)
    rules = raw.get("rules", {})
    if not isinstance(rules, dict):
        log.error(path(where, "rules"), _("“rules” must be a JSON Schema object."))
        return None
    sections = rules.get("properties", {})
    if not isinstance(sections, dict):
        log.error(path(where, "rules.properties"), _("Expected a JSON object here."))
        return None
    _report_rules_extras(rules, sections, path(where, "rules"), log)
    here = path(where, "rules.properties.properties")
    properties_schema = sections.get("properties", {})
    if not isinstance(properties_schema, dict):
        log.error(here, _("Expected a JSON object here."))
        return None
    event = EventDoc(
        key=name.strip(),
        description=_text(raw.get("description", ""), path(where, "description"), log),
        display_name=_optional_text(rules.get(DISPLAY_NAME_KEYWORD)),
        where=where,
    )
    inline = InlineEvent(
        event=event,
        properties=read_object_properties(properties_schema, where=here, log=log),
    )
    forbids = properties_schema.get("additionalProperties") is False
    return inline, forbids, _version(raw, where, log)


def _report_rules_extras(
    rules: dict[str, Any], sections: dict[str, Any], where: str, log: ProblemLog
) -> None:
    for section in ("context", "traits"):
        if _has_content(sections.get(section)):
            log.unsupported(
                path(where, "properties", section),
                _("Rules on the message's %s are not represented; left out.") % section,
            )
    for key in sorted(sections.keys() - {"context", "traits", "properties"}):
        log.unsupported(
            path(where, "properties", key),
            _("“%s” is not represented; left out.") % key,
        )
    for key in sorted(rules.keys() - _RULES_KEYS):
        log.unsupported(path(where, key), _("“%s” is not represented; left out.") % key)


def _version(raw: dict[str, Any], where: str, log: ProblemLog) -> int:
    version = raw.get("version", 1)
    if isinstance(version, int) and not isinstance(version, bool):
        return version
    log.error(path(where, "version"), _("“version” must be a whole number."))
    return 1


def _latest_versions(
    entries: list[tuple[_Entry, ProblemLog]], log: ProblemLog
) -> list[_Entry]:
    """Per event name, the highest version, with its problems; older versions are reported
    and left out, their problems with them."""
    highest: dict[str, int] = {}
    for (inline, _forbids, version), _own in entries:
        key = inline.event.key
        highest[key] = max(version, highest.get(key, version))
    kept = []
    for entry, own in entries:
        inline, _forbids, version = entry
        latest = highest[inline.event.key]
        if version == latest:
            # Two entries of one version both stay: the document reports the duplicate.
            kept.append(entry)
            log.problems += own.problems
            continue
        log.unsupported(
            inline.event.where,
            _(
                "Version %(version)d of “%(key)s” is left out: a plan holds one "
                "definition per event, the highest version (%(latest)d)."
            )
            % {"version": version, "key": inline.event.key, "latest": latest},
        )
    return kept


def _text(value: Any, where: str, log: ProblemLog) -> str:
    if isinstance(value, str):
        return value
    log.error(where, _("Expected text here."))
    return ""


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def export_segment(snapshot: PlanSnapshot) -> bytes:
    """The snapshot as a Segment tracking plan; `parse_segment` reads it back."""
    forbid = snapshot.additional_properties == "forbid"
    plan = {
        "display_name": snapshot.name,
        "rules": {"events": [_event_rules(e, forbid=forbid) for e in snapshot.events]},
    }
    return encode_json(plan)


def _event_rules(event: EventSpec, *, forbid: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "type": "object",
        "properties": {a.key: property_schema(a.property) for a in event.properties},
        "required": [a.key for a in event.properties if a.required],
    }
    if forbid:
        properties["additionalProperties"] = False
    rules: dict[str, Any] = {"$schema": DRAFT_07, "type": "object"}
    if event.display_name:
        rules[DISPLAY_NAME_KEYWORD] = event.display_name
    rules["properties"] = {"context": {}, "traits": {}, "properties": properties}
    rules["required"] = ["properties"]
    return {
        "name": event.key,
        "description": event.description,
        "version": 1,
        "rules": rules,
    }
