"""What online metrics rest on cannot be deleted or deprecated; the refusal lists the metrics."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.factories import EventFactory, PlanFactory
from tracking.editing import deprecate_event
from tracking.errors import MetricDependencyError
from tracking.metrics.guard import refuse_removal
from tracking.metrics.store import save_metric
from tracking.models import Event, EventStatus, Metric, Property, TrackingPlan

APP_OPENS = {"event": "App Opened", "agg": "count"}
ORGANIC_30D = {"base": "app_open_cnt", "period": "30d", "modifiers": ["organic"]}


@pytest.fixture
def online(make):
    """An online atomic metric on App Opened and an online derived metric over it."""
    make("app_open_cnt", "atomic", APP_OPENS, lifecycle="online")
    make("app_open_cnt__organic__30d", "derived", ORGANIC_30D, lifecycle="online")


def test_deleting_an_event_online_metrics_use_is_refused_listing_them(shop, online):
    event = Event.objects.get(plan=shop, key="App Opened")
    # TRICKY: the refusal comes from inside Django's delete transaction, which it breaks; a
    # request boundary (here: a savepoint) is where callers recover.
    with pytest.raises(MetricDependencyError) as refused, transaction.atomic():
        event.delete()
    assert refused.value.code == "used_by_online_metrics"
    assert refused.value.details == {
        "target_type": "event",
        "key": "App Opened",
        "metrics": ["app_open_cnt", "app_open_cnt__organic__30d"],
    }
    assert refused.value.message == (
        "“App Opened” cannot be deleted: online metrics use it (app_open_cnt, "
        "app_open_cnt__organic__30d). Move them to another tracking point or take them "
        "offline first."
    )
    assert Event.objects.filter(plan=shop, key="App Opened").exists()


def test_deleting_through_a_queryset_is_refused_too(shop, online):
    with pytest.raises(MetricDependencyError), transaction.atomic():
        Event.objects.filter(plan=shop).delete()
    assert Event.objects.filter(plan=shop).count() == 2


def test_deprecating_an_event_online_metrics_use_is_refused(shop, online, pm):
    event = Event.objects.get(plan=shop, key="App Opened")
    with pytest.raises(MetricDependencyError) as refused:
        deprecate_event(event, by=pm)
    assert refused.value.details["metrics"] == [
        "app_open_cnt",
        "app_open_cnt__organic__30d",
    ]
    event.refresh_from_db()
    assert event.status == EventStatus.ACTIVE


def test_an_event_only_draft_metrics_use_can_be_deprecated_and_deleted(shop, make, pm):
    make("app_open_cnt", "atomic", APP_OPENS)
    event = Event.objects.get(plan=shop, key="App Opened")
    deprecate_event(event, by=pm)
    event.delete()
    assert not Event.objects.filter(plan=shop, key="App Opened").exists()


def test_an_event_no_metric_uses_can_be_deleted_while_others_are_used(shop, online):
    Event.objects.get(plan=shop, key="Order Completed").delete()
    assert list(Event.objects.filter(plan=shop).values_list("key", flat=True)) == [
        "App Opened"
    ]


def test_deleting_a_nested_field_an_online_metric_groups_by_is_refused(shop, make):
    make(
        "pay_amount",
        "atomic",
        {"event": "Order Completed", "agg": "sum", "measure": "total"},
        lifecycle="online",
        category="business",
    )
    make(
        "pay_amount__30d",
        "derived",
        {
            "base": "pay_amount",
            "period": "30d",
            "group_by": ["shipping_region.province"],
        },
        lifecycle="online",
        category="business",
    )
    province = Property.objects.get(plan=shop, key="province")
    with pytest.raises(MetricDependencyError) as refused, transaction.atomic():
        province.delete()
    assert refused.value.details == {
        "target_type": "property",
        "key": "shipping_region.province",
        "metrics": ["pay_amount__30d"],
    }


def test_deleting_a_metric_online_metrics_use_is_refused(shop, online):
    with pytest.raises(MetricDependencyError) as refused, transaction.atomic():
        Metric.objects.get(plan=shop, key="app_open_cnt").delete()
    assert refused.value.details["metrics"] == ["app_open_cnt__organic__30d"]
    Metric.objects.get(plan=shop, key="app_open_cnt__organic__30d").delete()


def test_checking_before_deleting_leaves_the_transaction_usable(shop, online):
    event = Event.objects.get(plan=shop, key="App Opened")
    with pytest.raises(MetricDependencyError):
        refuse_removal(event)
    assert Event.objects.filter(plan=shop).count() == 2


def test_deleting_the_whole_plan_takes_its_metrics_along(pm):
    plan = PlanFactory(key="gone")
    EventFactory(plan=plan, key="App Opened")
    metric = Metric(
        plan=plan,
        key="app_open_cnt",
        kind="atomic",
        definition={"event": "App Opened", "agg": "count"},
        caliber="Every foreground start of the app, once per event.",
        owner=pm,
        category="traffic",
        lifecycle="online",
    )
    save_metric(metric, by=pm)
    plan.delete()
    assert not TrackingPlan.objects.filter(key="gone").exists()
    assert not Metric.objects.exists()
