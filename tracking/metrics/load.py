"""Reading a plan's metrics, glossary terms, qualifiers and periods into a `MetricCatalog`."""

from __future__ import annotations

from collections import defaultdict

from tracking.metrics.catalog import (
    MetricCatalog,
    MetricSpec,
    ModifierSpec,
    PeriodSpec,
    TermSpec,
)
from tracking.models import GlossaryTerm, Metric, Modifier, TimePeriod, TrackingPlan


def load_catalog(plan: TrackingPlan) -> MetricCatalog:
    """The plan's working draft of metrics and glossary, frozen; five queries, whatever its size."""
    rows = list(
        Metric.objects.filter(plan=plan).select_related("owner").order_by("key")
    )
    keys: dict[int | None, str] = {row.pk: row.key for row in rows}
    tags = _tag_names(plan)
    terms = {t.pk: t for t in GlossaryTerm.objects.filter(plan=plan).order_by("key")}
    return MetricCatalog(
        metrics=tuple(
            metric_spec(row, drives=keys.get(row.drives_id), tags=tags.get(row.pk, ()))
            for row in rows
        ),
        terms=tuple(term_spec(t) for t in terms.values()),
        modifiers=tuple(
            modifier_spec(m, term=terms[m.term_id].key if m.term_id in terms else None)
            for m in Modifier.objects.filter(plan=plan).order_by("key")
        ),
        periods=tuple(
            period_spec(p) for p in TimePeriod.objects.filter(plan=plan).order_by("key")
        ),
    )


def _tag_names(plan: TrackingPlan) -> dict[int, tuple[str, ...]]:
    """Each of the plan's metrics' tag names, sorted: one query for all of them."""
    names: defaultdict[int, list[str]] = defaultdict(list)
    links = Metric.tags.through.objects.filter(metric__plan=plan).values_list(
        "metric_id", "tag__name"
    )
    for metric_id, name in links:
        names[metric_id].append(name)
    return {pk: tuple(sorted(found)) for pk, found in names.items()}


def metric_spec(
    row: Metric, *, drives: str | None = None, tags: tuple[str, ...] | None = None
) -> MetricSpec:
    """The row as the rules see it; `drives` is the driven metric's key and `tags` its sorted
    tag names, if already known. Otherwise each is read from the row: one query apiece, unless
    the driven metric is already loaded or the tags are prefetched (an unsaved row has none).
    """
    if drives is None and (driven := row.drives) is not None:
        drives = driven.key
    if tags is None:
        tags = tuple(sorted(t.name for t in row.tags.all())) if row.pk else ()
    return MetricSpec(
        key=row.key,
        kind=row.kind,
        definition=row.definition,
        name_zh=row.name_zh,
        name_en=row.name_en,
        caliber=row.caliber,
        unit=row.unit,
        owner=row.owner.get_username() if row.owner_id else "",
        lifecycle=row.lifecycle,
        category=row.category,
        aarrr_stage=row.aarrr_stage,
        is_north_star=row.is_north_star,
        indicator_type=row.indicator_type,
        drives=drives,
        tags=tags,
    )


def term_spec(row: GlossaryTerm) -> TermSpec:
    return TermSpec(
        key=row.key,
        definition_text=row.definition_text,
        name_zh=row.name_zh,
        name_en=row.name_en,
        predicate=row.predicate,
    )


def modifier_spec(row: Modifier, *, term: str | None = None) -> ModifierSpec:
    if term is None and (named := row.term) is not None:
        term = named.key
    return ModifierSpec(
        key=row.key,
        name_zh=row.name_zh,
        name_en=row.name_en,
        modifier_type=row.modifier_type,
        predicate=row.predicate,
        term=term,
    )


def period_spec(row: TimePeriod) -> PeriodSpec:
    return PeriodSpec(
        key=row.key,
        kind=row.kind,
        n=row.n,
        unit=row.unit,
        timezone=row.timezone,
        anchor=row.anchor,
        name_zh=row.name_zh,
        name_en=row.name_en,
    )
