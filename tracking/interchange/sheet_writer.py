"""A plan snapshot as tracking-document rows: what the CSV and XLSX exports hold."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tracking.constraints import ARRAY, OBJECT
from tracking.interchange.sheet_columns import (
    COLUMNS,
    EN,
    NO,
    PRIVACY_ZH,
    STATUS_ZH,
    TRACKED_ON_ZH,
    YES,
    ZH,
    type_name,
)

if TYPE_CHECKING:
    from tracking.snapshot import EventSpec, PlanSnapshot, PropertySpec

_UNSAFE_IN_LIST = frozenset(",，、|\n\r")
_YES_NO_ZH = {YES: "是", NO: "否"}


def sheet_rows(snapshot: PlanSnapshot, *, language: str = EN) -> list[list[str]]:
    """A header row, then one row per event property (nested fields as dotted keys)."""
    rows = [[column.header(language) for column in COLUMNS]]
    for event in snapshot.events:
        event_cells = _event_cells(event, language)
        if not event.properties:
            rows.append(_ordered(event_cells))
        for attached in event.properties:
            rows += _property_rows(
                event_cells,
                attached.property,
                path=attached.key,
                required=YES if attached.required else NO,
                note=attached.note,
                language=language,
            )
    return rows


def _event_cells(event: EventSpec, language: str) -> dict[str, str]:
    zh = language == ZH
    return {
        "event_key": event.key,
        "event_display_name": event.display_name,
        "trigger": event.trigger,
        "event_description": event.description,
        "category": event.category,
        "tags": ", ".join(event.tags),
        "owner": event.owner,
        "status": STATUS_ZH.get(event.status, event.status) if zh else event.status,
        "tracked_on": TRACKED_ON_ZH.get(event.tracked_on, event.tracked_on)
        if zh
        else event.tracked_on,
    }


def _property_rows(
    event_cells: dict[str, str],
    spec: PropertySpec,
    *,
    path: str,
    required: str,
    note: str = "",
    language: str,
) -> list[list[str]]:
    zh = language == ZH
    value_type = spec.item_type if spec.type == ARRAY else spec.type
    cells = {
        **event_cells,
        "property_key": path,
        "property_display_name": spec.display_name,
        "type": type_name(spec.type, language),
        "item_type": type_name(spec.item_type, language) if spec.item_type else "",
        "required": _YES_NO_ZH.get(required, required) if zh else required,
        "enum": list_cell(spec.enum),
        "description": spec.description,
        "note": note,
        "privacy_class": PRIVACY_ZH.get(spec.privacy_class, spec.privacy_class)
        if zh
        else spec.privacy_class,
        "pattern": "\n".join(spec.patterns),
        "minimum": spec.minimum or "",
        "maximum": spec.maximum or "",
        "min_length": _count(spec.min_length),
        "max_length": _count(spec.max_length),
        "min_items": _count(spec.min_items),
        "max_items": _count(spec.max_items),
        "examples": _json_list(spec.examples)
        if value_type == OBJECT or spec.type in (ARRAY, OBJECT)
        else list_cell(spec.examples),
    }
    rows = [_ordered(cells)]
    for nested in spec.fields:
        rows += _property_rows(
            event_cells,
            nested,
            path=f"{path}.{nested.key}",
            required="",
            language=language,
        )
    return rows


def list_cell(values: tuple[Any, ...]) -> str:
    """Values as people write them (`CNY, USD`), or a JSON list when that would be ambiguous."""
    if not values:
        return ""
    texts = [_scalar_text(v) for v in values]
    if all(t is not None for t in texts):
        return ", ".join(t for t in texts if t is not None)
    return _json_list(values)


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if not isinstance(value, str) or not value or value != value.strip():
        return None
    if value.startswith("[") or _UNSAFE_IN_LIST & set(value):
        return None
    return value


def _json_list(values: tuple[Any, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False) if values else ""


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def _ordered(cells: dict[str, str]) -> list[str]:
    return [cells.get(column.name, "") for column in COLUMNS]
