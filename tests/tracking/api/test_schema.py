"""The OpenAPI document: generated without warnings, valid, documented, served with offline docs."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_generates_without_warnings_and_validates(db, tmp_path):
    # --fail-on-warn turns any warning into an error; --validate checks OpenAPI 3.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


def test_schema_view_serves_the_registry_endpoints(schema):
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/plans/{plan_key}/events",
        "/api/v1/plans/{plan_key}/events/{ref}",
        "/api/v1/plans/{plan_key}/checks",
        "/api/v1/tokens",
    } <= set(schema["paths"])


def test_every_operation_declares_the_error_shape(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation["responses"]["401"]["content"]["application/json"][
                "schema"
            ] == {"$ref": "#/components/schemas/Error"}, (path, method)


def test_bearer_tokens_are_the_documented_security_scheme(schema):
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: `Authorization: Bearer <token>`.",
    }


def test_every_field_of_our_serializers_is_described(schema):
    undocumented = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        if not name.startswith("Paginated") and component.get("type") == "object"
        for field, spec in component.get("properties", {}).items()
        if not spec.get("description")
    ]

    assert undocumented == []


def test_docs_page_loads_swagger_ui_from_our_own_static_files(client, db):
    html = client.get("/api/docs/").content.decode()

    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    )
    assert "cdn" not in html.lower()
