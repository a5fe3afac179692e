"""Unplanned events: first seen, floods by count and share, near-duplicate keys, new sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from governance.detectors.base import Anomaly, Fingerprint, Learning, Severity
from governance.detectors.unplanned_flood import (
    NearDuplicate,
    UnplannedInput,
    UnplannedSighting,
    detect,
    edit_distance,
    near_duplicate,
)

NOW = datetime(2024, 4, 29, 12, 0, tzinfo=UTC)
PLANNED = ("add_to_cart", "checkout_started", "Order Completed")


def _detect(
    name="add_to_card",
    *,
    count=4,
    source_samples=10_000,
    first_seen=None,
    source_age=timedelta(days=30),
):
    return detect(
        UnplannedInput(
            name=name,
            now=NOW,
            planned_keys=PLANNED,
            source_first_traffic={"web": NOW - source_age},
            sightings=(
                UnplannedSighting(
                    source="web",
                    count=count,
                    source_samples=source_samples,
                    first_seen=first_seen or NOW - timedelta(minutes=20),
                ),
            ),
        )
    )


def test_a_first_sighting_is_info_and_names_the_planned_key_it_resembles():
    assert _detect().anomalies == (
        Anomaly(
            fingerprint=Fingerprint(
                detector="unplanned_flood", event="add_to_card", source="web"
            ),
            severity=Severity.INFO,
            code="unplanned.first_seen_near_duplicate",
            evidence={
                "name": "add_to_card",
                "source": "web",
                "observed": 4,
                "source_samples": 10_000,
                "share_percent": 0.04,
                "first_seen": "2024-04-29T11:40:00+00:00",
                "since": "2024-04-29T11:40:00+00:00",
                "similar_to": "add_to_cart",
                "similarity": "edit_distance",
            },
        ),
    )


@pytest.mark.parametrize(
    ("count", "source_samples"),
    [
        pytest.param(100, 1_000_000, id="a-hundred-in-an-hour"),
        pytest.param(3, 300, id="one-percent-of-the-source"),
    ],
)
def test_a_flood_is_a_warning(count, source_samples):
    (anomaly,) = _detect(
        "promo_banner_shown",
        count=count,
        source_samples=source_samples,
        first_seen=NOW - timedelta(days=3),
    ).anomalies

    assert (anomaly.severity, anomaly.code) == (Severity.WARNING, "unplanned.flood")


def test_one_stray_sample_on_a_quiet_source_is_no_flood():
    outcome = _detect(
        "promo_banner_shown",
        count=2,
        source_samples=20,
        first_seen=NOW - timedelta(days=3),
    )

    assert outcome.anomalies == ()


def test_on_a_source_less_than_a_day_old_first_sightings_are_learnt():
    outcome = _detect("promo_banner_shown", source_age=timedelta(hours=5))

    assert outcome.anomalies == ()
    assert outcome.learning == Learning(code="unplanned.learning", have=5.0, need=24.0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "AddToCart",
            NearDuplicate(key="add_to_cart", reason="folded", distance=0.0),
            id="case-and-separators",
        ),
        pytest.param(
            "order-completed",
            NearDuplicate(key="Order Completed", reason="folded", distance=0.0),
            id="spaces-and-hyphens",
        ),
        pytest.param(
            "add_to_card",
            NearDuplicate(key="add_to_cart", reason="edit_distance", distance=0.111),
            id="a-typo",
        ),
        pytest.param(
            "chekcout_started",
            NearDuplicate(
                key="checkout_started", reason="edit_distance", distance=0.067
            ),
            id="swapped-letters",
        ),
        pytest.param("promo_banner_shown", None, id="nothing-alike"),
    ],
)
def test_near_duplicates_of_planned_keys(name, expected):
    assert near_duplicate(name, PLANNED, 0.2) == expected


def test_edit_distance_counts_a_transposition_once():
    assert edit_distance("ab", "ba") == 1
    assert edit_distance("kitten", "sitting") == 3
