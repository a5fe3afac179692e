"""Shared fixtures: the named cast of users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import translation

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


def _with_role(username: str, role: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def approver(db):
    """Reviews and approves change requests (the approver role); not staff."""
    return _with_role("approver", "approver")


@pytest.fixture
def engineer(db):
    """Pulls the plan through the API and manages their own tokens (the engineer role)."""
    return _with_role("engineer", "engineer")


@pytest.fixture
def qa(db):
    """Reads plans and reports (the viewer role)."""
    return _with_role("qa", "viewer")


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request in Chinese must not leave Chinese active for the next test in the worker."""
    yield
    translation.activate("en")


@pytest.fixture(scope="session", autouse=True)
def _migrated_rows_outlive_the_session(
    django_db_setup, django_db_blocker
) -> Iterator[None]:
    """Put back what migrations wrote once the last test's flush has removed it.

    TRICKY: with --reuse-db the next session keeps this database; unit tests expect the rows
    data migrations create, and a flush after a transactional test deletes them.
    """
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)
