"""POST bodies for admin change forms, with their inline formsets' management fields."""

from __future__ import annotations

from typing import Any

ATTACHMENT_BLANKS = {
    "note": "",
    "position": "0",
    "enum": "",
    "pattern": "",
    "minimum": "",
    "maximum": "",
    "min_length": "",
    "max_length": "",
    "min_items": "",
    "max_items": "",
}


def inline(
    prefix: str, rows: list[dict[str, Any]], *, initial: int = 0
) -> dict[str, Any]:
    """Fields of one inline formset: its management form and each row under `prefix-i-`."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    return data


def event_form(plan_id: int, key: str, **fields: Any) -> dict[str, Any]:
    """An event add form's fields with sensible defaults and no attachments."""
    return {
        "plan": str(plan_id),
        "key": key,
        "display_name": "",
        "status": "draft",
        "owner": "",
        "trigger": "",
        "description": "",
        "tracked_on": "client",
        "category": "",
        **inline("attachments", []),
        **fields,
    }


def attachment(property_id: int, **fields: Any) -> dict[str, Any]:
    return {**ATTACHMENT_BLANKS, "property": str(property_id), **fields}


def plan_form(key: str, name: str, **fields: Any) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "owner": "",
        "description": "",
        "event_naming": "object_action",
        "event_naming_regex": "",
        "property_naming": "snake_case",
        "property_naming_regex": "",
        "additional_properties": "allow",
        **inline("sources", []),
        **inline("common_properties", []),
        **fields,
    }
