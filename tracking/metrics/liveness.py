"""Pass 3: is the live data there? Findings from facts about samples, never save blockers.

The caller (governance, later) supplies the facts: when each event was last seen on any of its
expected sources, and how many samples of an event carried a property with the planned type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from tracking.metrics.catalog import ATOMIC, MetricCatalog
from tracking.metrics.findings import MetricFinding, warning
from tracking.metrics.lineage import metric_lineage
from tracking.metrics.semantics import sort_findings

SEEN_WITHIN = timedelta(days=7)
MIN_TYPE_SHARE = 0.99


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeStats:
    """Of `samples` samples of one event carrying one property, `matching` had its type."""

    samples: int
    matching: int


def liveness_findings(
    key: str,
    *,
    catalog: MetricCatalog,
    last_seen: Mapping[str, datetime],
    type_stats: Mapping[tuple[str, str], TypeStats],
    now: datetime,
    seen_within: timedelta = SEEN_WITHIN,
    min_type_share: float = MIN_TYPE_SHARE,
) -> list[MetricFinding]:
    """Warnings for the metric `key`: dependency events not seen lately, measures of the wrong
    type too often. `type_stats` is keyed by (event, property)."""
    lineage = metric_lineage(key, catalog)
    findings = []
    for event in lineage.events:
        seen = last_seen.get(event)
        if seen is None or now - seen > seen_within:
            findings.append(_not_seen(event, seen, seen_within))
    for event, measure in _measures(key, lineage.metrics, catalog):
        stats = type_stats.get((event, measure))
        if stats and stats.samples and stats.matching / stats.samples < min_type_share:
            share = stats.matching / stats.samples
            msg = _(
                "Only %(share).1f%% of “%(event)s” samples carry “%(key)s” with its planned "
                "type (needs %(need).0f%%)."
            ) % {
                "share": share * 100,
                "event": event,
                "key": measure,
                "need": min_type_share * 100,
            }
            findings.append(
                warning("measure_type_drift", f"events.{event}.{measure}", msg)
            )
    return sort_findings([replace(f, subject=key) for f in findings])


def _not_seen(event: str, seen: datetime | None, within: timedelta) -> MetricFinding:
    if seen is None:
        msg = _("“%s” has never been seen in live data.") % event
    else:
        msg = _("“%(event)s” has not been seen for more than %(days)d days.") % {
            "event": event,
            "days": within.days,
        }
    return warning("dependency_not_seen", f"events.{event}", msg)


def _measures(
    key: str, below: tuple[str, ...], catalog: MetricCatalog
) -> list[tuple[str, str]]:
    """(event, measure property) of every atomic metric at or below `key`."""
    pairs = []
    for name in sorted({key, *below}):
        spec = catalog.metric(name)
        if spec is not None and spec.kind == ATOMIC and "measure" in spec.definition:
            pairs.append((spec.definition["event"], spec.definition["measure"]))
    return sorted(set(pairs))
