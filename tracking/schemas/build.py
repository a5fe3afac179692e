"""JSON Schema (draft 2020-12) for each event of a plan snapshot, and the bundle of them all.

Pure: takes a `PlanSnapshot`, returns plain dicts. Bounds stay exact: an integral bound becomes
an `int` (any size), another bound a `float` only when the float prints back as the same
decimal, and a `Decimal` otherwise, which `tracking.schemas.render` writes digit for digit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tracking.constraints import (
    ARRAY,
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NUMBER,
    OBJECT,
    STRING,
)
from tracking.schemas.ids import bundle_schema_id, event_schema_id, event_slugs

if TYPE_CHECKING:
    from tracking.snapshot import (
        AttachedProperty,
        EventSpec,
        PlanSnapshot,
        PropertySpec,
    )

DIALECT = "https://json-schema.org/draft/2020-12/schema"
PRIVACY_KEYWORD = "x-privacy"
DISPLAY_NAME_KEYWORD = "x-display-name"

ALLOW = "allow"
FORBID = "forbid"

# TRICKY: `format` only asserts when a validator is told to check formats (jsonschema-rs and the
# reference `jsonschema` do not by default, and the latter needs an extra package for
# date-time), so a date-time also carries this pattern: RFC 3339 section 5.6, zone required.
DATE_TIME_PATTERN = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?"
    "([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)

_JSON_TYPES = {
    STRING: "string",
    INTEGER: "integer",
    NUMBER: "number",
    BOOLEAN: "boolean",
    DATE_TIME: "string",
    ARRAY: "array",
    OBJECT: "object",
}

Schema = dict[str, Any]


class SchemaBuildError(ValueError):
    """The snapshot cannot be expressed as a schema (unknown event, type or policy)."""


def event_schema(
    snapshot: PlanSnapshot, event_key: str, *, version: str, base_url: str
) -> Schema:
    """The schema of one event's `properties` object, as a Segment `track` call sends it.

    Raises SchemaBuildError if the snapshot has no such event.
    """
    event = snapshot.event(event_key)
    if event is None:
        msg = f"The plan {snapshot.key!r} has no event {event_key!r}."
        raise SchemaBuildError(msg)
    slugs = event_slugs(e.key for e in snapshot.events)
    schema_id = event_schema_id(
        base_url=base_url,
        plan_key=snapshot.key,
        version=version,
        event_slug=slugs[event.key],
    )
    return _event_schema(
        event, schema_id=schema_id, policy=snapshot.additional_properties
    )


def event_schemas(
    snapshot: PlanSnapshot, *, version: str, base_url: str
) -> dict[str, Schema]:
    """Every event's schema by event key, as `event_schema` gives each, in one pass.

    Linear in the plan: slugs are computed once, not once per event.
    """
    slugs = event_slugs(e.key for e in snapshot.events)
    return {
        event.key: _event_schema(
            event,
            schema_id=event_schema_id(
                base_url=base_url,
                plan_key=snapshot.key,
                version=version,
                event_slug=slugs[event.key],
            ),
            policy=snapshot.additional_properties,
        )
        for event in snapshot.events
    }


def bundle_schema(snapshot: PlanSnapshot, *, version: str, base_url: str) -> Schema:
    """All event schemas of a version in one document, under `$defs` by event key.

    Each entry keeps its own `$id`, so the bundle is a compound document in the 2020-12 sense:
    a reference to an event schema's URL resolves inside it.
    """
    definitions = event_schemas(snapshot, version=version, base_url=base_url)
    schema: Schema = {
        "$schema": DIALECT,
        "$id": bundle_schema_id(
            base_url=base_url, plan_key=snapshot.key, version=version
        ),
        "title": f"{snapshot.name} {version}",
        "$defs": definitions,
    }
    if snapshot.description:
        schema["description"] = snapshot.description
    return schema


def _event_schema(event: EventSpec, *, schema_id: str, policy: str) -> Schema:
    schema: Schema = {"$schema": DIALECT, "$id": schema_id, "title": event.key}
    description = _join(event.description, _labelled("Trigger", event.trigger))
    if description:
        schema["description"] = description
    if event.display_name:
        schema[DISPLAY_NAME_KEYWORD] = event.display_name
    if event.is_deprecated:
        schema["deprecated"] = True
    schema.update(_object_schema(event.properties, policy=policy))
    return schema


def _object_schema(attached: tuple[AttachedProperty, ...], *, policy: str) -> Schema:
    schema: Schema = {
        "type": "object",
        "properties": {a.key: _attached_schema(a, policy=policy) for a in attached},
    }
    required = sorted(a.key for a in attached if a.required)
    if required:
        schema["required"] = required
    if _forbids_additional(policy):
        schema["additionalProperties"] = False
    return schema


def _attached_schema(attached: AttachedProperty, *, policy: str) -> Schema:
    schema = property_schema(attached.property, policy=policy)
    if attached.note:
        schema["description"] = _join(schema.get("description", ""), attached.note)
    return schema


def property_schema(spec: PropertySpec, *, policy: str = ALLOW) -> Schema:
    """The schema of one property's value; for a list, the scalar constraints bind each item."""
    schema = _annotations(spec)
    if spec.type == ARRAY:
        schema["type"] = "array"
        if spec.item_type:
            schema["items"] = _value_schema(spec.item_type, spec, policy=policy)
        _put(schema, "minItems", spec.min_items)
        _put(schema, "maxItems", spec.max_items)
        return schema
    schema.update(_value_schema(spec.type, spec, policy=policy))
    return schema


