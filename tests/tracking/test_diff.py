"""Diffing plan snapshots: classification of every change kind, version numbers, JSON form (pure)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tracking.diff import (
    Change,
    PlanDiff,
    diff_from_dict,
    diff_snapshots,
    next_version,
)
from tracking.snapshot import (
    AttachedProperty,
    EventSpec,
    GroupSpec,
    PlanSnapshot,
    PropertySpec,
    SourceSpec,
)

ORDER = "Order Completed"

PRICE = PropertySpec(key="price", type="number", minimum="0", maximum="100000")
CURRENCY = PropertySpec(key="currency", type="string", enum=("CNY", "USD"))
CHANNEL = PropertySpec(key="channel", type="string", min_length=1, max_length=32)
ORDER_ID = PropertySpec(key="order_id", type="string", patterns=("^ORD-[0-9]+$",))
SKU = PropertySpec(key="sku", type="string")
QUANTITY = PropertySpec(key="quantity", type="integer", minimum="1")
PRODUCTS = PropertySpec(
    key="products",
    type="array",
    item_type="object",
    min_items=1,
    max_items=100,
    fields=(SKU, QUANTITY),
)
COUPON = PropertySpec(key="coupon", type="string")
APP_VERSION = PropertySpec(key="app_version", type="string", max_length=32)
LIBRARY = (CHANNEL, COUPON, CURRENCY, ORDER_ID, PRICE, PRODUCTS)


def attach(
    spec: PropertySpec, *, required: bool = False, origin: str = "event"
) -> AttachedProperty:
    return AttachedProperty(property=spec, required=required, origin=origin)


ORDER_EVENT = EventSpec(
    key=ORDER,
    display_name="Order completed",
    description="A payment succeeded.",
    trigger="The payment result page opens.",
    category="checkout",
    tags=("revenue",),
    owner="pm",
    status="active",
    sources=("Web", "iOS"),
    properties=(
        attach(CHANNEL),
        attach(CURRENCY),
        attach(ORDER_ID, required=True),
        attach(PRICE, required=True),
        attach(PRODUCTS),
    ),
)
SEARCH_EVENT = EventSpec(key="Product Searched", sources=("Web",))

BASE = PlanSnapshot(
    key="shop",
    name="Shop App",
    sources=(SourceSpec(name="Web", kind="web"), SourceSpec(name="iOS", kind="ios")),
    properties=LIBRARY,
    events=(ORDER_EVENT,),
)


def with_events(*events: EventSpec, **fields: object) -> PlanSnapshot:
    return replace(BASE, events=events, **fields)


def changed_event(**fields: object) -> PlanSnapshot:
    return with_events(replace(ORDER_EVENT, **fields))


def changed_property(
    key: str, *, required: bool | None = None, note: str = "", **spec: object
) -> PlanSnapshot:
    """BASE where only the event's effective property `key` changed (the library stays)."""
    properties = tuple(
        replace(
            a,
            property=replace(a.property, **spec),
            required=a.required if required is None else required,
            note=note,
        )
        if a.key == key
        else a
        for a in ORDER_EVENT.properties
    )
    return changed_event(properties=properties)


def added_property(attached: AttachedProperty) -> PlanSnapshot:
    return changed_event(properties=(*ORDER_EVENT.properties, attached))


def without_property(key: str) -> PlanSnapshot:
    return changed_event(
        properties=tuple(a for a in ORDER_EVENT.properties if a.key != key)
    )


def products_fields(*fields: PropertySpec) -> PlanSnapshot:
    return changed_property("products", fields=fields)


def rows(diff: PlanDiff) -> list[tuple[str, str, str, str, str]]:
    return [(c.kind, c.object_type, c.key, c.path, c.level) for c in diff.changes]


def on_order(kind: str, path: str, level: str) -> list[tuple[str, ...]]:
    return [(kind, "event", ORDER, path, level)]


