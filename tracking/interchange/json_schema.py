"""JSON Schema property definitions, as Segment and Iglu files hold them, read into a document.

The keywords a plan property holds (type, enum, pattern, bounds, lengths, items, nested objects,
descriptions, examples) are mapped; every other keyword is reported as not represented.
Writing is `json_schema_write.py`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from tracking.constraints import (
    ARRAY,
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NUMBER,
    OBJECT,
    STRING,
)
from tracking.interchange.document import ProblemLog, PropertyDoc
from tracking.interchange.library import InlineProperty

# The same extension keywords the generated schemas use for what JSON Schema has no word for.
PRIVACY_KEYWORD = "x-privacy"
DISPLAY_NAME_KEYWORD = "x-display-name"

JSON_TYPES = {STRING, INTEGER, NUMBER, BOOLEAN, ARRAY, OBJECT}
PRIVACY_CLASSES = {"none", "personal", "sensitive"}
_ANNOTATIONS = {"$schema", "$id", "id", "$comment"}
_COMMON = {"type", "format", "description", "title", "examples"}
_COMMON |= {DISPLAY_NAME_KEYWORD, PRIVACY_KEYWORD}
_SCALAR = {"enum", "const", "pattern", "allOf", "minimum", "maximum"}
_SCALAR |= {"minLength", "maxLength"}
_LIST = {"items", "minItems", "maxItems"}
_OBJECT = {"properties", "required", "additionalProperties"}


FILE_SEPARATOR = ": "


def path(where: str, *parts: str | int) -> str:
    """`where` extended by object keys and list indexes, e.g. `events[3].rules`; after a file
    name ending in FILE_SEPARATOR, `a.json: properties.price`."""
    text = where
    for part in parts:
        if isinstance(part, int):
            text = f"{text}[{part}]"
        else:
            text = (
                f"{text}{part}" if text.endswith(FILE_SEPARATOR) else f"{text}.{part}"
            )
    return text.lstrip(".")


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_object_properties(
    schema: dict[str, Any], *, where: str, log: ProblemLog, row: int | None = None
) -> tuple[InlineProperty, ...]:
    """An event's properties from an object schema's `properties` and `required`.

    A property whose type allows null is imported as optional (a plan property is either
    present with a value of its type, or absent), and the file is told so.
    """
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        log.error(path(where, "properties"), _("“properties” must be an object."))
        return ()
    required = _required_list(schema, where, log)
    inline = []
    for key, sub in properties.items():
        here = path(where, "properties", key)
        definition, nullable = read_property(key, sub, where=here, log=log)
        if definition is None:
            continue
        is_required = key in required
        if nullable and is_required:
            log.unsupported(
                here,
                _(
                    "The value may be null, which a plan property cannot say; it is imported "
                    "as optional."
                ),
            )
            is_required = False
        elif nullable:
            log.unsupported(
                here,
                _(
                    "The value may be null, which a plan property cannot say; a null value "
                    "will be flagged."
                ),
            )
        inline.append(
            InlineProperty(
                definition=definition, required=is_required, where=here, row=row
            )
        )
    for key in sorted(required - set(properties)):
        log.unsupported(
            path(where, "required"),
            _("“%s” is required but not defined; it is left out.") % key,
        )
    return tuple(inline)


def read_property(
    key: str, schema: Any, *, where: str, log: ProblemLog
) -> tuple[PropertyDoc | None, bool]:
    """The property and whether its type allows null; None when it cannot be typed."""
    if not isinstance(schema, dict):
        log.error(where, _("A property's definition must be an object."))
        return None, False
    type_, nullable = _resolve_type(schema, where, log)
    if type_ is None:
        return None, nullable
    _report_unhandled(schema, where, log, _handled(type_))
    values: dict[str, Any] = {
        "key": key,
        "type": type_,
        **_annotations(schema, where, log),
    }
    scalar = schema
    if type_ == ARRAY:
        item_type, scalar = _items(schema, where, log)
        if item_type is None:
            return None, nullable
        values["item_type"] = item_type
        values.update(_counts(schema, where, log, ("minItems", "maxItems")))
    values.update(_scalar_constraints(scalar, where, log))
    holder = scalar if type_ == ARRAY else schema
    if OBJECT in (type_, values.get("item_type")):
        values["fields"] = _nested_fields(holder, where, log)
    return PropertyDoc(where=where, **values), nullable


def _resolve_type(
    schema: dict[str, Any], where: str, log: ProblemLog
) -> tuple[str | None, bool]:
    raw = schema.get("type")
    nullable = False
    if isinstance(raw, list):
        nullable = "null" in raw
        others = [t for t in raw if t != "null"]
        raw = others[0] if len(others) == 1 else others
        if set(others) == {INTEGER, NUMBER}:
            raw = NUMBER
    if raw is None or raw == []:
        raw = _inferred_type(schema)
    if isinstance(raw, list):
        log.unsupported(
            where,
            _("A value of several types (%s) cannot be described; it is left out.")
            % ", ".join(map(str, raw)),
        )
        return None, nullable
    if raw is None:
        log.unsupported(where, _cannot_type_message(schema))
        return None, nullable
    if raw not in JSON_TYPES:
        log.error(
            where,
            _("type “%(type)s” is not one of %(types)s.")
            % {"type": raw, "types": ", ".join(sorted(JSON_TYPES))},
        )
        return None, nullable
    return _with_format(raw, schema, where, log), nullable


def _inferred_type(schema: dict[str, Any]) -> str | None:
    if "properties" in schema:
        return OBJECT
    if "items" in schema:
        return ARRAY
    values = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
    kinds = {_json_type(v) for v in values}
    return kinds.pop() if len(kinds) == 1 else None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    return ""


def _cannot_type_message(schema: dict[str, Any]) -> str:
    combinators = [k for k in ("$ref", "oneOf", "anyOf", "allOf", "not") if k in schema]
    if combinators:
        return _(
            "%s cannot be followed; a property needs its own type, so it is left out."
        ) % ", ".join(combinators)
    return _("The property has no type; it is left out.")


def _with_format(
    type_: str, schema: dict[str, Any], where: str, log: ProblemLog
) -> str:
    fmt = schema.get("format")
    if fmt is None:
        return type_
    if type_ == STRING and fmt == "date-time":
        return DATE_TIME
    log.unsupported(
        where,
        _("format “%s” is not represented; the value is checked as its type only.")
        % fmt,
    )
    return type_


def _items(
    schema: dict[str, Any], where: str, log: ProblemLog
) -> tuple[str | None, dict[str, Any]]:
    items = schema.get("items")
    here = path(where, "items")
    if not isinstance(items, dict):
        log.unsupported(
            here,
            _(
                "A list without one item schema: imported as a list of objects. Give the "
                "item type in the plan."
            ),
        )
        return OBJECT, {}
    item_type, nullable = _resolve_type(items, here, log)
    if nullable:
        log.unsupported(
            here, _("Null items are not represented; they will be flagged.")
        )
    if item_type == ARRAY:
        log.unsupported(
            here, _("Lists of lists are not supported; the property is left out.")
        )
        return None, {}
    if item_type is not None:
        handled = {"type", "format"} | (_OBJECT if item_type == OBJECT else _SCALAR)
        _report_unhandled(items, here, log, handled)
    return item_type, items


def _annotations(schema: dict[str, Any], where: str, log: ProblemLog) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, keyword in (
        ("description", "description"),
        ("display_name", DISPLAY_NAME_KEYWORD),
    ):
        if keyword in schema:
            values[name] = _text(schema[keyword], path(where, keyword), log)
    if "display_name" not in values and "title" in schema:
        values["display_name"] = _text(schema["title"], path(where, "title"), log)
    if PRIVACY_KEYWORD in schema:
        privacy = schema[PRIVACY_KEYWORD]
        if privacy in PRIVACY_CLASSES:
            values["privacy_class"] = privacy
        else:
            log.error(
                path(where, PRIVACY_KEYWORD),
                _("“%(value)s” is not one of %(classes)s.")
                % {"value": privacy, "classes": ", ".join(sorted(PRIVACY_CLASSES))},
            )
    if "examples" in schema:
        examples = schema["examples"]
        if isinstance(examples, list):
            values["examples"] = tuple(examples)
        else:
            log.error(path(where, "examples"), _("“examples” must be a list."))
    return values


def _scalar_constraints(
    schema: dict[str, Any], where: str, log: ProblemLog
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "enum" in schema:
        if isinstance(schema["enum"], list):
            values["enum"] = tuple(schema["enum"])
        else:
            log.error(path(where, "enum"), _("“enum” must be a list."))
    elif "const" in schema:
        values["enum"] = (schema["const"],)
    patterns = _patterns(schema, where, log)
    if patterns:
        values["patterns"] = patterns
    for keyword in ("minimum", "maximum"):
        if keyword in schema:
            values[keyword] = _bound(schema[keyword], path(where, keyword), log)
    values.update(_counts(schema, where, log, ("minLength", "maxLength")))
    return values


def _patterns(schema: dict[str, Any], where: str, log: ProblemLog) -> tuple[str, ...]:
    patterns = []
    if "pattern" in schema:
        patterns.append(_text(schema["pattern"], path(where, "pattern"), log))
    parts = schema.get("allOf", [])
    for index, part in enumerate(parts if isinstance(parts, list) else [parts]):
        if isinstance(part, dict) and set(part) == {"pattern"}:
            patterns.append(_text(part["pattern"], path(where, "allOf", index), log))
        else:
            log.unsupported(
                path(where, "allOf", index),
                _("Only patterns are read from “allOf”; this part is left out."),
            )
    return tuple(p for p in patterns if p)


def _counts(
    schema: dict[str, Any], where: str, log: ProblemLog, keywords: tuple[str, ...]
) -> dict[str, Any]:
    names = {
        "minLength": "min_length",
        "maxLength": "max_length",
        "minItems": "min_items",
        "maxItems": "max_items",
    }
    values: dict[str, Any] = {}
    for keyword in keywords:
        if keyword not in schema:
            continue
        value = schema[keyword]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            values[names[keyword]] = value
        else:
            log.error(
                path(where, keyword),
                _("“%s” must be a whole number, zero or more.") % keyword,
            )
    return values


def _bound(value: Any, where: str, log: ProblemLog) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        log.error(where, _("A bound must be a number."))
        return None
    try:
        return decimal_text(Decimal(str(value)))
    except InvalidOperation:
        log.error(where, _("A bound must be a finite number."))
        return None


def decimal_text(value: Decimal) -> str:
    """The exact text a snapshot gives a bound: plain notation, no trailing zeros."""
    if not value.is_finite():
        raise InvalidOperation
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return str(normal.quantize(Decimal(1)))
    return format(normal, "f")


def _nested_fields(
    holder: dict[str, Any], where: str, log: ProblemLog
) -> tuple[PropertyDoc, ...]:
    if not holder:
        return ()
    properties = holder.get("properties", {})
    if not isinstance(properties, dict):
        log.error(path(where, "properties"), _("“properties” must be an object."))
        return ()
    if holder.get("required"):
        log.unsupported(
            path(where, "required"),
            _("Nested fields cannot be required in a plan; imported as optional: %s.")
            % ", ".join(map(str, holder["required"])),
        )
    if holder.get("additionalProperties", True) is not True:
        log.unsupported(
            path(where, "additionalProperties"),
            _(
                "Nested objects cannot forbid unlisted fields in a plan; this is left out."
            ),
        )
    fields = []
    for key, sub in properties.items():
        here = path(where, "properties", key)
        definition, nullable = read_property(key, sub, where=here, log=log)
        if nullable:
            log.unsupported(
                here, _("A null value is not represented; it will be flagged.")
            )
        if definition is not None:
            fields.append(definition)
    return tuple(fields)


def _required_list(schema: dict[str, Any], where: str, log: ProblemLog) -> set[str]:
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        log.error(path(where, "required"), _("“required” must be a list of keys."))
        return set()
    return set(required)


def _handled(type_: str) -> set[str]:
    if type_ == ARRAY:
        return _COMMON | _LIST
    if type_ == OBJECT:
        return _COMMON | _OBJECT
    return _COMMON | _SCALAR


def _report_unhandled(
    schema: dict[str, Any], where: str, log: ProblemLog, handled: set[str]
) -> None:
    for keyword in schema:
        if keyword in handled or keyword in _ANNOTATIONS:
            continue
        log.unsupported(
            path(where, keyword),
            _("“%s” is not represented in a plan; it is left out.") % keyword,
        )


def _text(value: Any, where: str, log: ProblemLog) -> str:
    if isinstance(value, str):
        return value
    log.error(where, _("Expected text here."))
    return ""
