"""Only a change request's author, or an admin, submits or withdraws it: domain, API and admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client

from tests.factories import UserFactory
from tests.tracking.api.conftest import member
from tracking.errors import NotTheAuthor
from tracking.models import ChangeRequest, ChangeStatus
from tracking.publishing import (
    may_act_as_author,
    open_change_request,
    submit_for_review,
    withdraw_change_request,
)

CR = "/api/v1/plans/shop-app/change-requests"


@pytest.fixture
def author(db, plan):
    """An editor who opened the change request."""
    user = UserFactory(username="author", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return member(user, plan)


@pytest.fixture
def colleague(editor):
    """Another editor of the same plan, staff so that the admin lets them in."""
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    return editor


@pytest.fixture
def draft(plan, author) -> ChangeRequest:
    return open_change_request(plan, author=author, title="Orders")


def _status(change_request: ChangeRequest) -> str:
    return ChangeRequest.objects.get(pk=change_request.pk).status


# Domain ---------------------------------------------------------------------------------------


def test_the_author_submits_and_withdraws(draft, author):
    assert submit_for_review(draft, by=author).status == ChangeStatus.IN_REVIEW
    assert withdraw_change_request(draft, by=author).status == ChangeStatus.WITHDRAWN
    assert _status(draft) == ChangeStatus.WITHDRAWN


def test_another_editor_can_neither_submit_nor_withdraw(draft, colleague):
    with pytest.raises(NotTheAuthor):
        submit_for_review(draft, by=colleague)
    with pytest.raises(NotTheAuthor):
        withdraw_change_request(draft, by=colleague)

    assert _status(draft) == ChangeStatus.DRAFT


@pytest.mark.parametrize("who", ["plan_admin", "admin_user"])
def test_an_admin_or_superuser_acts_for_the_author(request, draft, who):
    admin = request.getfixturevalue(who)

    submit_for_review(draft, by=admin)
    withdraw_change_request(draft, by=admin)

    assert _status(draft) == ChangeStatus.WITHDRAWN


def test_the_refusal_comes_before_the_status_check(draft, author, colleague):
    withdraw_change_request(draft, by=author)

    # Withdrawn: nobody may submit it, but a non-author hears that it is not theirs first.
    with pytest.raises(NotTheAuthor):
        submit_for_review(draft, by=colleague)


def test_who_may_act_as_author(draft, author, colleague, plan_admin, approver):
    assert [
        may_act_as_author(draft, user)
        for user in (author, colleague, plan_admin, approver)
    ] == [True, False, True, False]


# API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_api_refuses_another_editor_with_not_the_author(
    as_user, draft, colleague, action
):
    response = as_user(colleague).post(f"{CR}/{draft.pk}/{action}")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_the_author"
    assert _status(draft) == ChangeStatus.DRAFT


def test_api_lets_the_author_submit_then_withdraw(as_user, draft, author):
    api = as_user(author)

    submitted = api.post(f"{CR}/{draft.pk}/submit")
    withdrawn = api.post(f"{CR}/{draft.pk}/withdraw")

    assert (submitted.status_code, submitted.json()["status"]) == (200, "in_review")
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")


# Admin ----------------------------------------------------------------------------------------


def _page(client: Client, change_request: ChangeRequest) -> str:
    response = client.get(f"/admin/tracking/changerequest/{change_request.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_admin_shows_submit_and_withdraw_to_the_author_only(draft, author, colleague):
    pages = {}
    for user in (author, colleague):
        client = Client()
        client.force_login(user)
        pages[user.username] = _page(client, draft)

    assert [
        ('value="submit"' in page, 'value="withdraw"' in page)
        for page in pages.values()
    ] == [(True, True), (False, False)]


def test_admin_refuses_a_withdraw_posted_by_another_editor(draft, colleague):
    client = Client()
    client.force_login(colleague)

    response = client.post(
        f"/admin/tracking/changerequest/{draft.pk}/review/", {"action": "withdraw"}
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only the author of a change request, or an admin, can submit or withdraw it; "
        "reviewers approve it or request changes."
    ]
    assert _status(draft) == ChangeStatus.DRAFT
