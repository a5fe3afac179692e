"""Who may call what: every endpoint × method × role, against a plan the cast are members of.

Each row names an endpoint, the kind of right it needs and the status it answers when allowed.
Callers without the right get 403, anonymous callers 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import (
    CommonPropertyFactory,
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    GroupPropertyFactory,
    PropertyFactory,
    SourceFactory,
)
from tests.tracking.api.conftest import member
from tracking.models import issue_token

READ, WRITE, CREATE_PLAN, TOKENS = "read", "write", "create plan", "tokens"

ALLOWED = {
    READ: {"qa", "engineer", "approver", "editor", "plan_admin", "superuser"},
    WRITE: {"editor", "plan_admin", "superuser"},
    CREATE_PLAN: {"plan_admin", "superuser"},
    TOKENS: {"engineer", "approver", "editor", "plan_admin", "superuser"},
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


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    right: str
    success: int
    body: dict[str, Any] | None = None


P = "/api/v1/plans/shop-app"
CALLS = {
    # plans
    "list plans": Call("get", "/api/v1/plans", READ, 200),
    "read plan": Call("get", P, READ, 200),
    "plan checks": Call("get", f"{P}/checks", READ, 200),
    "create plan": Call(
        "post", "/api/v1/plans", CREATE_PLAN, 201, {"key": "blog", "name": "Blog"}
    ),
    "edit plan": Call("patch", P, WRITE, 200, {"description": "The shop."}),
    # sources
    "list sources": Call("get", f"{P}/sources", READ, 200),
    "read source": Call("get", f"{P}/sources/{{source}}", READ, 200),
    "add source": Call(
        "post", f"{P}/sources", WRITE, 201, {"name": "Shop iOS", "kind": "ios"}
    ),
    "edit source": Call(
        "patch", f"{P}/sources/{{source}}", WRITE, 200, {"is_active": False}
    ),
    "delete source": Call("delete", f"{P}/sources/{{source}}", WRITE, 204),
    "rotate write key": Call(
        "post", f"{P}/sources/{{source}}/rotate-write-key", WRITE, 200
    ),
    # events
    "list events": Call("get", f"{P}/events", READ, 200),
    "read event by id": Call("get", f"{P}/events/{{event}}", READ, 200),
    "read event by key": Call("get", f"{P}/events/Product%20Viewed", READ, 200),
    "add event": Call("post", f"{P}/events", WRITE, 201, {"key": "Cart Viewed"}),
    "edit event": Call(
        "patch", f"{P}/events/{{event}}", WRITE, 200, {"description": "Seen."}
    ),
    "replace event": Call(
        "put", f"{P}/events/{{event}}", WRITE, 200, {"key": "Product Seen"}
    ),
    "delete event": Call("delete", f"{P}/events/{{event}}", WRITE, 204),
    "deprecate event": Call("post", f"{P}/events/{{event}}/deprecate", WRITE, 200),
    "duplicate event": Call("post", f"{P}/events/{{event}}/duplicate", WRITE, 201, {}),
    # an event's properties
    "list attachments": Call("get", f"{P}/events/{{event}}/properties", READ, 200),
    "read attachment": Call(
        "get", f"{P}/events/{{event}}/properties/{{attachment}}", READ, 200
    ),
    "attach property": Call(
        "post", f"{P}/events/{{event}}/properties", WRITE, 201, {"property": "{spare}"}
    ),
    "edit attachment": Call(
        "patch",
        f"{P}/events/{{event}}/properties/{{attachment}}",
        WRITE,
        200,
        {"required": False},
    ),
    "detach property": Call(
        "delete", f"{P}/events/{{event}}/properties/{{attachment}}", WRITE, 204
    ),
    # properties
    "list properties": Call("get", f"{P}/properties", READ, 200),
    "read property": Call("get", f"{P}/properties/{{spare}}", READ, 200),
    "add property": Call(
        "post", f"{P}/properties", WRITE, 201, {"key": "price", "type": "number"}
    ),
    "edit property": Call(
        "patch", f"{P}/properties/{{spare}}", WRITE, 200, {"description": "Spare."}
    ),
    "delete property": Call("delete", f"{P}/properties/{{spare}}", WRITE, 204),
    # groups and their members
    "list groups": Call("get", f"{P}/groups", READ, 200),
    "read group": Call("get", f"{P}/groups/{{group}}", READ, 200),
    "add group": Call(
        "post", f"{P}/groups", WRITE, 201, {"key": "page_context", "name": "Page"}
    ),
    "edit group": Call(
        "patch", f"{P}/groups/{{group}}", WRITE, 200, {"name": "Product"}
    ),
    "delete group": Call("delete", f"{P}/groups/{{group}}", WRITE, 204),
    "list members": Call("get", f"{P}/groups/{{group}}/properties", READ, 200),
    "read member": Call(
        "get", f"{P}/groups/{{group}}/properties/{{member}}", READ, 200
    ),
    "add member": Call(
        "post", f"{P}/groups/{{group}}/properties", WRITE, 201, {"property": "{spare}"}
    ),
    "edit member": Call(
        "patch",
        f"{P}/groups/{{group}}/properties/{{member}}",
        WRITE,
        200,
        {"required": True},
    ),
    "remove member": Call(
        "delete", f"{P}/groups/{{group}}/properties/{{member}}", WRITE, 204
    ),
    # common properties
    "list common properties": Call("get", f"{P}/common-properties", READ, 200),
    "read common property": Call("get", f"{P}/common-properties/{{common}}", READ, 200),
    "add common property": Call(
        "post", f"{P}/common-properties", WRITE, 201, {"property": "{spare}"}
    ),
    "edit common property": Call(
        "patch", f"{P}/common-properties/{{common}}", WRITE, 200, {"required": False}
    ),
    "remove common property": Call(
        "delete", f"{P}/common-properties/{{common}}", WRITE, 204
    ),
    # tokens
    "list tokens": Call("get", "/api/v1/tokens", TOKENS, 200),
    "create token": Call("post", "/api/v1/tokens", TOKENS, 201, {"name": "ci"}),
    "read token": Call("get", "/api/v1/tokens/{token}", TOKENS, 200),
    "revoke token": Call("delete", "/api/v1/tokens/{token}", TOKENS, 204),
}


@pytest.fixture
def cast(request, plan, django_user_model):
    """The caller for a role name: members of the plan, except outsider and the all-seeing."""
    names = {
        "outsider": "outsider",
        "qa": "qa",
        "engineer": "engineer",
        "approver": "approver",
        "editor": "editor",
        "plan_admin": "plan_admin",
        "superuser": "admin_user",
    }

    def get(role: str):
        if role == "anonymous":
            return None
        user = request.getfixturevalue(names[role])
        if role in {"qa", "engineer", "approver"}:
            member(user, plan)
        return user

    return get


def _world(plan, user) -> dict[str, Any]:
    event = EventFactory(plan=plan, key="Product Viewed")
    group = GroupFactory(plan=plan, key="product_fields")
    ids = {
        "event": event.pk,
        "attachment": EventPropertyFactory(event=event).pk,
        "spare": PropertyFactory(plan=plan, key="spare").pk,
        "group": group.pk,
        "member": GroupPropertyFactory(group=group).pk,
        "common": CommonPropertyFactory(plan=plan).pk,
        "source": SourceFactory(plan=plan).pk,
        "token": issue_token(user, name="mine")[0].pk if user else 0,
    }
    return ids


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def _expected(role: str, call: Call) -> int:
    if role == "anonymous":
        return 401
    return call.success if role in ALLOWED[call.right] else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CALLS))
def test_role_gets_the_expected_status(api, plan, cast, name, role):
    call = CALLS[name]
    user = cast(role)
    ids = _world(plan, user)
    api.force_authenticate(user)
    body = {k: _fill(v, ids) for k, v in (call.body or {}).items()}

    response = getattr(api, call.method)(call.path.format(**ids), body or None)

    assert response.status_code == _expected(role, call), response.content
