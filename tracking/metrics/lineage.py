"""Lineage both ways: what a metric rests on, transitively, and which metrics rest on a thing."""

from __future__ import annotations

from dataclasses import dataclass

from tracking.metrics.catalog import MetricCatalog
from tracking.metrics.definitions import shape_findings
from tracking.metrics.dependencies import (
    EVENT,
    METRIC,
    MODIFIER,
    PERIOD,
    PROPERTY,
    TERM,
    direct_dependencies,
)
from tracking.metrics.filters import filter_properties, filter_terms


@dataclass(frozen=True, slots=True, kw_only=True)
class Lineage:
    """Everything one metric depends on, through metrics, qualifiers and terms; sorted keys.

    `properties` holds dotted paths for nested fields (`shipping_region.province`).
    """

    metrics: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()


def metric_lineage(key: str, catalog: MetricCatalog) -> Lineage:
    """The transitive closure below metric `key` (not including itself); cycles are safe."""
    found: dict[str, set[str]] = {
        t: set() for t in (METRIC, EVENT, PROPERTY, TERM, MODIFIER, PERIOD)
    }
    pending, visited = [key], set()
    while pending:
        current = pending.pop()
        if current in visited:
            continue
        visited.add(current)
        spec = catalog.metric(current)
        if spec is None or shape_findings(spec.kind, spec.definition):
            continue
        for dep in direct_dependencies(spec):
            found[dep.target_type].add(dep.target)
            if dep.target_type == METRIC:
                pending.append(dep.target)
    _expand_glossary(found, catalog)
    found[METRIC].discard(key)
    return Lineage(
        metrics=tuple(sorted(found[METRIC])),
        events=tuple(sorted(found[EVENT])),
        properties=tuple(sorted(found[PROPERTY])),
        terms=tuple(sorted(found[TERM])),
        modifiers=tuple(sorted(found[MODIFIER])),
        periods=tuple(sorted(found[PERIOD])),
    )


def _expand_glossary(found: dict[str, set[str]], catalog: MetricCatalog) -> None:
    """Add the properties and terms the used qualifiers and terms stand for."""
    pending = list(found[TERM])
    for key in found[MODIFIER]:
        modifier = catalog.modifier(key)
        if modifier is not None:
            found[PROPERTY].update(filter_properties(modifier.predicate))
            pending += filter_terms(modifier.predicate)
            pending += [modifier.term] if modifier.term else []
    expanded: set[str] = set()
    while pending:
        key = pending.pop()
        if key in expanded:
            continue
        expanded.add(key)
        found[TERM].add(key)
        term = catalog.term(key)
        if term is not None:
            found[PROPERTY].update(filter_properties(term.predicate))
            pending += filter_terms(term.predicate)


def dependents(
    catalog: MetricCatalog, *, target_type: str, key: str
) -> tuple[str, ...]:
    """Every metric of the catalog resting on the thing, directly or through others; sorted.

    For a property, metrics using any nested field of it count too.
    """
    hits = []
    for spec in catalog.metrics:
        lineage = metric_lineage(spec.key, catalog)
        if target_type == PROPERTY:
            if any(p == key or p.startswith(f"{key}.") for p in lineage.properties):
                hits.append(spec.key)
        elif key in getattr(lineage, _FIELDS[target_type]):
            hits.append(spec.key)
    return tuple(sorted(hits))


_FIELDS = {
    METRIC: "metrics",
    EVENT: "events",
    TERM: "terms",
    MODIFIER: "modifiers",
    PERIOD: "periods",
}


def metrics_using_event(event: str, catalog: MetricCatalog) -> tuple[str, ...]:
    return dependents(catalog, target_type=EVENT, key=event)


def metrics_using_property(prop: str, catalog: MetricCatalog) -> tuple[str, ...]:
    return dependents(catalog, target_type=PROPERTY, key=prop)
