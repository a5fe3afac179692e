"""One error shape for every status the API answers, including Django's own 404 and 500."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import SuspiciousOperation
from rest_framework.test import APIClient

from tests.factories import EventFactory
from tracking.api.errors import api_exception_handler, bad_request, permission_denied
from tracking.api.views.plans import PlanViewSet
from tracking.errors import ApprovalRequired, PublishRefused


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_400_names_the_fields(as_user, editor):
    error = _error(as_user(editor).post("/api/v1/plans/shop-app/events", {}), 400)

    assert error == {
        "code": "invalid",
        "message": "Some fields are not valid.",
        "details": {"key": ["This field is required."]},
    }


def test_400_for_malformed_json(as_user, editor):
    response = as_user(editor).generic(
        "POST", "/api/v1/plans/shop-app/events", "{", content_type="application/json"
    )

    assert _error(response, 400)["code"] == "parse_error"


def test_401_without_credentials_asks_for_a_bearer_token(api, plan):
    response = api.get("/api/v1/plans")

    assert _error(response, 401)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_403_when_the_role_does_not_allow_it(as_user, viewer):
    error = _error(as_user(viewer).post("/api/v1/plans/shop-app/events", {}), 403)

    assert error["code"] == "permission_denied"


def test_404_for_a_missing_row(as_user, viewer):
    error = _error(as_user(viewer).get("/api/v1/plans/shop-app/events/999"), 404)

    assert error == {"code": "not_found", "message": "Not found.", "details": {}}


@pytest.mark.parametrize(
    "path", ["/api/nowhere", "/api/v1/plans/shop-app/nowhere", "/api/v1/plans/"]
)
def test_404_for_an_unknown_address_under_api(client, db, path):
    assert _error(client.get(path), 404)["code"] == "not_found"


def test_404_outside_the_api_stays_a_page(client, db):
    response = client.get("/nowhere/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("put", "/api/v1/plans", id="put-on-a-list"),
        pytest.param("delete", "/api/v1/plans/shop-app", id="delete-a-plan"),
        pytest.param("post", "/api/v1/plans/shop-app/checks", id="post-to-a-read"),
    ],
)
def test_405_for_a_method_the_endpoint_lacks(as_user, plan_admin, plan, method, path):
    response = getattr(as_user(plan_admin), method)(path)

    assert _error(response, 405)["code"] == "method_not_allowed"


def test_406_for_an_unservable_accept_header(as_user, viewer):
    response = as_user(viewer).get("/api/v1/plans", HTTP_ACCEPT="application/xml")

    assert _error(response, 406)["code"] == "not_acceptable"


def test_415_for_an_unsupported_body(as_user, editor):
    response = as_user(editor).generic(
        "POST",
        "/api/v1/plans/shop-app/events",
        "key=Cart Viewed",
        content_type="text/plain",
    )

    assert _error(response, 415)["code"] == "unsupported_media_type"


def test_429_says_when_to_retry(as_user, viewer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "2/minute", "anon": "2/minute"},
    }
    api = as_user(viewer)
    for _ in range(2):
        assert api.get("/api/v1/plans").status_code == 200

    response = api.get("/api/v1/plans")

    error = _error(response, 429)
    assert error["code"] == "throttled"
    assert error["details"]["retry_after"] == int(response["Retry-After"]) > 0


def test_409_for_a_domain_conflict():
    response = api_exception_handler(
        PublishRefused("The plan checks report errors.", details={"errors": 2}), {}
    )

    assert response.status_code == 409
    assert response.data == {
        "error": {
            "code": "publish_refused_plan_checks",
            "message": "The plan checks report errors.",
            "details": {"errors": 2},
        }
    }


def test_domain_error_without_details_has_empty_details():
    response = api_exception_handler(ApprovalRequired("Approve first."), {})

    assert response.data["error"]["details"] == {}


def test_500_under_api_is_json(viewer, plan, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError

    monkeypatch.setattr(PlanViewSet, "list", explode)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(viewer)

    error = _error(api.get("/api/v1/plans"), 500)

    assert error["code"] == "server_error"


def test_model_validation_raised_by_the_domain_is_a_400(as_user, editor, plan):
    event = EventFactory(plan=plan, key="Product Viewed")

    response = as_user(editor).post(
        f"/api/v1/plans/shop-app/events/{event.pk}/duplicate", {"key": "bad key"}
    )

    assert list(_error(response, 400)["details"]) == ["key"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("application/x-www-form-urlencoded", "key=A", id="form"),
        pytest.param(
            "multipart/form-data; boundary=b",
            '--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nA\r\n--b--\r\n',
            id="multipart",
        ),
    ],
)
def test_415_for_a_form_body(as_user, editor, content_type, body):
    # Form parsing reached JSON fields' own json.loads, past the nesting and NUL checks.
    response = as_user(editor).generic(
        "POST", "/api/v1/plans/shop-app/events", body, content_type=content_type
    )

    assert _error(response, 415)["code"] == "unsupported_media_type"


def test_413_for_a_body_over_the_upload_limit(as_user, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = as_user(editor).post(
        "/api/v1/plans/shop-app/events",
        {"key": "Cart Viewed", "description": "x" * 200},
    )

    assert _error(response, 413)["code"] == "body_too_large"


def test_400_for_more_multipart_fields_than_django_takes(as_user, editor, plan):
    # Django raises TooManyFieldsSent, which it would answer with an HTML page.
    part = '--b\r\nContent-Disposition: form-data; name="f{}"\r\n\r\nx\r\n'
    body = "".join(part.format(n) for n in range(1100)) + "--b--\r\n"

    response = as_user(editor).generic(
        "POST",
        "/api/v1/plans/shop-app/import/csv",
        body,
        content_type="multipart/form-data; boundary=b",
    )

    assert _error(response, 400)["code"] == "bad_request"


@pytest.mark.parametrize(
    ("handler", "status", "code"),
    [
        pytest.param(bad_request, 400, "bad_request", id="400"),
        pytest.param(permission_denied, 403, "permission_denied", id="403"),
    ],
)
def test_django_own_answers_under_api_are_json(rf, handler, status, code):
    response = handler(rf.get("/api/v1/plans"), SuspiciousOperation())

    assert response.status_code == status
    assert json.loads(response.content)["error"]["code"] == code


def test_django_own_400_outside_the_api_stays_a_page(rf):
    response = bad_request(rf.get("/admin/"), SuspiciousOperation())

    assert response["Content-Type"].startswith("text/html")
