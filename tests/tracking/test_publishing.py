"""Publishing versions and the review flow that guards it."""

from __future__ import annotations

import json

import pytest

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    PlanFactory,
    PropertyFactory,
    UserFactory,
)
from tracking.errors import (
    ApprovalRequired,
    ApproverIsAuthor,
    DraftChangedSinceApproval,
    InvalidTransition,
    NothingToPublish,
    PublishRefused,
    VersionNotFound,
)
from tracking.models import ChangeStatus, PrivacyClass
from tracking.publishing import (
    approve_change_request,
    bundle_bytes,
    diff_versions,
    event_schema_bytes,
    open_change_request,
    preview_publish,
    publish_version,
    request_changes,
    resolve_version,
    submit_for_review,
    version_snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return UserFactory(username="author")


@pytest.fixture
def approver():
    return UserFactory(username="approver")


@pytest.fixture
def plan():
    plan = PlanFactory(key="shop")
    EventPropertyFactory(
        event__plan=plan,
        event__key="Product Viewed",
        property__key="sku",
        required=True,
    )
    return plan


def test_first_publish_is_1_0_0_with_the_draft_frozen(plan, author):
    version = publish_version(plan, author=author, note="First cut")
    assert (version.number, version.bump, version.author) == ("1.0.0", "major", author)
    assert version_snapshot(version).event("Product Viewed").attached("sku").required


def test_publishing_an_unchanged_draft_is_refused(plan, author):
    publish_version(plan, author=author)
    with pytest.raises(NothingToPublish):
        publish_version(plan, author=author)


@pytest.mark.parametrize(
    ("change", "number"),
    [
        pytest.param("remove_event", "2.0.0", id="breaking-is-major"),
        pytest.param("add_event", "1.1.0", id="additive-is-minor"),
        pytest.param("edit_description", "1.0.1", id="text-is-patch"),
    ],
)
def test_version_number_follows_the_diff(plan, author, change, number):
    publish_version(plan, author=author)
    event = plan.events.get()
    if change == "remove_event":
        event.attachments.all().delete()
        event.delete()
        EventFactory(plan=plan, key="Order Completed")
    elif change == "add_event":
        EventFactory(plan=plan, key="Order Completed")
    else:
        event.description = "Fires when the product page has loaded."
        event.save()
    assert publish_version(plan, author=author).number == number


def test_publishing_is_refused_while_plan_checks_report_errors(plan, author):
    PropertyFactory(plan=plan, key="contact_mobile", privacy_class=PrivacyClass.NONE)
    with pytest.raises(PublishRefused) as info:
        publish_version(plan, author=author)
    assert [f["code"] for f in info.value.details] == ["property_looks_personal"]
    assert not plan.versions.exists()


def test_preview_shows_the_next_number_and_blocking_findings(plan, author):
    preview = preview_publish(plan)
    assert (preview.previous, preview.number, preview.can_publish) == (
        None,
        "1.0.0",
        True,
    )


def test_plan_requiring_approval_refuses_a_publish_without_one(plan, author):
    plan.requires_approval = True
    plan.save()
    with pytest.raises(ApprovalRequired):
        publish_version(plan, author=author)


def test_approval_flow_publishes_what_was_approved(plan, author, approver):
    plan.requires_approval = True
    plan.save()
    request = open_change_request(plan, author=author, title="Add sku")
    submit_for_review(request, by=author)
    approve_change_request(request, by=approver, comment="Looks right")
    version = publish_version(plan, author=author, change_request=request)
    request.refresh_from_db()
    assert request.status == ChangeStatus.PUBLISHED
    assert request.published_version == version
    assert [c.body for c in request.comments.all()] == ["Looks right"]


def test_the_author_cannot_approve_their_own_change_request(plan, author):
    request = open_change_request(plan, author=author, title="Add sku")
    submit_for_review(request, by=author)
    with pytest.raises(ApproverIsAuthor):
        approve_change_request(request, by=author)


def test_a_draft_changed_after_approval_needs_another_review(plan, author, approver):
    plan.requires_approval = True
    plan.save()
    request = open_change_request(plan, author=author, title="Add sku")
    submit_for_review(request, by=author)
    approve_change_request(request, by=approver)
    EventFactory(plan=plan, key="Order Completed")
    with pytest.raises(DraftChangedSinceApproval):
        publish_version(plan, author=author, change_request=request)


def test_a_draft_change_request_cannot_be_approved(plan, author, approver):
    request = open_change_request(plan, author=author, title="Add sku")
    with pytest.raises(InvalidTransition):
        approve_change_request(request, by=approver)


def test_changes_requested_can_be_resubmitted(plan, author, approver):
    request = open_change_request(plan, author=author, title="Add sku")
    submit_for_review(request, by=author)
    request_changes(request, by=approver, comment="Describe the trigger")
    assert submit_for_review(request, by=author).status == ChangeStatus.IN_REVIEW


def test_versions_resolve_by_number_and_latest(plan, author):
    publish_version(plan, author=author)
    EventFactory(plan=plan, key="Order Completed")
    publish_version(plan, author=author)
    assert resolve_version(plan, "latest").number == "1.1.0"
    assert resolve_version(plan, "1.0.0").number == "1.0.0"
    with pytest.raises(VersionNotFound):
        resolve_version(plan, "9.9.9")


def test_diff_between_a_version_and_the_draft(plan, author):
    publish_version(plan, author=author)
    EventFactory(plan=plan, key="Order Completed")
    diff = diff_versions(plan, "1.0.0", "draft")
    assert [(c.kind, c.key) for c in diff.changes] == [("added", "Order Completed")]


def test_a_published_version_is_immutable(plan, author):
    version = publish_version(plan, author=author)
    version.note = "rewritten history"
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_a_version_keeps_the_schemas_rendered_when_it_was_published(
    plan, author, settings
):
    settings.PUBLIC_BASE_URL = "https://plans.example.com"
    version = publish_version(plan, author=author)
    settings.PUBLIC_BASE_URL = "https://moved.example.com"
    version.refresh_from_db()
    schema = json.loads(event_schema_bytes(version, "Product Viewed"))
    assert schema["$id"].startswith("https://plans.example.com/schemas/shop/1.0.0/")
    assert json.loads(bundle_bytes(version))["$defs"].keys() == {"Product Viewed"}
    assert event_schema_bytes(version, "Order Completed") is None
