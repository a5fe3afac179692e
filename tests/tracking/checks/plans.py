"""A small, clean plan the check tests break one way at a time."""

from __future__ import annotations

from tests.factories import (
    CommonPropertyFactory,
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    GroupPropertyFactory,
    PlanFactory,
    PropertyFactory,
)
from tracking.models import (
    Event,
    NamingConvention,
    Property,
    PropertyGroup,
    PropertyType,
    TrackingPlan,
)


def clean_plan(key: str = "shop-app") -> TrackingPlan:
    """A plan every check passes: documented, owned, typed, used, nothing personal."""
    plan = PlanFactory(
        key=key,
        name="Shop App",
        event_naming=NamingConvention.OBJECT_ACTION,
        property_naming=NamingConvention.SNAKE_CASE,
    )
    product_id = PropertyFactory(plan=plan, key="product_id")
    price = PropertyFactory(plan=plan, key="price", type=PropertyType.NUMBER)
    currency = PropertyFactory(
        plan=plan, key="currency", enum=["CNY", "USD"], examples=["CNY"]
    )
    items = PropertyFactory(
        plan=plan,
        key="items",
        type=PropertyType.ARRAY,
        item_type=PropertyType.OBJECT,
    )
    PropertyFactory(plan=plan, parent=items, key="sku", examples=["SKU-1"])
    PropertyFactory(
        plan=plan, parent=items, key="quantity", type=PropertyType.INTEGER, minimum=1
    )
    app_version = PropertyFactory(plan=plan, key="app_version", examples=["8.2.0"])
    CommonPropertyFactory(plan=plan, property=app_version)
    group = GroupFactory(plan=plan, key="product_fields", name="Product fields")
    GroupPropertyFactory(group=group, property=product_id)
    GroupPropertyFactory(group=group, property=price)
    viewed = EventFactory(plan=plan, key="Product Viewed", display_name="商品浏览")
    viewed.groups.add(group)
    completed = EventFactory(plan=plan, key="Order Completed", display_name="支付成功")
    EventPropertyFactory(event=completed, property=items)
    EventPropertyFactory(event=completed, property=currency, enum=["CNY"])
    return plan


def add_event(plan: TrackingPlan, key: str, **fields: object) -> Event:
    """An event carrying the product fields, so only what `fields` breaks is wrong."""
    event = EventFactory(plan=plan, key=key, **fields)
    event.groups.add(PropertyGroup.objects.get(plan=plan, key="product_fields"))
    return event


def add_property(plan: TrackingPlan, key: str, **fields: object) -> Property:
    """A top-level property attached to "Order Completed", so it is not unused."""
    prop = PropertyFactory(plan=plan, key=key, **fields)
    EventPropertyFactory(event=event(plan, "Order Completed"), property=prop)
    return prop


def event(plan: TrackingPlan, key: str) -> Event:
    return Event.objects.get(plan=plan, key=key)


def prop(plan: TrackingPlan, path: str) -> Property:
    """A property by its dotted path, e.g. `items.sku`."""
    found = None
    for key in path.split("."):
        found = Property.objects.get(plan=plan, parent=found, key=key)
    assert found is not None
    return found
