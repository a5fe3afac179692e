"""Change requests in the admin: opening, commenting, the review buttons and publishing one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from tests.factories import EventFactory, EventPropertyFactory, UserFactory
from tests.tracking.admin.formdata import inline
from tracking.models import ChangeRequest, ChangeStatus, PlanVersion
from tracking.publishing import open_change_request, publish_version, submit_for_review


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """LocaleMiddleware leaves the language of a request active; reset it to English."""
    yield
    translation.deactivate()


@pytest.fixture
def approver(db):
    """A second staff member with the PM's permissions, who reviews the PM's requests."""
    user = UserFactory(username="approver", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="tracking")
    )
    return user


@pytest.fixture
def approver_client(approver) -> Client:
    client = Client()
    client.force_login(approver)
    return client


@pytest.fixture
def clean_plan(plan):
    """The admin tests' plan with one event that passes every plan check."""
    event = EventFactory(plan=plan, key="Cart Viewed")
    EventPropertyFactory(event=event, property__key="cart_id")
    return plan


@pytest.fixture
def change_request(clean_plan, pm):
    return open_change_request(clean_plan, author=pm, title="Track carts")


def review(client: Client, change_request: ChangeRequest, action: str, comment=""):
    return client.post(
        f"/admin/tracking/changerequest/{change_request.pk}/review/",
        {"action": action, "comment": comment},
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_pm_opens_a_change_request_as_its_author(pm_client, pm, clean_plan):
    response = pm_client.post(
        "/admin/tracking/changerequest/add/",
        {
            "plan": str(clean_plan.pk),
            "title": "Track carts",
            "description": "Adds the cart events.",
        },
    )

    change_request = ChangeRequest.objects.get()
    assert response.status_code == 302
    assert (
        change_request.plan,
        change_request.author,
        change_request.status,
        change_request.description,
    ) == (clean_plan, pm, ChangeStatus.DRAFT, "Adds the cart events.")


def test_the_author_cannot_approve_their_own_change_request(pm_client, change_request):
    review(pm_client, change_request, "submit")

    response = review(pm_client, change_request, "approve")

    change_request.refresh_from_db()
    assert change_request.status == ChangeStatus.IN_REVIEW
    assert response.status_code == 302
    assert messages_of(response) == [
        "Submitted for review.",
        "The author of a change request cannot approve it.",
    ]


def test_approving_a_draft_is_refused_as_an_invalid_transition(
    approver_client, change_request
):
    response = review(approver_client, change_request, "approve")

    change_request.refresh_from_db()
    assert change_request.status == ChangeStatus.DRAFT
    assert messages_of(response) == ["A change request that is “Draft” cannot do that."]


def test_second_user_approves_and_the_pm_publishes_with_the_change_request(
    pm_client, approver_client, approver, change_request, clean_plan
):
    clean_plan.requires_approval = True
    clean_plan.save()
    review(pm_client, change_request, "submit")

    review(approver_client, change_request, "approve", comment="Looks right")
    page = pm_client.get(
        f"/admin/tracking/planversion/publish/{clean_plan.pk}/"
        f"?change_request={change_request.pk}"
    )
    response = pm_client.post(
        f"/admin/tracking/planversion/publish/{clean_plan.pk}/",
        {"note": "Carts", "change_request": str(change_request.pk)},
    )

    assert (
        f'<option value="{change_request.pk}" selected>Track carts</option>'
        in page.content.decode()
    )
    version = PlanVersion.objects.get()
    assert response.url == f"/admin/tracking/planversion/{version.pk}/change/"
    change_request.refresh_from_db()
    assert (
        change_request.status,
        change_request.reviewer,
        change_request.published_version,
    ) == (ChangeStatus.PUBLISHED, approver, version)
    assert [c.body for c in change_request.comments.all()] == ["Looks right"]


def test_requesting_changes_keeps_the_comment(
    pm_client, approver_client, approver, change_request
):
    review(pm_client, change_request, "submit")

    response = review(
        approver_client, change_request, "request_changes", "Describe the trigger"
    )

    change_request.refresh_from_db()
    assert change_request.status == ChangeStatus.REJECTED
    assert messages_of(response) == ["Changes requested."]
    assert [(c.author, c.body) for c in change_request.comments.all()] == [
        (approver, "Describe the trigger")
    ]


def test_withdrawing_keeps_a_comment_given_with_it(pm_client, pm, change_request):
    review(pm_client, change_request, "withdraw", "Superseded by the checkout work")

    change_request.refresh_from_db()
    assert change_request.status == ChangeStatus.WITHDRAWN
    assert [(c.author, c.body) for c in change_request.comments.all()] == [
        (pm, "Superseded by the checkout work")
    ]


def test_review_buttons_only_answer_posts(pm_client, change_request):
    response = pm_client.get(
        f"/admin/tracking/changerequest/{change_request.pk}/review/"
    )

    assert response.status_code == 405


def test_staff_who_may_only_view_cannot_review(client, change_request):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(codename="view_changerequest")
    )
    client.force_login(viewer)

    response = review(client, change_request, "submit")

    change_request.refresh_from_db()
    assert response.status_code == 403
    assert change_request.status == ChangeStatus.DRAFT


