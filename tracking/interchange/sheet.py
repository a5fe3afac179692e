"""Tracking documents as spreadsheets (CSV and XLSX): one row per event property, both ways.

Columns are listed in `sheet_columns.py` (event key, property key and type are required; the
others optional, in English or Chinese). Nested fields are rows whose property key is a dotted
path (`products.sku`). Event columns repeat on each of the event's rows; the first non-empty
value counts and a different later one is reported.

An export writes every column, so it loses less than Segment or Iglu: the sources an event is
expected on, which properties come from groups or the common properties (each event lists them
all), notes on attachments, the plan's naming conventions and policy, and properties no event
carries.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tracking.constraints import ARRAY, BOOLEAN, INTEGER, NUMBER, OBJECT
from tracking.interchange.archive import ArchiveError, is_zip, read_members
from tracking.interchange.document import (
    EventDoc,
    ParseResult,
    PlanSettings,
    ProblemLog,
    PropertyDoc,
    failed,
)
from tracking.interchange.files import FileFormatError, check_size, decode_text
from tracking.interchange.json_schema import decimal_text
from tracking.interchange.library import InlineEvent, InlineProperty, build_document
from tracking.interchange.sheet_columns import (
    COLUMNS,
    EN,
    PRIVACY,
    STATUS,
    TRACKED_ON,
    YES,
    YES_NO,
    Column,
    column_for,
    lookup,
    parse_type,
    type_choices,
)
from tracking.interchange.sheet_writer import sheet_rows

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot

FORMAT_CSV = "csv"
FORMAT_XLSX = "xlsx"
_OLE2 = b"\xd0\xcf\x11\xe0"
_SEPARATORS = re.compile(r"\s*(?:\r?\n|,|，|、|\|)\s*")
_INTEGER = re.compile(r"[+-]?[0-9]+")

Row = tuple[int, list[str]]


# --------------------------------------------------------------------------------------------
# Reading files into rows
# --------------------------------------------------------------------------------------------


def parse_csv(data: bytes, *, filename: str = "") -> ParseResult:
    """A CSV in UTF-8 (with or without the BOM Excel writes) or GB18030; `,` `;` or tab."""
    try:
        check_size(data)
        text, encoding = decode_text(data)
    except FileFormatError as exc:
        return failed(str(exc), where=filename, format_name=FORMAT_CSV)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        rows = [
            (number, [cell.strip() for cell in cells])
            for number, cells in enumerate(
                csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
            )
        ]
    except csv.Error as exc:
        return failed(
            _("Not a readable CSV file: %s.") % exc,
            where=filename,
            format_name=FORMAT_CSV,
        )
    result = parse_rows(rows, format_name=FORMAT_CSV)
    if encoding != "utf-8":
        note = ProblemLog()
        note.note(filename, _("Read as %s (not UTF-8).") % encoding.upper())
        result = replace(result, problems=(*note.problems, *result.problems))
    return result


def parse_xlsx(data: bytes, *, filename: str = "") -> ParseResult:
    """The first worksheet that has the required columns (or the first worksheet)."""
    if data[:4] == _OLE2:
        return failed(
            _("This is an Excel 97–2003 (.xls) file; save it as .xlsx or CSV."),
            where=filename,
            format_name=FORMAT_XLSX,
        )
    if not is_zip(data):
        return failed(
            _("Not an XLSX workbook: the file is not a zip archive."),
            where=filename,
            format_name=FORMAT_XLSX,
        )
    try:
        # Checks every member against the size limits before openpyxl inflates any.
        read_members(data)
        sheets = _worksheets(data)
    except ArchiveError as exc:
        return failed(str(exc), where=filename, format_name=FORMAT_XLSX)
    except KeyError as exc:
        return failed(
            _("The zip archive is not an XLSX workbook: it lacks %s.")
            % _missing_part(exc),
            where=filename,
            format_name=FORMAT_XLSX,
        )
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        return failed(
            _("Not a readable XLSX workbook (%s).") % exc,
            where=filename,
            format_name=FORMAT_XLSX,
        )
    if not sheets:
        return failed(
            _("The workbook has no worksheet."), where=filename, format_name=FORMAT_XLSX
        )
    chosen = next((rows for rows in sheets if _has_required_columns(rows)), sheets[0])
    return parse_rows(chosen, format_name=FORMAT_XLSX)


def _missing_part(exc: KeyError) -> str:
    # zipfile says "There is no item named '[Content_Types].xml' in the archive".
    found = re.search(r"'([^']+)'", str(exc))
    return found.group(1) if found else str(exc)


def _worksheets(data: bytes) -> list[list[Row]]:
    from openpyxl import load_workbook  # imported here: only XLSX needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InvalidFileException as exc:
        raise ValueError(str(exc)) from exc
    try:
        return [
            [
                (number, [_cell_text(v) for v in values])
                for number, values in enumerate(
                    sheet.iter_rows(values_only=True), start=1
                )
            ]
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _has_required_columns(rows: list[Row]) -> bool:
    header = _header(rows)
    if header is None:
        return False
    found = {c.name for c in (column_for(h) for h in header[1]) if c is not None}
    return all(c.name in found for c in COLUMNS if c.required)


def _header(rows: Iterable[Row]) -> Row | None:
    return next(((n, cells) for n, cells in rows if any(cells)), None)


# --------------------------------------------------------------------------------------------
# Rows into a document
# --------------------------------------------------------------------------------------------


def parse_rows(rows: list[Row], *, format_name: str) -> ParseResult:
    """A flattened document from numbered rows; problems carry the row number."""
    log = ProblemLog()
    header = _header(rows)
    if header is None:
        return failed(_("The sheet is empty."), format_name=format_name)
    columns = _columns(header, log)
    missing = [c for c in COLUMNS if c.required and c.name not in columns.values()]
    if missing:
        listing = ", ".join(f"{c.en} ({c.zh})" for c in missing)
        return failed(
            _("Missing required columns: %s.") % listing,
            where=_row(header[0]),
            format_name=format_name,
        )
    events: dict[str, _EventRows] = {}
    present = set(columns.values())
    for number, cells in rows:
        if number <= header[0] or not any(cells):
            continue
        values = {
            name: cells[index] if index < len(cells) else ""
            for index, name in columns.items()
        }
        _read_row(number, values, present, events, log)
    inline = [e.inline(present, log) for e in events.values()]
    document = build_document(inline, plan=PlanSettings(), log=log)
    return ParseResult(
        document=document, problems=tuple(log.problems), format=format_name
    )


def _columns(header: Row, log: ProblemLog) -> dict[int, str]:
    number, cells = header
    columns: dict[int, str] = {}
    for index, text in enumerate(cells):
        if not text:
            continue
        column = column_for(text)
        if column is None:
            log.unsupported(
                _row(number),
                _("The column “%s” is not represented; its values are left out.")
                % text,
                row=number,
            )
        elif column.name in columns.values():
            log.error(
                _row(number),
                _("Two columns mean “%s”; keep one.") % column.en,
                row=number,
            )
        else:
            columns[index] = column.name
    return columns


@dataclass(slots=True, kw_only=True)
class _Node:
    definition: PropertyDoc
    required: bool
    row: int
    note: str | None = None
    children: dict[str, _Node] = field(default_factory=dict)

    def doc(self) -> PropertyDoc:
        nested = tuple(child.doc() for child in self.children.values())
        return replace(self.definition, fields=nested) if nested else self.definition


@dataclass(slots=True, kw_only=True)
class _EventRows:
    """An event's rows folded together; the first non-empty event value counts."""

    key: str
    row: int
    values: dict[str, tuple[str, int]] = field(default_factory=dict)
    properties: dict[str, _Node] = field(default_factory=dict)

    def take(self, name: str, value: str, row: int, log: ProblemLog) -> None:
        kept = self.values.get(name)
        if kept is None or not kept[0]:
            self.values[name] = (value, row)
        elif value and value != kept[0]:
            log.unsupported(
                _row(row),
                _(
                    "%(column)s “%(value)s” differs from row %(kept_row)d; kept “%(kept)s”."
                )
                % {
                    "column": _column(name).en,
                    "value": value,
                    "kept_row": kept[1],
                    "kept": kept[0],
                },
                row=row,
            )

    def inline(self, present: set[str], log: ProblemLog) -> InlineEvent:
        text = {name: value for name, (value, _row_) in self.values.items()}

        def given(name: str) -> str | None:
            return text.get(name, "") if name in present else None

        event = EventDoc(
            key=self.key,
            display_name=given("event_display_name"),
            trigger=given("trigger"),
            description=given("event_description"),
            category=given("category"),
            tags=_tags(given("tags")),
            owner=given("owner"),
            status=self._choice("status", STATUS, present, log),
            tracked_on=self._choice("tracked_on", TRACKED_ON, present, log),
            where=_row(self.row),
            row=self.row,
        )
        properties = tuple(
            InlineProperty(
                definition=node.doc(),
                required=node.required,
                note=node.note,
                where=_row(node.row),
                row=node.row,
            )
            for node in self.properties.values()
        )
        return InlineEvent(event=event, properties=properties)

    def _choice(
        self,
        name: str,
        table: Mapping[str, tuple[str, ...]],
        present: set[str],
        log: ProblemLog,
    ) -> str | None:
        value, row = self.values.get(name, ("", self.row))
        if name not in present or not value:
            return None
        choice = lookup(value, table)
        if choice is None:
            log.error(
                _row(row),
                _("%(column)s “%(value)s” is not one of %(choices)s.")
                % {
                    "column": _column(name).en,
                    "value": value,
                    "choices": _choices(table),
                },
                row=row,
            )
        return choice


