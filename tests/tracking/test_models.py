"""Save-time validation of the registry's rows, with messages a PM understands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    PlanFactory,
    PropertyFactory,
    SourceFactory,
)
from tracking.models import (
    CommonProperty,
    Event,
    EventProperty,
    GroupProperty,
    NamingConvention,
    Property,
    TrackingPlan,
    rotate_write_key,
)

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        obj.full_clean(exclude=["key_folded"])
    return info.value.message_dict


def test_rejects_event_key_breaking_the_naming_convention():
    plan = PlanFactory(event_naming=NamingConvention.OBJECT_ACTION)
    errors = errors_of(Event(plan=plan, key="product_viewed"))
    assert errors["key"] == [
        "“product_viewed” does not follow the plan's event naming convention "
        "(Object Action title case (Product Viewed)). Try “Product Viewed”."
    ]


def test_rejects_property_key_breaking_the_naming_convention():
    plan = PlanFactory(property_naming=NamingConvention.SNAKE_CASE)
    errors = errors_of(Property(plan=plan, key="productId", type="string"))
    assert "Try “product_id”" in errors["key"][0]


def test_rejects_key_colliding_after_case_folding():
    plan = PlanFactory(
        property_naming=NamingConvention.CUSTOM, property_naming_regex=r".+"
    )
    PropertyFactory(plan=plan, key="add_to_cart")
    errors = errors_of(Property(plan=plan, key="AddToCart", type="string"))
    assert errors["key"] == [
        "“AddToCart” collides with the existing “add_to_cart” once case and separators are "
        "ignored. Reuse “add_to_cart” or choose a different key."
    ]


def test_rejects_event_key_colliding_after_separator_folding():
    plan = PlanFactory(event_naming=NamingConvention.CUSTOM, event_naming_regex=r".+")
    EventFactory(plan=plan, key="add_to_cart")
    assert "collides" in errors_of(Event(plan=plan, key="Add To Cart"))["key"][0]


def test_the_database_refuses_a_folded_collision_even_without_validation():
    plan = PlanFactory()
    EventFactory(plan=plan, key="Product Viewed")
    with pytest.raises(IntegrityError):
        EventFactory(plan=plan, key="product_viewed")


def test_same_key_is_fine_in_another_plan():
    EventFactory(key="Product Viewed")
    other = PlanFactory()
    Event(plan=other, key="Product Viewed").full_clean(exclude=["key_folded"])


def test_resaving_an_event_does_not_collide_with_itself():
    event = EventFactory(key="Product Viewed")
    event.full_clean(exclude=["key_folded"])


def test_nested_keys_are_unique_per_parent_not_per_plan():
    plan = PlanFactory()
    product = PropertyFactory(plan=plan, key="product", type="object")
    order = PropertyFactory(plan=plan, key="order", type="object")
    PropertyFactory(plan=plan, parent=product, key="price", type="number")
    Property(plan=plan, parent=order, key="price", type="number").full_clean(
        exclude=["key_folded"]
    )
    PropertyFactory(
        plan=plan, key="price", type="number"
    )  # top level: another namespace
    with pytest.raises(IntegrityError):
        PropertyFactory(plan=plan, parent=product, key="Price", type="number")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"type": "integer", "enum": [1, "two"]}, "enum", id="enum-type"),
        pytest.param(
            {"type": "number", "minimum": Decimal(5), "maximum": Decimal(1)},
            "minimum",
            id="min-above-max",
        ),
        pytest.param(
            {"type": "string", "pattern": "(a+)+$"}, "pattern", id="hostile-pattern"
        ),
        pytest.param(
            {"type": "string", "pattern": "(?=a)"}, "pattern", id="look-ahead"
        ),
        pytest.param({"type": "array"}, "item_type", id="array-needs-item-type"),
        pytest.param(
            {"type": "string", "enum": ["CNY"], "examples": ["USD"]},
            "examples",
            id="bad-example",
        ),
    ],
)
def test_rejects_property_constraints_that_do_not_fit(fields, field):
    plan = PlanFactory()
    assert field in errors_of(Property(plan=plan, key="some_key", **fields))


def test_accepts_a_well_formed_property():
    plan = PlanFactory()
    Property(
        plan=plan,
        key="currency",
        type="string",
        enum=["CNY", "USD"],
        examples=["CNY"],
        pattern="^[A-Z]{3}$",
    ).full_clean(exclude=["key_folded"])


def test_rejects_nested_field_under_a_scalar():
    plan = PlanFactory()
    parent = PropertyFactory(plan=plan, key="price", type="number")
    errors = errors_of(Property(plan=plan, parent=parent, key="amount", type="number"))
    assert errors["parent"] == [
        "Only objects, or lists of objects, have nested fields."
    ]


def test_accepts_nested_field_under_a_list_of_objects():
    plan = PlanFactory()
    parent = PropertyFactory(
        plan=plan, key="products", type="array", item_type="object"
    )
    Property(plan=plan, parent=parent, key="sku", type="string").full_clean(
        exclude=["key_folded"]
    )


def test_rejects_attaching_a_property_of_another_plan():
    event = EventFactory()
    foreign = PropertyFactory()
    errors = errors_of(EventProperty(event=event, property=foreign))
    assert errors["property"] == ["This property belongs to another plan."]


def test_rejects_group_member_and_common_property_of_another_plan():
    group = GroupFactory()
    foreign = PropertyFactory()
    assert "property" in errors_of(GroupProperty(group=group, property=foreign))
    assert "property" in errors_of(CommonProperty(plan=group.plan, property=foreign))


def test_rejects_narrowing_that_widens_the_enum():
    attachment = EventPropertyFactory(
        property__type="string", property__enum=["alipay", "wechat_pay"]
    )
    attachment.enum = ["alipay", "paypal"]
    assert errors_of(attachment)["enum"] == [
        "These values are not allowed by the shared property: 'paypal'."
    ]


def test_accepts_narrowing_to_a_subset_of_the_enum():
    attachment = EventPropertyFactory(
        property__type="string", property__enum=["alipay", "wechat_pay"]
    )
    attachment.enum = ["alipay"]
    attachment.full_clean()


def test_custom_naming_convention_needs_a_safe_regex():
    plan = TrackingPlan(key="p", name="P", event_naming=NamingConvention.CUSTOM)
    assert "event_naming_regex" in errors_of(plan)
    plan.event_naming_regex = "(a+)+"
    assert "event_naming_regex" in errors_of(plan)
    plan.event_naming_regex = "[a-z_]+"
    plan.full_clean()


def test_rotating_the_write_key_replaces_it():
    source = SourceFactory()
    old = source.write_key
    new = rotate_write_key(source)
    source.refresh_from_db()
    assert source.write_key == new != old
    assert source.write_key_rotated_at is not None


def test_history_records_who_changed_an_event():
    event = EventFactory(key="Product Viewed", display_name="商品浏览")
    event.display_name = "商品详情浏览"
    event.save()
    assert [h.display_name for h in event.history.all()] == ["商品详情浏览", "商品浏览"]


def test_attachment_checks_run_while_the_event_is_still_unsaved():
    plan = PlanFactory()
    event = Event(plan=plan, key="Product Viewed")
    foreign = PropertyFactory()
    errors = errors_of(EventProperty(event=event, property=foreign))
    assert errors["property"] == ["This property belongs to another plan."]