def test_comment_added_on_the_page_is_kept_with_its_author(
    approver_client, approver, change_request
):
    response = approver_client.post(
        f"/admin/tracking/changerequest/{change_request.pk}/change/",
        {
            "title": "Track carts",
            "description": "",
            **inline("comments", [{"body": "Which screen fires it?"}]),
        },
    )

    assert response.status_code == 302
    assert [(c.author, c.body) for c in change_request.comments.all()] == [
        (approver, "Which screen fires it?")
    ]


def test_earlier_comments_are_shown_read_only(approver_client, pm, change_request):
    change_request.comments.create(author=pm, body="First pass done")

    html = approver_client.get(
        f"/admin/tracking/changerequest/{change_request.pk}/change/"
    ).content.decode()

    assert "First pass done" in html
    assert 'name="comments-0-body"' not in html
    assert 'name="comments-1-body"' in html


def test_page_shows_the_draft_changes_since_the_latest_version(
    pm_client, pm, change_request, clean_plan
):
    publish_version(clean_plan, author=pm)
    clean_plan.events.get().delete()
    EventFactory(plan=clean_plan, key="Order Paid")

    response = pm_client.get(
        f"/admin/tracking/changerequest/{change_request.pk}/change/"
    )

    assert response.context["diff_title"] == "Changes in the draft since version 1.0.0"
    assert [(g.key, g.is_breaking) for g in response.context["diff"].groups][:2] == [
        ("Cart Viewed", True),
        ("Order Paid", False),
    ]
    assert '<span class="tpg-badge tpg-badge--danger">breaking</span>' in (
        response.content.decode()
    )


def test_page_shows_the_whole_draft_when_nothing_was_published(
    pm_client, change_request
):
    response = pm_client.get(
        f"/admin/tracking/changerequest/{change_request.pk}/change/"
    )

    assert response.context["diff_title"] == (
        "Contents of the draft (no version published yet)"
    )
    assert [g.key for g in response.context["diff"].groups] == [
        "Cart Viewed",
        "cart_id",
    ]


def test_published_change_request_shows_what_it_published(
    pm_client, pm, approver, change_request, clean_plan
):
    submit_for_review(change_request, by=pm)
    review_client = Client()
    review_client.force_login(approver)
    review(review_client, change_request, "approve")
    change_request.refresh_from_db()
    publish_version(clean_plan, author=pm, change_request=change_request)
    EventFactory(plan=clean_plan, key="Order Paid")

    response = pm_client.get(
        f"/admin/tracking/changerequest/{change_request.pk}/change/"
    )

    assert response.context["diff_title"] == "Changes published as version 1.0.0"
    assert [g.key for g in response.context["diff"].groups] == [
        "Cart Viewed",
        "cart_id",
    ]


def test_publishing_a_draft_changed_since_approval_is_refused(
    pm_client, pm, approver_client, change_request, clean_plan
):
    clean_plan.requires_approval = True
    clean_plan.save()
    submit_for_review(change_request, by=pm)
    review(approver_client, change_request, "approve")
    EventFactory(plan=clean_plan, key="Order Paid")

    response = pm_client.post(
        f"/admin/tracking/planversion/publish/{clean_plan.pk}/",
        {"note": "", "change_request": str(change_request.pk)},
    )

    assert messages_of(response) == [
        "The draft changed after it was approved; ask for another review."
    ]
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("page", ["", "add/", "{pk}/change/"])
def test_every_change_request_page_renders(pm_client, change_request, page, language):
    url = "/admin/tracking/changerequest/" + page.format(pk=change_request.pk)

    response = pm_client.get(url, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    if language == "zh-hans":
        assert "变更请求" in response.content.decode()
