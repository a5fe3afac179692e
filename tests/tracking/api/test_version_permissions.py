"""Who may call the versions, publishing, review, schema and codegen endpoints, per role.

Like `test_permissions.py`, each row names an endpoint, the right it needs and the status it
answers when allowed; callers without the right get 403, anonymous callers 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import EventFactory, EventPropertyFactory, UserFactory
from tests.tracking.api.conftest import member
from tracking.publishing import open_change_request, publish_version, submit_for_review

READ, PUBLISH, REQUEST, OTHERS_REQUEST, DECIDE, COMMENT = (
    "read",
    "publish",
    "request",
    "others_request",
    "decide",
    "comment",
)
ALLOWED = {
    READ: {"qa", "engineer", "approver", "editor", "plan_admin", "superuser"},
    PUBLISH: {"editor", "plan_admin", "superuser"},
    REQUEST: {"editor", "plan_admin", "superuser"},
    # Submitting or withdrawing a change request someone else opened: admins only (its author,
    # an editor, may: see test_change_request_authority.py).
    OTHERS_REQUEST: {"plan_admin", "superuser"},
    DECIDE: {"approver", "plan_admin", "superuser"},
    COMMENT: {"approver", "editor", "plan_admin", "superuser"},
}
ROLES = [
    "anonymous",
    "outsider",
    "qa",
    "engineer",
    "approver",
    "editor",
    "plan_admin",
    "superuser",
]
FIXTURES = {"superuser": "admin_user"}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    right: str
    success: int
    body: dict[str, Any] | None = None


P = "/api/v1/plans/shop-app"
V = f"{P}/versions/1.0.0"
CR = f"{P}/change-requests"
CALLS = {
    "list versions": Call("get", f"{P}/versions", READ, 200),
    "read version": Call("get", V, READ, 200),
    "read latest version": Call("get", f"{P}/versions/latest", READ, 200),
    "read snapshot": Call("get", f"{V}/snapshot", READ, 200),
    "diff": Call("get", f"{P}/diff?from=1.0.0&to=draft", READ, 200),
    "event schema": Call("get", f"{V}/events/Cart%20Viewed/schema", READ, 200),
    "bundle": Call("get", f"{V}/bundle", READ, 200),
    "latest bundle": Call("get", f"{P}/versions/latest/bundle", READ, 200),
    "typescript": Call("get", f"{V}/codegen/typescript", READ, 200),
    "python": Call("get", f"{V}/codegen/python", READ, 200),
    "publish preview": Call("get", f"{P}/publish/preview", READ, 200),
    "publish": Call("post", f"{P}/publish", PUBLISH, 201, {"note": "Orders"}),
    "list change requests": Call("get", CR, READ, 200),
    "read change request": Call("get", f"{CR}/{{in_review}}", READ, 200),
    "open change request": Call("post", CR, REQUEST, 201, {"title": "Orders"}),
    "submit": Call("post", f"{CR}/{{draft}}/submit", OTHERS_REQUEST, 200),
    "withdraw": Call("post", f"{CR}/{{in_review}}/withdraw", OTHERS_REQUEST, 200),
    "approve": Call("post", f"{CR}/{{in_review}}/approve", DECIDE, 200),
    "request changes": Call(
        "post",
        f"{CR}/{{in_review}}/request-changes",
        DECIDE,
        200,
        {"comment": "Name it Order Completed."},
    ),
    "list comments": Call("get", f"{CR}/{{in_review}}/comments", READ, 200),
    "comment": Call(
        "post", f"{CR}/{{in_review}}/comments", COMMENT, 201, {"body": "Why?"}
    ),
}


@pytest.fixture
def cast(request, plan):
    """The caller for a role name: members of the plan, except outsider and the all-seeing."""

    def get(role: str):
        if role == "anonymous":
            return None
        user = request.getfixturevalue(FIXTURES.get(role, role))
        if role in {"qa", "engineer", "approver"}:
            member(user, plan)
        return user

    return get


def _world(plan) -> dict[str, int]:
    """1.0.0 published, the draft changed since, a change request in review and one not sent."""
    EventPropertyFactory(
        event=EventFactory(plan=plan, key="Cart Viewed"), property__key="cart_id"
    )
    author = UserFactory(username="author")
    publish_version(plan, author=author)
    EventFactory(plan=plan, key="Order Placed")
    in_review = open_change_request(plan, author=author, title="Orders")
    submit_for_review(in_review, by=author)
    draft = open_change_request(plan, author=author, title="Later")
    return {"in_review": in_review.pk, "draft": draft.pk}


def _expected(role: str, call: Call) -> int:
    if role == "anonymous":
        return 401
    return call.success if role in ALLOWED[call.right] else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CALLS))
def test_role_gets_the_expected_status(api, plan, cast, name, role):
    call = CALLS[name]
    user = cast(role)
    ids = _world(plan)
    api.force_authenticate(user)

    response = getattr(api, call.method)(call.path.format(**ids), call.body)

    assert response.status_code == _expected(role, call), response.content


@pytest.mark.parametrize(
    "name", [name for name, call in CALLS.items() if call.right == READ]
)
def test_plan_the_caller_is_no_member_of_is_404(api, plan, engineer, name):
    ids = _world(plan)
    api.force_authenticate(engineer)

    response = api.get(CALLS[name].path.format(**ids))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
