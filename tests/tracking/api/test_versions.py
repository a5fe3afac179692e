"""Versions, diffs and publishing through the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    PlanFactory,
    PropertyFactory,
)
from tracking.models import PrivacyClass
from tracking.publishing import open_change_request, publish_version

P = "/api/v1/plans/shop-app"


@pytest.fixture
def clean_plan(plan):
    """One event that passes every plan check."""
    EventPropertyFactory(
        event=EventFactory(plan=plan, key="Cart Viewed"), property__key="cart_id"
    )
    return plan


@pytest.fixture
def published(clean_plan, editor):
    """1.0.0 with Cart Viewed, then 1.1.0 adding Order Placed."""
    publish_version(clean_plan, author=editor, note="First cut")
    EventFactory(plan=clean_plan, key="Order Placed")
    publish_version(clean_plan, author=editor, note="Orders")
    return clean_plan


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_list_shows_versions_latest_first_with_their_counts(as_user, viewer, published):
    response = as_user(viewer).get(f"{P}/versions")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [
        (r["number"], r["bump"], r["is_breaking"], r["note"], r["author"]) for r in rows
    ] == [
        ("1.1.0", "minor", False, "Orders", "editor"),
        ("1.0.0", "major", False, "First cut", "editor"),
    ]
    assert rows[0]["counts"] == {"breaking": 0, "additive": 1, "text": 0}


def test_detail_by_number_and_latest_include_the_stored_diff(
    as_user, viewer, published
):
    api = as_user(viewer)

    by_number = api.get(f"{P}/versions/1.1.0").json()
    latest = api.get(f"{P}/versions/latest").json()

    assert by_number == latest
    assert by_number["number"] == "1.1.0"
    assert [
        (c["kind"], c["object_type"], c["key"]) for c in by_number["diff"]["changes"]
    ] == [("added", "event", "Order Placed")]
    assert by_number["change_request"] is None


def test_unknown_version_is_404_in_the_error_shape(as_user, viewer, published):
    response = as_user(viewer).get(f"{P}/versions/9.9.9")

    assert response.status_code == 404
    assert error_code(response) == "version_not_found"


def test_latest_of_a_plan_without_versions_is_404(as_user, viewer, clean_plan):
    response = as_user(viewer).get(f"{P}/versions/latest")

    assert response.status_code == 404
    assert error_code(response) == "version_not_found"


def test_snapshot_is_the_stored_one(as_user, viewer, published):
    response = as_user(viewer).get(f"{P}/versions/1.0.0/snapshot")

    assert response.status_code == 200
    assert response.json() == published.versions.get(number="1.0.0").snapshot


@pytest.mark.parametrize(
    ("query", "changes"),
    [
        pytest.param(
            "from=1.0.0&to=1.1.0", [("added", "Order Placed")], id="two-numbers"
        ),
        pytest.param(
            "from=1.1.0&to=1.0.0", [("removed", "Order Placed")], id="backwards"
        ),
        pytest.param(
            "from=latest&to=draft", [("added", "Cart Opened")], id="latest-to-draft"
        ),
        pytest.param("", [("added", "Cart Opened")], id="defaults-latest-to-draft"),
        pytest.param(
            "from=1.0.0&to=draft",
            [("added", "Cart Opened"), ("added", "Order Placed")],
            id="number-to-draft",
        ),
    ],
)
def test_diff_between_any_two_refs(as_user, viewer, published, query, changes):
    EventFactory(plan=published, key="Cart Opened")

    response = as_user(viewer).get(f"{P}/diff?{query}")

    assert response.status_code == 200
    body = response.json()
    assert [(c["kind"], c["key"]) for c in body["changes"]] == changes
    assert body["from_ref"] == (query.split("&")[0][5:] if query else "latest")


def test_diff_with_an_unknown_ref_is_404(as_user, viewer, published):
    response = as_user(viewer).get(f"{P}/diff?from=0.1.0&to=draft")

    assert response.status_code == 404
    assert error_code(response) == "version_not_found"


def test_editor_publishes_the_draft(as_user, editor, clean_plan):
    response = as_user(editor).post(f"{P}/publish", {"note": "First cut"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["bump"], body["note"], body["author"]) == (
        "1.0.0",
        "major",
        "First cut",
        "editor",
    )
    assert clean_plan.versions.get().number == "1.0.0"


def test_publish_refused_by_plan_checks_is_409_with_the_finding_codes(
    as_user, editor, clean_plan
):
    PropertyFactory(
        plan=clean_plan, key="contact_mobile", privacy_class=PrivacyClass.NONE
    )

    response = as_user(editor).post(f"{P}/publish", {})

    assert response.status_code == 409
    assert error_code(response) == "publish_refused_plan_checks"
    assert [f["code"] for f in response.json()["error"]["details"]] == [
        "property_looks_personal"
    ]
    assert not clean_plan.versions.exists()


def test_publishing_an_unchanged_draft_is_409_nothing_to_publish(
    as_user, editor, published
):
    response = as_user(editor).post(f"{P}/publish", {})

    assert response.status_code == 409
    assert error_code(response) == "nothing_to_publish"


def test_publishing_a_plan_requiring_approval_without_one_is_409(
    as_user, editor, clean_plan
):
    clean_plan.requires_approval = True
    clean_plan.save()

    response = as_user(editor).post(f"{P}/publish", {"note": "Sneaky"})

    assert response.status_code == 409
    assert error_code(response) == "approval_required"


def test_publish_refuses_a_change_request_of_another_plan(as_user, editor, clean_plan):
    elsewhere = open_change_request(PlanFactory(), author=editor, title="Other")

    response = as_user(editor).post(f"{P}/publish", {"change_request": elsewhere.pk})

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["change_request"]


def test_preview_shows_next_number_diff_and_blocking_findings(
    as_user, viewer, published
):
    EventFactory(plan=published, key="Cart Opened")
    PropertyFactory(
        plan=published, key="contact_mobile", privacy_class=PrivacyClass.NONE
    )

    response = as_user(viewer).get(f"{P}/publish/preview")

    assert response.status_code == 200
    body = response.json()
    assert (body["previous"], body["number"], body["can_publish"]) == (
        "1.1.0",
        "1.2.0",
        False,
    )
    assert body["approval_needed"] is False
    assert [f["code"] for f in body["blocking"]] == ["property_looks_personal"]
    assert [(c["kind"], c["key"]) for c in body["diff"]["changes"]] == [
        ("added", "Cart Opened"),
        ("added", "contact_mobile"),
    ]


def _queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200
    return len(captured)


def test_version_list_costs_the_same_queries_for_many_versions(
    as_user, viewer, published, editor
):
    api = as_user(viewer)
    _queries(api, f"{P}/versions")  # the first call also loads the caller's permissions
    few = _queries(api, f"{P}/versions")
    for key in ["Page Viewed", "Cart Opened", "Cart Closed", "Coupon Applied"]:
        EventFactory(plan=published, key=key)
        publish_version(published, author=editor)

    assert _queries(api, f"{P}/versions") == few