PAGE_GROUP = GroupSpec(
    key="page_context", properties=(attach(CHANNEL, origin="group:page_context"),)
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Breaking
        pytest.param(
            with_events(ORDER_EVENT, SEARCH_EVENT),
            BASE,
            [("removed", "event", "Product Searched", "", "breaking")],
            id="event_removed",
        ),
        pytest.param(
            with_events(ORDER_EVENT, replace(SEARCH_EVENT, status="deprecated")),
            BASE,
            [("removed", "event", "Product Searched", "", "breaking")],
            id="deprecated_event_removed",
        ),
        pytest.param(
            BASE,
            without_property("currency"),
            on_order("removed", "properties.currency", "breaking"),
            id="property_removed_from_event",
        ),
        pytest.param(
            BASE,
            replace(
                without_property("currency"),
                properties=tuple(p for p in LIBRARY if p.key != "currency"),
            ),
            [
                ("removed", "event", ORDER, "properties.currency", "breaking"),
                ("removed", "property", "currency", "", "breaking"),
            ],
            id="library_property_removed_while_used",
        ),
        pytest.param(
            BASE,
            added_property(attach(COUPON, required=True)),
            on_order("added", "properties.coupon", "breaking"),
            id="required_property_added",
        ),
        pytest.param(
            BASE,
            changed_property("currency", required=True),
            on_order("changed", "properties.currency.required", "breaking"),
            id="property_becomes_required",
        ),
        pytest.param(
            BASE,
            changed_property("price", type="integer"),
            on_order("changed", "properties.price.type", "breaking"),
            id="type_changed",
        ),
        pytest.param(
            BASE,
            changed_property("products", item_type="string"),
            on_order("changed", "properties.products.item_type", "breaking"),
            id="item_type_changed",
        ),
        pytest.param(
            BASE,
            changed_property("currency", enum=("CNY",)),
            on_order("changed", "properties.currency.enum", "breaking"),
            id="enum_narrowed",
        ),
        pytest.param(
            BASE,
            changed_property("channel", enum=("app", "web")),
            on_order("added", "properties.channel.enum", "breaking"),
            id="enum_added",
        ),
        pytest.param(
            BASE,
            changed_property("channel", patterns=("^[a-z]+$",)),
            on_order("added", "properties.channel.patterns", "breaking"),
            id="pattern_added",
        ),
        pytest.param(
            BASE,
            changed_property("order_id", patterns=("^ORD-[0-9]{8}$",)),
            on_order("changed", "properties.order_id.patterns", "breaking"),
            id="pattern_changed",
        ),
        pytest.param(
            BASE,
            changed_property("price", minimum="1"),
            on_order("changed", "properties.price.minimum", "breaking"),
            id="minimum_raised",
        ),
        pytest.param(
            BASE,
            changed_property("price", maximum="50000"),
            on_order("changed", "properties.price.maximum", "breaking"),
            id="maximum_lowered",
        ),
        pytest.param(
            BASE,
            changed_property("channel", min_length=2),
            on_order("changed", "properties.channel.min_length", "breaking"),
            id="min_length_raised",
        ),
        pytest.param(
            BASE,
            changed_property("channel", max_length=16),
            on_order("changed", "properties.channel.max_length", "breaking"),
            id="max_length_lowered",
        ),
        pytest.param(
            BASE,
            changed_property("products", min_items=2),
            on_order("changed", "properties.products.min_items", "breaking"),
            id="min_items_raised",
        ),
        pytest.param(
            BASE,
            changed_property("products", max_items=10),
            on_order("changed", "properties.products.max_items", "breaking"),
            id="max_items_lowered",
        ),
        pytest.param(
            BASE,
            changed_property("order_id", max_length=20),
            on_order("added", "properties.order_id.max_length", "breaking"),
            id="bound_added",
        ),
        pytest.param(
            BASE,
            with_events(ORDER_EVENT, additional_properties="forbid"),
            [("changed", "plan", "shop", "additional_properties", "breaking")],
            id="additional_properties_forbidden",
        ),
        pytest.param(
            BASE,
            products_fields(SKU),
            on_order("removed", "properties.products.fields.quantity", "breaking"),
            id="nested_field_removed",
        ),
        pytest.param(
            BASE,
            products_fields(replace(SKU, type="integer"), QUANTITY),
            on_order("changed", "properties.products.fields.sku.type", "breaking"),
            id="nested_field_type_changed",
        ),
        pytest.param(
            BASE,
            replace(BASE, sources=(SourceSpec(name="Web", kind="web"),)),
            [("removed", "source", "iOS", "", "breaking")],
            id="source_removed",
        ),
        pytest.param(
            BASE,
            replace(BASE, common_properties=(attach(APP_VERSION, required=True),)),
            [("added", "common_property", "app_version", "", "breaking")],
            id="common_property_added_required",
        ),
        # Additive
        pytest.param(
            BASE,
            with_events(ORDER_EVENT, SEARCH_EVENT),
            [("added", "event", "Product Searched", "", "additive")],
            id="event_added",
        ),
        pytest.param(
            BASE,
            added_property(attach(COUPON)),
            on_order("added", "properties.coupon", "additive"),
            id="optional_property_added",
        ),
        pytest.param(
            BASE,
            replace(BASE, properties=(*LIBRARY, APP_VERSION)),
            [("added", "property", "app_version", "", "additive")],
            id="library_property_added",
        ),
        pytest.param(
            BASE,
            replace(BASE, properties=tuple(p for p in LIBRARY if p.key != "coupon")),
            [("removed", "property", "coupon", "", "additive")],
            id="unused_library_property_removed",
        ),
        pytest.param(
            BASE,
            changed_property("currency", enum=("CNY", "HKD", "USD")),
            on_order("changed", "properties.currency.enum", "additive"),
            id="enum_widened",
        ),
        pytest.param(
            BASE,
            changed_property("currency", enum=()),
            on_order("removed", "properties.currency.enum", "additive"),
            id="enum_removed",
        ),
        pytest.param(
            BASE,
            changed_property("price", minimum="-10"),
            on_order("changed", "properties.price.minimum", "additive"),
            id="minimum_lowered",
        ),
        pytest.param(
            BASE,
            changed_property("price", maximum="200000"),
            on_order("changed", "properties.price.maximum", "additive"),
            id="maximum_raised",
        ),
        pytest.param(
            BASE,
            changed_property("products", max_items=None),
            on_order("removed", "properties.products.max_items", "additive"),
            id="bound_removed",
        ),
        pytest.param(
            BASE,
            changed_property("price", required=False),
            on_order("changed", "properties.price.required", "additive"),
            id="required_becomes_optional",
        ),
        pytest.param(
            BASE,
            changed_property("order_id", patterns=()),
            on_order("removed", "properties.order_id.patterns", "additive"),
            id="pattern_removed",
        ),
        pytest.param(
            with_events(ORDER_EVENT, additional_properties="forbid"),
            BASE,
            [("changed", "plan", "shop", "additional_properties", "additive")],
            id="additional_properties_allowed",
        ),
        pytest.param(
            BASE,
            products_fields(SKU, QUANTITY, PropertySpec(key="name", type="string")),
            on_order("added", "properties.products.fields.name", "additive"),
            id="nested_field_added",
        ),
        pytest.param(
            BASE,
            changed_event(sources=("Web",)),
            on_order("removed", "sources.iOS", "additive"),
            id="expected_source_removed",
        ),
        pytest.param(
            changed_event(sources=("Web",)),
            BASE,
            on_order("added", "sources.iOS", "additive"),
            id="expected_source_added",
        ),
        pytest.param(
            replace(BASE, sources=(SourceSpec(name="Web", kind="web"),)),
            BASE,
            [("added", "source", "iOS", "", "additive")],
            id="source_added",
        ),
        pytest.param(
            BASE,
            replace(BASE, groups=(PAGE_GROUP,)),
            [("added", "group", "page_context", "", "additive")],
            id="group_added",
        ),
        pytest.param(
            BASE,
            changed_event(status="deprecated"),
            on_order("changed", "status", "additive"),
            id="event_deprecated",
        ),
        pytest.param(
            changed_event(status="draft"),
            BASE,
            on_order("changed", "status", "additive"),
            id="event_draft_activated",
        ),
        pytest.param(
            BASE,
            changed_event(tracked_on="server"),
            on_order("changed", "tracked_on", "additive"),
            id="tracked_on_changed",
        ),
        pytest.param(
            BASE,
            replace(BASE, common_properties=(attach(APP_VERSION, origin="common"),)),
            [("added", "common_property", "app_version", "", "additive")],
            id="common_property_added_optional",
        ),
        pytest.param(
            BASE,
            changed_property("order_id", privacy_class="personal"),
            on_order("changed", "properties.order_id.privacy_class", "additive"),
            id="privacy_class_changed",
        ),
        # Text
        pytest.param(
            BASE,
            changed_event(display_name="订单完成"),
            on_order("changed", "display_name", "text"),
            id="event_display_name",
        ),
        pytest.param(
            BASE,
            changed_event(description="The order is paid."),
            on_order("changed", "description", "text"),
            id="event_description",
        ),
        pytest.param(
            BASE,
            changed_event(trigger="The server confirms the payment."),
            on_order("changed", "trigger", "text"),
            id="event_trigger",
        ),
        pytest.param(
            BASE,
            changed_event(category="orders"),
            on_order("changed", "category", "text"),
            id="event_category",
        ),
        pytest.param(
            BASE,
            changed_event(tags=("kpi", "revenue")),
            on_order("changed", "tags", "text"),
            id="event_tags",
        ),
        pytest.param(
            BASE,
            changed_event(owner="qa"),
            on_order("changed", "owner", "text"),
            id="event_owner",
        ),
        pytest.param(
            BASE,
            changed_property("price", note="Including tax."),
            on_order("added", "properties.price.note", "text"),
            id="property_note",
        ),
        pytest.param(
            BASE,
            changed_property("price", description="Total paid."),
            on_order("added", "properties.price.description", "text"),
            id="property_description",
        ),
        pytest.param(
            BASE,
            changed_property("price", display_name="价格"),
            on_order("added", "properties.price.display_name", "text"),
            id="property_display_name",
        ),
        pytest.param(
            BASE,
            changed_property("price", examples=(99.5,)),
            on_order("added", "properties.price.examples", "text"),
            id="property_examples",
        ),
        pytest.param(
            BASE,
            replace(BASE, description="Everything the shop app sends."),
            [("added", "plan", "shop", "description", "text")],
            id="plan_description",
        ),
    ],
)
def test_each_change_kind_is_classified(old, new, expected):
    assert rows(diff_snapshots(old, new)) == expected


