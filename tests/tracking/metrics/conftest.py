"""A stored shop plan for the tests that save, delete and deprecate through the database."""

from __future__ import annotations

import pytest

from tests.factories import (
    CommonPropertyFactory,
    EventFactory,
    EventPropertyFactory,
    ModifierFactory,
    PlanFactory,
    PropertyFactory,
    TimePeriodFactory,
)
from tracking.metrics.store import save_metric
from tracking.models import Metric

CALIBER = "Every foreground start of the app, counted once per event."


@pytest.fixture
def shop(db):
    plan = PlanFactory(key="shop")
    CommonPropertyFactory(plan=plan, property=PropertyFactory(plan=plan, key="user_id"))
    channel = PropertyFactory(plan=plan, key="channel", enum=["organic", "seo", "paid"])
    total = PropertyFactory(plan=plan, key="total", type="number")
    region = PropertyFactory(plan=plan, key="shipping_region", type="object")
    PropertyFactory(plan=plan, parent=region, key="province", enum=["浙江省", "广东省"])
    opened = EventFactory(plan=plan, key="App Opened", display_name="应用启动")
    EventPropertyFactory(event=opened, property=channel)
    completed = EventFactory(plan=plan, key="Order Completed", display_name="支付成功")
    EventPropertyFactory(event=completed, property=total)
    EventPropertyFactory(event=completed, property=region)
    TimePeriodFactory(plan=plan, key="30d")
    ModifierFactory(plan=plan, key="organic")
    return plan


@pytest.fixture
def make(shop, pm):
    """Save a metric of the shop plan through `save_metric`, owned by the PM."""

    def make(key: str, kind: str, definition: dict, **fields) -> Metric:
        values = {
            "name_zh": key,
            "name_en": key,
            "caliber": CALIBER,
            "category": "traffic",
            **fields,
        }
        metric = Metric(
            plan=shop, key=key, kind=kind, definition=definition, owner=pm, **values
        )
        save_metric(metric, by=pm)
        return metric

    return make
