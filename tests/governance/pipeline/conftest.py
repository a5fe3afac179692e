"""A small published plan with a source, and a fresh per-process plan cache for each test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance.pipeline.process import example_ledger
from governance.pipeline.validators import plan_cache
from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    PlanFactory,
    SourceFactory,
)
from tracking.models import PrivacyClass, PropertyType
from tracking.publishing import publish_version


@pytest.fixture(autouse=True)
def _fresh_plan_cache():
    """The worker's caches are per process: what one test compiled or learnt must not leak
    (ids are reused once a test's transaction is rolled back)."""
    plan_cache().clear()
    example_ledger().clear()
    yield
    plan_cache().clear()
    example_ledger().clear()


@pytest.fixture
def shop(db):
    """Plan "shop", published as 1.0.0: Order Completed (order_id, price, phone, note)."""
    plan = PlanFactory(key="shop", name="Shop")
    order = EventFactory(plan=plan, key="Order Completed")
    EventPropertyFactory(event=order, property__key="order_id", required=True)
    EventPropertyFactory(
        event=order,
        property__key="price",
        property__type=PropertyType.NUMBER,
        property__minimum=Decimal(0),
        required=True,
    )
    EventPropertyFactory(
        event=order,
        property__key="phone",
        property__privacy_class=PrivacyClass.PERSONAL,
        required=False,
    )
    EventPropertyFactory(event=order, property__key="note", required=False)
    publish_version(plan, author=None, note="First version")
    return plan


@pytest.fixture
def source(shop):
    return SourceFactory(plan=shop, name="iOS")
