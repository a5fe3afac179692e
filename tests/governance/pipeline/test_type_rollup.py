"""Pending observed types folded into ObservedType: exactly once, in rounds, plan by plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from governance.models import ObservedType, PendingTypes
from governance.pipeline import type_rollup
from governance.pipeline.type_rollup import fold_pending_types
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

AT = datetime(2024, 5, 18, 1, 32, 17, 123456, tzinfo=UTC)
PRICE = ("/properties/price", "number")
SKU = ("/properties/sku", "string")


def _pending(plan, *pairs, count=1, at=AT, event="Order Completed", version="3.2.0"):
    return PendingTypes.objects.create(
        plan=plan,
        event_name=event,
        app_version=version,
        pairs=orjson.dumps(pairs).decode(),
        count=count,
        seen_at=at,
    )


def _observed():
    return sorted(
        ObservedType.objects.values_list(
            "plan__key", "event_name", "path", "app_version", "json_type", "count"
        )
    )


def test_pending_rows_add_up_per_path_and_type_and_are_then_gone():
    plan = PlanFactory(key="shop")
    _pending(plan, PRICE, SKU, count=2)
    _pending(plan, PRICE, count=3, at=AT + timedelta(minutes=1))
    _pending(plan, ("/properties/price", "string"), version="3.1.0")

    assert fold_pending_types() == 3

    assert _observed() == [
        ("shop", "Order Completed", "/properties/price", "3.1.0", "string", 1),
        ("shop", "Order Completed", "/properties/price", "3.2.0", "number", 5),
        ("shop", "Order Completed", "/properties/sku", "3.2.0", "string", 2),
    ]
    assert PendingTypes.objects.count() == 0


def test_folding_again_changes_nothing():
    # Regression: a pending row folded twice would double its samples.
    plan = PlanFactory()
    _pending(plan, PRICE, count=4)
    fold_pending_types()
    before = _observed()

    assert fold_pending_types() == 0
    assert _observed() == before


def test_later_pending_rows_add_to_the_counters_and_widen_first_and_last_seen():
    plan = PlanFactory()
    _pending(plan, PRICE, count=2, at=AT)
    fold_pending_types()
    _pending(plan, PRICE, count=1, at=AT + timedelta(hours=1))
    _pending(plan, PRICE, count=1, at=AT - timedelta(hours=1))  # a late batch

    fold_pending_types()

    assert list(
        ObservedType.objects.values_list("count", "first_seen", "last_seen")
    ) == [(4, AT - timedelta(hours=1), AT + timedelta(hours=1))]


def test_a_path_first_seen_late_in_a_claim_keeps_its_own_first_seen():
    # Regression: moments were taken per event and app version, so a new path (or a drifted
    # type) claimed with older rows of its event got their earlier first_seen.
    plan = PlanFactory()
    _pending(plan, PRICE, at=AT)
    _pending(plan, PRICE, SKU, at=AT + timedelta(minutes=30))
    _pending(plan, PRICE, at=AT + timedelta(hours=1))

    fold_pending_types()

    assert list(
        ObservedType.objects.order_by("path").values_list(
            "path", "count", "first_seen", "last_seen"
        )
    ) == [
        ("/properties/price", 3, AT, AT + timedelta(hours=1)),
        ("/properties/sku", 1, AT + timedelta(minutes=30), AT + timedelta(minutes=30)),
    ]


def test_a_backlog_is_folded_in_rounds_and_what_exceeds_them_waits():
    plan = PlanFactory()
    for _ in range(5):
        _pending(plan, PRICE)

    assert fold_pending_types(claim=2, max_rounds=2) == 4
    assert PendingTypes.objects.count() == 1
    assert fold_pending_types(claim=2) == 1
    assert list(ObservedType.objects.values_list("count", flat=True)) == [5]


def test_plans_keep_their_own_counters():
    _pending(PlanFactory(key="shop"), PRICE)
    _pending(PlanFactory(key="blog"), PRICE, count=2)

    fold_pending_types()

    assert [(row[0], row[-1]) for row in _observed()] == [("blog", 2), ("shop", 1)]


def test_a_failed_fold_leaves_the_pending_rows_for_the_next_run(monkeypatch):
    plan = PlanFactory()
    _pending(plan, PRICE, count=3)

    def broken(*args, **kwargs):
        message = "the database went away"
        raise RuntimeError(message)

    monkeypatch.setattr(type_rollup, "upsert", broken)
    with pytest.raises(RuntimeError):
        fold_pending_types()
    monkeypatch.undo()

    assert PendingTypes.objects.count() == 1
    assert fold_pending_types() == 1
    assert list(ObservedType.objects.values_list("count", flat=True)) == [3]
