"""Saving metrics: validation, revision, canonical hash and dependency rows in one transaction."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.errors import InvalidTransition, MetricDependencyError, MetricInvalid
from tracking.metrics.canonical import canonical_hash
from tracking.metrics.catalog import ONLINE
from tracking.metrics.definitions import shape_findings
from tracking.metrics.dependencies import METRIC, direct_dependencies
from tracking.metrics.findings import MetricFinding
from tracking.metrics.guard import online_metrics_using
from tracking.metrics.load import load_catalog, metric_spec
from tracking.metrics.semantics import check_metric
from tracking.models import Certification, Metric, MetricDependency, MetricLifecycle
from tracking.snapshot import PlanSnapshot, take_snapshot


def check_metric_row(
    metric: Metric, *, draft: PlanSnapshot | None = None
) -> list[MetricFinding]:
    """Passes 1 and 2 for the (possibly unsaved) row against the plan's working draft.

    `draft`: `take_snapshot(metric.plan)` when the caller already holds it, e.g. a loader
    saving many metrics while the plan's events and properties stay as they are.
    """
    previous = _stored_key(metric)
    return check_metric(
        metric_spec(metric),
        snapshot=draft if draft is not None else take_snapshot(metric.plan),
        catalog=load_catalog(metric.plan),
        replacing=previous,
    )


@transaction.atomic
def save_metric(
    metric: Metric, *, by: User | None = None, draft: PlanSnapshot | None = None
) -> list[MetricFinding]:
    """Validate and save the metric, bump its revision if its meaning changed, and rewrite its
    dependency rows. Returns the warnings; raises MetricInvalid listing the errors.
    `draft` is as for `check_metric_row`."""
    findings = check_metric_row(metric, draft=draft)
    errors = [f for f in findings if f.is_error]
    if errors:
        raise MetricInvalid(
            _("The metric cannot be saved: %s") % errors[0].message,
            details=[f.as_dict() for f in errors],
        )
    new_hash = canonical_hash(metric.kind, metric.definition)
    previous = (
        Metric.objects.select_for_update().filter(pk=metric.pk).first()
        if metric.pk
        else None
    )
    if previous is not None:
        metric.revision = previous.revision + (_hash_of(previous) != new_hash)
    metric.canonical_hash = new_hash
    metric._history_user = by  # type: ignore[attr-defined]  # recorded by simple-history
    metric.save()
    recompute_dependencies(metric)
    return findings


def recompute_dependencies(metric: Metric) -> list[MetricDependency]:
    """Replace the metric's dependency rows with what its definition names now."""
    MetricDependency.objects.filter(metric=metric).delete()
    if shape_findings(metric.kind, metric.definition):
        return []
    rows = [
        MetricDependency(
            metric=metric, target_type=d.target_type, target_key=d.target, role=d.role
        )
        for d in direct_dependencies(metric_spec(metric))
    ]
    return MetricDependency.objects.bulk_create(rows)


@transaction.atomic
def set_metric_lifecycle(
    metric: Metric,
    lifecycle: str,
    *,
    cascade: bool = False,
    by: User | None = None,
) -> list[str]:
    """Move the metric to `lifecycle`; returns the keys of every metric that moved.

    Taking a metric out of online while online metrics use it raises MetricDependencyError,
    unless `cascade`, which takes those metrics along. Going online validates like a save.
    """
    if lifecycle == ONLINE or metric.lifecycle != ONLINE:
        metric.lifecycle = lifecycle
        save_metric(metric, by=by)
        return [metric.key]
    users = [
        k
        for k in online_metrics_using(metric.plan, target_type=METRIC, key=metric.key)
        if k != metric.key
    ]
    if users and not cascade:
        message = _(
            "“%(key)s” is used by online metrics (%(metrics)s); take them offline too."
        ) % {"key": metric.key, "metrics": ", ".join(users)}
        raise MetricDependencyError(
            message,
            details={"target_type": METRIC, "key": metric.key, "metrics": users},
        )
    moved = [*Metric.objects.filter(plan=metric.plan, key__in=users), metric]
    for row in moved:
        row.lifecycle = lifecycle
        row._history_user = by  # type: ignore[attr-defined]
        row.save(update_fields=["lifecycle", "updated_at"])
    return sorted(row.key for row in moved)


def _refuse_certifying(metric: Metric, *, level: str) -> None:
    """Raise InvalidTransition (409) when `level` would review or certify a deprecated metric.

    Withdrawing (`none`) is always allowed, so a deprecated metric can shed a certification
    it no longer deserves. Offline metrics may be certified: they can come back online.
    """
    if level == Certification.NONE or metric.lifecycle != MetricLifecycle.DEPRECATED:
        return
    message = _(
        "“%(key)s” is deprecated: its certification can be withdrawn, not given."
    ) % {"key": metric.key}
    raise InvalidTransition(
        message, details={"lifecycle": metric.lifecycle, "level": level}
    )


def certify_metric(metric: Metric, *, level: str, by: User | None) -> Metric:
    """Record a review or certification (or withdraw it with `none`), by whom and when.

    Raises InvalidTransition for a review or certification of a deprecated metric.
    """
    _refuse_certifying(metric, level=level)
    metric.certification = level
    reviewed = level != Certification.NONE
    metric.certified_by = by if reviewed else None
    metric.certified_at = timezone.now() if reviewed else None
    metric._history_user = by  # type: ignore[attr-defined]
    metric.save(
        update_fields=["certification", "certified_by", "certified_at", "updated_at"]
    )
    return metric


def _stored_key(metric: Metric) -> str | None:
    if not metric.pk:
        return None
    return Metric.objects.filter(pk=metric.pk).values_list("key", flat=True).first()


def _hash_of(metric: Metric) -> str:
    if shape_findings(metric.kind, metric.definition):
        return metric.canonical_hash
    return canonical_hash(metric.kind, metric.definition)
