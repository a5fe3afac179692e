"""Validation of a metric: pass 1 (shape), then pass 2 (meaning) against a plan snapshot.

`check_metric` works the same on the working draft and on a published version: it reads only
a `PlanSnapshot` and a `MetricCatalog`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tracking.metrics.canonical import find_duplicate
from tracking.metrics.catalog import (
    ATOMIC,
    COMPOSITE,
    CONVERSION,
    CUMULATIVE,
    DEPRECATED,
    DERIVED,
    LAGGING,
    LEADING,
    ONLINE,
    MetricCatalog,
    MetricSpec,
)
from tracking.metrics.composites import composite_findings
from tracking.metrics.definitions import MIN_CALIBER, shape_findings
from tracking.metrics.findings import MetricFinding, Severity, error, warning
from tracking.metrics.graph import (
    DEEP,
    MAX_DEPTH,
    depth,
    find_cycle,
    metric_references,
    referenced_keys,
)
from tracking.metrics.kinds import (
    atomic_findings,
    conversion_findings,
    qualified_findings,
)

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot

KindRule = Callable[[MetricSpec, "PlanSnapshot", MetricCatalog], list[MetricFinding]]


def _composite_rules(
    spec: MetricSpec, _snapshot: PlanSnapshot, catalog: MetricCatalog
) -> list[MetricFinding]:
    return composite_findings(spec, catalog)


_KIND_RULES: dict[str, KindRule] = {
    ATOMIC: atomic_findings,
    DERIVED: qualified_findings,
    CUMULATIVE: qualified_findings,
    CONVERSION: conversion_findings,
    COMPOSITE: _composite_rules,
}
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def check_metric(
    spec: MetricSpec,
    *,
    snapshot: PlanSnapshot,
    catalog: MetricCatalog,
    replacing: str | None = None,
) -> list[MetricFinding]:
    """Every finding for `spec` as it would stand in the catalog: errors first, then by path.

    `replacing` names the stored metric `spec` is an edit of, when its key changes.
    """
    findings = shape_findings(spec.kind, spec.definition)
    catalog = catalog.with_metric(spec, replacing=replacing)
    if not findings:
        findings = _meaning_findings(spec, snapshot, catalog)
    findings += _record_findings(spec, catalog)
    return sort_findings([replace(f, subject=spec.key) for f in findings])


def check_catalog(
    snapshot: PlanSnapshot, catalog: MetricCatalog
) -> list[MetricFinding]:
    """Every finding for every metric of the catalog (for the plan panel and publishing)."""
    return [
        f
        for spec in catalog.metrics
        for f in check_metric(spec, snapshot=snapshot, catalog=catalog)
    ]


def sort_findings(findings: list[MetricFinding]) -> list[MetricFinding]:
    return sorted(
        findings,
        key=lambda f: (_RANK[f.severity], f.subject, f.path, f.code, f.message),
    )


def _meaning_findings(
    spec: MetricSpec, snapshot: PlanSnapshot, catalog: MetricCatalog
) -> list[MetricFinding]:
    findings = _reference_findings(spec, catalog)
    if spec.kind == ATOMIC and spec.lifecycle == ONLINE:
        findings += _draft_event_findings(spec, snapshot)
    cycle = find_cycle(spec.key, catalog)
    if cycle:
        msg = _("The metrics are defined in a circle: %s.") % " → ".join(cycle)
        path = next(p for p, key in metric_references(spec) if key == cycle[1])
        return [*findings, error("metric_cycle", path, msg)]
    findings += _KIND_RULES[spec.kind](spec, snapshot, catalog)
    findings += _depth_findings(spec, catalog)
    findings += _duplicate_findings(spec, catalog)
    return findings


def _reference_findings(
    spec: MetricSpec, catalog: MetricCatalog
) -> list[MetricFinding]:
    findings = []
    for path, key in metric_references(spec):
        ref = catalog.metric(key)
        if ref is None:
            msg = _("There is no metric “%s” in the plan.") % key
            findings.append(error("unknown_metric", path, msg))
        elif ref.lifecycle == DEPRECATED:
            make = warning if spec.lifecycle == ONLINE else error
            msg = _("The metric “%s” is deprecated; use the metric replacing it.") % key
            findings.append(make("metric_deprecated", path, msg))
        elif (
            spec.lifecycle == ONLINE and ref.lifecycle != ONLINE and ref.key != spec.key
        ):
            msg = _(
                "An online metric can only use online metrics; “%(key)s” is %(state)s."
            ) % {
                "key": key,
                "state": ref.lifecycle,
            }
            findings.append(error("dependency_not_online", path, msg))
    return findings


def _draft_event_findings(
    spec: MetricSpec, snapshot: PlanSnapshot
) -> list[MetricFinding]:
    event = snapshot.event(spec.definition["event"])
    if event is None or event.status != "draft":
        return []
    msg = _("An online metric needs a live event; “%s” is still a draft.") % event.key
    return [error("dependency_not_online", "definition.event", msg)]


def _depth_findings(spec: MetricSpec, catalog: MetricCatalog) -> list[MetricFinding]:
    levels = depth(spec.key, catalog)
    if levels > MAX_DEPTH:
        msg = _(
            "The metric is built %(n)d levels deep on other metrics; at most %(max)d are "
            "allowed. Build it on flatter inputs."
        ) % {"n": levels, "max": MAX_DEPTH}
        return [error("depth_exceeded", "definition", msg)]
    if levels > DEEP:
        msg = _(
            "The metric is built %(n)d levels deep; past %(deep)d it gets hard to follow."
        ) % {
            "n": levels,
            "deep": DEEP,
        }
        return [warning("depth_deep", "definition", msg)]
    return []


def _duplicate_findings(
    spec: MetricSpec, catalog: MetricCatalog
) -> list[MetricFinding]:
    twin = find_duplicate(spec, catalog)
    if twin is None:
        return []
    msg = (
        _("This metric already exists as “%s”; reuse it instead of defining it twice.")
        % twin.key
    )
    return [error("duplicate_definition", "definition", msg)]


def _record_findings(spec: MetricSpec, catalog: MetricCatalog) -> list[MetricFinding]:
    """Rules on the metric's own fields: caliber, owner, lifecycle, north star, drives."""
    findings = []
    if len(spec.caliber.strip()) < MIN_CALIBER:
        msg = (
            _(
                "Write the caliber (口径): at least %d characters saying exactly what is counted, "
                "when and for whom."
            )
            % MIN_CALIBER
        )
        findings.append(error("caliber_too_short", "caliber", msg))
    if not spec.owner:
        findings.append(error("owner_missing", "owner", _("Name the metric's owner.")))
    if spec.lifecycle != ONLINE:
        findings += _still_used_findings(spec, catalog)
    if spec.is_north_star:
        others = [
            m.key for m in catalog.metrics if m.is_north_star and m.key != spec.key
        ]
        if others:
            msg = _(
                "The plan already has a north-star metric (%s); keep one."
            ) % ", ".join(others)
            findings.append(warning("several_north_stars", "is_north_star", msg))
    return findings + _drives_findings(spec, catalog)


def _still_used_findings(
    spec: MetricSpec, catalog: MetricCatalog
) -> list[MetricFinding]:
    users = [
        m.key
        for m in catalog.metrics
        if m.lifecycle == ONLINE
        and m.key != spec.key
        and spec.key in referenced_keys(m)
    ]
    if not users:
        return []
    msg = _(
        "Online metrics use this one (%s); take them offline too, or keep this metric online."
    ) % ", ".join(users)
    return [error("used_by_online_metrics", "lifecycle", msg)]


def _drives_findings(spec: MetricSpec, catalog: MetricCatalog) -> list[MetricFinding]:
    if not spec.drives:
        return []
    if spec.indicator_type != LEADING:
        msg = _(
            "Only a leading indicator drives another metric; mark this one as leading."
        )
        return [error("drives_not_leading", "drives", msg)]
    target = catalog.metric(spec.drives)
    if target is None or target.key == spec.key:
        msg = _("There is no other metric “%s” in the plan to drive.") % spec.drives
        return [error("drives_unknown_metric", "drives", msg)]
    if target.indicator_type != LAGGING:
        msg = _("“%s” is not marked as a lagging indicator.") % target.key
        return [warning("drives_target_not_lagging", "drives", msg)]
    return []
