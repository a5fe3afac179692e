"""Named window figures for the scoring tests: a healthy event and the ways it goes wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from governance.scoring.components import (
    ArrivalGap,
    CoverageCounts,
    PersonalDataFindings,
    ValidityCounts,
    VolumeDeviation,
)
from governance.scoring.health import (
    EventFigures,
    Granularity,
    HealthScope,
    HealthWindow,
)

START = datetime(2024, 5, 18, 1, 0, tzinfo=UTC)
WINDOW = HealthWindow(
    start=START, end=START + timedelta(hours=1), granularity=Granularity.LIVE
)
SCOPE = HealthScope(event="Order Completed")

HEALTHY = EventFigures(
    validity=ValidityCounts(received=1000, valid=1000),
    volume=VolumeDeviation(worst_z=0.5, change=0.02),
    arrival=ArrivalGap(expected_per_minute=1.0, minutes_since_seen=1.0),
    coverage=CoverageCounts(expected=4, seen=4),
    privacy=PersonalDataFindings(count=0),
    history_days=28.0,
)
VALIDITY_60 = ValidityCounts(received=1000, valid=950)
VALIDITY_0 = ValidityCounts(received=1000, valid=700)
VOLUME_40 = VolumeDeviation(worst_z=-5.0, change=-0.62)
VOLUME_0 = VolumeDeviation(worst_z=-9.0, change=-0.95)
FRESHNESS_50 = ArrivalGap(expected_per_minute=0.2, minutes_since_seen=42.5)
CRITICAL_SILENCE = ArrivalGap(expected_per_minute=1.0, minutes_since_seen=30.0)
COVERAGE_0 = CoverageCounts(expected=4, seen=0)
LEAK = PersonalDataFindings(count=2)
FEW = ValidityCounts(received=19, valid=19)