def test_unchanged_plan_has_no_changes_and_no_bump():
    diff = diff_snapshots(BASE, replace(BASE))
    assert (diff.changes, diff.is_breaking, diff.bump) == ((), False, None)


def test_first_version_adds_every_object_once_without_listing_contents():
    new = replace(
        BASE,
        groups=(PAGE_GROUP,),
        common_properties=(attach(APP_VERSION, origin="common"),),
    )
    diff = diff_snapshots(None, new)
    assert [(c.kind, c.object_type, c.key, c.level) for c in diff.changes] == [
        ("added", "event", ORDER, "additive"),
        ("added", "property", "channel", "additive"),
        ("added", "property", "coupon", "additive"),
        ("added", "property", "currency", "additive"),
        ("added", "property", "order_id", "additive"),
        ("added", "property", "price", "additive"),
        ("added", "property", "products", "additive"),
        ("added", "group", "page_context", "additive"),
        ("added", "common_property", "app_version", "additive"),
        ("added", "source", "Web", "additive"),
        ("added", "source", "iOS", "additive"),
    ]
    assert (diff.initial, diff.bump, next_version(None, diff)) == (
        True,
        "major",
        "1.0.0",
    )


def test_first_version_diff_round_trips_as_initial():
    diff = diff_snapshots(None, BASE)
    assert diff_from_dict(json.loads(json.dumps(diff.as_dict()))) == diff


