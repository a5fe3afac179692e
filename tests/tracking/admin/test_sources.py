"""Write-key rotation from the source admin: confirm first, then show the new key once."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from tests.factories import SourceFactory, UserFactory


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
