"""Plan scoping: a caller reaches only the plans they are a member or owner of."""

from __future__ import annotations

import pytest

from tests.factories import (
    EventFactory,
    GroupFactory,
    PlanFactory,
    PropertyFactory,
    SourceFactory,
    UserFactory,
)
from tests.tracking.api.conftest import member


@pytest.fixture
def other_plan(db):
    plan = PlanFactory(key="blog", name="Blog")
    EventFactory(plan=plan, key="Post Read")
    PropertyFactory(plan=plan, key="post_id")
    GroupFactory(plan=plan, key="post_fields")
    SourceFactory(plan=plan)
    return plan


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/plans/blog",
        "/api/v1/plans/blog/checks",
        "/api/v1/plans/blog/events",
        "/api/v1/plans/blog/events/Post%20Read",
        "/api/v1/plans/blog/events/Post%20Read/properties",
        "/api/v1/plans/blog/properties",
        "/api/v1/plans/blog/properties/post_id",
        "/api/v1/plans/blog/groups",
        "/api/v1/plans/blog/groups/post_fields/properties",
        "/api/v1/plans/blog/common-properties",
        "/api/v1/plans/blog/sources",
    ],
)
def test_member_of_one_plan_gets_404_for_another(as_user, viewer, other_plan, path):
    response = as_user(viewer).get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_plan_out_of_reach_answers_like_a_missing_one(as_user, viewer, other_plan):
    api = as_user(viewer)

    hidden = api.get("/api/v1/plans/blog/events")
    missing = api.get("/api/v1/plans/no-such-plan/events")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_editor_of_one_plan_cannot_write_to_another(as_user, editor, other_plan):
    response = as_user(editor).post("/api/v1/plans/blog/events", {"key": "Post Shared"})

    assert response.status_code == 404
    assert not other_plan.events.filter(key="Post Shared").exists()


def test_plan_list_holds_only_the_callers_plans(as_user, viewer, plan, other_plan):
    keys = [p["key"] for p in as_user(viewer).get("/api/v1/plans").json()["results"]]

    assert keys == ["shop-app"]


def test_owner_reaches_their_plan_without_membership(as_user, qa, other_plan):
    other_plan.owner = qa
    other_plan.save()

    response = as_user(qa).get("/api/v1/plans/blog/events")

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["plan_admin", "admin_user"])
def test_admin_role_and_superusers_reach_every_plan(
    request, as_user, plan, other_plan, who
):
    user = request.getfixturevalue(who)

    keys = [p["key"] for p in as_user(user).get("/api/v1/plans").json()["results"]]

    assert keys == ["blog", "shop-app"]


def test_membership_without_a_role_reads_nothing(as_user, plan):
    user = member(UserFactory(username="no-role"), plan)

    assert as_user(user).get("/api/v1/plans/shop-app/events").status_code == 403


def test_a_property_of_a_plan_out_of_reach_cannot_be_attached(
    as_user, editor, plan, other_plan
):
    event = EventFactory(plan=plan, key="Product Viewed")
    hidden = other_plan.properties.get()

    response = as_user(editor).post(
        f"/api/v1/plans/shop-app/events/{event.pk}/properties",
        {"property": hidden.pk},
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "property": [f'Invalid pk "{hidden.pk}" - object does not exist.']
    }
