"""Rows of a tracking document into a plan document: event rows folded together, property
rows typed, dotted keys nested under their object."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from tracking.constraints import ARRAY
from tracking.interchange.document import (
    EventDoc,
    ParseResult,
    PlanSettings,
    ProblemLog,
    PropertyDoc,
    failed,
)
from tracking.interchange.library import InlineEvent, InlineProperty, build_document
from tracking.interchange.sheet_cells import (
    Cells,
    choices,
    column_named,
    required_cell,
    row_label,
    tags_cell,
)
from tracking.interchange.sheet_columns import (
    COLUMNS,
    STATUS,
    TRACKED_ON,
    column_for,
    lookup,
    parse_type,
    type_choices,
)
from tracking.storable import text_flaw

Row = tuple[int, list[str]]


def has_required_columns(rows: list[Row]) -> bool:
    header = _header(rows)
    if header is None:
        return False
    found = {c.name for c in (column_for(h) for h in header[1]) if c is not None}
    return all(c.name in found for c in COLUMNS if c.required)


def _header(rows: Iterable[Row]) -> Row | None:
    return next(((n, cells) for n, cells in rows if any(cells)), None)


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
            where=row_label(header[0]),
            format_name=format_name,
        )
    for number, cells in rows:
        if any(text_flaw(cell) for cell in cells):
            # PostgreSQL cannot store it; SQLite could, so both refuse it here.
            return failed(
                _("A cell holds a NUL character or an unpaired surrogate."),
                where=row_label(number),
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
                row_label(number),
                _("The column “%s” is not represented; its values are left out.")
                % text,
                row=number,
            )
        elif column.name in columns.values():
            log.error(
                row_label(number),
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
                row_label(row),
                _(
                    "%(column)s “%(value)s” differs from row %(kept_row)d; kept “%(kept)s”."
                )
                % {
                    "column": column_named(name).en,
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
            tags=tags_cell(given("tags")),
            owner=given("owner"),
            status=self._choice("status", STATUS, present, log),
            tracked_on=self._choice("tracked_on", TRACKED_ON, present, log),
            where=row_label(self.row),
            row=self.row,
        )
        properties = tuple(
            InlineProperty(
                definition=node.doc(),
                required=node.required,
                note=node.note,
                where=row_label(node.row),
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
                row_label(row),
                _("%(column)s “%(value)s” is not one of %(choices)s.")
                % {
                    "column": column_named(name).en,
                    "value": value,
                    "choices": choices(table),
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
        log.error(row_label(number), _("The row has no event key."), row=number)
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
                row_label(number),
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
                row_label(number),
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
            row_label(number),
            _("“%(path)s” is listed twice for “%(event)s” (first on row %(first)d).")
            % {
                "path": values["property_key"],
                "event": event.key,
                "first": holder[key].row,
            },
            row=number,
        )
        return
    required = required_cell(number, values, log)
    if parents and required:
        log.unsupported(
            row_label(number),
            _("Nested fields cannot be required in a plan; imported as optional."),
            row=number,
        )
        required = False
    note = values["note"] if "note" in present else None
    if parents and note:
        log.unsupported(
            row_label(number),
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
    cells = Cells(number, values, log)
    type_, item_type = parse_type(values["type"])
    if type_ is None:
        log.error(
            row_label(number),
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
        where=row_label(number),
    )
