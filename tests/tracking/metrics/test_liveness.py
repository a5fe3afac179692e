"""Pass 3: dependencies not seen lately and measures arriving with the wrong type only warn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.tracking.metrics.shop import CATALOG
from tracking.metrics.findings import MetricFinding, Severity
from tracking.metrics.liveness import TypeStats, liveness_findings

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def test_recent_events_and_clean_types_give_no_findings():
    findings = liveness_findings(
        "channel_roi__30d",
        catalog=CATALOG,
        last_seen={
            "Order Completed": NOW - timedelta(hours=1),
            "Ad Spend Recorded": NOW - timedelta(days=6),
        },
        type_stats={
            ("Order Completed", "total"): TypeStats(samples=1000, matching=995)
        },
        now=NOW,
    )
    assert findings == []


def test_stale_and_missing_events_and_drifting_measures_warn():
    findings = liveness_findings(
        "channel_roi__30d",
        catalog=CATALOG,
        last_seen={"Order Completed": NOW - timedelta(days=8)},
        type_stats={
            ("Order Completed", "total"): TypeStats(samples=1000, matching=900)
        },
        now=NOW,
    )
    assert findings == [
        MetricFinding(
            severity=Severity.WARNING,
            code="dependency_not_seen",
            subject="channel_roi__30d",
            path="events.Ad Spend Recorded",
            message="“Ad Spend Recorded” has never been seen in live data.",
        ),
        MetricFinding(
            severity=Severity.WARNING,
            code="dependency_not_seen",
            subject="channel_roi__30d",
            path="events.Order Completed",
            message="“Order Completed” has not been seen for more than 7 days.",
        ),
        MetricFinding(
            severity=Severity.WARNING,
            code="measure_type_drift",
            subject="channel_roi__30d",
            path="events.Order Completed.total",
            message="Only 90.0% of “Order Completed” samples carry “total” with its planned type "
            "(needs 99%).",
        ),
    ]
