"""Answers about one plan's metrics read from the working draft: words, lineage, glossary checks."""

from __future__ import annotations

from tracking.metrics.dependencies import EVENT, PROPERTY
from tracking.metrics.explain import Explanation, explain_metric
from tracking.metrics.findings import MetricFinding
from tracking.metrics.glossary import check_modifier, check_term
from tracking.metrics.lineage import Lineage, dependents, metric_lineage
from tracking.metrics.load import load_catalog, metric_spec, modifier_spec, term_spec
from tracking.models import Event, GlossaryTerm, Metric, Modifier, Property
from tracking.snapshot import take_snapshot


def explain(metric: Metric) -> Explanation:
    """The metric in English and Chinese words, as the working draft names things."""
    catalog = load_catalog(metric.plan)
    spec = metric_spec(metric)
    return explain_metric(
        spec, catalog=catalog.with_metric(spec), snapshot=take_snapshot(metric.plan)
    )


def lineage(metric: Metric) -> Lineage:
    """Everything the metric rests on, transitively."""
    catalog = load_catalog(metric.plan)
    return metric_lineage(metric.key, catalog.with_metric(metric_spec(metric)))


def metrics_using(target: Event | Property) -> tuple[str, ...]:
    """Every metric (any lifecycle) resting on the event or property, transitively."""
    if isinstance(target, Event):
        return dependents(load_catalog(target.plan), target_type=EVENT, key=target.key)
    return dependents(load_catalog(target.plan), target_type=PROPERTY, key=target.path)


def check_term_row(term: GlossaryTerm) -> list[MetricFinding]:
    return check_term(
        term_spec(term),
        snapshot=take_snapshot(term.plan),
        catalog=load_catalog(term.plan),
    )


def check_modifier_row(modifier: Modifier) -> list[MetricFinding]:
    return check_modifier(
        modifier_spec(modifier),
        snapshot=take_snapshot(modifier.plan),
        catalog=load_catalog(modifier.plan),
    )
