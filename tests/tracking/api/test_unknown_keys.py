"""A write naming a field the endpoint does not have is refused, not silently half-applied."""

from __future__ import annotations

import pytest

from tests.factories import EventFactory, PropertyFactory
from tests.tracking.api.conftest import member
from tracking.models import ChangeRequest, Event, Property
from tracking.publishing import open_change_request, submit_for_review

P = "/api/v1/plans/shop-app"
NOT_KNOWN = ["This field is not known."]


@pytest.fixture
def world(plan, editor):
    """An event, a property and a change request in review, opened by the editor."""
    EventFactory(plan=plan, key="Product Viewed")
    PropertyFactory(plan=plan, key="sku")
    change_request = open_change_request(plan, author=editor, title="Orders")
    submit_for_review(change_request, by=editor)
    return {"cr": change_request.pk}


def _refused(response) -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "invalid",
        "Some fields are not valid.",
    )
    return error["details"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("post", f"{P}/events", {"key": "Cart Viewed", "colour": "red"}, id="create-event"),
        pytest.param("patch", f"{P}/events/Product%20Viewed", {"colour": "red"}, id="update-event"),
        pytest.param("post", f"{P}/properties", {"key": "size", "type": "string", "colour": "red"}, id="create-property"),
        pytest.param("post", f"{P}/events/Product%20Viewed/duplicate", {"key": "Product Seen", "colour": "red"}, id="duplicate"),
        pytest.param("post", f"{P}/change-requests", {"title": "More", "colour": "red"}, id="open-change-request"),
        pytest.param("post", f"{P}/change-requests/{{cr}}/comments", {"body": "Why?", "colour": "red"}, id="comment"),
        pytest.param("post", f"{P}/publish", {"note": "Orders", "colour": "red"}, id="publish"),
    ],
)  # fmt: skip
def test_an_unknown_key_is_refused_by_name(as_user, editor, world, method, path, body):
    before = (
        Event.objects.count(),
        Property.objects.count(),
        ChangeRequest.objects.count(),
    )

    response = getattr(as_user(editor), method)(
        path.format(**world), body, format="json"
    )

    assert _refused(response) == {"colour": NOT_KNOWN}
    assert (
        Event.objects.count(),
        Property.objects.count(),
        ChangeRequest.objects.count(),
    ) == before


def test_the_unknown_key_is_reported_beside_the_fields_own_errors(
    as_user, editor, world
):
    response = as_user(editor).post(f"{P}/events", {"colour": "red"}, format="json")

    assert _refused(response) == {
        "key": ["This field is required."],
        "colour": NOT_KNOWN,
    }


def test_a_row_read_from_the_api_can_be_sent_back_as_it_came(as_user, editor, world):
    api = as_user(editor)
    event = api.get(f"{P}/events/Product%20Viewed").json()

    response = api.put(f"{P}/events/Product%20Viewed", event, format="json")

    assert response.status_code == 200, response.content
    assert response.json() == api.get(f"{P}/events/Product%20Viewed").json()


def test_an_approver_decision_with_an_unknown_key_is_refused(
    as_user, approver, plan, world
):
    api = as_user(member(approver, plan))

    response = api.post(
        f"{P}/change-requests/{world['cr']}/approve",
        {"comment": "ok", "colour": "red"},
        format="json",
    )

    assert _refused(response) == {"colour": NOT_KNOWN}
    assert ChangeRequest.objects.get(pk=world["cr"]).status == "in_review"
