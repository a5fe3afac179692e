"""Write keys in the source admin: revealed and rotated only by the plan's editors and admins."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages

from tests.factories import PlanFactory, SourceFactory, UserFactory
from tracking.models import PlanMembership


def _staff(username: str, role: str, *, plans=()):
    """A staff user of the admin holding a role, a member of the given plans."""
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    for plan in plans:
        PlanMembership.objects.create(plan=plan, user=user)
    return user


def _reveal_url(source) -> str:
    return f"/admin/tracking/source/{source.pk}/write-key/"


def _rotate_url(source) -> str:
    return f"/admin/tracking/source/{source.pk}/rotate-write-key/"


def _pages(source) -> list[str]:
    """The admin pages showing the source's (masked) write key."""
    return [
        f"/admin/tracking/source/{source.pk}/change/",
        f"/admin/tracking/trackingplan/{source.plan_id}/change/",
        "/admin/tracking/source/",
    ]


@pytest.mark.parametrize("page", [0, 1], ids=["source-page", "plan-page"])
def test_editor_of_the_plan_is_offered_reveal_without_the_key_in_the_page(
    client, db, page
):
    source = SourceFactory()
    client.force_login(_staff("editor", "editor", plans=[source.plan]))

    response = client.get(_pages(source)[page])

    html = response.content.decode()
    assert f'<a class="tpg-reveal" href="{_reveal_url(source)}">Reveal</a>' in html
    assert '<button type="button" class="tpg-copy" hidden>Copy</button>' in html
    assert "tracking/js/write_key.js" in html
    assert f'<a class="tpg-rotate" href="{_rotate_url(source)}">Rotate…</a>' in html
    assert f"••••••••{source.write_key[-4:]}" in html
    assert source.write_key not in html


def test_owner_of_the_plan_with_the_editor_role_may_reveal(client, db):
    owner = _staff("owner", "editor")
    source = SourceFactory(plan=PlanFactory(owner=owner))
    client.force_login(owner)

    response = client.get(_reveal_url(source), HTTP_ACCEPT="application/json")

    assert response.json() == {"write_key": source.write_key}


def test_reveal_answers_the_page_script_with_the_key_never_to_be_stored(pm_client):
    source = SourceFactory()

    response = pm_client.get(_reveal_url(source), HTTP_ACCEPT="application/json")

    assert response.json() == {"write_key": source.write_key}
    assert "no-store" in response["Cache-Control"]


