"""Pass 3 of the metric checks: each metric's dependencies against what live samples show.

The registry's rule (`tracking.metrics.liveness`) takes facts; this module reads them from the
accumulated counts: when each event was last seen, and which JSON types its properties arrived
with. Findings are warnings, never save blockers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Max, Sum
from django.utils import timezone

from governance.models import LastSeen, MessageType, ObservedType
from tracking.constraints import (
    ARRAY,
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NUMBER,
    OBJECT,
    STRING,
)
from tracking.metrics.findings import MetricFinding
from tracking.metrics.liveness import TypeStats, liveness_findings
from tracking.metrics.load import load_catalog
from tracking.models import TrackingPlan
from tracking.snapshot import take_snapshot

# The JSON types a value of each planned type may arrive as (an integer is also a number).
_JSON_TYPES = {
    STRING: {"string"},
    INTEGER: {"integer"},
    NUMBER: {"integer", "number"},
    BOOLEAN: {"boolean"},
    DATE_TIME: {"string"},
    ARRAY: {"array"},
    OBJECT: {"object"},
}


def last_seen_by_event(plan: TrackingPlan) -> dict[str, datetime]:
    """When each tracked event of the plan last arrived, from any source."""
    rows = (
        LastSeen.objects.filter(plan=plan, message_type=MessageType.TRACK)
        .values("event_name")
        .annotate(latest=Max("last_seen"))
    )
    return {row["event_name"]: row["latest"] for row in rows}


def type_stats_by_property(plan: TrackingPlan) -> dict[tuple[str, str], TypeStats]:
    """For each planned (event, top-level property): samples carrying it, and with its type."""
    planned = {
        (event.key, attached.key): _JSON_TYPES.get(attached.property.type, set())
        for event in take_snapshot(plan).events
        for attached in event.properties
    }
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        ObservedType.objects.filter(plan=plan, path__regex=r"^/properties/[^/]+$")
        .values("event_name", "path", "json_type")
        .annotate(samples=Sum("count"))
    )
    for row in rows:
        key = (row["event_name"], row["path"].removeprefix("/properties/"))
        if key not in planned:
            continue
        counts[key][0] += row["samples"]
        if row["json_type"] in planned[key]:
            counts[key][1] += row["samples"]
    return {
        key: TypeStats(samples=samples, matching=matching)
        for key, (samples, matching) in counts.items()
    }


def metric_liveness(
    plan: TrackingPlan, *, now: datetime
) -> dict[str, list[MetricFinding]]:
    """Each metric of the plan's draft with its live-data warnings (empty when all is well)."""
    catalog = load_catalog(plan)
    last_seen = last_seen_by_event(plan)
    type_stats = type_stats_by_property(plan)
    return {
        spec.key: liveness_findings(
            spec.key,
            catalog=catalog,
            last_seen=last_seen,
            type_stats=type_stats,
            now=now,
        )
        for spec in catalog.metrics
    }


def current_metric_liveness(plan: TrackingPlan) -> dict[str, list[MetricFinding]]:
    """`metric_liveness` as of now: what the registry's metric pages show as live findings."""
    return metric_liveness(plan, now=timezone.now())