def _diff_of_level(level: str | None) -> PlanDiff:
    new = {
        "breaking": without_property("currency"),
        "additive": added_property(attach(COUPON)),
        "text": changed_event(owner="qa"),
        None: BASE,
    }[level]
    return diff_snapshots(BASE, new)


@pytest.mark.parametrize(
    ("previous", "level", "expected"),
    [
        pytest.param(None, "breaking", "1.0.0", id="first"),
        pytest.param("1.4.2", "breaking", "2.0.0", id="major"),
        pytest.param("1.4.2", "additive", "1.5.0", id="minor"),
        pytest.param("1.4.2", "text", "1.4.3", id="patch"),
        pytest.param("1.4.2", None, "1.4.3", id="none"),
        pytest.param("9.10.19", "additive", "9.11.0", id="minor-past-nine"),
    ],
)
def test_next_version_follows_the_diff(previous, level, expected):
    assert next_version(previous, _diff_of_level(level)) == expected


@pytest.mark.parametrize(
    ("level", "bump"),
    [
        pytest.param("breaking", "major", id="breaking"),
        pytest.param("additive", "minor", id="additive"),
        pytest.param("text", "patch", id="text"),
        pytest.param(None, None, id="none"),
    ],
)
def test_bump_follows_the_most_severe_change(level, bump):
    assert _diff_of_level(level).bump == bump