def test_reveal_link_without_javascript_opens_a_page_showing_the_key(pm_client):
    source = SourceFactory()

    response = pm_client.get(
        _reveal_url(source),
        HTTP_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f'<code class="tpg-secret">{source.write_key}</code>' in (
        response.content.decode()
    )


def test_reveal_controls_speak_chinese(pm_client):
    source = SourceFactory()

    html = pm_client.get(
        _pages(source)[0], HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert ">显示</a>" in html
    assert ">复制</button>" in html
    assert 'data-copied="已复制。"' in html


@pytest.mark.parametrize(
    "role",
    [
        pytest.param("viewer", id="viewer"),
        pytest.param("engineer", id="engineer"),
        pytest.param("approver", id="approver"),
    ],
)
def test_staff_who_may_not_change_sources_never_get_the_key(client, db, role):
    source = SourceFactory()
    client.force_login(_staff(role, role, plans=[source.plan]))

    revealed = client.get(_reveal_url(source), HTTP_ACCEPT="application/json")

    assert revealed.status_code == 403
    for url in _pages(source):
        html = client.get(url).content.decode()
        assert "tpg-reveal" not in html, url
        assert "tpg-rotate" not in html, url
        assert f"<code>••••••••{source.write_key[-4:]}</code>" in html, url
        assert source.write_key not in html, url


def test_editor_of_another_plan_finds_neither_the_source_nor_its_key(client, db):
    source = SourceFactory()
    client.force_login(_staff("editor", "editor", plans=[PlanFactory()]))

    revealed = client.get(_reveal_url(source), HTTP_ACCEPT="application/json")

    assert revealed.status_code == 404
    for url in _pages(source)[:2]:
        assert client.get(url).status_code == 404, url
    listed = client.get("/admin/tracking/source/").content.decode()
    assert f"••••••••{source.write_key[-4:]}" not in listed


@pytest.mark.parametrize("cast", ["qa", "engineer", "approver", "outsider"])
def test_users_outside_the_admin_are_sent_to_the_login_page(client, request, cast):
    client.force_login(request.getfixturevalue(cast))
    source = SourceFactory()

    response = client.get(_reveal_url(source), HTTP_ACCEPT="application/json")

    assert (response.status_code, response.url) == (
        302,
        f"/admin/login/?next={_reveal_url(source)}",
    )


def test_revealing_an_unknown_source_is_not_found(pm_client, db):
    response = pm_client.get("/admin/tracking/source/999999/write-key/")

    assert response.status_code == 404


def test_reveals_and_refusals_are_logged_without_the_key(client, pm, caplog):
    caplog.set_level(logging.INFO, logger="tracking.admin.sources")
    source = SourceFactory()
    viewer = _staff("viewer", "viewer", plans=[source.plan])

    client.force_login(pm)
    client.get(_reveal_url(source))
    client.force_login(viewer)
    client.get(_reveal_url(source))

    logged = [
        r.getMessage() for r in caplog.records if r.name == "tracking.admin.sources"
    ]
    assert logged == [
        f"admin.write_key_revealed source_id={source.pk} user_id={pm.pk}",
        f"admin.write_key_refused source_id={source.pk} user_id={viewer.pk}",
    ]


def test_rotation_page_asks_before_rotating(pm_client):
    source = SourceFactory()
    old_key = source.write_key

    response = pm_client.get(f"/admin/tracking/source/{source.pk}/rotate-write-key/")

    source.refresh_from_db()
    assert source.write_key == old_key
    assert response.context["title"] == "Rotate write keys?"
    assert old_key not in response.content.decode()


def test_rotating_replaces_the_key_and_shows_the_new_one(pm_client):
    source = SourceFactory()
    old_key = source.write_key

    response = pm_client.post(
        f"/admin/tracking/source/{source.pk}/rotate-write-key/", {"confirm": "yes"}
    )

    source.refresh_from_db()
    assert source.write_key != old_key
    assert source.write_key_rotated_at is not None
    assert response.context["rotated"] == [(source, source.write_key)]
    assert f'<code class="tpg-secret">{source.write_key}</code>' in (
        response.content.decode()
    )


def test_rotate_action_rotates_only_after_confirmation(pm_client):
    chosen, other = SourceFactory(), SourceFactory()
    keys = (chosen.write_key, other.write_key)
    selection = {"action": "rotate_write_keys", "_selected_action": [str(chosen.pk)]}

    asked = pm_client.post("/admin/tracking/source/", selection)
    chosen.refresh_from_db()
    assert (asked.context["title"], chosen.write_key) == ("Rotate write keys?", keys[0])

    pm_client.post("/admin/tracking/source/", {**selection, "confirm": "yes"})

    chosen.refresh_from_db()
    other.refresh_from_db()
    assert chosen.write_key != keys[0]
    assert other.write_key == keys[1]


def test_staff_who_may_only_view_sources_cannot_rotate_a_key(client, db):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(viewer)
    source = SourceFactory()
    old_key = source.write_key

    response = client.post(
        f"/admin/tracking/source/{source.pk}/rotate-write-key/", {"confirm": "yes"}
    )

    source.refresh_from_db()
    assert (response.status_code, source.write_key) == (403, old_key)


@pytest.mark.parametrize("method", ["get", "post"])
def test_editor_of_another_plan_cannot_rotate_the_key(client, db, method):
    source = SourceFactory()
    old_key = source.write_key
    client.force_login(_staff("editor", "editor", plans=[PlanFactory()]))

    response = getattr(client, method)(_rotate_url(source), {"confirm": "yes"})

    source.refresh_from_db()
    assert (response.status_code, source.write_key) == (404, old_key)


def test_editor_of_the_plan_rotates_and_sees_the_new_key_once(client, db):
    source = SourceFactory()
    old_key = source.write_key
    client.force_login(_staff("editor", "editor", plans=[source.plan]))

    rotated = client.post(_rotate_url(source), {"confirm": "yes"}).content.decode()

    source.refresh_from_db()
    assert source.write_key != old_key
    assert rotated.count(source.write_key) == 1
    for url in [*_pages(source), _rotate_url(source)]:
        assert source.write_key not in client.get(url).content.decode(), url


def test_changelist_offers_rotate_only_on_the_editors_own_plans_sources(client, db):
    own, foreign = SourceFactory(), SourceFactory()
    client.force_login(_staff("editor", "editor", plans=[own.plan]))

    html = client.get("/admin/tracking/source/").content.decode()

    assert f'href="{_rotate_url(own)}"' in html
    assert f'href="{_rotate_url(foreign)}"' not in html
    assert f"••••••••{foreign.write_key[-4:]}" not in html


def _rotate_action(client, sources, *, confirm: bool):
    data = {
        "action": "rotate_write_keys",
        "_selected_action": [str(source.pk) for source in sources],
    }
    return client.post(
        "/admin/tracking/source/", {**data, "confirm": "yes"} if confirm else data
    )


def test_rotate_action_over_two_plans_rotates_only_the_editors_plan(client, db):
    own = SourceFactory(name="Web", kind="web")
    foreign = SourceFactory(name="Shop iOS", kind="ios")
    keys = (own.write_key, foreign.write_key)
    client.force_login(_staff("editor", "editor", plans=[own.plan]))

    asked = _rotate_action(client, [own, foreign], confirm=False)
    done = _rotate_action(client, [own, foreign], confirm=True)

    own.refresh_from_db()
    foreign.refresh_from_db()
    assert [source for source, _masked in asked.context["pending"]] == [own]
    assert asked.context["hidden"][-1:] == [("_selected_action", str(own.pk))]
    assert done.context["rotated"] == [(own, own.write_key)]
    assert own.write_key != keys[0]
    assert foreign.write_key == keys[1]
    assert "Shop iOS" not in asked.content.decode() + done.content.decode()


def test_rotate_action_on_another_plans_source_changes_nothing(client, db):
    source = SourceFactory(name="Web", kind="web")
    old_key = source.write_key
    client.force_login(_staff("editor", "editor", plans=[PlanFactory()]))

    response = _rotate_action(client, [source], confirm=True)

    source.refresh_from_db()
    assert (response.status_code, response.url) == (302, "/admin/tracking/source/")
    assert source.write_key == old_key
    assert [str(m) for m in get_messages(response.wsgi_request)] == []
