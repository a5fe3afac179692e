"""Pass 1: the JSON Schema of each kind of metric definition, and its errors in a PM's words."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from tracking.metrics.catalog import (
    ATOMIC,
    COMPOSITE,
    CONVERSION,
    CUMULATIVE,
    DERIVED,
    KINDS,
)
from tracking.metrics.expressions import FUNCTIONS, ExpressionError, parse_expression
from tracking.metrics.filters import filter_shape_problems
from tracking.metrics.findings import MetricFinding, error
from tracking.metrics.periods import DURATION_PATTERN

MIN_CALIBER = 20  # characters of caliber (口径) text
METRIC_KEY_PATTERN = "^[a-z][a-z0-9]*(?:_{1,2}[a-z0-9]+)*$"
AGGREGATIONS = ("count", "count_distinct", "sum", "avg", "min", "max", "percentile")
NUMERIC_AGGREGATIONS = ("sum", "avg", "min", "max", "percentile")
FILTER_FIELDS = ("extra_filter", "base_filter", "conversion_filter")
# What an atomic metric must not carry: qualifying it makes it a derived metric.
QUALIFIER_FIELDS = ("period", "modifiers", "extra_filter", "filter", "group_by")

_METRIC = {"type": "string", "pattern": METRIC_KEY_PATTERN, "maxLength": 128}
_KEY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_]*$", "maxLength": 64}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 200}
_DURATION = {"type": "string", "pattern": DURATION_PATTERN}
_FILTER = {"type": ["object", "null"]}  # its inside is checked by filters.py
_GROUP_BY = {"type": "array", "items": _TEXT, "uniqueItems": True, "maxItems": 8}
_MODIFIERS = {"type": "array", "items": _KEY, "uniqueItems": True, "maxItems": 8}
_QUALIFIED = {"modifiers": _MODIFIERS, "extra_filter": _FILTER, "group_by": _GROUP_BY}


def _object(
    required: list[str], properties: dict[str, Any], **more: Any
) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
        **more,
    }


def _needs(field: str, when: dict[str, Any]) -> dict[str, Any]:
    return {
        "if": {"properties": when, "required": list(when)},
        "then": {"required": [field]},
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    ATOMIC: _object(
        ["event", "agg"],
        {
            "event": _TEXT,
            "agg": {"enum": list(AGGREGATIONS)},
            "measure": _TEXT,
            "distinct_on": _TEXT,
            "percentile": {
                "type": "number",
                "exclusiveMinimum": 0,
                "exclusiveMaximum": 100,
            },
        },
        allOf=[
            _needs("measure", {"agg": {"enum": list(NUMERIC_AGGREGATIONS)}}),
            _needs("distinct_on", {"agg": {"const": "count_distinct"}}),
            _needs("percentile", {"agg": {"const": "percentile"}}),
        ],
    ),
    DERIVED: _object(
        ["base", "period"], {"base": _METRIC, "period": _KEY, **_QUALIFIED}
    ),
    CUMULATIVE: _object(
        ["base"],
        {
            "base": _METRIC,
            "window": _DURATION,
            "grain_to_date": {"enum": ["week", "month", "quarter", "year"]},
            "period_agg": {"enum": ["first", "last", "average"]},
            **_QUALIFIED,
        },
        oneOf=[{"required": ["window"]}, {"required": ["grain_to_date"]}],
    ),
    CONVERSION: _object(
        ["entity", "base", "conversion", "window"],
        {
            "entity": _TEXT,
            "base": _METRIC,
            "conversion": _METRIC,
            "window": _DURATION,
            "calculation": {"enum": ["conversion_rate", "conversions"]},
            "base_filter": _FILTER,
            "conversion_filter": _FILTER,
            "constant_properties": {
                "type": "array",
                "maxItems": 8,
                "items": _object(
                    ["base", "conversion"], {"base": _TEXT, "conversion": _TEXT}
                ),
            },
        },
    ),
    "composite:ratio": _object(
        ["form", "numerator", "denominator"],
        {
            "form": {"const": "ratio"},
            "numerator": _METRIC,
            "denominator": _METRIC,
            "on_zero_denominator": {"enum": ["null", "zero"]},
            "group_by": _GROUP_BY,
        },
    ),
    "composite:expression": _object(
        ["form", "expr", "inputs"],
        {
            "form": {"const": "expression"},
            "expr": {"type": "string", "minLength": 1},
            "inputs": {
                "type": "array",
                "minItems": 1,
                "maxItems": 10,
                "items": _object(
                    ["alias", "metric"],
                    {
                        "alias": {
                            "type": "string",
                            "pattern": "^[a-z_][a-z0-9_]*$",
                            "maxLength": 64,
                        },
                        "metric": _METRIC,
                        "offset": _DURATION,
                    },
                ),
            },
            "group_by": _GROUP_BY,
        },
    ),
}
_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in SCHEMAS.items()}

_FIELD_HELP = {
    "event": gettext_lazy("the event the metric counts"),
    "agg": gettext_lazy(
        "how to aggregate: count, count_distinct, sum, avg, min, max or percentile"
    ),
    "measure": gettext_lazy("the numeric property to aggregate"),
    "distinct_on": gettext_lazy(
        "the property whose distinct values are counted, e.g. user_id"
    ),
    "percentile": gettext_lazy("which percentile, e.g. 90"),
    "base": gettext_lazy("the metric this one is built on"),
    "period": gettext_lazy("the time period, e.g. 30d"),
    "entity": gettext_lazy("who converts, e.g. user_id"),
    "conversion": gettext_lazy("the metric counting the conversion step"),
    "window": gettext_lazy("how long the conversion may take, e.g. 7d"),
    "form": gettext_lazy("ratio or expression"),
    "numerator": gettext_lazy("the metric above the line"),
    "denominator": gettext_lazy("the metric below the line"),
    "expr": gettext_lazy("the formula, e.g. (rev - spend) / nullif(spend, 0)"),
    "inputs": gettext_lazy("the metrics the formula reads, each with an alias"),
    "alias": gettext_lazy("the name the formula uses for this input"),
    "metric": gettext_lazy("the input metric's key"),
    "constant_properties.base": gettext_lazy("the property on the base event"),
    "constant_properties.conversion": gettext_lazy(
        "the property on the conversion event that must hold the same value"
    ),
}
_TYPE_WORDS = {
    "string": gettext_lazy("text"),
    "array": gettext_lazy("a list"),
    "object": gettext_lazy("an object"),
    "number": gettext_lazy("a number"),
    "integer": gettext_lazy("a whole number"),
    "boolean": gettext_lazy("true or false"),
}


def schema_name(kind: str, definition: Mapping[str, Any]) -> str:
    """Which schema applies: the kind, or for composites `composite:<form>`."""
    if kind != COMPOSITE:
        return kind
    return (
        "composite:expression"
        if definition.get("form") == "expression"
        else "composite:ratio"
    )


def shape_findings(kind: str, definition: object) -> list[MetricFinding]:
    """Pass 1: everything wrong with the definition's shape; empty when pass 2 may run."""
    if kind not in KINDS:
        msg = _("Choose one of the kinds: %s.") % ", ".join(KINDS)
        return [error("kind_unknown", "kind", msg)]
    if not isinstance(definition, Mapping):
        return [
            error(
                "definition_not_object",
                "definition",
                _("The definition is a JSON object."),
            )
        ]
    if kind == COMPOSITE and definition.get("form") not in ("ratio", "expression"):
        msg = _("Say which form the composite takes: ratio or expression.")
        return [error("definition_invalid_value", "definition.form", msg)]
    validator = _VALIDATORS[schema_name(kind, definition)]
    errors = sorted(validator.iter_errors(definition), key=_error_order)
    findings = [f for e in errors for f in _translate(kind, e)]
    for name in FILTER_FIELDS:
        if definition.get(name) is not None:
            findings += filter_shape_problems(
                definition[name], path=f"definition.{name}"
            )
    if kind == COMPOSITE and not findings and definition["form"] == "expression":
        findings += _expression_findings(definition)
    return findings


