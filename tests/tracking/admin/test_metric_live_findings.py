"""The metric change page's checks panel: the live-data findings beside the definition's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.metric_liveness import metric_liveness
from governance.models import LastSeen, ObservedType
from tracking.metrics import live_findings
from tracking.models import Metric

NOW = timezone.now()
NO_PROBLEMS = "No problems found."
LIVE_TITLE = "From live data"
# The metric catalog (5), the draft's events and properties (10), last seen and types (1 each),
# whatever the plan's size.
LIVE_QUERIES = 17


@pytest.fixture
def no_provider(monkeypatch):
    """The registry on its own: no app has registered a live-findings provider."""
    monkeypatch.setattr(live_findings, "_providers", [])


def _seen(plan, event: str, *, ago: timedelta) -> None:
    LastSeen.objects.create(
        plan=plan,
        source=plan.sources.order_by("id").first(),
        message_type="track",
        event_name=event,
        first_seen=NOW - ago,
        last_seen=NOW - ago,
    )


def _types(plan, event: str, key: str, **counts: int) -> None:
    for json_type, count in counts.items():
        ObservedType.objects.create(
            plan=plan,
            event_name=event,
            path=f"/properties/{key}",
            json_type=json_type,
            count=count,
            first_seen=NOW,
            last_seen=NOW,
        )


def _page(client, plan, key: str, *, language: str = "en") -> str:
    metric = Metric.objects.get(plan=plan, key=key)
    response = client.get(
        f"/admin/tracking/metric/{metric.pk}/change/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_drifting_measure_shows_on_the_page_as_the_command_words_it(
    pm_client, demo_plan
):
    _seen(demo_plan, "Order Completed", ago=timedelta(minutes=5))
    _types(demo_plan, "Order Completed", "total", number=90, integer=5, string=5)
    [drift] = metric_liveness(demo_plan, now=NOW)["pay_amount"]

    page = _page(pm_client, demo_plan, "pay_amount")

    assert drift.code == "measure_type_drift"
    assert drift.message in page
    assert "<code>events.Order Completed.total</code>" in page
    assert LIVE_TITLE in page
    assert NO_PROBLEMS not in page


def test_an_event_never_seen_shows_as_a_live_warning_in_chinese(pm_client, demo_plan):
    page = _page(pm_client, demo_plan, "app_open_cnt", language="zh-hans")

    assert "实时数据中从未出现过“App Opened”。" in page
    assert "来自实时数据" in page
    assert "警告" in page
    assert "未发现问题。" not in page


def test_no_problems_found_when_neither_the_checks_nor_live_data_find_any(
    pm_client, demo_plan
):
    _seen(demo_plan, "App Opened", ago=timedelta(hours=1))

    page = _page(pm_client, demo_plan, "app_open_cnt")

    assert NO_PROBLEMS in page
    assert LIVE_TITLE not in page


def test_without_a_provider_the_page_shows_only_the_definitions_checks(
    pm_client, demo_plan, no_provider
):
    page = _page(pm_client, demo_plan, "app_open_cnt")

    assert live_findings.live_metric_findings(demo_plan) == {}
    assert NO_PROBLEMS in page
    assert LIVE_TITLE not in page


def test_live_findings_cost_a_fixed_number_of_queries_per_page(
    pm_client, demo_plan, monkeypatch, django_assert_num_queries
):
    with monkeypatch.context() as off:
        off.setattr(live_findings, "_providers", [])
        with CaptureQueriesContext(connection) as without_live:
            _page(pm_client, demo_plan, "pay_amount")
    with django_assert_num_queries(LIVE_QUERIES):
        live_findings.live_metric_findings(demo_plan)

    with django_assert_num_queries(len(without_live) + LIVE_QUERIES):
        _page(pm_client, demo_plan, "pay_amount")
