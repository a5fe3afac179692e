"""Pass 3 of the metric checks on the demo plan: dependencies against accumulated live data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance.metric_liveness import metric_liveness
from governance.models import LastSeen, ObservedType

pytestmark = pytest.mark.django_db

NOW = timezone.now()


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


def _codes(report, key):
    return [(f.code, f.path) for f in report[key]]


def test_a_metric_whose_event_is_seen_lately_has_no_finding(demo_plan):
    _seen(demo_plan, "App Opened", ago=timedelta(hours=1))

    report = metric_liveness(demo_plan, now=NOW)

    assert _codes(report, "app_open_cnt") == []


def test_an_event_not_seen_for_a_week_or_never_is_reported(demo_plan):
    _seen(demo_plan, "App Opened", ago=timedelta(days=8))

    report = metric_liveness(demo_plan, now=NOW)

    assert _codes(report, "app_open_cnt") == [
        ("dependency_not_seen", "events.App Opened")
    ]
    assert ("dependency_not_seen", "events.Order Completed") in _codes(
        report, "pay_amount"
    )


def test_a_measure_arriving_as_text_too_often_is_reported(demo_plan):
    _seen(demo_plan, "Order Completed", ago=timedelta(minutes=5))
    _types(demo_plan, "Order Completed", "total", number=90, integer=5, string=5)

    report = metric_liveness(demo_plan, now=NOW)

    assert _codes(report, "pay_amount") == [
        ("measure_type_drift", "events.Order Completed.total")
    ]


def test_integers_count_as_numbers_for_a_number_measure(demo_plan):
    _seen(demo_plan, "Order Completed", ago=timedelta(minutes=5))
    _types(demo_plan, "Order Completed", "total", number=60, integer=40)

    assert _codes(metric_liveness(demo_plan, now=NOW), "pay_amount") == []


def test_the_command_exits_1_on_warnings_and_2_for_an_unknown_plan(demo_plan, capsys):
    with pytest.raises(SystemExit) as warned:
        call_command("check_metrics_live", demo_plan.key)
    assert warned.value.code == 1
    assert "app_open_cnt: dependency_not_seen" in capsys.readouterr().out
    with pytest.raises(CommandError) as unknown:
        call_command("check_metrics_live", "no-such-plan")
    assert unknown.value.returncode == 2
