"""Snowplow self-describing JSON Schemas (Iglu), one event each, in files or a zip; both ways.

The event key is the schema's `self.name`, turned into the plan's naming convention when one is
given (`product_viewed` becomes `Product Viewed` in an Object Action plan). The vendor and the
SchemaVer version are not kept: of several versions of one name the highest is imported and the
others are reported. An export loses what a Segment export loses (see `segment.py`) and writes
every event as version 1-0-0 of one vendor.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tracking import naming
from tracking.interchange.archive import ArchiveError, is_zip, read_members
from tracking.interchange.document import (
    EventDoc,
    ParseResult,
    PlanSettings,
    Problem,
    ProblemLog,
    failed,
)
from tracking.interchange.files import FileFormatError, decode_json, encode_json
from tracking.interchange.json_schema import (
    DISPLAY_NAME_KEYWORD,
    FILE_SEPARATOR,
    path,
    read_object_properties,
)
from tracking.interchange.json_schema_write import property_schema
from tracking.interchange.library import InlineEvent, build_document

if TYPE_CHECKING:
    from tracking.snapshot import EventSpec, PlanSnapshot

FORMAT = "iglu"
SELF_DESCRIBING = "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#"
_SCHEMAVER = re.compile(r"([0-9]+)-([0-9]+)-([0-9]+)")
_IGLU_NAME = re.compile(r"[a-zA-Z0-9_-]+")
_TOP_LEVEL = {"$schema", "self", "description", "type", "properties", "required"}
_TOP_LEVEL |= {"additionalProperties", "title", DISPLAY_NAME_KEYWORD}
_OS_LITTER = ("__MACOSX/", ".DS_Store", "Thumbs.db")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def parse_iglu(
    data: bytes, *, filename: str = "", event_naming: str | None = None
) -> ParseResult:
    """One schema file, or a zip of them (any layout, e.g. `schemas/<vendor>/<name>/…`)."""
    if not is_zip(data):
        return parse_iglu_files([(filename, data)], event_naming=event_naming)
    try:
        members = read_members(data)
    except ArchiveError as exc:
        return failed(str(exc), where=filename, format_name=FORMAT)
    files = [(m.name, m.data) for m in members if not _is_litter(m.name)]
    if not files:
        return failed(
            _("The archive holds no files."), where=filename, format_name=FORMAT
        )
    return parse_iglu_files(files, event_naming=event_naming)


def parse_iglu_files(
    files: Sequence[tuple[str, bytes]], *, event_naming: str | None = None
) -> ParseResult:
    log = ProblemLog()
    schemas: list[_Schema] = []
    for name, data in files:
        try:
            value = decode_json(data)
        except FileFormatError as exc:
            log.error(name, str(exc))
            continue
        own = ProblemLog()
        schema = _read_schema(value, name, own, event_naming)
        if schema is None:
            log.problems += own.problems
        else:
            schemas.append(replace(schema, problems=tuple(own.problems)))
    kept = _highest_versions(schemas, log)
    _note_vendors(kept, log)
    forbid = bool(kept) and all(s.forbids for s in kept)
    document = build_document(
        [s.inline for s in kept],
        plan=PlanSettings(additional_properties="forbid" if forbid else None),
        log=log,
    )
    return ParseResult(document=document, problems=tuple(log.problems), format=FORMAT)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Schema:
    inline: InlineEvent
    name: str
    vendor: str
    version: tuple[int, int, int]
    forbids: bool
    problems: tuple[Problem, ...] = ()

    @property
    def version_text(self) -> str:
        return "-".join(map(str, self.version))


def _read_schema(
    value: Any, where: str, log: ProblemLog, event_naming: str | None
) -> _Schema | None:
    if not isinstance(value, dict):
        log.error(where, _("A self-describing schema is a JSON object."))
        return None
    inside = where + FILE_SEPARATOR
    described = _self(value, where, log)
    if described is None:
        return None
    vendor, name, version = described
    if value.get("$schema", SELF_DESCRIBING) != SELF_DESCRIBING:
        log.note(
            path(inside, "$schema"),
            _("Not the self-describing meta-schema; read as one anyway."),
        )
    for key in sorted(value.keys() - _TOP_LEVEL):
        log.unsupported(path(inside, key), _("Not represented; left out."))
    key = _event_key(name, inside, log, event_naming)
    event = EventDoc(
        key=key,
        description=_optional_text(value.get("description")),
        display_name=_optional_text(
            value.get(DISPLAY_NAME_KEYWORD, value.get("title"))
        ),
        where=where,
    )
    inline = InlineEvent(
        event=event, properties=read_object_properties(value, where=inside, log=log)
    )
    return _Schema(
        inline=inline,
        name=name,
        vendor=vendor,
        version=version,
        forbids=value.get("additionalProperties") is False,
    )


def _self(
    value: dict[str, Any], where: str, log: ProblemLog
) -> tuple[str, str, tuple[int, int, int]] | None:
    inside = where + FILE_SEPARATOR
    described = value.get("self")
    if not isinstance(described, dict):
        log.error(
            where, _("No “self” (vendor, name, format, version): not an Iglu schema.")
        )
        return None
    fields = {
        k: v
        for k in ("vendor", "name", "format", "version")
        if isinstance(v := described.get(k), str) and v
    }
    missing = [k for k in ("vendor", "name", "format", "version") if k not in fields]
    if missing:
        log.error(path(inside, "self"), _("“self” lacks %s.") % ", ".join(missing))
        return None
    if fields["format"] != "jsonschema":
        log.error(
            path(inside, "self.format"),
            _("Only the “jsonschema” format is read, not “%s”.") % fields["format"],
        )
        return None
    match = _SCHEMAVER.fullmatch(fields["version"])
    if match is None:
        log.error(
            path(inside, "self.version"),
            _("“%s” is not a SchemaVer version such as 1-0-0.") % fields["version"],
        )
        return None
    major, revision, addition = (int(n) for n in match.groups())
    return fields["vendor"], fields["name"], (major, revision, addition)


def _event_key(name: str, where: str, log: ProblemLog, event_naming: str | None) -> str:
    if event_naming in (None, naming.CUSTOM) or naming.follows_convention(
        name, event_naming
    ):
        return name
    key = naming.suggest_key(name, event_naming)
    log.note(
        path(where, "self.name"),
        _(
            "“%(name)s” is imported as “%(key)s”, following the plan's naming convention."
        )
        % {"name": name, "key": key},
    )
    return key


def _highest_versions(schemas: list[_Schema], log: ProblemLog) -> list[_Schema]:
    """Per name, the highest version with its problems; older ones are reported, their
    problems left out with them."""
    highest: dict[str, tuple[int, int, int]] = {}
    for schema in schemas:
        highest[schema.name] = max(
            schema.version, highest.get(schema.name, schema.version)
        )
    kept = []
    for schema in schemas:
        latest = highest[schema.name]
        if schema.version == latest:
            # Two files of one version both stay: the document reports the duplicate.
            kept.append(schema)
            log.problems += schema.problems
            continue
        log.unsupported(
            schema.inline.event.where,
            _(
                "Version %(version)s of “%(name)s” is left out: a plan holds one "
                "definition per event, the highest version (%(latest)s)."
            )
            % {
                "version": schema.version_text,
                "name": schema.name,
                "latest": "-".join(map(str, latest)),
            },
        )
    return kept


def _note_vendors(schemas: list[_Schema], log: ProblemLog) -> None:
    vendors = sorted({s.vendor for s in schemas})
    if vendors:
        log.note(
            "",
            _("The vendor (%s) and schema versions are not kept in the plan.")
            % ", ".join(vendors),
        )


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _is_litter(name: str) -> bool:
    return name.startswith(_OS_LITTER[0]) or name.rsplit("/", 1)[-1] in _OS_LITTER


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def export_iglu(
    snapshot: PlanSnapshot, *, vendor: str | None = None, version: str = "1-0-0"
) -> bytes:
    """A zip in the Iglu repository layout, `schemas/<vendor>/<name>/jsonschema/<version>`.

    Keys that are not valid Iglu names (`Product Viewed`) are written in snake_case.
    """
    vendor = vendor or f"com.{snapshot.key}"
    forbid = snapshot.additional_properties == "forbid"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, event in _named(snapshot.events):
            schema = event_schema(
                event, vendor=vendor, name=name, version=version, forbid=forbid
            )
            info = zipfile.ZipInfo(
                f"schemas/{vendor}/{name}/jsonschema/{version}", _FIXED_TIME
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, encode_json(schema))
    return buffer.getvalue()


def event_schema(
    event: EventSpec, *, vendor: str, name: str, version: str, forbid: bool
) -> dict[str, Any]:
    schema: dict[str, Any] = {"$schema": SELF_DESCRIBING}
    if event.description:
        schema["description"] = event.description
    schema["self"] = {
        "vendor": vendor,
        "name": name,
        "format": "jsonschema",
        "version": version,
    }
    if event.display_name:
        schema[DISPLAY_NAME_KEYWORD] = event.display_name
    schema["type"] = "object"
    schema["properties"] = {
        a.key: property_schema(a.property) for a in event.properties
    }
    required = [a.key for a in event.properties if a.required]
    if required:
        schema["required"] = required
    if forbid:
        schema["additionalProperties"] = False
    return schema


def _named(events: Sequence[EventSpec]) -> list[tuple[str, EventSpec]]:
    taken: set[str] = set()
    named = []
    for event in events:
        base = iglu_name(event.key)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        named.append((name, event))
    return named


def iglu_name(key: str) -> str:
    """The key when it is a valid Iglu name, else its snake_case form with only valid characters."""
    if _IGLU_NAME.fullmatch(key):
        return key
    snake = naming.suggest_key(key, naming.SNAKE_CASE)
    return re.sub(r"[^a-zA-Z0-9_-]+", "_", snake).strip("_") or "event"
