"""Certifying metrics through the API: each level recorded with who and when, withdrawn with
`none`, refused for deprecated metrics, held to the editor's right and to the caller's plans."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MetricFactory, PlanFactory
from tests.tracking.api.test_metrics import (
    APP_OPENS,
    METRICS,
    add_metrics,
    build_shop,
    caller,
    saver,
)
from tests.tracking.api.test_permissions import ROLES
from tracking.metrics.store import certify_metric
from tracking.models import Metric

CERTIFY = f"{METRICS}/app_open_cnt/certification"
MONDAY = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)
TUESDAY = datetime(2025, 3, 11, 14, 5, tzinfo=UTC)


@pytest.fixture
def shop(plan):
    return build_shop(plan)


@pytest.fixture
def app_opens(shop, editor):
    """The atomic app opens, a draft owned by the editor, not reviewed."""
    return saver(shop, editor)(APP_OPENS)


def _certification(metric: Metric) -> tuple[str, str | None, datetime | None]:
    metric.refresh_from_db()
    by = metric.certified_by.username if metric.certified_by else None
    return metric.certification, by, metric.certified_at


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


# --------------------------------------------------------------------------------------------
# Levels
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["reviewed", "certified"])
def test_editor_sets_a_level_recorded_with_who_and_when(
    as_user, editor, app_opens, level
):
    with time_machine.travel(MONDAY, tick=False):
        response = as_user(editor).post(CERTIFY, {"level": level}, format="json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["certification"], data["certified_by"], data["certified_at"]) == (
        level,
        "editor",
        "2025-03-10T09:30:00Z",
    )
    assert _certification(app_opens) == (level, "editor", MONDAY)


def test_answer_is_the_metric_as_reading_it_shows(as_user, editor, app_opens):
    api = as_user(editor)

    response = api.post(CERTIFY, {"level": "certified"}, format="json")

    assert response.json() == api.get(f"{METRICS}/app_open_cnt").json()


def test_metric_is_certified_by_id_as_well_as_by_key(as_user, editor, app_opens):
    response = as_user(editor).post(
        f"{METRICS}/{app_opens.pk}/certification", {"level": "reviewed"}
    )

    assert response.status_code == 200, response.content
    assert _certification(app_opens)[:2] == ("reviewed", "editor")


def test_none_withdraws_the_certification_and_clears_who_and_when(
    as_user, editor, plan_admin, app_opens
):
    certify_metric(app_opens, level="certified", by=editor)

    response = as_user(plan_admin).post(CERTIFY, {"level": "none"}, format="json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["certification"], data["certified_by"], data["certified_at"]) == (
        "none",
        None,
        None,
    )
    assert _certification(app_opens) == ("none", None, None)


def test_certifying_again_records_the_latest_reviewer_and_time(
    as_user, editor, plan_admin, app_opens
):
    with time_machine.travel(MONDAY, tick=False):
        as_user(editor).post(CERTIFY, {"level": "reviewed"}, format="json")
    with time_machine.travel(TUESDAY, tick=False):
        response = as_user(plan_admin).post(
            CERTIFY, {"level": "certified"}, format="json"
        )

    assert response.status_code == 200, response.content
    assert _certification(app_opens) == ("certified", "plan-admin", TUESDAY)


def test_history_records_who_changed_the_certification(
    as_user, editor, plan_admin, app_opens
):
    as_user(editor).post(CERTIFY, {"level": "certified"}, format="json")
    as_user(plan_admin).post(CERTIFY, {"level": "none"}, format="json")

    rows = app_opens.history.order_by("history_id")
    assert [(r.certification, r.history_user.username) for r in rows] == [
        ("none", "editor"),  # the save that created it
        ("certified", "editor"),
        ("none", "plan-admin"),
    ]


# --------------------------------------------------------------------------------------------
# Deprecated metrics
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["reviewed", "certified"])
def test_reviewing_or_certifying_a_deprecated_metric_is_409(
    as_user, editor, shop, level
):
    metric = saver(shop, editor)(APP_OPENS, lifecycle="deprecated")

    response = as_user(editor).post(CERTIFY, {"level": level}, format="json")

    assert _error(response, 409) == {
        "code": "invalid_transition",
        "message": (
            "“app_open_cnt” is deprecated: its certification can be withdrawn, not given."
        ),
        "details": {"lifecycle": "deprecated", "level": level},
    }
    assert _certification(metric) == ("none", None, None)


def test_a_deprecated_metric_keeps_no_certification_it_is_withdrawn_from(
    as_user, editor, shop
):
    metric = saver(shop, editor)(APP_OPENS, lifecycle="online")
    certify_metric(metric, level="certified", by=editor)
    Metric.objects.filter(pk=metric.pk).update(
        lifecycle="deprecated"
    )  # certified, then retired

    response = as_user(editor).post(CERTIFY, {"level": "none"}, format="json")

    assert response.status_code == 200, response.content
    assert _certification(metric) == ("none", None, None)


@pytest.mark.parametrize("lifecycle", ["draft", "online", "offline"])
def test_metrics_not_deprecated_may_be_certified(as_user, editor, shop, lifecycle):
    metric = saver(shop, editor)(APP_OPENS, lifecycle=lifecycle)

    response = as_user(editor).post(CERTIFY, {"level": "certified"}, format="json")

    assert response.status_code == 200, response.content
    assert _certification(metric)[:2] == ("certified", "editor")


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "details"),
    [
        pytest.param(
            {"level": "certified", "by": "someone-else"},
            {"by": ["This field is not known."]},
            id="unknown-key",
        ),
        pytest.param(
            {"level": "approved"},
            {"level": ['"approved" is not a valid choice.']},
            id="wrong-level",
        ),
        pytest.param(
            {"level": "Certified"},
            {"level": ['"Certified" is not a valid choice.']},
            id="level-is-the-label",
        ),
        pytest.param(
            {"level": None}, {"level": ["This field may not be null."]}, id="null-level"
        ),
        pytest.param({}, {"level": ["This field is required."]}, id="missing-level"),
        pytest.param(
            {"certification": "certified"},
            {
                "level": ["This field is required."],
                "certification": ["This field is not known."],
            },
            id="misnamed-level",
        ),
    ],
)
def test_bad_body_is_400_in_the_error_shape_and_changes_nothing(
    as_user, editor, app_opens, body, details
):
    response = as_user(editor).post(CERTIFY, body, format="json")

    assert _error(response, 400) == {
        "code": "invalid",
        "message": "Some fields are not valid.",
        "details": details,
    }
    assert _certification(app_opens) == ("none", None, None)


def test_body_that_is_not_an_object_is_400(as_user, editor, app_opens):
    response = as_user(editor).post(CERTIFY, ["certified"], format="json")

    assert _error(response, 400)["details"] == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


# --------------------------------------------------------------------------------------------
# Who may certify
# --------------------------------------------------------------------------------------------

_MAY_CERTIFY = {"editor", "plan_admin", "superuser"}


def _expected_status(role: str) -> int:
    if role == "anonymous":
        return 401
    return 200 if role in _MAY_CERTIFY else 403


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_and_admins_may_certify(request, api, plan, app_opens, role):
    api.force_authenticate(caller(request, plan, role))

    response = api.post(CERTIFY, {"level": "certified"}, format="json")

    assert response.status_code == _expected_status(role), response.content
    certified = response.status_code == 200
    assert _certification(app_opens)[0] == ("certified" if certified else "none")


def test_metric_in_a_plan_the_editor_cannot_see_is_404(as_user, editor, app_opens):
    blog = PlanFactory(key="blog", name="Blog")
    hidden = MetricFactory(plan=blog, key="post_read_cnt")

    response = as_user(editor).post(
        "/api/v1/plans/blog/metrics/post_read_cnt/certification",
        {"level": "certified"},
        format="json",
    )

    assert _error(response, 404)["code"] == "not_found"
    assert _certification(hidden) == ("none", None, None)


def test_unknown_metric_is_404(as_user, editor, app_opens):
    response = as_user(editor).post(
        f"{METRICS}/no_such_metric/certification", {"level": "certified"}
    )

    assert _error(response, 404)["code"] == "not_found"


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


def test_certifying_costs_the_same_queries_however_many_metrics_the_plan_has(
    as_user, editor, shop, app_opens, django_assert_num_queries
):
    api = as_user(editor)
    api.post(CERTIFY, {"level": "reviewed"})  # caches the caller's permissions
    with CaptureQueriesContext(connection) as one:
        api.post(CERTIFY, {"level": "certified"}, format="json")

    add_metrics(shop, editor, 9)
    app_opens.tags.create(name="growth")

    with django_assert_num_queries(len(one)):
        response = api.post(CERTIFY, {"level": "reviewed"}, format="json")
    assert response.json()["tags"] == ["growth"]


# --------------------------------------------------------------------------------------------
# OpenAPI
# --------------------------------------------------------------------------------------------


def _component(schema: dict, reference: dict) -> dict:
    return schema["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]


def test_openapi_documents_the_action(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    path = "/api/v1/plans/{plan_key}/metrics/{ref}/certification"
    operation = schema["paths"][path]["post"]
    body = _component(
        schema, operation["requestBody"]["content"]["application/json"]["schema"]
    )
    level = body["properties"]["level"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert operation["summary"] == (
        "Review or certify the metric, or withdraw that (none), as the caller"
    )
    assert (list(body["properties"]), body["required"]) == (["level"], ["level"])
    assert _component(schema, level["allOf"][0]) == {
        "enum": ["none", "reviewed", "certified"],
        "type": "string",
        "description": "* `none` - Not reviewed\n* `reviewed` - Reviewed\n"
        "* `certified` - Certified",
    }
    assert answer == {"$ref": "#/components/schemas/Metric"}
    assert set(operation["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "429",
    }
    assert "invalid_transition" in operation["responses"]["409"]["description"]
