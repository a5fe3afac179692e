"""Validation of glossary terms and qualifiers against the plan, before any metric uses them."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tracking.metrics.catalog import MetricCatalog, ModifierSpec, TermSpec
from tracking.metrics.filters import filter_shape_problems
from tracking.metrics.findings import MetricFinding, error
from tracking.metrics.resolve import (
    FilterScope,
    IdentityField,
    filter_findings,
    plan_property,
)
from tracking.metrics.semantics import sort_findings

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot, PropertySpec


def check_term(
    term: TermSpec, *, snapshot: PlanSnapshot, catalog: MetricCatalog
) -> list[MetricFinding]:
    """The term is defined in words, and its predicate names plan properties it fits."""
    findings = []
    if not term.definition_text.strip():
        msg = _("Write down what the term means (口径).")
        findings.append(error("term_undefined", "definition_text", msg))
    terms = tuple(t for t in catalog.terms if t.key != term.key) + (term,)
    scope = _plan_scope(snapshot, replace(catalog, terms=terms))
    findings += _predicate_findings(term.predicate, scope, seen=(term.key,))
    return sort_findings([replace(f, subject=term.key) for f in findings])


def check_modifier(
    modifier: ModifierSpec, *, snapshot: PlanSnapshot, catalog: MetricCatalog
) -> list[MetricFinding]:
    """The qualifier has a filter or a term, both resolve, and the filter fits the plan."""
    findings: list[MetricFinding] = []
    if modifier.predicate is None and not modifier.term:
        msg = _("Give the qualifier a filter, or point it at a glossary term.")
        findings.append(error("modifier_without_predicate", "predicate", msg))
    scope = _plan_scope(snapshot, catalog)
    if modifier.term and catalog.term(modifier.term) is None:
        msg = _("There is no glossary term “%s”.") % modifier.term
        findings.append(error("unknown_term", "term", msg))
    findings += _predicate_findings(modifier.predicate, scope, seen=())
    return sort_findings([replace(f, subject=modifier.key) for f in findings])


def _predicate_findings(
    predicate: object, scope: FilterScope, *, seen: tuple[str, ...]
) -> list[MetricFinding]:
    if predicate is None:
        return []
    shape = filter_shape_problems(predicate, path="predicate")
    if shape:
        return shape
    return filter_findings(predicate, path="predicate", scope=scope, seen_terms=seen)  # type: ignore[arg-type]


def _plan_scope(snapshot: PlanSnapshot, catalog: MetricCatalog) -> FilterScope:
    def resolve(
        key: str, path: str
    ) -> tuple[PropertySpec | IdentityField | None, list[MetricFinding]]:
        return plan_property(snapshot, key, path=path)

    # TRICKY: a term's `in_period` is judged where a metric uses it, against that metric.
    return FilterScope(resolve=resolve, catalog=catalog, has_period=True)
