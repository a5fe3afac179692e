"""Fixtures for the API tests: a plan the cast are members of, and clients acting as them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PlanFactory, UserFactory
from tracking.models import PlanMembership


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache; user ids repeat between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plan(db):
    """Shop App, default conventions: events "Object Action", properties snake_case."""
    return PlanFactory(key="shop-app", name="Shop App")


def member(user, plan):
    PlanMembership.objects.get_or_create(user=user, plan=plan)
    return user


@pytest.fixture
def editor(db, plan):
    """A PM in the editor role, member of the plan."""
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="editor"))
    return member(user, plan)


@pytest.fixture
def plan_admin(db):
    """The admin role: every permission, every plan, without being a superuser."""
    user = UserFactory(username="plan-admin")
    user.groups.add(Group.objects.get(name="admin"))
    return user


@pytest.fixture
def viewer(qa, plan):
    """QA (viewer role), member of the plan."""
    return member(qa, plan)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def as_user(api):
    """`as_user(user)`: the API client, logged in as the user (or anonymous for None)."""

    def login(user):
        api.force_authenticate(user)
        return api

    return login
