"""Shared fixtures: the named cast of users and the demo plan, loaded once and shared."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import translation

from tests.factories import UserFactory
from tracking.demo import load_demo_plan
from tracking.models import TrackingPlan
from tracking.snapshot import PlanSnapshot, take_snapshot


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


@pytest.fixture(scope="session", autouse=True)
def _startup_heap_frozen(django_db_setup) -> None:
    """Leave what imports, collection and migrations made out of later full collections.

    Migrating renders thousands of model classes, and every full collection of a worker
    scanned them again with the imported modules: about a tenth of a run's time went to
    collections. Thresholds are untouched, so tests of the collector pause still see
    collections when they would in production.
    """
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> PlanSnapshot:
    """The demo plan's snapshot, taken once per worker; the rows written for it are rolled back.

    A snapshot is frozen data, so every test may share it. Tests using it carry `django_db`:
    pytest-django creates the test database only when a collected test asks for it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        snapshot = take_snapshot(load_demo_plan())
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture(scope="module")
def _demo_loaded_for_module(django_db_setup, django_db_blocker) -> Iterator[int]:
    """The demo plan loaded once per module, in a transaction rolled back after its last test.

    Each test's `db` runs in a savepoint inside it, so what a test writes is undone before
    the next one. The database stays blocked between tests, as for any other module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        plan_pk = load_demo_plan().pk
        with django_db_blocker.block():
            yield plan_pk
        transaction.set_rollback(True)


@pytest.fixture
def demo_plan(_demo_loaded_for_module, db) -> TrackingPlan:
    """The demo plan as loaded, read afresh for each test; the test's writes are rolled back."""
    return TrackingPlan.objects.get(pk=_demo_loaded_for_module)
