"""Shared fixtures: the named cast of users."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.factories import UserFactory


@pytest.fixture
def pm(db):
    """A PM: staff, may add, change and view everything in the registry (not delete plans)."""
    user = UserFactory(username="pm", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="tracking").exclude(
            codename="delete_trackingplan"
        )
    )
    return user


@pytest.fixture
def outsider(db):
    """Someone with an account but no access to the admin."""
    return UserFactory(username="outsider")
