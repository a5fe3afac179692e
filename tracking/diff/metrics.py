"""How the plan's metrics and their glossary (terms, qualifiers, periods) changed.

A metric's meaning is its kind and its canonical definition (tracking.metrics.canonical): any
difference there (event or base, aggregation, measure, filters, qualifiers, period, window,
entity, formula, grain) breaks whoever reads the metric, and so does removing it. Its names,
caliber wording, unit, owner, category, stage, north-star flag and tags are text; a lifecycle
move is additive. Versions published before tags were frozen with metrics hold none, so
against them a metric's tags read as added. A term, qualifier or period removed, or its
predicate (or period length) changed, breaks when a metric of the old version rests on it, and
is additive otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tracking.diff.changes import (
    ADDED,
    ADDITIVE,
    BREAKING,
    CHANGED,
    METRIC,
    MODIFIER,
    REMOVED,
    TERM,
    TEXT,
    TIME_PERIOD,
    Change,
    JsonValue,
)
from tracking.diff.deltas import Delta, place, plain, value_delta, whole
from tracking.metrics.canonical import canonical_definition
from tracking.metrics.catalog import MetricCatalog, MetricSpec
from tracking.metrics.definitions import shape_findings
from tracking.metrics.dependencies import (
    MODIFIER as MODIFIER_TARGET,
)
from tracking.metrics.dependencies import (
    PERIOD as PERIOD_TARGET,
)
from tracking.metrics.dependencies import (
    TERM as TERM_TARGET,
)
from tracking.metrics.lineage import dependents

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot

_METRIC_TEXTS = (
    "name_zh",
    "name_en",
    "unit",
    "owner",
    "category",
    "aarrr_stage",
    "is_north_star",
    "indicator_type",
    "drives",
)


def metric_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    olds = {m.key: m for m in old.metrics}
    news = {m.key: m for m in new.metrics}
    changes: list[Change] = []
    for key in sorted(olds.keys() | news.keys()):
        if key not in news:
            phrase = _("removed: reports and metrics reading it lose it")
            deltas = [
                whole(REMOVED, _essentials(olds[key]), level=BREAKING, phrase=phrase)
            ]
        elif key not in olds:
            essentials = _essentials(news[key])
            deltas = [whole(ADDED, essentials, level=ADDITIVE, phrase=_("added"))]
        else:
            deltas = _metric_deltas(olds[key], news[key])
        changes += place(
            deltas,
            object_type=METRIC,
            key=key,
            subject=_fixed(_("Metric “%(metric)s”") % {"metric": key}),
        )
    return changes


def _essentials(spec: MetricSpec) -> JsonValue:
    return {"kind": spec.kind, "lifecycle": spec.lifecycle}


def _metric_deltas(before: MetricSpec, after: MetricSpec) -> list[Delta]:
    if before.kind != after.kind:
        deltas = value_delta("kind", before.kind, after.kind, level=BREAKING)
    else:
        deltas = _definition_deltas(before, after)
    for field in _METRIC_TEXTS:
        deltas += value_delta(
            field, getattr(before, field), getattr(after, field), level=TEXT
        )
    deltas += value_delta("tags", sorted(before.tags), sorted(after.tags), level=TEXT)
    deltas += value_delta(
        "caliber", before.caliber, after.caliber, level=TEXT, with_values=False
    )
    deltas += value_delta(
        "lifecycle", before.lifecycle, after.lifecycle, level=ADDITIVE
    )
    return deltas


def _definition_deltas(before: MetricSpec, after: MetricSpec) -> list[Delta]:
    """One breaking delta per entry of the canonical definition that differs."""
    old = _canonical(before)
    new = _canonical(after)
    deltas: list[Delta] = []
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) == new.get(name):
            continue
        deltas.append(
            Delta(
                kind=_presence(name, old, new),
                path=f"definition.{name}",
                field=name,
                before=plain(old.get(name)),
                after=plain(new.get(name)),
                level=BREAKING,
                phrase=_(
                    "definition “%(part)s” changed: the metric means something else"
                )
                % {"part": name},
            )
        )
    return deltas


def _canonical(spec: MetricSpec) -> dict[str, Any]:
    """The normalised definition; a definition that fails pass 1 is compared as stored."""
    if shape_findings(spec.kind, spec.definition):
        return dict(spec.definition)
    return canonical_definition(spec.kind, spec.definition)


def _presence(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    if name not in old:
        return ADDED
    if name not in new:
        return REMOVED
    return CHANGED


def term_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    return _glossary_changes(
        {t.key: t for t in old.terms},
        {t.key: t for t in new.terms},
        catalog=old.catalog,
        object_type=TERM,
        target_type=TERM_TARGET,
        meaning=("predicate",),
        texts=("name_zh", "name_en"),
        hidden_texts=("definition_text",),
        subject=_("Glossary term “%(key)s”"),
    )


def modifier_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    return _glossary_changes(
        {m.key: m for m in old.modifiers},
        {m.key: m for m in new.modifiers},
        catalog=old.catalog,
        object_type=MODIFIER,
        target_type=MODIFIER_TARGET,
        meaning=("predicate", "term"),
        texts=("name_zh", "name_en", "modifier_type"),
        hidden_texts=(),
        subject=_("Qualifier “%(key)s”"),
    )


def period_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    return _glossary_changes(
        {p.key: p for p in old.periods},
        {p.key: p for p in new.periods},
        catalog=old.catalog,
        object_type=TIME_PERIOD,
        target_type=PERIOD_TARGET,
        meaning=("kind", "n", "unit", "timezone", "anchor"),
        texts=("name_zh", "name_en"),
        hidden_texts=(),
        subject=_("Time period “%(key)s”"),
    )


def _glossary_changes(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    catalog: MetricCatalog,
    object_type: str,
    target_type: str,
    meaning: Iterable[str],
    texts: Iterable[str],
    hidden_texts: Iterable[str],
    subject: str,
) -> list[Change]:
    """Added is additive; removed or re-meant breaks when metrics of the old version use it."""
    changes: list[Change] = []
    for key in sorted(olds.keys() | news.keys()):
        users = (
            dependents(catalog, target_type=target_type, key=key) if key in olds else ()
        )
        level = BREAKING if users else ADDITIVE
        if key not in news:
            deltas = [
                whole(
                    REMOVED,
                    {"metrics": list(users)},
                    level=level,
                    phrase=_removed(users),
                )
            ]
        elif key not in olds:
            deltas = [whole(ADDED, None, level=ADDITIVE, phrase=_("added"))]
        else:
            before, after = olds[key], news[key]
            deltas = []
            for field in meaning:
                deltas += value_delta(
                    field, getattr(before, field), getattr(after, field), level=level
                )
            for field in texts:
                deltas += value_delta(
                    field, getattr(before, field), getattr(after, field), level=TEXT
                )
            for field in hidden_texts:
                deltas += value_delta(
                    field,
                    getattr(before, field),
                    getattr(after, field),
                    level=TEXT,
                    with_values=False,
                )
        changes += place(
            deltas,
            object_type=object_type,
            key=key,
            subject=_fixed(subject % {"key": key}),
        )
    return changes


def _removed(users: tuple[str, ...]) -> str:
    if not users:
        return _("removed (no metric used it)")
    return _("removed while metrics use it (%(metrics)s)") % {
        "metrics": ", ".join(users)
    }


def _fixed(subject: str) -> Callable[[str], str]:
    return lambda _name: subject
