"""The review flow through the API: open, submit, approve (not by the author), publish."""

from __future__ import annotations

import pytest

from tests.factories import EventFactory, EventPropertyFactory, PlanFactory
from tests.tracking.api.conftest import member
from tracking.models import ChangeRequest, ChangeStatus
from tracking.publishing import open_change_request

P = "/api/v1/plans/shop-app"
CR = f"{P}/change-requests"


@pytest.fixture
def gated_plan(plan):
    """A plan that requires approval, with one event that passes every plan check."""
    plan.requires_approval = True
    plan.save()
    EventPropertyFactory(
        event=EventFactory(plan=plan, key="Cart Viewed"), property__key="cart_id"
    )
    return plan


@pytest.fixture
def reviewer(approver, plan):
    return member(approver, plan)


def error_code(response) -> str:
    return response.json()["error"]["code"]


def _open_and_submit(api) -> int:
    created = api.post(CR, {"title": "Track carts", "description": "Cart Viewed."})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api.post(f"{CR}/{pk}/submit").json()["status"] == "in_review"
    return pk


def test_editor_opens_a_change_request_as_its_author(as_user, editor, gated_plan):
    response = as_user(editor).post(CR, {"title": "Track carts"})

    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["status"], body["author"]) == (
        "Track carts",
        "draft",
        "editor",
    )
    assert ChangeRequest.objects.get(pk=body["id"]).plan == gated_plan


def test_approval_flow_ends_in_a_published_version(
    as_user, editor, reviewer, gated_plan
):
    pk = _open_and_submit(as_user(editor))

    approved = as_user(reviewer).post(f"{CR}/{pk}/approve", {"comment": "Looks right"})
    published = as_user(editor).post(
        f"{P}/publish", {"note": "Carts", "change_request": pk}
    )

    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["reviewer"]) == (
        "approved",
        "approver",
    )
    assert published.status_code == 201, published.content
    assert published.json()["change_request"] == pk
    detail = as_user(editor).get(f"{CR}/{pk}").json()
    assert (detail["status"], detail["published_version"]) == ("published", "1.0.0")


def test_author_cannot_approve_their_own_change_request(
    as_user, plan_admin, gated_plan
):
    api = as_user(plan_admin)
    pk = _open_and_submit(api)

    response = api.post(f"{CR}/{pk}/approve")

    assert response.status_code == 403
    assert error_code(response) == "approver_is_author"
    assert ChangeRequest.objects.get(pk=pk).status == ChangeStatus.IN_REVIEW


def test_editor_cannot_approve_even_someone_elses_change_request(
    as_user, editor, plan_admin, gated_plan
):
    pk = _open_and_submit(as_user(plan_admin))

    response = as_user(editor).post(f"{CR}/{pk}/approve")

    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_approving_a_draft_change_request_is_an_invalid_transition(
    as_user, editor, reviewer, gated_plan
):
    pk = as_user(editor).post(CR, {"title": "Track carts"}).json()["id"]

    response = as_user(reviewer).post(f"{CR}/{pk}/approve")

    assert response.status_code == 409
    assert error_code(response) == "invalid_transition"


def test_draft_changed_after_approval_refuses_the_publish(
    as_user, editor, reviewer, gated_plan
):
    pk = _open_and_submit(as_user(editor))
    as_user(reviewer).post(f"{CR}/{pk}/approve")
    EventFactory(plan=gated_plan, key="Order Placed")

    response = as_user(editor).post(f"{P}/publish", {"change_request": pk})

    assert response.status_code == 409
    assert error_code(response) == "draft_changed_since_approval"


def test_publishing_with_an_unapproved_change_request_is_refused(
    as_user, editor, gated_plan
):
    pk = _open_and_submit(as_user(editor))

    response = as_user(editor).post(f"{P}/publish", {"change_request": pk})

    assert response.status_code == 409
    assert error_code(response) == "approval_required"


def test_request_changes_needs_a_comment_and_adds_it(
    as_user, editor, reviewer, gated_plan
):
    pk = _open_and_submit(as_user(editor))
    api = as_user(reviewer)

    refused = api.post(f"{CR}/{pk}/request-changes", {})
    sent_back = api.post(f"{CR}/{pk}/request-changes", {"comment": "Add a sku."})

    assert refused.status_code == 400
    assert list(refused.json()["error"]["details"]) == ["comment"]
    assert sent_back.json()["status"] == "rejected"
    comments = api.get(f"{CR}/{pk}/comments").json()["results"]
    assert [(c["author"], c["body"]) for c in comments] == [("approver", "Add a sku.")]


def test_withdrawn_change_request_cannot_be_submitted_again(
    as_user, editor, gated_plan
):
    api = as_user(editor)
    pk = _open_and_submit(api)

    withdrawn = api.post(f"{CR}/{pk}/withdraw")
    again = api.post(f"{CR}/{pk}/submit")

    assert withdrawn.json()["status"] == "withdrawn"
    assert again.status_code == 409
    assert error_code(again) == "invalid_transition"


def test_comments_are_listed_oldest_first_under_their_author(
    as_user, editor, reviewer, gated_plan
):
    pk = _open_and_submit(as_user(editor))
    as_user(reviewer).post(f"{CR}/{pk}/comments", {"body": "Why carts?"})
    as_user(editor).post(f"{CR}/{pk}/comments", {"body": "Funnel analysis."})

    comments = as_user(editor).get(f"{CR}/{pk}/comments").json()["results"]

    assert [(c["author"], c["body"]) for c in comments] == [
        ("approver", "Why carts?"),
        ("editor", "Funnel analysis."),
    ]


def test_list_filters_by_status(as_user, editor, gated_plan):
    api = as_user(editor)
    _open_and_submit(api)
    api.post(CR, {"title": "Later"})

    rows = api.get(f"{CR}?status=in_review").json()["results"]

    assert [r["title"] for r in rows] == ["Track carts"]


def test_change_request_of_another_plan_is_404(as_user, editor, gated_plan):
    other = PlanFactory(key="blog")
    member(editor, other)
    pk = open_change_request(other, author=editor, title="Blog").pk

    assert as_user(editor).get(f"{CR}/{pk}").status_code == 404
    assert as_user(editor).get(f"{CR}/{pk}/comments").status_code == 404
