"""A snapshot property as the JSON Schema Segment and Iglu files hold; `json_schema.py` reads it
back unchanged."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tracking.constraints import ARRAY, DATE_TIME, STRING
from tracking.interchange.json_schema import DISPLAY_NAME_KEYWORD, PRIVACY_KEYWORD

if TYPE_CHECKING:
    from tracking.snapshot import PropertySpec


def property_schema(spec: PropertySpec) -> dict[str, Any]:
    """The JSON Schema of a snapshot property; `read_property` reads it back unchanged."""
    schema: dict[str, Any] = {}
    if spec.display_name:
        schema[DISPLAY_NAME_KEYWORD] = spec.display_name
    if spec.description:
        schema["description"] = spec.description
    if spec.type == DATE_TIME:
        schema.update(type=STRING, format="date-time")
    else:
        schema["type"] = spec.type
    scalar = schema
    if spec.type == ARRAY:
        scalar = _item_schema(spec.item_type)
        schema["items"] = scalar
        _put_counts(schema, spec, ("min_items", "minItems"), ("max_items", "maxItems"))
    _put_scalar_constraints(scalar, spec)
    if spec.fields:
        scalar["properties"] = {f.key: property_schema(f) for f in spec.fields}
    if spec.privacy_class and spec.privacy_class != "none":
        schema[PRIVACY_KEYWORD] = spec.privacy_class
    if spec.examples:
        schema["examples"] = list(spec.examples)
    return schema


def _item_schema(item_type: str) -> dict[str, Any]:
    if item_type == DATE_TIME:
        return {"type": STRING, "format": "date-time"}
    return {"type": item_type}


def _put_scalar_constraints(schema: dict[str, Any], spec: PropertySpec) -> None:
    if spec.enum:
        schema["enum"] = list(spec.enum)
    if spec.patterns:
        schema["pattern"] = spec.patterns[0]
        if spec.patterns[1:]:
            schema["allOf"] = [{"pattern": p} for p in spec.patterns[1:]]
    for name in ("minimum", "maximum"):
        value = getattr(spec, name)
        if value is not None:
            schema[name] = json_number(value)
    _put_counts(schema, spec, ("min_length", "minLength"), ("max_length", "maxLength"))


def _put_counts(
    schema: dict[str, Any], spec: PropertySpec, *pairs: tuple[str, str]
) -> None:
    for name, keyword in pairs:
        value = getattr(spec, name)
        if value is not None:
            schema[keyword] = value


def json_number(text: str) -> int | float:
    """A bound for JSON: an integer when whole, else the float (exact to about 15 digits)."""
    value = Decimal(text)
    if value == value.to_integral_value():
        return int(value)
    return float(value)