def _expression_findings(definition: Mapping[str, Any]) -> list[MetricFinding]:
    findings = []
    try:
        parse_expression(definition["expr"])
    except ExpressionError as exc:
        findings.append(error("expression_invalid", "definition.expr", str(exc)))
    seen: set[str] = set()
    for i, item in enumerate(definition["inputs"]):
        alias, path = item["alias"], f"definition.inputs[{i}].alias"
        if alias in FUNCTIONS:
            msg = _("“%s” is a function name; choose another alias.") % alias
            findings.append(error("definition_invalid_value", path, msg))
        elif alias in seen:
            msg = _("The alias “%s” is used by two inputs.") % alias
            findings.append(error("alias_duplicate", path, msg))
        seen.add(alias)
    return findings


def _error_order(e: SchemaError) -> tuple[str, str]:
    return (json.dumps(list(e.absolute_path)), str(e.validator))


def _path(parts: Any) -> str:
    text = "definition"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _translate(kind: str, e: SchemaError) -> list[MetricFinding]:
    # Errors from a validator's iter_errors always carry their instance, value and schema.
    where, instance, rule = (
        _path(e.absolute_path),
        cast(Any, e.instance),
        cast(Any, e.validator_value),
    )
    if e.validator == "required":
        missing = [f for f in rule if f not in instance]
        parent = [p for p in e.absolute_path if isinstance(p, str)][-1:]
        return [_missing(f"{where}.{f}", ".".join([*parent, f])) for f in missing]
    if e.validator == "additionalProperties":
        allowed = set(cast("Mapping[str, Any]", e.schema).get("properties", {}))
        extras = sorted(set(instance) - allowed)
        return [_unknown(kind, where, name) for name in extras]
    if e.validator == "oneOf":
        msg = _(
            "Give either a rolling window (e.g. 7d) or a to-date grain (e.g. month)."
        )
        if "window" in instance and "grain_to_date" in instance:
            msg = _("Give a rolling window or a to-date grain, not both.")
        return [error("cumulative_window_or_grain", where, msg)]
    if e.validator in ("allOf", "if"):
        return []  # the nested "required" errors say what is missing
    field = _field_name(e.absolute_path)
    if e.validator == "type":
        expected = _TYPE_WORDS.get(str(e.validator_value), str(e.validator_value))
        msg = _("%(field)s should be %(expected)s.") % {
            "field": field,
            "expected": expected,
        }
        return [error("definition_wrong_type", where, msg)]
    return [error("definition_invalid_value", where, _invalid_message(e, field))]


