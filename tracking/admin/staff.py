"""The signed-in user an admin request acts as."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def staff_user(request: HttpRequest) -> User:
    """The request's user, who authors what the admin records.

    The admin site serves only signed-in staff, so an anonymous user here means a view was
    reached around it: PermissionDenied.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