def _read_row(
    number: int,
    values: dict[str, str],
    present: set[str],
    events: dict[str, _EventRows],
    log: ProblemLog,
) -> None:
    key = values["event_key"]
    if not key:
        log.error(_row(number), _("The row has no event key."), row=number)
        return
    event = events.setdefault(key, _EventRows(key=key, row=number))
    for column in COLUMNS:
        if column.event_level and column.name != "event_key" and column.name in present:
            event.take(column.name, values[column.name], number, log)
    if not values["property_key"]:
        stray = [
            c.en
            for c in COLUMNS
            if not c.event_level and values.get(c.name) and c.name != "property_key"
        ]
        if stray:
            log.error(
                _row(number),
                _("%s given without a property key.") % ", ".join(stray),
                row=number,
            )
        return
    _add_property(number, values, present, event, log)


def _add_property(
    number: int,
    values: dict[str, str],
    present: set[str],
    event: _EventRows,
    log: ProblemLog,
) -> None:
    *parents, key = values["property_key"].split(".")
    definition = _definition(number, key, values, present, log)
    if definition is None:
        return
    holder = event.properties
    for part in parents:
        parent = holder.get(part)
        if parent is None:
            log.error(
                _row(number),
                _(
                    "“%(path)s” is a field of “%(parent)s”, which this event does not define "
                    "on an earlier row."
                )
                % {"path": values["property_key"], "parent": part},
                row=number,
            )
            return
        holder = parent.children
    if key in holder:
        log.error(
            _row(number),
            _("“%(path)s” is listed twice for “%(event)s” (first on row %(first)d).")
            % {
                "path": values["property_key"],
                "event": event.key,
                "first": holder[key].row,
            },
            row=number,
        )
        return
    required = _required(number, values, log)
    if parents and required:
        log.unsupported(
            _row(number),
            _("Nested fields cannot be required in a plan; imported as optional."),
            row=number,
        )
        required = False
    note = values["note"] if "note" in present else None
    if parents and note:
        log.unsupported(
            _row(number),
            _("Notes are kept for top-level properties only; this one is left out."),
            row=number,
        )
    holder[key] = _Node(definition=definition, required=required, row=number, note=note)


