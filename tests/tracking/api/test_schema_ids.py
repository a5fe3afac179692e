"""The `$id` of every generated schema is a URL that answers that schema, as the API does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from tests.factories import EventFactory, EventPropertyFactory, PlanFactory
from tracking.models import NamingConvention, PlanMembership, issue_token
from tracking.publishing import publish_version
from tracking.schemas.ids import short_hash

API = "/api/v1/plans/shop-app/versions"


@pytest.fixture
def base_url(settings) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def _client(user) -> APIClient:
    client = APIClient()
    _token, raw = issue_token(user, name="pull schemas")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api(demo_plan, qa) -> APIClient:
    """QA (viewer role), member of the demo plan, calling with a token."""
    PlanMembership.objects.create(user=qa, plan=demo_plan)
    return _client(qa)


def _path(schema_id: str, base_url: str) -> str:
    assert schema_id.startswith(f"{base_url}/schemas/"), schema_id
    return schema_id.removeprefix(base_url)


def _api_schema(api: APIClient, key: str, version: str = "1.0.0"):
    response = api.get(f"{API}/{version}/events/{quote(key, safe='')}/schema")
    assert response.status_code == 200, key
    return response


def _error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def _ids(node: Any) -> Iterator[str]:
    """Every `$id` and `$ref` anywhere in a schema document."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name in ("$id", "$ref") and isinstance(value, str):
                yield value
            else:
                yield from _ids(value)
    elif isinstance(node, list):
        for item in node:
            yield from _ids(item)


def _same_answer(ours, theirs) -> None:
    assert ours.status_code == theirs.status_code == 200
    assert ours.content == theirs.content
    assert ours["ETag"] == theirs["ETag"]
    assert ours["Content-Type"] == theirs["Content-Type"] == "application/schema+json"
    assert ours["Cache-Control"] == theirs["Cache-Control"]


def test_every_event_schema_id_answers_the_apis_bytes_and_etag(
    api, demo_plan, base_url
):
    keys = list(demo_plan.versions.get(number="1.0.0").event_schemas)
    assert len(keys) > 20

    for key in keys:
        theirs = _api_schema(api, key)
        schema_id = json.loads(theirs.content)["$id"]

        _same_answer(api.get(_path(schema_id, base_url)), theirs)


def test_the_bundle_id_answers_the_apis_bundle(api, base_url):
    theirs = api.get(f"{API}/1.0.0/bundle")
    schema_id = json.loads(theirs.content)["$id"]

    assert schema_id == f"{base_url}/schemas/shop-app/1.0.0/bundle.json"
    _same_answer(api.get(_path(schema_id, base_url)), theirs)


def test_every_id_and_ref_inside_the_bundle_is_served(api, base_url):
    bundle = json.loads(api.get(f"{API}/1.0.0/bundle").content)
    embedded = {d["$id"]: d for d in bundle["$defs"].values()}
    found = set(_ids(bundle))

    assert found == {bundle["$id"], *embedded}
    for schema_id in found - {bundle["$id"]}:
        response = api.get(_path(schema_id, base_url))
        assert response.status_code == 200, schema_id
        assert json.loads(response.content) == embedded[schema_id]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/schemas/shop-app/1.0.0/bundle.json", id="bundle"),
        pytest.param("/schemas/shop-app/1.0.0/events/cart-viewed.json", id="event"),
    ],
)
def test_if_none_match_with_the_etag_is_304(api, path):
    tag = api.get(path)["ETag"]

    response = api.get(path, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag


def test_latest_answers_like_the_apis_latest(api):
    _same_answer(
        api.get("/schemas/shop-app/latest/events/cart-viewed.json"),
        _api_schema(api, "Cart Viewed", version="latest"),
    )
    _same_answer(
        api.get("/schemas/shop-app/latest/bundle.json"),
        api.get(f"{API}/latest/bundle"),
    )


def test_a_signed_in_session_is_accepted_as_by_the_api(api, client, qa):
    client.force_login(qa)

    response = client.get("/schemas/shop-app/1.0.0/bundle.json")

    assert response.status_code == 200
    assert response.content == api.get(f"{API}/1.0.0/bundle").content


def test_401_without_credentials_in_the_error_shape(demo_plan):
    response = APIClient().get("/schemas/shop-app/1.0.0/events/cart-viewed.json")

    assert _error(response, 401)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    ("path", "code"),
    [
        pytest.param("/schemas/no-such-app/1.0.0/bundle.json", "not_found", id="plan"),
        pytest.param(
            "/schemas/shop-app/9.0.0/bundle.json", "version_not_found", id="version"
        ),
        pytest.param(
            "/schemas/shop-app/9.0.0/events/cart-viewed.json",
            "version_not_found",
            id="event-version",
        ),
        pytest.param(
            "/schemas/shop-app/1.0.0/events/no-such-event.json",
            "event_not_found",
            id="slug",
        ),
        pytest.param(
            "/schemas/shop-app/1.0.0/events/Cart%20Viewed.json",
            "event_not_found",
            id="key-is-not-a-slug",
        ),
    ],
)
def test_unknown_plan_version_or_slug_is_404_in_the_error_shape(api, path, code):
    response = api.get(path, HTTP_ACCEPT="application/schema+json")

    assert _error(response, 404)["code"] == code


@pytest.mark.parametrize(
    ("role", "status"),
    [
        pytest.param("engineer", 404, id="member-of-another-plan"),
        pytest.param("outsider", 403, id="no-role"),
    ],
)
def test_a_caller_without_the_plan_gets_the_apis_refusal(
    request, demo_plan, role, status
):
    user = request.getfixturevalue(role)
    PlanMembership.objects.create(user=user, plan=PlanFactory(key="other-app"))
    client = _client(user)

    for ours, theirs in [
        ("/schemas/shop-app/1.0.0/bundle.json", f"{API}/1.0.0/bundle"),
        (
            "/schemas/shop-app/1.0.0/events/cart-viewed.json",
            f"{API}/1.0.0/events/cart-viewed/schema",
        ),
    ]:
        response = client.get(ours)
        assert _error(response, status) == _error(client.get(theirs), status)


def test_a_hashed_slug_names_its_event_never_an_event_keyed_like_it(db, qa, base_url):
    plan = PlanFactory(
        key="cn-app", event_naming=NamingConvention.CUSTOM, event_naming_regex=r".+"
    )
    PlanMembership.objects.create(user=qa, plan=plan)
    for key in ["下单", f"event_{short_hash('下单')}"]:
        EventPropertyFactory(event=EventFactory(plan=plan, key=key))
    publish_version(plan, author=qa)
    client = _client(qa)
    schema = client.get(
        f"/api/v1/plans/cn-app/versions/1.0.0/events/{quote('下单')}/schema"
    )
    schema_id = json.loads(schema.content)["$id"]

    response = client.get(_path(schema_id, base_url))

    assert schema_id.endswith(f"/events/event_{short_hash('下单')}.json")
    assert response.content == schema.content


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/schemas/", id="root"),
        pytest.param("/schemas/shop-app", id="plan-only"),
        pytest.param("/schemas/shop-app/1.0.0/events/", id="no-slug"),
        pytest.param("/schemas/shop-app/1.0.0/other.json", id="unknown-document"),
    ],
)
def test_an_address_under_schemas_that_names_no_document_answers_in_the_error_shape(
    client, path
):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
