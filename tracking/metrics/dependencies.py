"""What a metric's definition names directly: the rows `MetricDependency` stores."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tracking.metrics.catalog import (
    ATOMIC,
    COMPOSITE,
    CONVERSION,
    CUMULATIVE,
    DERIVED,
    MetricSpec,
)
from tracking.metrics.filters import filter_properties, filter_terms

METRIC, EVENT, PROPERTY, TERM, MODIFIER, PERIOD = (
    "metric",
    "event",
    "property",
    "term",
    "modifier",
    "period",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Dependency:
    target_type: str  # metric, event, property, term, modifier or period
    target: str
    role: str  # base, input, conversion, measure, distinct_on, filter, dimension, entity, …


def direct_dependencies(spec: MetricSpec) -> list[Dependency]:
    """Each thing the definition names once per role, sorted; for a definition past pass 1."""
    found = {
        (d.target_type, d.target, d.role): d for d in _walk(spec.kind, spec.definition)
    }
    return [found[k] for k in sorted(found)]


def _walk(kind: str, d: Mapping[str, Any]) -> Iterator[Dependency]:
    if kind == ATOMIC:
        yield Dependency(target_type=EVENT, target=d["event"], role="base")
        for role in ("measure", "distinct_on"):
            if role in d:
                yield Dependency(target_type=PROPERTY, target=d[role], role=role)
    if kind in (DERIVED, CUMULATIVE):
        yield Dependency(target_type=METRIC, target=d["base"], role="base")
        if kind == DERIVED:
            yield Dependency(target_type=PERIOD, target=d["period"], role="period")
        for key in d.get("modifiers", ()):
            yield Dependency(target_type=MODIFIER, target=key, role="filter")
        yield from _filter(d.get("extra_filter"))
        for key in d.get("group_by", ()):
            yield Dependency(target_type=PROPERTY, target=key, role="dimension")
    if kind == CONVERSION:
        yield from _conversion(d)
    if kind == COMPOSITE:
        yield from _composite(d)


def _conversion(d: Mapping[str, Any]) -> Iterator[Dependency]:
    yield Dependency(target_type=METRIC, target=d["base"], role="base")
    yield Dependency(target_type=METRIC, target=d["conversion"], role="conversion")
    yield Dependency(target_type=PROPERTY, target=d["entity"], role="entity")
    yield from _filter(d.get("base_filter"))
    yield from _filter(d.get("conversion_filter"))
    for pair in d.get("constant_properties", ()):
        for key in (pair["base"], pair["conversion"]):
            yield Dependency(target_type=PROPERTY, target=key, role="constant_property")


def _composite(d: Mapping[str, Any]) -> Iterator[Dependency]:
    if d["form"] == "ratio":
        keys = [d["numerator"], d["denominator"]]
    else:
        keys = [item["metric"] for item in d["inputs"]]
    for key in keys:
        yield Dependency(target_type=METRIC, target=key, role="input")
    for key in d.get("group_by", ()):
        yield Dependency(target_type=PROPERTY, target=key, role="dimension")


def _filter(node: Mapping[str, Any] | None) -> Iterator[Dependency]:
    for key in filter_properties(node):
        yield Dependency(target_type=PROPERTY, target=key, role="filter")
    for key in filter_terms(node):
        yield Dependency(target_type=TERM, target=key, role="filter")
