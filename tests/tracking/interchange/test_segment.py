"""Segment Protocols tracking plans: what is read, what is reported, what is refused."""

from __future__ import annotations

import json

import pytest

from tests.tracking.interchange.golden import read
from tracking.interchange import parse_segment
from tracking.interchange.document import AttachmentDoc, Level, PropertyDoc

EVENTS = "rules.events"
PROPS = "rules.properties.properties.properties"


@pytest.fixture(scope="module")
def shop():
    return parse_segment(read("segment__shop.json"), filename="segment__shop.json")


def _plan(*events, **top):
    return json.dumps({"rules": {"events": list(events)}, **top}).encode()


def _event(name, properties, required=(), **extra):
    return {
        "name": name,
        "description": "",
        "version": 1,
        "rules": {
            "type": "object",
            "properties": {
                "properties": {
                    "type": "object",
                    "properties": properties,
                    "required": list(required),
                }
            },
        },
        **extra,
    }


def test_reads_each_event_once_at_its_highest_version(shop):
    assert [e.key for e in shop.document.events] == [
        "Products Searched",
        "Product List Viewed",
        "Product Viewed",
        "Product Added",
        "Product Removed",
        "Cart Viewed",
        "Checkout Started",
        "Payment Info Entered",
        "Order Completed",
        "Order Refunded",
        "Coupon Applied",
    ]
    assert shop.ok


def test_reports_every_construct_it_cannot_represent(shop):
    assert [(p.level, p.where) for p in shop.problems] == [
        (Level.UNSUPPORTED, "rules.identify_traits"),
        (Level.UNSUPPORTED, "rules.group_traits"),
        (Level.UNSUPPORTED, f"{EVENTS}[1].{PROPS}.products.required"),
        (Level.UNSUPPORTED, f"{EVENTS}[2].rules.properties.context"),
        (Level.UNSUPPORTED, f"{EVENTS}[2].{PROPS}.image_url"),
        (Level.UNSUPPORTED, f"{EVENTS}[5].{PROPS}.products.required"),
        (Level.UNSUPPORTED, f"{EVENTS}[6].{PROPS}.coupon"),
        (Level.UNSUPPORTED, f"{EVENTS}[6].{PROPS}.products.required"),
        (Level.UNSUPPORTED, f"{EVENTS}[8]"),
        (Level.UNSUPPORTED, f"{EVENTS}[9].{PROPS}.coupon"),
        (Level.UNSUPPORTED, f"{EVENTS}[9].{PROPS}.discount"),
        (Level.UNSUPPORTED, f"{EVENTS}[9].{PROPS}.products.required"),
        (Level.UNSUPPORTED, f"{EVENTS}[11].{PROPS}.discount.exclusiveMinimum"),
    ]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        pytest.param(
            "rules.identify_traits",
            "Rules for identify and group calls (user and group traits) are not "
            "represented; this plan governs track events only. Left out.",
            id="identify-traits",
        ),
        pytest.param(
            f"{EVENTS}[8]",
            "Version 1 of “Order Completed” is left out: a plan holds one definition per "
            "event, the highest version (2).",
            id="older-version",
        ),
        pytest.param(
            f"{EVENTS}[9].{PROPS}.discount",
            "oneOf cannot be followed; a property needs its own type, so it is left out.",
            id="one-of",
        ),
        pytest.param(
            f"{EVENTS}[6].{PROPS}.coupon",
            "The value may be null, which a plan property cannot say; a null value will be "
            "flagged.",
            id="nullable",
        ),
    ],
)
def test_says_why_a_construct_is_left_out(shop, where, message):
    assert [p.message for p in shop.problems if p.where == where] == [message]


def test_nested_products_become_one_shared_list_of_objects(shop):
    assert shop.document.property_named("products") == PropertyDoc(
        key="products",
        type="array",
        item_type="object",
        description="Products displayed in the product list",
        min_items=1,
        fields=(
            PropertyDoc(
                key="product_id",
                type="string",
                description="Database id of the product being viewed",
                patterns=("^P[0-9]{6}$",),
            ),
            PropertyDoc(
                key="sku",
                type="string",
                description="Product SKU",
                patterns=("^SKU-[0-9]{6}$",),
            ),
            PropertyDoc(
                key="name",
                type="string",
                description="Name of the product",
                max_length=200,
            ),
            PropertyDoc(
                key="price",
                type="number",
                description="Price of the product",
                minimum="0",
            ),
            PropertyDoc(
                key="quantity",
                type="integer",
                description="Quantity of the product",
                minimum="1",
            ),
        ),
    )


def test_an_event_keeps_what_it_tightens_as_a_narrowing(shop):
    completed = shop.document.event_named("Order Completed")
    added = shop.document.event_named("Product Added")
    assert shop.document.property_named("currency").enum == ("CNY", "USD", "HKD")
    assert completed.properties[2] == AttachmentDoc(
        key="currency", required=True, enum=("CNY",)
    )
    assert added.properties[4] == AttachmentDoc(
        key="quantity", required=True, maximum="99"
    )


