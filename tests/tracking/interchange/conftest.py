"""The demo plan's snapshot for the interchange tests, loaded once per module."""

from __future__ import annotations

import pytest
from django.db import transaction

from tracking.demo import load_demo_plan
from tracking.snapshot import PlanSnapshot, take_snapshot


@pytest.fixture(scope="module")
def demo_snapshot(django_db_setup, django_db_blocker) -> PlanSnapshot:
    """The demo plan's snapshot; the rows written to take it are rolled back.

    Tests using it carry `django_db`: pytest-django creates the test database only when a
    collected test asks for it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        snapshot = take_snapshot(load_demo_plan())
        transaction.set_rollback(True)
    return snapshot