def _definition(
    number: int,
    key: str,
    values: dict[str, str],
    present: set[str],
    log: ProblemLog,
) -> PropertyDoc | None:
    cells = _Cells(number, values, log)
    type_, item_type = parse_type(values["type"])
    if type_ is None:
        log.error(
            _row(number),
            _("type “%(type)s” is not one of %(choices)s.")
            % {"type": values["type"], "choices": type_choices()},
            row=number,
        )
        return None
    if type_ == ARRAY and not item_type:
        item_type = cells.item_type()
    value_type = item_type if type_ == ARRAY else type_
    return PropertyDoc(
        key=key,
        type=type_,
        item_type=item_type,
        display_name=values["property_display_name"]
        if "property_display_name" in present
        else None,
        description=values["description"] if "description" in present else None,
        privacy_class=cells.privacy(),
        enum=cells.values("enum", value_type),
        patterns=tuple(line for line in values.get("pattern", "").splitlines() if line),
        minimum=cells.bound("minimum"),
        maximum=cells.bound("maximum"),
        min_length=cells.count("min_length"),
        max_length=cells.count("max_length"),
        min_items=cells.count("min_items"),
        max_items=cells.count("max_items"),
        examples=cells.examples(type_, value_type) if "examples" in present else None,
        where=_row(number),
    )


