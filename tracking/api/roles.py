"""The five roles, as Django groups named for what their holders do, and their permissions.

A role says what a user may do; `PlanMembership` rows say on which plans (see
`tracking.models.members`). The API checks the model permissions these groups carry, so a staff
user granted the same permissions directly (as PMs are in the admin) is treated alike.

The migration that created the groups froze this table as it stood; when it changes, add a
migration or run `manage.py ensure_roles`. A test compares the migrated groups with this table.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

VIEWER = "viewer"
ENGINEER = "engineer"
EDITOR = "editor"
APPROVER = "approver"
ADMIN = "admin"

_REGISTRY = (
    "trackingplan",
    "source",
    "event",
    "eventproperty",
    "property",
    "propertygroup",
    "groupproperty",
    "commonproperty",
    "tag",
)
# Metric definitions and the glossary they use: plan rows like the registry's, edited alike.
_METRICS = ("metric", "glossaryterm", "modifier", "timeperiod")
# Rows of the working draft an editor adds, changes and deletes (plans themselves: admin only).
_EDITED = (*(m for m in _REGISTRY if m != "trackingplan"), *_METRICS)
_REVIEW = ("planversion", "changerequest", "reviewcomment")

# Dependency rows are derived on every save of a metric: read by all, written by nobody.
_DERIVED = ("metricdependency",)

_VIEW = frozenset(f"view_{m}" for m in (*_REGISTRY, *_METRICS, *_DERIVED, *_REVIEW))
_TOKENS = frozenset({"add_apitoken", "view_apitoken", "delete_apitoken"})

# Codenames of the tracking app's permissions per role; None means every one of them.
# Approving (or requesting changes on) a change request needs `approve_changerequest`, which
# only approvers and admins hold: editors request publishing, approvers decide.
ROLES: dict[str, frozenset[str] | None] = {
    VIEWER: _VIEW,
    ENGINEER: _VIEW | _TOKENS,
    EDITOR: _VIEW
    | _TOKENS
    | {f"{action}_{m}" for m in _EDITED for action in ("add", "change", "delete")}
    | {
        "change_trackingplan",
        "add_planversion",
        "add_changerequest",
        "change_changerequest",
        "add_reviewcomment",
    },
    APPROVER: _VIEW
    | _TOKENS
    | {"change_changerequest", "approve_changerequest", "add_reviewcomment"},
    ADMIN: None,
}


def role_permissions(role: str) -> list[Permission]:
    """The permission rows a role grants, as the table above describes them."""
    permissions = Permission.objects.filter(content_type__app_label="tracking")
    codenames = ROLES[role]
    if codenames is not None:
        permissions = permissions.filter(codename__in=codenames)
    return list(permissions)


@transaction.atomic
def ensure_roles() -> list[Group]:
    """Create the role groups if missing and set each one's permissions to the table's."""
    groups = []
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))
        groups.append(group)
    return groups
