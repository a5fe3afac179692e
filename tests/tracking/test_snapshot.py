"""The frozen form of a plan: effective properties per event, narrowing, JSON round trip."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.factories import (
    CommonPropertyFactory,
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    GroupPropertyFactory,
    PlanFactory,
    PropertyFactory,
    SourceFactory,
)
from tracking.snapshot import (
    PropertySpec,
    narrow,
    snapshot_from_dict,
    snapshot_to_dict,
    take_snapshot,
)


@pytest.fixture
def plan(db):
    plan = PlanFactory(key="shop")
    SourceFactory(plan=plan, name="Web", kind="web")
    price = PropertyFactory(plan=plan, key="price", type="number", minimum=Decimal(0))
    currency = PropertyFactory(plan=plan, key="currency", enum=["CNY", "USD", "HKD"])
    products = PropertyFactory(
        plan=plan, key="products", type="array", item_type="object"
    )
    PropertyFactory(plan=plan, parent=products, key="sku", pattern="^SKU-[0-9]+$")
    event = EventFactory(plan=plan, key="Order Completed")
    EventPropertyFactory(event=event, property=currency, enum=["CNY"], required=False)
    group = GroupFactory(plan=plan, key="order_fields")
    GroupPropertyFactory(group=group, property=price, required=True)
    GroupPropertyFactory(group=group, property=currency, required=True)
    event.groups.add(group)
    CommonPropertyFactory(plan=plan, property=products, required=False)
    return plan


def test_event_carries_own_group_and_common_properties_merged_by_key(plan):
    event = take_snapshot(plan).event("Order Completed")
    assert [(a.key, a.required, a.origin) for a in event.properties] == [
        ("currency", True, "event"),
        ("price", True, "group:order_fields"),
        ("products", False, "common"),
    ]


def test_event_narrowing_applies_to_its_own_attachment_only(plan):
    snapshot = take_snapshot(plan)
    assert snapshot.event("Order Completed").attached("currency").property.enum == (
        "CNY",
    )
    library = {p.key: p for p in snapshot.properties}
    assert library["currency"].enum == ("CNY", "USD", "HKD")


def test_nested_fields_and_exact_bounds_are_kept(plan):
    library = {p.key: p for p in take_snapshot(plan).properties}
    assert [f.key for f in library["products"].fields] == ["sku"]
    assert library["price"].minimum == "0"


def test_json_round_trip_gives_an_equal_snapshot(plan):
    snapshot = take_snapshot(plan)
    text = json.dumps(snapshot_to_dict(snapshot), sort_keys=True)
    assert snapshot_from_dict(json.loads(text)) == snapshot


def test_a_loaded_snapshot_holds_each_distinct_property_once(plan):
    # Regression: every attachment repeats its property whole in the stored JSON; a worker
    # loading a 2,000-event plan held tens of megabytes of equal copies.
    second = EventFactory(plan=plan, key="Order Refunded")
    second.groups.add(plan.groups.get(key="order_fields"))
    data = json.loads(json.dumps(snapshot_to_dict(take_snapshot(plan))))

    loaded = snapshot_from_dict(data)

    completed = loaded.event("Order Completed").attached("price")
    refunded = loaded.event("Order Refunded").attached("price")
    library = {p.key: p for p in loaded.properties}
    assert completed is refunded
    assert library["price"] is completed.property
    assert loaded.event("Order Completed").attached("products").property.fields == (
        library["products"].fields
    )


def test_write_keys_never_enter_a_snapshot(plan):
    text = json.dumps(snapshot_to_dict(take_snapshot(plan)))
    assert plan.sources.get().write_key not in text


def test_query_count_does_not_grow_with_the_plan(plan, django_assert_num_queries):
    with django_assert_num_queries(10):
        take_snapshot(plan)
    for n in range(10):
        EventPropertyFactory(event__plan=plan, event__key=f"Thing Done{n}")
    with django_assert_num_queries(10):
        take_snapshot(plan)


@pytest.mark.parametrize(
    ("narrowing", "expected"),
    [
        pytest.param({"minimum": Decimal(5)}, {"minimum": "5"}, id="tighter-minimum"),
        pytest.param(
            {"minimum": Decimal(-5)}, {"minimum": "0"}, id="looser-minimum-ignored"
        ),
        pytest.param({"max_length": 3}, {"max_length": 3}, id="max-length"),
        pytest.param(
            {"pattern": "^a"}, {"patterns": ("^x", "^a")}, id="patterns-add-up"
        ),
        pytest.param({"enum": ["a"]}, {"enum": ("a",)}, id="enum"),
    ],
)
def test_narrowing_only_tightens(narrowing, expected):
    base = PropertySpec(key="k", type="string", minimum="0", patterns=("^x",))
    narrowed = narrow(base, narrowing)
    assert {name: getattr(narrowed, name) for name in expected} == expected
