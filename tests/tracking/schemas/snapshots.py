"""Crafted plan snapshots for schema and codegen tests, built without a database."""

from __future__ import annotations

from typing import Any

from tracking.snapshot import (
    AttachedProperty,
    EventSpec,
    PlanSnapshot,
    PropertySpec,
)

BASE_URL = "https://governance.example.com"
VERSION = "2.1.0"


def prop(key: str, type_: str = "string", **constraints: Any) -> PropertySpec:
    return PropertySpec(key=key, type=type_, **constraints)


def required(spec: PropertySpec, *, note: str = "") -> AttachedProperty:
    return AttachedProperty(property=spec, required=True, note=note)


def optional(spec: PropertySpec, *, note: str = "") -> AttachedProperty:
    return AttachedProperty(property=spec, required=False, note=note)


def event(key: str, *attached: AttachedProperty, **fields: Any) -> EventSpec:
    return EventSpec(key=key, properties=attached, **fields)


def plan(*events: EventSpec, additional_properties: str = "allow") -> PlanSnapshot:
    return PlanSnapshot(
        key="shop",
        name="Shop",
        additional_properties=additional_properties,
        events=events,
    )


CITY = prop("city", max_length=5)
SKU = prop("sku", patterns=("^S[0-9]+$",))
QTY = prop("qty", "integer", minimum="1")

# One event with every property type and every constraint the plan knows.
EVERYTHING = event(
    "Everything Happened",
    required(prop("name", min_length=2, max_length=10, patterns=("^[a-z]+$", "^a"))),
    required(prop("tier", enum=("free", "pro"))),
    optional(prop("count", "integer", minimum="1", maximum="10")),
    optional(prop("price", "number", minimum="0.01", maximum="99.99")),
    optional(prop("flag", "boolean")),
    optional(prop("at", "date-time")),
    optional(
        prop(
            "tags",
            "array",
            item_type="string",
            enum=("a", "b"),
            min_items=1,
            max_items=2,
        )
    ),
    optional(prop("items", "array", item_type="object", fields=(SKU, QTY))),
    optional(prop("address", "object", fields=(CITY,))),
    optional(prop("extras", "object")),
    optional(prop("email", privacy_class="personal")),
)

VALID_EVERYTHING: dict[str, Any] = {
    "name": "abc",
    "tier": "pro",
    "count": 3,
    "price": 9.5,
    "flag": True,
    "at": "2024-05-18T09:30:00+08:00",
    "tags": ["a"],
    "items": [{"sku": "S1", "qty": 1}],
    "address": {"city": "Hz"},
    "extras": {"anything": [1, 2]},
    "email": "li.lei@example.com",
}

# Keys and texts that break naive generators: non-ASCII, separators, leading digits, reserved
# words, names the generated module uses, comment terminators, quotes and line separators.
HOSTILE_TEXT = 'Ends */ a comment, """ a docstring, \\ escapes\u2028and\x00 "quotes"'
HOSTILE = (
    event(
        "商品浏览",
        required(prop("商品ID")),
        optional(prop("class", enum=('a"b', "c\\d", "*/"))),
        description=HOSTILE_TEXT,
        trigger=HOSTILE_TEXT,
        display_name="浏览 */",
    ),
    event(
        "404 Page Shown",
        required(prop("from", "integer", enum=(1, 2, 3))),
        optional(prop("list", "array", item_type="number", enum=(0.5, 1.5))),
        optional(prop("str", "boolean", enum=(True,))),
        optional(prop("__private")),
        optional(prop("Required")),
    ),
    event(
        "default",
        optional(prop("with space")),
        optional(prop("a.b", "date-time")),
        optional(prop("region", "object", fields=(prop("城市"), prop("class")))),
        optional(prop("rows", "array", item_type="object", fields=(prop("1st"),))),
    ),
    event("Order Completed", status="deprecated"),
    event("order_completed"),
    event("Track", optional(prop("payload", "object", fields=(prop("event"),)))),
)