def _annotations(spec: PropertySpec) -> Schema:
    schema: Schema = {}
    if spec.display_name:
        schema["title"] = spec.display_name
    if spec.description:
        schema["description"] = spec.description
    if spec.privacy_class and spec.privacy_class != "none":
        # An annotation only: personal data is still valid data; governance masks it.
        schema[PRIVACY_KEYWORD] = spec.privacy_class
    if spec.examples:
        schema["examples"] = list(spec.examples)
    return schema


def _value_schema(type_: str, spec: PropertySpec, *, policy: str) -> Schema:
    if type_ not in _JSON_TYPES or type_ == ARRAY:
        msg = f"The property {spec.key!r} has a type schemas cannot express: {type_!r}."
        raise SchemaBuildError(msg)
    schema: Schema = {"type": _JSON_TYPES[type_]}
    if type_ == OBJECT:
        return {**schema, **_fields_schema(spec.fields, policy=policy)}
    if spec.enum:
        schema["enum"] = list(spec.enum)
    patterns = (
        (*spec.patterns, DATE_TIME_PATTERN) if type_ == DATE_TIME else spec.patterns
    )
    if type_ == DATE_TIME:
        schema["format"] = "date-time"
    if len(patterns) == 1:
        schema["pattern"] = patterns[0]
    elif patterns:
        schema["allOf"] = [{"pattern": p} for p in patterns]
    _put(schema, "minLength", spec.min_length)
    _put(schema, "maxLength", spec.max_length)
    _put(schema, "minimum", json_number(spec.minimum))
    _put(schema, "maximum", json_number(spec.maximum))
    return schema


def _fields_schema(fields: tuple[PropertySpec, ...], *, policy: str) -> Schema:
    """Nested fields carry no required flag of their own; an object without fields stays open."""
    if not fields:
        return {}
    schema: Schema = {
        "properties": {f.key: property_schema(f, policy=policy) for f in fields}
    }
    if _forbids_additional(policy):
        schema["additionalProperties"] = False
    return schema


def _forbids_additional(policy: str) -> bool:
    if policy not in {ALLOW, FORBID}:
        msg = f"Unknown additional-properties policy {policy!r}."
        raise SchemaBuildError(msg)
    return policy == FORBID


def json_number(text: str | None) -> int | float | Decimal | None:
    """The exact JSON number for a decimal string: int if integral, float if it prints back."""
    if text is None:
        return None
    value = Decimal(text)
    if not value.is_finite():
        msg = f"A bound must be a finite number, not {text!r}."
        raise SchemaBuildError(msg)
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else value


def _put(schema: Schema, name: str, value: object) -> None:
    if value is not None:
        schema[name] = value


def _labelled(label: str, text: str) -> str:
    return f"{label}: {text}" if text else ""


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)
