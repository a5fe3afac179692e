"""Sources through the API: write keys in full only for roles that may see them; rotation."""

from __future__ import annotations

import pytest

from tests.factories import PlanFactory, SourceFactory
from tests.tracking.api.conftest import member

SOURCES = "/api/v1/plans/shop-app/sources"


@pytest.mark.parametrize(
    ("who", "sees_key"),
    [
        pytest.param("qa", False, id="viewer"),
        pytest.param("engineer", False, id="engineer"),
        pytest.param("approver", False, id="approver"),
        pytest.param("editor", True, id="editor"),
        pytest.param("plan_admin", True, id="admin"),
        pytest.param("admin_user", True, id="superuser"),
    ],
)
def test_write_key_is_masked_unless_the_role_may_see_it(
    request, as_user, plan, who, sees_key
):
    source = SourceFactory(plan=plan, write_key="wk_live_0123456789abcdef")
    user = member(request.getfixturevalue(who), plan)

    body = as_user(user).get(f"{SOURCES}/{source.pk}").json()

    expected = "wk_live_0123456789abcdef" if sees_key else "••••••••cdef"
    assert body["write_key"] == expected


def test_rotation_answers_the_new_key_and_the_old_one_is_gone(as_user, editor, plan):
    source = SourceFactory(plan=plan)
    old = source.write_key

    response = as_user(editor).post(f"{SOURCES}/{source.pk}/rotate-write-key")

    source.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["write_key"] == source.write_key != old
    assert source.write_key_rotated_at is not None


def test_write_key_cannot_be_set_by_the_caller(as_user, editor, plan):
    response = as_user(editor).post(
        SOURCES, {"name": "Shop iOS", "kind": "ios", "write_key": "chosen"}
    )

    assert response.status_code == 201
    assert response.json()["write_key"] != "chosen"


def test_rejects_a_name_taken_ignoring_case(as_user, editor, plan):
    SourceFactory(plan=plan, name="Shop iOS")

    response = as_user(editor).post(SOURCES, {"name": "shop ios", "kind": "ios"})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "non_field_errors": ["This plan already has a source with this name."]
    }


def test_editor_of_another_plan_cannot_rotate_its_keys(as_user, editor, plan):
    # A plan out of reach answers like a missing one, as everywhere in the API.
    source = SourceFactory(plan=PlanFactory(key="blog"))
    old = source.write_key

    response = as_user(editor).post(
        f"/api/v1/plans/blog/sources/{source.pk}/rotate-write-key"
    )

    source.refresh_from_db()
    assert (response.status_code, source.write_key) == (404, old)
    assert response.json()["error"]["code"] == "not_found"