class _Cells:
    """Typed readers for one row's property cells; a bad cell is reported with its row."""

    def __init__(self, number: int, values: dict[str, str], log: ProblemLog) -> None:
        self.number = number
        self.cells = values
        self.log = log

    def error(self, message: str) -> None:
        self.log.error(_row(self.number), message, row=self.number)

    def item_type(self) -> str:
        text = self.cells.get("item_type", "")
        item_type, _nested = parse_type(text) if text else (None, "")
        if item_type is None:
            self.error(
                _("A list needs its item type (e.g. array<string>), one of %s.")
                % type_choices()
            )
            return ""
        return item_type

    def privacy(self) -> str | None:
        text = self.cells.get("privacy_class", "")
        if not text:
            return None
        value = lookup(text, PRIVACY)
        if value is None:
            self.error(
                _("privacy class “%(value)s” is not one of %(choices)s.")
                % {"value": text, "choices": _choices(PRIVACY)}
            )
        return value

    def bound(self, name: str) -> str | None:
        text = self.cells.get(name, "")
        if not text:
            return None
        try:
            return decimal_text(Decimal(text))
        except InvalidOperation:
            self.error(
                _("%(column)s “%(value)s” is not a number.")
                % {"column": _column(name).en, "value": text}
            )
            return None

    def count(self, name: str) -> int | None:
        text = self.cells.get(name, "")
        if not text:
            return None
        if _INTEGER.fullmatch(text) and int(text) >= 0:
            return int(text)
        self.error(
            _("%(column)s “%(value)s” is not a whole number, zero or more.")
            % {"column": _column(name).en, "value": text}
        )
        return None

    def values(self, name: str, value_type: str) -> tuple[Any, ...]:
        text = self.cells.get(name, "")
        if not text:
            return ()
        items = self._list(name, text)
        if items is None:
            return ()
        return tuple(self._typed(name, item, value_type) for item in items)

    def examples(self, type_: str, value_type: str) -> tuple[Any, ...]:
        text = self.cells.get("examples", "")
        if not text:
            return ()
        if type_ in (ARRAY, OBJECT):
            parsed = self._json(text)
            if isinstance(parsed, list) and (type_ == OBJECT or _lists(parsed)):
                return tuple(parsed)
            self.error(_("Give examples of lists or objects as a JSON list of them."))
            return ()
        return self.values("examples", value_type)

    def _list(self, name: str, text: str) -> list[Any] | None:
        if text.startswith("["):
            parsed = self._json(text)
            if isinstance(parsed, list):
                return parsed
            self.error(_("%s: expected a JSON list.") % _column(name).en)
            return None
        return [item for item in _SEPARATORS.split(text) if item]

    def _json(self, text: str) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.error(_("Not valid JSON: %s.") % exc.msg)
            return None

    def _typed(self, name: str, item: Any, value_type: str) -> Any:
        if not isinstance(item, str):
            return item
        if value_type == INTEGER and _INTEGER.fullmatch(item):
            return int(item)
        if value_type == NUMBER:
            try:
                return int(item) if _INTEGER.fullmatch(item) else float(item)
            except ValueError:
                pass
        elif value_type == BOOLEAN and lookup(item, YES_NO) is not None:
            return lookup(item, YES_NO) == YES
        elif value_type not in (INTEGER, NUMBER, BOOLEAN):
            return item
        self.error(
            _("%(column)s: “%(value)s” is not of type %(type)s.")
            % {"column": _column(name).en, "value": item, "type": value_type}
        )
        return item


def _required(number: int, values: dict[str, str], log: ProblemLog) -> bool:
    text = values.get("required", "")
    if not text:
        return False
    value = lookup(text, YES_NO)
    if value is None:
        log.error(
            _row(number),
            _("required “%(value)s” is not one of %(choices)s.")
            % {"value": text, "choices": "yes, no, 是, 否"},
            row=number,
        )
    return value == YES


def _tags(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(t for t in _SEPARATORS.split(text) if t)


def _lists(values: list[Any]) -> bool:
    return all(isinstance(v, list) for v in values)


def _choices(table: Mapping[str, tuple[str, ...]]) -> str:
    return ", ".join(f"{value} ({spellings[-1]})" for value, spellings in table.items())


def _column(name: str) -> Column:
    return next(c for c in COLUMNS if c.name == name)


def _row(number: int) -> str:
    return _("row %d") % number


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def export_csv(snapshot: PlanSnapshot, *, language: str = EN) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Chinese text correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(sheet_rows(snapshot, language=language))
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(snapshot: PlanSnapshot, *, language: str = EN) -> bytes:
    from openpyxl import Workbook  # imported here: only XLSX needs it
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = snapshot.key[:31] or "plan"
    for row in sheet_rows(snapshot, language=language):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
