"""The demo plan's metric set: every kind, one north-star, valid, and traced both ways."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from tracking.demo import load_demo_plan
from tracking.errors import MetricDependencyError
from tracking.metrics.load import load_catalog
from tracking.metrics.queries import lineage, metrics_using
from tracking.metrics.semantics import check_catalog
from tracking.models import Event, GlossaryTerm, Metric, TrackingPlan
from tracking.snapshot import take_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _demo_loaded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_plan()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def plan(_demo_loaded_once, db) -> TrackingPlan:
    return TrackingPlan.objects.get(key="shop-app")


def test_demo_has_over_twenty_metrics_of_every_kind_category_and_stage(plan):
    metrics = list(plan.metrics.all())
    assert len(metrics) >= 20
    assert Counter(m.kind for m in metrics) == {
        "atomic": 13,
        "derived": 11,
        "composite": 4,
        "cumulative": 1,
        "conversion": 3,
    }
    assert {m.category for m in metrics} == {"traffic", "conversion", "business"}
    assert {m.aarrr_stage for m in metrics} == {
        "acquisition",
        "activation",
        "retention",
        "revenue",
        "referral",
    }


def test_most_metrics_are_online_and_a_few_drafts(plan):
    assert Counter(plan.metrics.values_list("lifecycle", flat=True)) == {
        "online": 28,
        "draft": 4,
    }


def test_exactly_one_north_star(plan):
    assert list(
        plan.metrics.filter(is_north_star=True).values_list("key", flat=True)
    ) == ["pay_amount__1d"]


def test_the_whole_catalog_has_no_finding(plan):
    assert check_catalog(take_snapshot(plan), load_catalog(plan)) == []


def test_dau_rests_on_app_opened_and_the_written_definition_of_active(plan):
    dau = plan.metrics.get(key="app_opener_uv__active_user__1d")
    found = lineage(dau)
    assert found.events == ("App Opened",)
    assert found.terms == ("active_user",)
    assert "user_id" in found.properties
    assert GlossaryTerm.objects.get(plan=plan, key="active_user").definition_text


def test_order_completed_is_used_by_the_purchase_rate_and_the_channel_roi(plan):
    users = metrics_using(plan.events.get(key="Order Completed"))
    assert {"purchase_cvr__1d", "channel_roi__30d", "pay_amount__mtd"} <= set(users)
    assert "app_opener_uv__active_user__1d" not in users


def test_the_roi_reaches_both_the_order_and_the_install_events(plan):
    found = lineage(plan.metrics.get(key="channel_roi__30d"))
    assert found.events == ("App Installed", "Order Completed")
    assert {"channel", "total", "acquisition_cost"} <= set(found.properties)


def test_deleting_app_opened_is_refused_while_online_metrics_use_it(plan):
    event = plan.events.get(key="App Opened")
    with pytest.raises(MetricDependencyError) as raised, transaction.atomic():
        event.delete()
    assert "app_opener_uv__active_user__1d" in raised.value.details["metrics"]
    assert Event.objects.filter(pk=event.pk).exists()


def test_reloading_saves_no_metric_again(plan):
    revisions = dict(plan.metrics.values_list("key", "updated_at"))
    load_demo_plan()
    assert dict(Metric.objects.filter(plan=plan).values_list("key", "updated_at")) == (
        revisions
    )
