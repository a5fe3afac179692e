"""One spelling per meaning: the normalised definition, its sha256, and duplicate detection.

Two definitions that differ only in key order, list order, filter nesting, defaults left out,
input aliases or whitespace in a formula normalise to the same form; a ratio and the formula
`n / nullif(d, 0)` over the same metrics are one definition.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tracking.metrics.catalog import (
    COMPOSITE,
    CONVERSION,
    CUMULATIVE,
    DEPRECATED,
    MetricCatalog,
    MetricSpec,
)
from tracking.metrics.definitions import FILTER_FIELDS, shape_findings
from tracking.metrics.expressions import (
    Alias,
    BinaryOp,
    Call,
    Expr,
    Number,
    parse_expression,
    render,
)
from tracking.metrics.filters import normalise_filter

_DEFAULTS: dict[str, dict[str, Any]] = {
    CUMULATIVE: {"period_agg": "first"},
    CONVERSION: {"calculation": "conversion_rate"},
}
_SETS = ("modifiers", "group_by")


def canonical_definition(kind: str, definition: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised form of a definition that passed pass 1 (shape)."""
    if kind == COMPOSITE:
        return _composite(definition)
    normal: dict[str, Any] = {**_DEFAULTS.get(kind, {})}
    for name, value in definition.items():
        if name in FILTER_FIELDS:
            value = normalise_filter(value)
        elif name in _SETS:
            value = sorted(value)
        elif name == "constant_properties":
            value = sorted(
                ({"base": p["base"], "conversion": p["conversion"]} for p in value),
                key=_text,
            )
        if value not in (None, []):
            normal[name] = value
    return normal


def _composite(definition: Mapping[str, Any]) -> dict[str, Any]:
    tree, refs = _formula(definition)
    normal: dict[str, Any] = {
        "formula": render(tree, name=lambda alias: f"[{refs.get(alias, '?' + alias)}]")
    }
    if definition.get("group_by"):
        normal["group_by"] = sorted(definition["group_by"])
    return normal


def _formula(definition: Mapping[str, Any]) -> tuple[Expr, dict[str, str]]:
    """The composite as one formula, and what each alias stands for (`metric` or `metric@7d`)."""
    if definition["form"] == "ratio":
        guarded = BinaryOp(
            op="/",
            left=Alias(name="n"),
            right=Call(
                function="nullif", args=(Alias(name="d"), Number(value=Decimal(0)))
            ),
        )
        tree: Expr = guarded
        if definition.get("on_zero_denominator") == "zero":
            tree = Call(function="coalesce", args=(guarded, Number(value=Decimal(0))))
        return tree, {"n": definition["numerator"], "d": definition["denominator"]}
    refs = {
        item["alias"]: item["metric"]
        + (f"@{item['offset']}" if item.get("offset") else "")
        for item in definition["inputs"]
    }
    return parse_expression(definition["expr"]), refs


def canonical_hash(kind: str, definition: Mapping[str, Any]) -> str:
    """sha256 of the kind and the normalised definition; stable across key and list order."""
    text = _text({"kind": kind, "definition": canonical_definition(kind, definition)})
    return hashlib.sha256(text.encode()).hexdigest()


def find_duplicate(spec: MetricSpec, catalog: MetricCatalog) -> MetricSpec | None:
    """Another live metric of the catalog with the same meaning as `spec`, if any."""
    own = canonical_hash(spec.kind, spec.definition)
    for other in catalog.metrics:
        if other.key == spec.key or other.lifecycle == DEPRECATED:
            continue
        if shape_findings(other.kind, other.definition):
            continue
        if canonical_hash(other.kind, other.definition) == own:
            return other
    return None


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
