"""An editor reveals and copies a source's write key on the plan's page in a real browser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from tests.factories import PlanFactory, SourceFactory, UserFactory
from tracking.models import PlanMembership, Source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _editor_with_a_source() -> Source:
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    plan = PlanFactory(key="shop-app", name="Shop App")
    PlanMembership.objects.create(plan=plan, user=user)
    SourceFactory(plan=plan, name="Android")
    return SourceFactory(plan=plan, name="Web")


def _log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")


def test_editor_reveals_a_write_key_and_copies_it_to_the_clipboard(live_server, page):
    source = _editor_with_a_source()
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/tracking/trackingplan/{source.plan_id}/change/")
    # Rows follow the sources' names: Android, then Web.
    row = page.locator("#sources-1")
    expect(row.locator(".tpg-write-key code")).to_have_text(
        f"••••••••{source.write_key[-4:]}"
    )
    expect(row.locator(".tpg-copy")).to_be_hidden()

    row.locator(".tpg-reveal").click()

    expect(row.locator(".tpg-write-key code")).to_have_text(source.write_key)
    expect(row.locator(".tpg-reveal")).to_be_hidden()
    # The other source's key stays masked.
    expect(page.locator("#sources-0 .tpg-write-key code")).to_have_text(
        "••••••••" + Source.objects.get(name="Android").write_key[-4:]
    )

    row.locator(".tpg-copy").click()

    expect(row.locator(".tpg-write-key-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == source.write_key


def test_without_the_clipboard_api_copy_selects_the_key(live_server, page):
    source = _editor_with_a_source()
    # As on a plain-HTTP origin, where browsers offer no navigator.clipboard.
    page.add_init_script("delete Navigator.prototype.clipboard;")
    _log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/tracking/source/{source.pk}/change/")

    page.click(".tpg-reveal")
    expect(page.locator(".tpg-write-key code")).to_have_text(source.write_key)
    page.click(".tpg-copy")

    assert page.evaluate("window.getSelection().toString()") == source.write_key
    expect(page.locator(".tpg-write-key-status")).to_have_text("Copied.")


def test_without_javascript_reveal_opens_a_page_showing_the_key(live_server, page):
    source = _editor_with_a_source()
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    plain = context.new_page()
    _log_in(plain, live_server.url)
    plain.goto(f"{live_server.url}/admin/tracking/source/{source.pk}/change/")

    plain.click(".tpg-reveal")

    expect(plain.locator("code.tpg-secret")).to_have_text(source.write_key)
    context.close()
