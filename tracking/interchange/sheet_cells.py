"""Typed reading of one tracking-document row's cells; a bad cell is reported with its row."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from tracking.constraints import ARRAY, BOOLEAN, INTEGER, NUMBER, OBJECT
from tracking.interchange.document import ProblemLog
from tracking.interchange.json_schema import decimal_text
from tracking.interchange.sheet_columns import (
    COLUMNS,
    PRIVACY,
    YES,
    YES_NO,
    Column,
    lookup,
    parse_type,
    type_choices,
)

SEPARATORS = re.compile(r"\s*(?:\r?\n|,|，|、|\|)\s*")
_INTEGER = re.compile(r"[+-]?[0-9]+")


class Cells:
    """Typed readers for one row's property cells; a bad cell is reported with its row."""

    def __init__(self, number: int, values: dict[str, str], log: ProblemLog) -> None:
        self.number = number
        self.cells = values
        self.log = log

    def error(self, message: str) -> None:
        self.log.error(row_label(self.number), message, row=self.number)

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
                % {"value": text, "choices": choices(PRIVACY)}
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
                % {"column": column_named(name).en, "value": text}
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
            % {"column": column_named(name).en, "value": text}
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
            self.error(_("%s: expected a JSON list.") % column_named(name).en)
            return None
        return [item for item in SEPARATORS.split(text) if item]

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
            % {"column": column_named(name).en, "value": item, "type": value_type}
        )
        return item


def required_cell(number: int, values: dict[str, str], log: ProblemLog) -> bool:
    text = values.get("required", "")
    if not text:
        return False
    value = lookup(text, YES_NO)
    if value is None:
        log.error(
            row_label(number),
            _("required “%(value)s” is not one of %(choices)s.")
            % {"value": text, "choices": "yes, no, 是, 否"},
            row=number,
        )
    return value == YES


def tags_cell(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(t for t in SEPARATORS.split(text) if t)


def _lists(values: list[Any]) -> bool:
    return all(isinstance(v, list) for v in values)


def choices(table: Mapping[str, tuple[str, ...]]) -> str:
    return ", ".join(f"{value} ({spellings[-1]})" for value, spellings in table.items())


def column_named(name: str) -> Column:
    return next(c for c in COLUMNS if c.name == name)


def row_label(number: int) -> str:
    return _("row %d") % number
