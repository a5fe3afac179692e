"""The role groups: created by the migration exactly as the role table says, kept in line by a command."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from tracking.api.roles import (
    ADMIN,
    APPROVER,
    EDITOR,
    ENGINEER,
    ROLES,
    VIEWER,
    role_permissions,
)


def _codenames(group: Group) -> set[str]:
    return set(group.permissions.values_list("codename", flat=True))


@pytest.mark.parametrize("role", list(ROLES))
def test_migrated_group_holds_exactly_the_role_tables_permissions(db, role):
    group = Group.objects.get(name=role)

    assert _codenames(group) == {p.codename for p in role_permissions(role)}


def test_every_permission_the_role_table_names_exists(db):
    existing = set(
        Permission.objects.filter(content_type__app_label="tracking").values_list(
            "codename", flat=True
        )
    )

    named = set().union(*(codenames for codenames in ROLES.values() if codenames))

    assert named - existing == set()


def test_viewer_reads_but_never_writes(db):
    codenames = _codenames(Group.objects.get(name=VIEWER))

    assert codenames and all(c.startswith("view_") for c in codenames)


def test_editor_may_not_create_or_delete_plans_but_admin_may(db):
    editor = _codenames(Group.objects.get(name=EDITOR))
    admin = _codenames(Group.objects.get(name=ADMIN))

    assert {
        "add_trackingplan",
        "delete_trackingplan",
        "see_all_plans",
    } & editor == set()
    assert {"add_trackingplan", "delete_trackingplan", "see_all_plans"} <= admin


def test_ensure_roles_restores_a_lost_group_and_a_removed_permission(db):
    Group.objects.get(name=VIEWER).delete()
    editor = Group.objects.get(name=EDITOR)
    editor.permissions.remove(Permission.objects.get(codename="change_event"))

    call_command("ensure_roles", stdout=None)

    assert _codenames(Group.objects.get(name=VIEWER)) == {
        p.codename for p in role_permissions(VIEWER)
    }
    assert "change_event" in _codenames(Group.objects.get(name=EDITOR))


_METRIC_MODELS = ("metric", "glossaryterm", "modifier", "timeperiod")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(VIEWER, {"view"}, id="viewer"),
        pytest.param(ENGINEER, {"view"}, id="engineer"),
        pytest.param(APPROVER, {"view"}, id="approver"),
        pytest.param(EDITOR, {"view", "add", "change", "delete"}, id="editor"),
        pytest.param(ADMIN, {"view", "add", "change", "delete"}, id="admin"),
    ],
)
def test_migrated_roles_grant_metrics_and_glossary_as_the_registry(db, role, expected):
    codenames = _codenames(Group.objects.get(name=role))

    for model in _METRIC_MODELS:
        granted = {c.split("_", 1)[0] for c in codenames if c.endswith(f"_{model}")}
        assert granted == expected, model


@pytest.mark.parametrize("role", [VIEWER, ENGINEER, APPROVER, EDITOR])
def test_dependency_rows_are_read_but_written_only_by_saving_a_metric(db, role):
    codenames = _codenames(Group.objects.get(name=role))

    assert {c for c in codenames if c.endswith("_metricdependency")} == {
        "view_metricdependency"
    }
