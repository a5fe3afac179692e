"""Groups, their members and the plan's common properties through the API."""

from __future__ import annotations

from tests.factories import (
    CommonPropertyFactory,
    GroupFactory,
    GroupPropertyFactory,
    PlanFactory,
    PropertyFactory,
)
from tests.tracking.api.conftest import member

P = "/api/v1/plans/shop-app"


def test_group_lists_its_members_in_order(as_user, viewer, plan):
    group = GroupFactory(plan=plan, key="product_fields")
    GroupPropertyFactory(group=group, property__key="price", position=2)
    GroupPropertyFactory(group=group, property__key="product_id", position=1)

    body = as_user(viewer).get(f"{P}/groups/product_fields").json()

    assert [m["property_key"] for m in body["members"]] == ["product_id", "price"]


def test_rejects_a_group_key_colliding_after_folding(as_user, editor, plan):
    GroupFactory(plan=plan, key="product_fields")

    response = as_user(editor).post(
        f"{P}/groups", {"key": "ProductFields", "name": "Product"}
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["key"]


def test_rejects_a_member_from_another_plan(as_user, editor, plan):
    group = GroupFactory(plan=plan, key="product_fields")
    blog = PlanFactory(key="blog")
    member(editor, blog)
    foreign = PropertyFactory(plan=blog)

    response = as_user(editor).post(
        f"{P}/groups/product_fields/properties", {"property": foreign.pk}
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "property": ["This property belongs to another plan."]
    }
    assert not group.members.exists()


def test_adds_a_common_property_once(as_user, editor, plan):
    user_id = PropertyFactory(plan=plan, key="user_id")
    api = as_user(editor)

    first = api.post(f"{P}/common-properties", {"property": user_id.pk})
    second = api.post(f"{P}/common-properties", {"property": user_id.pk})

    assert first.status_code == 201
    assert first.json()["property_key"] == "user_id"
    assert second.json()["error"]["details"] == {
        "non_field_errors": ["This property is already common to the plan."]
    }


def test_common_properties_filter_by_required(as_user, viewer, plan):
    CommonPropertyFactory(plan=plan, property__key="user_id", required=True)
    CommonPropertyFactory(plan=plan, property__key="referrer", required=False)

    results = (
        as_user(viewer)
        .get(f"{P}/common-properties", {"required": "false"})
        .json()["results"]
    )

    assert [c["property_key"] for c in results] == ["referrer"]
