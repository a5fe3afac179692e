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
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError as XMLParseError

from django.utils.translation import gettext as _

from tracking.interchange.archive import ArchiveError, is_zip, read_members
from tracking.interchange.document import ParseResult, ProblemLog, failed
from tracking.interchange.files import FileFormatError, check_size, decode_text
from tracking.interchange.sheet_columns import EN
from tracking.interchange.sheet_reader import Row, has_required_columns, parse_rows
from tracking.interchange.sheet_writer import sheet_rows

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot

FORMAT_CSV = "csv"
FORMAT_XLSX = "xlsx"
_OLE2 = b"\xd0\xcf\x11\xe0"

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
    except (ValueError, OSError, zipfile.BadZipFile, XMLParseError) as exc:
        return failed(
            _("Not a readable XLSX workbook (%s).") % exc,
            where=filename,
            format_name=FORMAT_XLSX,
        )
    if not sheets:
        return failed(
            _("The workbook has no worksheet."), where=filename, format_name=FORMAT_XLSX
        )
    chosen = next((rows for rows in sheets if has_required_columns(rows)), sheets[0])
    return parse_rows(chosen, format_name=FORMAT_XLSX)


def _missing_part(exc: KeyError) -> str:
    # zipfile says "There is no item named '[Content_Types].xml' in the archive".
    found = re.search(r"'([^']+)'", str(exc))
    return found.group(1) if found else str(exc)


def _worksheets(data: bytes) -> list[list[Row]]:
    # TRICKY: openpyxl parses the workbook's XML with defusedxml when it is installed (a
    # dependency for that reason), which refuses entity-expansion bombs.
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