@pytest.mark.parametrize(
    "previous",
    [
        pytest.param("1.4", id="two-parts"),
        pytest.param("v1.4.2", id="prefixed"),
        pytest.param("01.4.2", id="leading-zero"),
        pytest.param("1.4.2-rc.1", id="prerelease"),
    ],
)
def test_next_version_refuses_a_malformed_previous_number(previous):
    with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
        next_version(previous, PlanDiff())


def test_breaking_summary_names_property_event_and_both_bounds():
    diff = diff_snapshots(BASE, changed_property("price", maximum="50000"))
    assert [c.summary for c in diff.changes] == [
        "Property “price” on “Order Completed”: maximum lowered from 100000 to 50000"
    ]


def test_removing_a_deprecated_event_says_it_was_deprecated():
    old = with_events(ORDER_EVENT, replace(SEARCH_EVENT, status="deprecated"))
    assert [c.summary for c in diff_snapshots(old, BASE).changes] == [
        "Event “Product Searched”: removed (it was deprecated)"
    ]


def test_deprecation_and_privacy_summaries_say_what_they_mean():
    new = changed_event(
        status="deprecated",
        properties=tuple(
            replace(a, property=replace(a.property, privacy_class="personal"))
            if a.key == "order_id"
            else a
            for a in ORDER_EVENT.properties
        ),
    )
    assert [c.summary for c in diff_snapshots(BASE, new).changes] == [
        "Property “order_id” on “Order Completed”: privacy class changed from none to "
        "personal (this changes masking, not validity)",
        "Event “Order Completed”: deprecated (status was active): "
        "senders should stop sending it",
    ]


def test_nested_fields_are_compared_by_key_at_any_depth():
    lines = PropertySpec(key="lines", type="object", fields=(SKU,))
    old = products_fields(SKU, QUANTITY, lines)
    new = products_fields(
        replace(SKU, patterns=("^SKU-",)),
        PropertySpec(key="colour", type="string"),
        replace(lines, fields=(replace(SKU, enum=("A", "B")),)),
    )
    diff = diff_snapshots(old, new)
    assert [(c.kind, c.path, c.level, c.summary) for c in diff.changes] == [
        (
            "added",
            "properties.products.fields.colour",
            "additive",
            "Property “products.colour” on “Order Completed”: added",
        ),
        (
            "added",
            "properties.products.fields.lines.fields.sku.enum",
            "breaking",
            "Property “products.lines.sku” on “Order Completed”: enum added: “A”, “B”",
        ),
        (
            "removed",
            "properties.products.fields.quantity",
            "breaking",
            "Property “products.quantity” on “Order Completed”: removed",
        ),
        (
            "added",
            "properties.products.fields.sku.patterns",
            "breaking",
            "Property “products.sku” on “Order Completed”: pattern added: “^SKU-”",
        ),
    ]


def test_type_change_hides_constraint_changes_of_the_old_type():
    diff = diff_snapshots(BASE, changed_property("price", type="string", maximum=None))
    assert [(c.path, c.before, c.after) for c in diff.changes] == [
        ("properties.price.type", "number", "string")
    ]


def test_library_change_is_reported_once_there_and_on_each_event_it_reaches():
    refund = EventSpec(
        key="Order Refunded",
        properties=(attach(replace(PRICE, maximum="1000"), required=True),),
    )
    old = with_events(ORDER_EVENT, refund)
    lowered = replace(PRICE, maximum="50000")
    new = with_events(
        changed_property("price", maximum="50000").events[0],
        refund,
        properties=tuple(lowered if p.key == "price" else p for p in LIBRARY),
    )
    diff = diff_snapshots(old, new)
    # The refund event's own narrowing (1000) still holds, so nothing changes for it.
    assert [(c.object_type, c.key, c.path, c.level) for c in diff.changes] == [
        ("event", ORDER, "properties.price.maximum", "breaking"),
        ("property", "price", "maximum", "breaking"),
    ]


