"""A PM builds a derived metric in a real browser and reads its explanation on the change page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    ModifierFactory,
    PlanFactory,
    PropertyFactory,
    TimePeriodFactory,
    UserFactory,
)
from tracking.metrics.store import save_metric
from tracking.models import Metric

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pm_builds_a_derived_metric_and_reads_its_explanation(live_server, page):
    user = UserFactory(username="pm", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="tracking")
    )
    plan = PlanFactory(key="shop-app", name="Shop App")
    opened = EventFactory(plan=plan, key="App Opened", display_name="应用启动")
    EventPropertyFactory(
        event=opened,
        property=PropertyFactory(plan=plan, key="channel", enum=["organic", "seo"]),
    )
    TimePeriodFactory(plan=plan, key="30d", name_zh="近30天", name_en="Last 30 days")
    ModifierFactory(
        plan=plan, key="organic", name_zh="自然流量", name_en="organic channels"
    )
    save_metric(
        Metric(
            plan=plan,
            key="app_open_cnt",
            name_zh="APP启动次数",
            name_en="App opens",
            kind="atomic",
            definition={"event": "App Opened", "agg": "count"},
            caliber="Every foreground start of the app, counted once per event.",
            category="traffic",
            owner=user,
        )
    )

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "pm")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/tracking/metric/add/")
    # Choosing the plan reloads the form with that plan's metrics, periods and qualifiers.
    page.select_option("#id_plan", label="Shop App")
    page.wait_for_url("**/add/?plan=*")
    expect(page.locator("fieldset.metric-kind-derived")).to_be_hidden()
    page.select_option("#id_kind", "derived")
    expect(page.locator("fieldset.metric-kind-derived")).to_be_visible()
    expect(page.locator("fieldset.metric-kind-atomic")).to_be_hidden()
    page.fill("#id_key", "app_open_cnt__organic__30d")
    page.fill("#id_name_zh", "近30天_自然流量_APP启动次数")
    page.fill("#id_name_en", "Organic app opens, last 30 days")
    page.select_option("#id_derived_base", "app_open_cnt")
    page.select_option("#id_derived_period", "30d")
    page.check("#id_derived_modifiers input[value=organic]")
    page.fill(
        "#id_caliber", "App starts from organic channels in the last 30 complete days."
    )
    page.select_option("#id_category", "traffic")
    page.click("input[name=_continue]")

    expect(page.locator(".messagelist .success")).to_contain_text(
        "app_open_cnt__organic__30d"
    )
    expect(page.locator(".metric-explanation-zh")).to_contain_text("近30天")
    expect(page.locator(".metric-explanation-zh")).to_contain_text("APP启动次数")
    expect(page.locator(".metric-explanation-en")).to_contain_text("App opens")
    expect(page.locator(".field-lineage_panel")).to_contain_text("App Opened")
