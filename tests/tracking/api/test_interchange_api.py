"""Export and import of plans through the API: formats, dry runs, rejections, size limits."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import EventFactory, EventPropertyFactory, PlanFactory
from tests.tracking.api.conftest import member
from tracking.interchange import CONTENT_TYPES, FORMATS, NATIVE
from tracking.models import Event
from tracking.publishing import publish_version
from tracking.snapshot import snapshot_to_dict, take_snapshot

P = "/api/v1/plans/shop-app"


def sheet(*rows) -> bytes:
    buffer = io.StringIO(newline="")
    header = ("Event key", "Property key", "Type", "Required")
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode()


GOOD = sheet(["Order Completed", "total", "number", "yes"])
REJECTED = sheet(["order_refunded", "total", "number", "yes"])


def error_code(response) -> str:
    return response.json()["error"]["code"]


def post_file(api, path, data, content_type="application/octet-stream"):
    return api.generic("POST", path, data, content_type=content_type)


@pytest.fixture
def cart(plan):
    EventPropertyFactory(
        event=EventFactory(plan=plan, key="Cart Viewed"), property__key="cart_id"
    )
    return plan


@pytest.mark.parametrize("format_name", FORMATS)
def test_a_viewer_exports_the_draft_in_every_format(as_user, viewer, cart, format_name):
    response = as_user(viewer).get(f"{P}/export/{format_name}")

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[format_name]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "shop-app." in response["Content-Disposition"]
    assert response.content
    assert response["Cache-Control"] == "private, no-cache"


def test_export_of_a_published_version_and_latest(as_user, viewer, editor, cart):
    publish_version(cart, author=editor)
    EventFactory(plan=cart, key="Cart Emptied")
    api = as_user(viewer)

    draft = api.get(f"{P}/export/native").content
    numbered = api.get(f"{P}/export/native?version=1.0.0").content
    latest = api.get(f"{P}/export/native?version=latest")

    assert latest.status_code == 200
    assert latest.content == numbered
    assert b"Cart Emptied" in draft
    assert b"Cart Emptied" not in numbered
    assert api.get(f"{P}/export/native?version=9.9.9").status_code == 404


def test_an_unknown_format_is_404_in_the_one_error_shape(as_user, viewer, editor, plan):
    export = as_user(viewer).get(f"{P}/export/yaml")
    assert export.status_code == 404
    assert error_code(export) == "format_not_found"

    imported = post_file(as_user(editor), f"{P}/import/yaml", GOOD)
    assert imported.status_code == 404
    assert error_code(imported) == "format_not_found"


def test_a_viewer_cannot_import(as_user, viewer, plan):
    response = post_file(as_user(viewer), f"{P}/import/csv", GOOD)

    assert response.status_code == 403
    assert not Event.objects.filter(plan=plan).exists()


def test_a_plan_the_caller_cannot_see_is_404(as_user, editor, viewer):
    PlanFactory(key="other")
    assert as_user(viewer).get("/api/v1/plans/other/export/native").status_code == 404
    response = post_file(as_user(editor), "/api/v1/plans/other/import/csv", GOOD)
    assert response.status_code == 404


def test_an_import_is_a_dry_run_unless_asked_and_writes_nothing(as_user, editor, plan):
    response = post_file(as_user(editor), f"{P}/import/csv", GOOD)

    assert response.status_code == 200
    report = response.json()
    assert report["applied"] is False
    assert report["can_apply"] is True
    assert report["summary"]["create"] > 0
    assert not Event.objects.filter(plan=plan).exists()


def test_an_explicit_import_applies(as_user, editor, plan):
    response = post_file(
        as_user(editor), f"{P}/import/csv?dry_run=false", GOOD, "text/csv"
    )

    assert response.status_code == 200
    assert response.json()["applied"] is True
    assert list(plan.events.values_list("key", flat=True)) == ["Order Completed"]


def test_the_file_may_be_a_multipart_field(as_user, editor, plan):
    upload = io.BytesIO(GOOD)
    upload.name = "plan.csv"
    response = as_user(editor).post(
        f"{P}/import/csv?dry_run=false", {"file": upload}, format="multipart"
    )

    assert response.status_code == 200
    assert response.json()["applied"] is True
    assert plan.events.filter(key="Order Completed").exists()


def test_a_rejected_import_is_409_with_the_report(as_user, editor, plan):
    response = post_file(as_user(editor), f"{P}/import/csv?dry_run=false", REJECTED)

    assert response.status_code == 409
    assert error_code(response) == "import_rejected"
    report = response.json()["error"]["details"]
    assert report["applied"] is False
    assert report["can_apply"] is False
    assert [c["key"] for c in report["changes"] if c["action"] == "reject"] == [
        "order_refunded"
    ]
    assert not Event.objects.filter(plan=plan).exists()


def test_a_rejected_dry_run_is_200_with_the_report(as_user, editor, plan):
    response = post_file(as_user(editor), f"{P}/import/csv", REJECTED)

    assert response.status_code == 200
    assert response.json()["can_apply"] is False


@pytest.mark.parametrize("multipart", [False, True], ids=["raw", "multipart"])
def test_an_oversized_file_is_413(as_user, editor, plan, settings, multipart):
    settings.TRACKING_IMPORT_MAX_BYTES = len(GOOD) - 1
    api = as_user(editor)
    if multipart:
        upload = io.BytesIO(GOOD)
        upload.name = "plan.csv"
        response = api.post(f"{P}/import/csv", {"file": upload}, format="multipart")
    else:
        response = post_file(api, f"{P}/import/csv", GOOD)

    assert response.status_code == 413
    assert error_code(response) == "file_too_large"


def test_an_empty_body_is_400(as_user, editor, plan):
    response = post_file(as_user(editor), f"{P}/import/csv", b"")

    assert response.status_code == 400
    assert error_code(response) == "no_file"


def test_native_export_then_import_into_a_second_plan_gives_the_same_events(
    as_user, editor, cart
):
    EventPropertyFactory(
        event=EventFactory(plan=cart, key="Order Completed", description="Paid."),
        property__key="total",
        property__type="number",
    )
    second = PlanFactory(key="shop-web", name="Shop Web")
    member(editor, second)
    api = as_user(editor)

    exported = api.get(f"{P}/export/native").content
    response = post_file(
        api,
        "/api/v1/plans/shop-web/import/native?dry_run=false",
        exported,
        CONTENT_TYPES[NATIVE],
    )

    assert response.status_code == 200, response.json()
    assert response.json()["applied"] is True
    events = snapshot_to_dict(take_snapshot(cart))["events"]
    assert snapshot_to_dict(take_snapshot(second))["events"] == events