def test_common_property_change_is_reported_once_not_per_event():
    def plan_with(spec: PropertySpec) -> PlanSnapshot:
        common = attach(spec, origin="common")
        events = tuple(
            replace(e, properties=(*e.properties, common))
            for e in (ORDER_EVENT, SEARCH_EVENT)
        )
        return replace(
            BASE,
            events=events,
            properties=(*LIBRARY, spec),
            common_properties=(common,),
        )

    diff = diff_snapshots(
        plan_with(APP_VERSION), plan_with(replace(APP_VERSION, max_length=16))
    )
    assert [(c.object_type, c.key, c.path, c.summary) for c in diff.changes] == [
        (
            "property",
            "app_version",
            "max_length",
            "Library property “app_version”: maximum length lowered from 32 to 16",
        ),
        (
            "common_property",
            "app_version",
            "max_length",
            "Common property “app_version”: maximum length lowered from 32 to 16",
        ),
    ]


def test_group_reports_membership_and_events_report_their_effect():
    grouped = replace(
        PAGE_GROUP, properties=(attach(COUPON, origin="group:page_context"),)
    )
    old = replace(BASE, groups=(PAGE_GROUP,))
    new = replace(
        changed_event(
            groups=("page_context",),
            properties=(*ORDER_EVENT.properties, grouped.properties[0]),
        ),
        groups=(grouped,),
    )
    diff = diff_snapshots(old, new)
    assert [(c.kind, c.object_type, c.key, c.path, c.level) for c in diff.changes] == [
        ("added", "event", ORDER, "groups.page_context", "text"),
        ("added", "event", ORDER, "properties.coupon", "additive"),
        ("removed", "group", "page_context", "properties.channel", "breaking"),
        ("added", "group", "page_context", "properties.coupon", "additive"),
    ]


def _busy_change(old: PlanSnapshot) -> PlanSnapshot:
    return replace(
        old,
        additional_properties="forbid",
        sources=(*old.sources, SourceSpec(name="Server", kind="server")),
        events=(
            replace(
                ORDER_EVENT,
                owner="qa",
                properties=tuple(
                    replace(a, property=replace(a.property, maximum="1"))
                    if a.key == "price"
                    else replace(a, required=True)
                    for a in ORDER_EVENT.properties
                ),
            ),
            SEARCH_EVENT,
        ),
    )


def _reversed(snapshot: PlanSnapshot) -> PlanSnapshot:
    return replace(
        snapshot,
        sources=snapshot.sources[::-1],
        properties=snapshot.properties[::-1],
        events=tuple(
            replace(e, properties=e.properties[::-1]) for e in snapshot.events[::-1]
        ),
    )


def test_diff_is_deterministic_and_sorted_whatever_the_input_order():
    new = _busy_change(BASE)
    first = diff_snapshots(BASE, new)
    again = diff_snapshots(_reversed(BASE), _reversed(new))
    assert json.dumps(again.as_dict()) == json.dumps(first.as_dict())
    assert list(first.changes) == sorted(first.changes, key=Change.sort_key)
    assert first.as_dict()["counts"] == {"breaking": 5, "additive": 2, "text": 1}


def test_as_dict_is_json_safe_and_round_trips():
    diff = diff_snapshots(BASE, _busy_change(BASE))
    stored = json.loads(json.dumps(diff.as_dict()))
    assert diff_from_dict(stored) == diff
    assert (stored["bump"], stored["is_breaking"]) == ("major", True)
    assert stored["changes"][0] == {
        "kind": "changed",
        "object_type": "event",
        "key": ORDER,
        "path": "owner",
        "field": "owner",
        "before": "pm",
        "after": "qa",
        "level": "text",
        "summary": "Event “Order Completed”: owner changed from “pm” to “qa”",
    }


def test_first_version_breaks_nothing_even_with_required_common_properties():
    new = replace(
        BASE, common_properties=(attach(APP_VERSION, origin="common", required=True),)
    )
    diff = diff_snapshots(None, new)
    assert not diff.is_breaking
    assert diff.as_dict()["counts"]["breaking"] == 0
    assert diff.bump == "major"
