"""Dry run and apply: the same checks, nothing written by a dry run, all or nothing by apply."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    GroupPropertyFactory,
    PlanFactory,
    PropertyFactory,
    UserFactory,
)
from tests.tracking.interchange.golden import read
from tracking.interchange import parse_csv, parse_segment
from tracking.interchange.apply import NewPlan, apply_import, plan_import
from tracking.interchange.report import Action, Change
from tracking.models import (
    Event,
    EventProperty,
    Property,
    Source,
    Tag,
    TrackingPlan,
)

CONVENTION = "Object Action title case (Product Viewed)"


def _rows():
    """How many rows each table the import writes holds, history included."""
    models = (TrackingPlan, Event, Property, EventProperty, Source, Tag)
    counts = {model.__name__: model.objects.count() for model in models}
    counts |= {
        f"{model.__name__} history": model.history.count()
        for model in (TrackingPlan, Event, Property, EventProperty)
    }
    return counts


def _sheet(*rows, header=("Event key", "Property key", "Type", "Required")):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *rows])
    return parse_csv(buffer.getvalue().encode())


def _segment_with(rename: dict[str, str]):
    plan = json.loads(read("segment__shop.json"))
    for event in plan["rules"]["events"]:
        event["name"] = rename.get(event["name"], event["name"])
    return parse_segment(json.dumps(plan).encode())


@pytest.fixture
def shop(db):
    return parse_segment(read("segment__shop.json"))


def test_a_dry_run_writes_nothing(shop):
    before = _rows()
    report = plan_import(None, shop, create=NewPlan(key="shop-web"))
    assert _rows() == before
    assert report.applied is False
    assert report.can_apply is True


def test_a_dry_run_reports_exactly_what_apply_then_does(shop):
    dry = plan_import(None, shop, create=NewPlan(key="shop-web"))
    applied = apply_import(None, shop, create=NewPlan(key="shop-web"))
    assert applied.applied is True
    assert applied.changes == dry.changes
    assert dry.counts() == {"create": 36, "update": 0, "remove": 0, "reject": 0}
    assert Event.objects.filter(plan__key="shop-web").count() == 11


def test_one_rejected_row_means_nothing_is_written(shop):
    parsed = _segment_with({"Order Refunded": "order_refunded"})
    before = _rows()
    report = apply_import(None, parsed, create=NewPlan(key="shop-web"))
    assert _rows() == before
    assert report.applied is False
    assert report.rejections == (
        Change(
            action=Action.REJECT,
            kind="event",
            key="order_refunded",
            reasons=(
                f"key: “order_refunded” does not follow the plan's event naming convention "
                f"({CONVENTION}). Try “Order Refunded”.",
            ),
            where="rules.events[10]",
        ),
    )


def test_errors_in_the_file_block_the_apply_though_every_row_is_valid(db):
    parsed = _sheet(
        ["Order Completed", "total", "number", "yes"],
        ["Order Completed", "currency", "strng", "yes"],
    )
    plan = PlanFactory()
    report = apply_import(plan, parsed)
    assert report.rejections == ()
    assert [str(p) for p in report.errors] == [
        "row 3: type “strng” is not one of string, integer, number, boolean, date-time, "
        "array, object (字符串, 整数, 数字, 布尔, 日期时间, 数组, 对象)."
    ]
    assert report.applied is False
    assert not Event.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [["Order Completed", "orderId", "string", "yes"]],
            [
                (
                    "property",
                    "orderId",
                    "key: “orderId” collides with the existing “order_id” once case and "
                    "separators are ignored. Reuse “order_id” or choose a different key.",
                )
            ],
            id="with-an-existing-property",
        ),
        pytest.param(
            [
                ["Order Completed", "coupon_code", "string", "no"],
                ["Order Refunded", "CouponCode", "string", "no"],
            ],
            [
                (
                    "property",
                    "CouponCode",
                    "key: “CouponCode” collides with the existing “coupon_code” once case "
                    "and separators are ignored. Reuse “coupon_code” or choose a different "
                    "key.",
                )
            ],
            id="within-the-file",
        ),
    ],
)
def test_a_key_colliding_after_case_folding_is_rejected_with_the_models_message(
    db, rows, expected
):
    plan = PlanFactory(property_naming="custom", property_naming_regex="[A-Za-z_]+")
    PropertyFactory(plan=plan, key="order_id")
    report = plan_import(plan, _sheet(*rows))
    assert [(c.kind, c.key, *c.reasons) for c in report.rejections] == expected


def test_a_constraint_the_model_refuses_is_rejected_with_its_path(db):
    data = {
        "rules": {
            "events": [
                {
                    "name": "Product Added",
                    "rules": {
                        "properties": {
                            "properties": {
                                "properties": {
                                    "quantity": {"type": "integer", "minimum": 1.5}
                                }
                            }
                        }
                    },
                }
            ]
        }
    }
    report = plan_import(PlanFactory(), parse_segment(json.dumps(data).encode()))
    assert [(c.key, c.where, c.reasons) for c in report.rejections] == [
        (
            "quantity",
            "rules.events[0].rules.properties.properties.properties.quantity",
            ("minimum: Use a whole number for an integer property.",),
        )
    ]


def test_importing_into_an_existing_plan_updates_matching_keys(db):
    plan = PlanFactory()
    event = EventFactory(plan=plan, key="Order Completed", trigger="old trigger")
    total = PropertyFactory(plan=plan, key="total", type="number")
    coupon = PropertyFactory(plan=plan, key="coupon_code")
    EventPropertyFactory(event=event, property=total, required=True)
    EventPropertyFactory(event=event, property=coupon, required=False)
    parsed = _sheet(
        ["Order Completed", "new trigger", "total", "number", "yes"],
        ["Order Completed", "new trigger", "currency", "string", "no"],
        header=("Event key", "Trigger", "Property key", "Type", "Required"),
    )
    report = apply_import(plan, parsed)
    assert report.changes == (
        Change(
            action=Action.CREATE,
            kind="property",
            key="currency",
            where="row 3",
            row=None,
        ),
        Change(
            action=Action.UPDATE,
            kind="event",
            key="Order Completed",
            fields=("trigger", "properties: +currency, -coupon_code"),
            where="row 2",
            row=2,
        ),
    )
    assert report.unchanged == 2  # the plan and `total`
    event.refresh_from_db()
    assert event.trigger == "new trigger"
    assert [(a.property.key, a.required) for a in event.attachments.all()] == [
        ("total", True),
        ("currency", False),
    ]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(shop):
    apply_import(None, shop, create=NewPlan(key="shop-web"))
    again = plan_import(TrackingPlan.objects.get(key="shop-web"), shop)
    assert again.changes == ()
    assert again.unchanged == 36


def test_a_property_an_event_gets_unchanged_from_its_group_is_not_duplicated(db):
    plan = PlanFactory()
    group = GroupFactory(plan=plan, key="order_fields")
    total = PropertyFactory(plan=plan, key="total", type="number")
    GroupPropertyFactory(group=group, property=total, required=True)
    event = EventFactory(plan=plan, key="Order Completed")
    event.groups.add(group)
    report = apply_import(plan, _sheet(["Order Completed", "total", "number", "yes"]))
    assert report.changes == ()
    assert not event.attachments.exists()


def test_owners_are_found_by_username_and_an_unknown_one_is_reported(db):
    UserFactory(username="li.na")
    parsed = _sheet(
        ["Order Completed", "li.na", "total", "number"],
        ["Order Refunded", "ghost", "total", "number"],
        header=("Event key", "Owner", "Property key", "Type"),
    )
    plan = PlanFactory()
    report = apply_import(plan, parsed)
    assert report.applied is True
    assert [str(p) for p in report.problems] == [
        "row 3: The owner “ghost” has no account here; the event keeps its owner."
    ]
    owners = dict(Event.objects.filter(plan=plan).values_list("key", "owner__username"))
    assert owners == {"Order Completed": "li.na", "Order Refunded": None}


def test_a_new_plan_takes_its_name_and_conventions_from_the_file(shop):
    apply_import(None, shop, create=NewPlan(key="shop-web"))
    plan = TrackingPlan.objects.get(key="shop-web")
    assert (plan.name, plan.event_naming, plan.property_naming) == (
        "Shop Web",
        "object_action",
        "snake_case",
    )


def test_a_foreign_file_never_changes_an_existing_plans_rules(db):
    plan = PlanFactory(additional_properties="allow", event_naming="object_action")
    forbidding = {
        "rules": {
            "events": [
                {
                    "name": "order_completed",
                    "rules": {
                        "properties": {"properties": {"additionalProperties": False}}
                    },
                }
            ]
        }
    }
    report = plan_import(plan, parse_segment(json.dumps(forbidding).encode()))
    plan.refresh_from_db()
    assert (plan.additional_properties, plan.event_naming) == ("allow", "object_action")
    assert [c.key for c in report.rejections] == ["order_completed"]


def test_creating_a_plan_whose_key_is_taken_is_rejected(shop):
    PlanFactory(key="shop-web")
    report = plan_import(None, shop, create=NewPlan(key="shop-web"))
    assert report.changes == (
        Change(
            action=Action.REJECT,
            kind="plan",
            key="shop-web",
            reasons=("key: Tracking plan with this Key already exists.",),
        ),
    )


def test_progress_is_reported_after_each_event(shop):
    calls = []
    apply_import(
        None,
        shop,
        create=NewPlan(key="shop-web"),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(n, 11) for n in range(1, 12)]


@pytest.mark.parametrize(
    "create",
    [pytest.param(None, id="neither"), pytest.param(NewPlan(key="x"), id="both")],
)
def test_needs_either_a_plan_or_a_new_plan(db, create):
    plan = PlanFactory() if create is not None else None
    with pytest.raises(ValueError, match="Give either an existing plan or a NewPlan"):
        plan_import(plan, _sheet(), create=create)
