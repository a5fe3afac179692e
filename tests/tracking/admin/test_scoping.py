"""Finding the plan an autocomplete request comes from, to offer only that plan's rows."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from tests.factories import EventFactory, GroupFactory, PlanFactory
from tracking.admin.scoping import referring_plan_id


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(
            "/admin/tracking/trackingplan/{plan}/change/", "plan", id="plan-page"
        ),
        pytest.param("/admin/tracking/event/{event}/change/", "plan", id="event-page"),
        pytest.param(
            "/admin/tracking/propertygroup/{group}/change/", "plan", id="group-page"
        ),
        pytest.param(
            "/admin/tracking/event/add/?_changelist_filters=plan__id__exact%3D{plan}",
            "plan",
            id="add-page-from-filtered-list",
        ),
        pytest.param("/admin/tracking/event/add/?plan={plan}", "plan", id="add-page"),
        pytest.param("/admin/tracking/event/add/", None, id="add-page-no-plan"),
        pytest.param("/admin/tracking/event/99999/change/", None, id="missing-event"),
        pytest.param("/nowhere/", None, id="not-an-admin-page"),
    ],
)
def test_referring_plan_is_read_from_the_page_address(db, page, expected):
    plan = PlanFactory()
    ids = {
        "plan": plan.pk,
        "event": EventFactory(plan=plan).pk,
        "group": GroupFactory(plan=plan).pk,
    }
    request = RequestFactory().get(
        "/admin/autocomplete/", HTTP_REFERER="http://testserver" + page.format(**ids)
    )

    assert referring_plan_id(request) == (plan.pk if expected else None)


def test_request_without_a_referer_names_no_plan():
    assert referring_plan_id(RequestFactory().get("/admin/autocomplete/")) is None
