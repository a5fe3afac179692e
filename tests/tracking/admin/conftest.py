"""Fixtures for the admin tests: a logged-in PM's client and a plan to work in."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PlanFactory


@pytest.fixture
def pm_client(client: Client, pm) -> Client:
    client.force_login(pm)
    return client


@pytest.fixture
def plan(db):
    """A plan with the default conventions: events "Object Action", properties snake_case."""
    return PlanFactory(key="shop-app", name="Shop App")