def _missing(path: str, dotted: str) -> MetricFinding:
    field = dotted.rsplit(".", 1)[-1]
    help_text = _FIELD_HELP.get(dotted) or _FIELD_HELP.get(field) or ""
    msg = _("Add “%(field)s”: %(help)s.") % {"field": field, "help": help_text}
    return error("definition_missing_field", path, msg)


def _unknown(kind: str, where: str, name: str) -> MetricFinding:
    path = f"{where}.{name}"
    if kind == ATOMIC and where == "definition" and name in QUALIFIER_FIELDS:
        msg = _(
            "An atomic metric has no period, qualifiers, filters or dimensions; define a "
            "derived metric on top of it instead."
        )
        return error("atomic_has_qualifier", path, msg)
    return error(
        "definition_unknown_field", path, _("“%s” has no meaning here.") % name
    )


def _field_name(parts: Any) -> str:
    names = [p for p in parts if isinstance(p, str)]
    return f"“{names[-1]}”" if names else _("The definition")


def _invalid_message(e: SchemaError, field: str) -> str:
    value = json.dumps(e.instance, ensure_ascii=False)[:60]
    if e.validator in ("enum", "const"):
        rule = cast(Any, e.validator_value)
        choices = rule if e.validator == "enum" else [rule]
        return _("%(value)s is not allowed for %(field)s; use %(choices)s.") % {
            "value": value,
            "field": field,
            "choices": ", ".join(str(c) for c in choices),
        }
    if e.validator == "pattern":
        return _pattern_message(str(cast(Any, e.validator_value)), value, field)
    if e.validator == "uniqueItems":
        return _("%s lists the same entry twice.") % field
    return _("%(field)s has an invalid value (%(detail)s).") % {
        "field": field,
        "detail": e.message,
    }


def _pattern_message(pattern: str, value: str, field: str) -> str:
    if pattern == DURATION_PATTERN:
        return _("%(value)s is not a duration such as 24h, 7d, 2w or 1m.") % {
            "value": value
        }
    if pattern == METRIC_KEY_PATTERN:
        return _("%(value)s is not a metric key (snake_case, e.g. app_open_cnt).") % {
            "value": value
        }
    return _("%(value)s is not a valid key for %(field)s (lower-case, digits, _).") % {
        "value": value,
        "field": field,
    }
