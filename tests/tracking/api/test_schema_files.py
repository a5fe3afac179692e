"""Generated files per version: JSON Schemas and typed code, as exact bytes with ETags."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from tests.factories import EventFactory, EventPropertyFactory
from tracking.publishing import publish_version
from tracking.schemas import etag

P = "/api/v1/plans/shop-app"
SCHEMA = f"{P}/versions/1.0.0/events/Cart%20Viewed/schema"
BUNDLE = f"{P}/versions/1.0.0/bundle"
TYPESCRIPT = f"{P}/versions/1.0.0/codegen/typescript"
PYTHON = f"{P}/versions/1.0.0/codegen/python"
FILES = [
    pytest.param(SCHEMA, id="event-schema"),
    pytest.param(BUNDLE, id="bundle"),
    pytest.param(TYPESCRIPT, id="typescript"),
    pytest.param(PYTHON, id="python"),
]


@pytest.fixture
def published(plan, editor, settings):
    settings.PUBLIC_BASE_URL = "https://gov.example.com"
    EventPropertyFactory(
        event=EventFactory(plan=plan, key="Cart Viewed"), property__key="cart_id"
    )
    publish_version(plan, author=editor)
    return plan


@pytest.fixture
def api(as_user, viewer, published):
    return as_user(viewer)


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.mark.parametrize("path", FILES)
def test_two_requests_answer_identical_bytes_with_their_strong_etag(api, path):
    first, second = api.get(path), api.get(path)

    assert first.status_code == 200
    assert first.content == second.content
    assert first["ETag"] == etag(first.content)
    assert first["ETag"].startswith('"')


@pytest.mark.parametrize("path", FILES)
def test_if_none_match_with_the_etag_is_304_without_a_body(api, path):
    tag = api.get(path)["ETag"]

    response = api.get(path, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag
    assert response["Cache-Control"] == "private, max-age=86400"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param('"stale"', id="other-tag"),
        pytest.param("", id="empty"),
    ],
)
def test_if_none_match_with_another_tag_answers_the_file(api, header):
    response = api.get(BUNDLE, HTTP_IF_NONE_MATCH=header)

    assert response.status_code == 200
    assert response.content


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("W/{tag}", id="weak-form"),
        pytest.param('"stale", {tag}', id="in-a-list"),
        pytest.param("*", id="star"),
    ],
)
def test_if_none_match_compares_weakly_and_reads_lists(api, header):
    tag = api.get(BUNDLE)["ETag"]

    response = api.get(BUNDLE, HTTP_IF_NONE_MATCH=header.format(tag=tag))

    assert response.status_code == 304


@pytest.mark.parametrize(
    ("ref", "cache_control"),
    [
        pytest.param("1.0.0", "private, max-age=86400", id="numbered"),
        pytest.param("latest", "private, max-age=60", id="latest"),
    ],
)
def test_latest_is_cached_briefly_and_numbered_versions_for_a_day(
    api, ref, cache_control
):
    for path in (
        f"{P}/versions/{ref}/bundle",
        f"{P}/versions/{ref}/events/Cart%20Viewed/schema",
        f"{P}/versions/{ref}/codegen/python",
    ):
        response = api.get(path)
        assert response["Cache-Control"] == cache_control
        assert "Authorization" in response["Vary"]


def test_latest_answers_the_bytes_of_the_number_it_stands_for(api):
    assert api.get(f"{P}/versions/latest/bundle").content == api.get(BUNDLE).content


def test_latest_moves_when_a_version_is_published(api, published, editor):
    before = api.get(f"{P}/versions/latest/bundle")
    EventFactory(plan=published, key="Order Placed")
    publish_version(published, author=editor)

    after = api.get(f"{P}/versions/latest/bundle", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "Order Placed" in after.content.decode()
    assert "Order Placed" not in before.content.decode()


def test_schemas_are_schema_json_and_valid_draft_2020_12(api):
    for path in (SCHEMA, BUNDLE):
        response = api.get(path)
        assert response["Content-Type"] == "application/schema+json"
        Draft202012Validator.check_schema(json.loads(response.content))


def test_schema_ids_start_with_the_public_base_url(api):
    schema = json.loads(api.get(SCHEMA).content)

    assert schema["$id"] == (
        "https://gov.example.com/schemas/shop-app/1.0.0/events/cart-viewed.json"
    )


def test_bytes_are_answered_as_rendered_never_reformatted(api):
    content = api.get(BUNDLE).content

    assert b"\n" not in content
    assert content == json.dumps(
        json.loads(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


@pytest.mark.parametrize(
    "ref",
    [
        pytest.param("Cart%20Viewed", id="key"),
        pytest.param("cart_viewed", id="folded-key"),
        pytest.param("cart-viewed", id="slug"),
    ],
)
def test_event_is_found_by_key_or_slug(api, ref):
    response = api.get(f"{P}/versions/1.0.0/events/{ref}/schema")

    assert response.status_code == 200
    assert response.content == api.get(SCHEMA).content


def test_accept_schema_json_is_not_refused(api):
    response = api.get(SCHEMA, HTTP_ACCEPT="application/schema+json")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "code"),
    [
        pytest.param(
            f"{P}/versions/1.0.0/events/Order%20Placed/schema",
            "event_not_found",
            id="unknown-event",
        ),
        pytest.param(f"{P}/versions/2.0.0/bundle", "version_not_found", id="bundle"),
        pytest.param(
            f"{P}/versions/1.0.0/codegen/cobol", "language_not_found", id="language"
        ),
        pytest.param(
            f"{P}/versions/2.0.0/codegen/python", "version_not_found", id="codegen"
        ),
    ],
)
def test_unknown_things_are_404_in_the_json_error_shape(api, path, code):
    response = api.get(path, HTTP_ACCEPT="application/schema+json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_code(response) == code


@pytest.mark.parametrize(
    ("path", "file_name", "marker"),
    [
        pytest.param(TYPESCRIPT, "tracking-plan.ts", b"export ", id="typescript"),
        pytest.param(PYTHON, "tracking_plan.py", b"def ", id="python"),
    ],
)
def test_codegen_is_a_text_attachment_named_by_its_generator(
    api, path, file_name, marker
):
    response = api.get(path)

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{file_name}"'
    assert b"1.0.0" in response.content
    assert marker in response.content


def _queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200
    return len(captured)


def test_bundle_costs_the_same_queries_however_many_events(api, published, editor):
    path = f"{P}/versions/latest/bundle"
    _queries(api, path)  # the first call also loads the caller's permissions
    few = _queries(api, path)
    for key in ["Page Viewed", "Cart Opened", "Cart Closed", "Coupon Applied"]:
        EventPropertyFactory(event=EventFactory(plan=published, key=key))
    publish_version(published, author=editor)

    assert _queries(api, path) == few