def test_a_description_that_differs_on_one_event_becomes_its_note(shop):
    completed = shop.document.event_named("Order Completed")
    assert [(a.key, a.note) for a in completed.properties] == [
        ("order_id", None),
        ("total", None),
        ("currency", None),
        ("coupon", None),
        ("products", "Products in the order"),
    ]


def test_a_nullable_required_property_is_imported_as_optional():
    data = _plan(
        _event("Thing Done", {"note": {"type": ["string", "null"]}}, required=["note"])
    )
    result = parse_segment(data)
    assert result.document.events[0].properties == (
        AttachmentDoc(key="note", required=False),
    )
    assert [p.message for p in result.problems] == [
        "The value may be null, which a plan property cannot say; it is imported as "
        "optional."
    ]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param(
            {"type": "string", "format": "date-time"},
            PropertyDoc(key="p", type="date-time"),
            id="date-time",
        ),
        pytest.param(
            {"type": ["integer", "number"], "minimum": 0.5},
            PropertyDoc(key="p", type="number", minimum="0.5"),
            id="integer-or-number",
        ),
        pytest.param(
            {"enum": ["a", "b"]},
            PropertyDoc(key="p", type="string", enum=("a", "b")),
            id="type-from-enum",
        ),
        pytest.param(
            {"type": "string", "const": "web"},
            PropertyDoc(key="p", type="string", enum=("web",)),
            id="const",
        ),
        pytest.param(
            {"type": "array", "items": {"type": "string", "enum": ["x"]}},
            PropertyDoc(key="p", type="array", item_type="string", enum=("x",)),
            id="item-enum",
        ),
        pytest.param(
            {"type": "object", "properties": {"q": {"type": "boolean"}}},
            PropertyDoc(
                key="p", type="object", fields=(PropertyDoc(key="q", type="boolean"),)
            ),
            id="nested-object",
        ),
        pytest.param(
            {
                "type": "string",
                "title": "标题",
                "x-privacy": "personal",
                "examples": ["x"],
            },
            PropertyDoc(
                key="p",
                type="string",
                display_name="标题",
                privacy_class="personal",
                examples=("x",),
            ),
            id="annotations",
        ),
    ],
)
def test_maps_json_schema_keywords_to_a_property(schema, expected):
    result = parse_segment(_plan(_event("Thing Done", {"p": schema})))
    assert result.document.properties == (expected,)
    assert result.problems == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b'{"rules": {"events": [',
            "Not valid JSON: Expecting value at line 1, column 23.",
            id="bad-json",
        ),
        pytest.param(
            b"[]", "A Segment tracking plan is a JSON object.", id="not-an-object"
        ),
        pytest.param(
            b'{"display_name": "x"}',
            "No “rules.events” list: this is not a Segment tracking plan.",
            id="no-events",
        ),
        pytest.param(
            _plan({"description": "nameless"}),
            "rules.events[0]: The event has no “name”.",
            id="no-name",
        ),
        pytest.param(
            _plan(_event("Thing Done", {"p": {"type": "strng"}})),
            f"rules.events[0].{PROPS}.p: type “strng” is not one of array, boolean, "
            "integer, number, object, string.",
            id="unknown-type",
        ),
        pytest.param(
            _plan(_event("Thing Done", {}, version="2")),
            "rules.events[0].version: “version” must be a whole number.",
            id="version-not-a-number",
        ),
        pytest.param(
            _plan(_event("Thing Done", {}), _event("Thing Done", {})),
            "rules.events[1]: The event “Thing Done” is defined twice (first at "
            "rules.events[0]).",
            id="duplicate-event",
        ),
    ],
)
def test_refuses_a_malformed_file_with_a_clear_error(data, message):
    result = parse_segment(data)
    assert [str(p) for p in result.errors] == [message]


def test_a_property_with_two_types_across_events_is_an_error():
    result = parse_segment(
        _plan(
            _event("Order Completed", {"price": {"type": "number"}}),
            _event("Order Refunded", {"price": {"type": "string"}}),
        )
    )
    assert [str(p) for p in result.errors] == [
        f"rules.events[1].{PROPS}.price: “price” is string on “Order Refunded” but number "
        "on “Order Completed”; a plan defines each property once, with one type."
    ]


def test_a_second_pattern_narrows_the_event():
    schema = {"type": "string", "pattern": "^a", "allOf": [{"pattern": "b$"}]}
    document = parse_segment(_plan(_event("Thing Done", {"p": schema}))).document
    assert document.properties == (
        PropertyDoc(key="p", type="string", patterns=("^a",)),
    )
    assert document.events[0].properties == (AttachmentDoc(key="p", pattern="b$"),)


@pytest.mark.parametrize(
    ("forbidding", "expected"),
    [
        pytest.param((True, True), "forbid", id="every-event-forbids"),
        pytest.param((True, False), None, id="some-events-forbid"),
        pytest.param((False, False), None, id="none-forbids"),
    ],
)
def test_a_plan_forbids_unlisted_properties_only_when_every_event_does(
    forbidding, expected
):
    events = []
    for index, forbids in enumerate(forbidding):
        event = _event(f"Thing Done{index}", {})
        if forbids:
            event["rules"]["properties"]["properties"]["additionalProperties"] = False
        events.append(event)
    assert parse_segment(_plan(*events)).document.plan.additional_properties == expected
