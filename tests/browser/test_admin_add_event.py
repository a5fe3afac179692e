"""A PM adds an event with a property in a real browser, through the select2 autocomplete."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.factories import PlanFactory, PropertyFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pm_adds_an_event_with_a_property_and_finds_it_in_the_list(live_server, page):
    user = UserFactory(username="pm", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="tracking")
    )
    plan = PlanFactory(key="shop-app", name="Shop App")
    PropertyFactory(plan=plan, key="product_id")
    PropertyFactory(plan=plan, key="price", type="number")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "pm")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/tracking/event/add/")
    page.select_option("#id_plan", label="Shop App")
    page.fill("#id_key", "Product Viewed")
    page.fill("#id_display_name", "商品浏览")
    page.click("#attachments-group .add-row a")
    page.click("#attachments-0 .select2-selection")
    page.fill(".select2-search__field", "product")
    page.click(".select2-results__option >> text=product_id")
    page.check("#id_attachments-0-required")
    page.click("input[name=_save]")

    expect(page.locator(".messagelist .success")).to_contain_text("Product Viewed")
    row = page.locator("#result_list tbody tr", has_text="Product Viewed")
    expect(row).to_contain_text("商品浏览")
    expect(row.locator("td.field-property_count")).to_have_text("1")
