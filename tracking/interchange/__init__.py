"""Import and export of tracking plans: Segment, Snowplow Iglu, spreadsheets and our own JSON.

Parsing (`parse`, `parse_<format>`) and rendering (`export`, `export_<format>`) are pure: bytes
in, a `ParseResult` out; a `PlanSnapshot` in, bytes out. Writing to the database is
`tracking.interchange.apply` (`plan_import` for the dry run, `apply_import`), kept out of this
package's import so the pure modules load without the ORM.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from tracking.interchange.archive import is_zip
from tracking.interchange.document import Level, ParseResult, Problem
from tracking.interchange.iglu import export_iglu, parse_iglu, parse_iglu_files
from tracking.interchange.native import MARKER, export_native, parse_native
from tracking.interchange.segment import export_segment, parse_segment
from tracking.interchange.sheet import export_csv, export_xlsx, parse_csv, parse_xlsx

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot

SEGMENT, IGLU, CSV, XLSX, NATIVE = "segment", "iglu", "csv", "xlsx", "native"
FORMATS = (SEGMENT, IGLU, CSV, XLSX, NATIVE)

EXTENSIONS = {
    SEGMENT: ".json",
    IGLU: ".zip",
    CSV: ".csv",
    XLSX: ".xlsx",
    NATIVE: ".json",
}
CONTENT_TYPES = {
    SEGMENT: "application/json",
    IGLU: "application/zip",
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    NATIVE: "application/json",
}

_PARSERS: dict[str, Callable[..., ParseResult]] = {
    SEGMENT: parse_segment,
    CSV: parse_csv,
    XLSX: parse_xlsx,
    NATIVE: parse_native,
}
_EXPORTERS: dict[str, Callable[[PlanSnapshot], bytes]] = {
    SEGMENT: export_segment,
    IGLU: export_iglu,
    CSV: export_csv,
    XLSX: export_xlsx,
    NATIVE: export_native,
}


def parse(
    format_name: str,
    data: bytes,
    *,
    filename: str = "",
    event_naming: str | None = None,
) -> ParseResult:
    """Parse one file; `event_naming` (the target plan's convention) renames Iglu names."""
    if format_name == IGLU:
        return parse_iglu(data, filename=filename, event_naming=event_naming)
    if format_name not in _PARSERS:
        msg = f"Unknown format {format_name!r}; one of {', '.join(FORMATS)}."
        raise ValueError(msg)
    return _PARSERS[format_name](data, filename=filename)


def export(format_name: str, snapshot: PlanSnapshot) -> bytes:
    if format_name not in _EXPORTERS:
        msg = f"Unknown format {format_name!r}; one of {', '.join(FORMATS)}."
        raise ValueError(msg)
    return _EXPORTERS[format_name](snapshot)


def detect_format(filename: str, data: bytes) -> str | None:
    """The format a file is in, from its extension and first bytes; None when unsure."""
    suffix = PurePosixPath(filename).suffix.casefold()
    if suffix in (".csv", ".tsv"):
        return CSV
    if suffix in (".xlsx", ".xlsm"):
        return XLSX
    if is_zip(data):
        return XLSX if b"[Content_Types].xml" in data[:4096] else IGLU
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if isinstance(value, dict):
        if value.get("format") == MARKER:
            return NATIVE
        if "self" in value:
            return IGLU
        if "rules" in value or "events" in value:
            return SEGMENT
    return None


__all__ = [
    "CONTENT_TYPES",
    "EXTENSIONS",
    "FORMATS",
    "Level",
    "ParseResult",
    "Problem",
    "detect_format",
    "export",
    "export_csv",
    "export_iglu",
    "export_native",
    "export_segment",
    "export_xlsx",
    "parse",
    "parse_csv",
    "parse_iglu",
    "parse_iglu_files",
    "parse_native",
    "parse_segment",
    "parse_xlsx",
]
