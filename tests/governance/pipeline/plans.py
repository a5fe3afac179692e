"""Hand-built plan snapshots compiled the way a worker compiles a published version."""

from __future__ import annotations

from typing import Any

from governance.pipeline.compiled import CompiledPlan, compile_plan
from tracking.published import PublishedPlan
from tracking.schemas import event_schema, render
from tracking.snapshot import (
    AttachedProperty,
    EventSpec,
    PlanSnapshot,
    PropertySpec,
)

BASE_URL = "https://governance.example.com"
VERSION = "1.0.0"


def prop(key: str, type_: str = "string", **constraints: Any) -> PropertySpec:
    return PropertySpec(key=key, type=type_, **constraints)


def required(spec: PropertySpec, *, origin: str = "event") -> AttachedProperty:
    return AttachedProperty(property=spec, required=True, origin=origin)


def optional(spec: PropertySpec, *, origin: str = "event") -> AttachedProperty:
    return AttachedProperty(property=spec, required=False, origin=origin)


def event(key: str, *attached: AttachedProperty, **fields: Any) -> EventSpec:
    return EventSpec(key=key, properties=attached, **fields)


def snapshot(
    *events: EventSpec,
    additional_properties: str = "allow",
    common: tuple[AttachedProperty, ...] = (),
) -> PlanSnapshot:
    return PlanSnapshot(
        key="shop",
        name="Shop",
        additional_properties=additional_properties,
        common_properties=common,
        events=events,
    )


def schema_texts(plan: PlanSnapshot, *, version: str = VERSION) -> dict[str, str]:
    """Each event's schema as the text a published version keeps."""
    return {
        e.key: render(
            event_schema(plan, e.key, version=version, base_url=BASE_URL)
        ).decode()
        for e in plan.events
    }


def compiled(
    plan: PlanSnapshot, *, version: str = VERSION, version_id: int = 1
) -> CompiledPlan:
    """The plan as `validators.PlanCache` hands it to `judge`."""
    return compile_plan(
        PublishedPlan(
            plan_id=1,
            version_id=version_id,
            number=version,
            snapshot=plan,
            event_schemas=schema_texts(plan, version=version),
        )
    )


# A plan with one property per constraint the registry can express. The `platform` property is
# one of the plan's common properties, attached to every event.
PLATFORM = required(prop("platform", enum=("ios", "android", "web")), origin="common")
SKU = prop("sku", patterns=("^SKU-[0-9]{6}$",))
QUANTITY = prop("quantity", "integer", minimum="1", maximum="99")
ORDER = event(
    "Order Completed",
    required(prop("order_id", min_length=4, max_length=12)),
    required(prop("currency", enum=("CNY", "USD"))),
    optional(SKU),
    optional(
        prop(
            "total",
            "number",
            minimum="-18446744073709551616",
            maximum="18446744073709551616.5",
        )
    ),
    optional(
        prop(
            "points",
            "integer",
            minimum="0",
            maximum="36893488147419103232",
        )
    ),
    optional(prop("paid_at", "date-time")),
    optional(prop("gift", "boolean")),
    optional(prop("coupons", "array", item_type="string", min_items=1, max_items=3)),
    optional(prop("items", "array", item_type="object", fields=(SKU, QUANTITY))),
    optional(prop("shipping", "object", fields=(prop("city"), QUANTITY))),
    optional(prop("note")),
    optional(prop("phone", privacy_class="personal")),
    optional(prop("id_card", privacy_class="sensitive")),
    optional(
        prop(
            "buyer",
            "object",
            fields=(prop("nickname"), prop("mobile", privacy_class="personal")),
        )
    ),
    optional(
        prop(
            "contacts",
            "array",
            item_type="object",
            fields=(prop("name"), prop("mobile", privacy_class="personal")),
        )
    ),
    PLATFORM,
)
SEARCHED = event("Products Searched", optional(prop("query")), PLATFORM)

ALLOW_PLAN = snapshot(ORDER, SEARCHED, common=(PLATFORM,))
FORBID_PLAN = snapshot(
    ORDER, SEARCHED, additional_properties="forbid", common=(PLATFORM,)
)

VALID_ORDER: dict[str, Any] = {
    "order_id": "A-1001",
    "currency": "CNY",
    "platform": "ios",
}
