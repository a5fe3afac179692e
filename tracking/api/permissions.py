"""Role permissions: every API call needs the model permission its role grants, reads included.

Views name their model in `queryset` (never narrowed at class level) and may map custom actions
to permissions in `action_permissions`. The check never loads plan rows, so a caller without the
role gets 403 before plan scoping could answer 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_ACTION_BY_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}
WRITE_KEY_PERMISSION = "tracking.change_source"


def may_see_write_keys(user: User | AnonymousUser) -> bool:
    """Editors, admins and superusers see sources' write keys; others see them masked."""
    return user.has_perm(WRITE_KEY_PERMISSION)


def caller(request: Request) -> User:
    """The signed-in user making the call.

    `RolePermissions` refuses anonymous calls before any view runs, so the refusal here is
    only reached by a view that forgot its permission classes.
    """
    user = request.user
    if isinstance(user, AnonymousUser):
        raise NotAuthenticated
    return user


def required_permissions(request: Request, view: APIView) -> list[str]:
    """The permissions the call needs: from `action_permissions`, else by HTTP method."""
    action = getattr(view, "action", None)
    by_action: dict[str, list[str]] = getattr(view, "action_permissions", {})
    if action in by_action:
        return by_action[action]
    verb = _ACTION_BY_METHOD.get(request.method or "")
    if verb is None:
        return []  # OPTIONS: the description of the endpoint
    # Every view checked here names its model in `queryset` (see the module's docstring).
    opts = view.queryset.model._meta  # type: ignore[attr-defined]
    return [f"{opts.app_label}.{verb}_{opts.model_name}"]


class RolePermissions(BasePermission):
    """The caller is logged in and their role grants what the call needs."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.has_perms(required_permissions(request, view))
