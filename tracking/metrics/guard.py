"""The refusal to remove or deprecate what online metrics rest on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tracking.errors import MetricDependencyError
from tracking.metrics.catalog import ONLINE, MetricCatalog
from tracking.metrics.dependencies import (
    EVENT,
    METRIC,
    MODIFIER,
    PERIOD,
    PROPERTY,
    TERM,
)
from tracking.metrics.lineage import dependents
from tracking.metrics.load import load_catalog
from tracking.models import (
    Event,
    GlossaryTerm,
    Metric,
    MetricLifecycle,
    Modifier,
    Property,
    TimePeriod,
    TrackingPlan,
)

# What metrics refer to by key, besides events, properties (by path) and other metrics.
_GLOSSARY = {GlossaryTerm: TERM, Modifier: MODIFIER, TimePeriod: PERIOD}


def online_metrics_using(
    plan: TrackingPlan, *, target_type: str, key: str
) -> list[str]:
    """Online metrics of the plan resting on the thing, directly or through other metrics.

    One query when the plan has no online metric; otherwise it loads the plan's metrics.
    """
    online = Metric.objects.filter(plan=plan, lifecycle=MetricLifecycle.ONLINE)
    if not online.exists():
        return []
    catalog = load_catalog(plan)
    return _online(catalog, dependents(catalog, target_type=target_type, key=key))


def _online(catalog: MetricCatalog, keys: tuple[str, ...]) -> list[str]:
    return [
        k
        for k in keys
        if (m := catalog.metric(k)) is not None and m.lifecycle == ONLINE
    ]


def refuse_removal(
    instance: Event | Property | Metric | GlossaryTerm | Modifier | TimePeriod,
    *,
    verb: str = "delete",
) -> None:
    """Raise MetricDependencyError if online metrics use the event, property, metric or
    glossary row (term, qualifier, time period)."""
    if isinstance(instance, Event):
        target_type, key = EVENT, instance.key
    elif isinstance(instance, Property):
        target_type, key = PROPERTY, instance.path
    elif type(instance) in _GLOSSARY:
        target_type, key = _GLOSSARY[type(instance)], instance.key
    else:
        target_type, key = METRIC, instance.key
    users = [
        k
        for k in online_metrics_using(instance.plan, target_type=target_type, key=key)
        if k != key or target_type != METRIC
    ]
    if not users:
        return
    message = _refusal(verb) % {"key": key, "metrics": ", ".join(users)}
    raise MetricDependencyError(
        message, details={"target_type": target_type, "key": key, "metrics": users}
    )


def _refusal(verb: str) -> str:
    if verb == "deprecate":
        return _(
            "“%(key)s” cannot be deprecated: online metrics use it (%(metrics)s). Move them "
            "to another tracking point or take them offline first."
        )
    return _(
        "“%(key)s” cannot be deleted: online metrics use it (%(metrics)s). Move them to "
        "another tracking point or take them offline first."
    )
