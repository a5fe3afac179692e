"""API tokens and plan members in the admin: a token is shown once, kept as a digest, revocable."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory
from tracking.models import ApiToken, PlanMembership, issue_token
from tracking.models.tokens import token_digest


def test_adding_a_token_shows_it_once_and_keeps_its_digest(pm_client, pm):
    response = pm_client.post(
        "/admin/tracking/apitoken/add/",
        {
            "user": pm.pk,
            "name": "CI on shop-ios",
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )

    row = ApiToken.objects.get()
    shown = re.search(r"<code>(tpg_[^<]+)</code>", response.content.decode()).group(1)
    assert token_digest(shown) == row.digest
    assert shown.startswith(row.prefix)
    # Shown once: neither the token's page nor the list repeats it.
    for page in (f"{row.pk}/change/", ""):
        html = pm_client.get(f"/admin/tracking/apitoken/{page}").content.decode()
        assert shown not in html


def test_a_staff_member_without_admin_rights_issues_tokens_only_for_themselves(
    client, db
):
    staff = UserFactory(username="staff-engineer", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["add_apitoken", "view_apitoken"])
    )
    issue_token(UserFactory(), name="someone else's")
    client.force_login(staff)

    client.post("/admin/tracking/apitoken/add/", {"name": "mine"})

    assert list(
        ApiToken.objects.filter(name="mine").values_list("user__username", flat=True)
    ) == ["staff-engineer"]
    listing = client.get("/admin/tracking/apitoken/").content.decode()
    assert "someone else" not in listing


def test_revoke_action_stops_the_selected_tokens(pm_client, pm):
    token, _raw = issue_token(pm, name="ci")

    pm_client.post(
        "/admin/tracking/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("model", ["apitoken", "planmembership"])
def test_token_and_member_pages_render(pm_client, pm, plan, model, language):
    rows = {
        "apitoken": issue_token(pm, name="ci")[0],
        "planmembership": PlanMembership.objects.create(plan=plan, user=pm),
    }

    for page in ("", "add/", f"{rows[model].pk}/change/"):
        response = pm_client.get(
            f"/admin/tracking/{model}/{page}", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 200, page
