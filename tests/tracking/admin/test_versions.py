"""Publishing from the admin (the confirm page) and the read-only version pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.utils import translation

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    PropertyFactory,
    UserFactory,
)
from tracking.models import PlanVersion, PrivacyClass
from tracking.publishing import publish_version


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """LocaleMiddleware leaves the language of a request active; reset it to English."""
    yield
    translation.deactivate()


BREAKING_BADGE = '<span class="tpg-badge tpg-badge--danger">breaking</span>'


@pytest.fixture
def clean_plan(plan):
    """The admin tests' plan with one event that passes every plan check."""
    event = EventFactory(plan=plan, key="Cart Viewed")
    EventPropertyFactory(event=event, property__key="cart_id")
    return plan


def publish_url(plan) -> str:
    return f"/admin/tracking/planversion/publish/{plan.pk}/"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_plan_page_links_to_the_publish_page(pm_client, clean_plan):
    html = pm_client.get(
        f"/admin/tracking/trackingplan/{clean_plan.pk}/change/"
    ).content.decode()

    assert f'<a href="{publish_url(clean_plan)}">Publish…</a>' in html


def test_pm_publishes_the_first_version_through_the_confirm_page(
    pm_client, pm, clean_plan
):
    page = pm_client.get(publish_url(clean_plan))
    assert (page.context["preview"].previous, page.context["preview"].number) == (
        None,
        "1.0.0",
    )
    assert "Publish version 1.0.0" in page.content.decode()

    response = pm_client.post(publish_url(clean_plan), {"note": "First cut"})

    version = PlanVersion.objects.get(plan=clean_plan)
    assert (version.number, version.author, version.note) == ("1.0.0", pm, "First cut")
    assert response.status_code == 302
    assert response.url == f"/admin/tracking/planversion/{version.pk}/change/"
    assert messages_of(response) == ["Published Shop App version 1.0.0."]


def test_confirm_page_lists_a_removed_event_first_as_breaking(
    pm_client, pm, clean_plan
):
    EventFactory(plan=clean_plan, key="Order Completed")
    publish_version(clean_plan, author=pm)
    clean_plan.events.get(key="Cart Viewed").delete()
    EventFactory(plan=clean_plan, key="Order Paid")

    response = pm_client.get(publish_url(clean_plan))

    diff = response.context["diff"]
    assert [(g.key, g.is_breaking) for g in diff.groups] == [
        ("Cart Viewed", True),
        ("Order Paid", False),
    ]
    assert diff.breaking == 1
    html = response.content.decode()
    assert BREAKING_BADGE in html
    assert "1 breaking change" in html
    assert "<code>Cart Viewed</code>" in html
    assert response.context["preview"].number == "2.0.0"


def test_publish_refused_by_plan_checks_lists_the_findings_and_creates_no_version(
    pm_client, clean_plan
):
    leak = PropertyFactory(
        plan=clean_plan, key="contact_mobile", privacy_class=PrivacyClass.NONE
    )

    page = pm_client.get(publish_url(clean_plan))
    response = pm_client.post(publish_url(clean_plan), {"note": ""})

    assert [(row.finding.code, row.url) for row in page.context["findings"]] == [
        ("property_looks_personal", f"/admin/tracking/property/{leak.pk}/change/")
    ]
    assert 'type="submit" class="default" value="Publish version 1.0.0" disabled' in (
        page.content.decode()
    )
    assert response.status_code == 200
    assert messages_of(response) == [
        "The plan checks report 1 error(s); fix them before publishing."
    ]
    assert not PlanVersion.objects.exists()


def test_publishing_an_unchanged_draft_says_there_is_nothing_to_publish(
    pm_client, pm, clean_plan
):
    publish_version(clean_plan, author=pm)

    page = pm_client.get(publish_url(clean_plan))
    response = pm_client.post(publish_url(clean_plan), {"note": "again"})

    assert "nothing to publish" in page.content.decode()
    assert messages_of(response) == ["The draft is identical to the latest version."]
    assert PlanVersion.objects.count() == 1


def test_plan_requiring_approval_is_not_published_without_a_change_request(
    pm_client, clean_plan
):
    clean_plan.requires_approval = True
    clean_plan.save()

    response = pm_client.post(publish_url(clean_plan), {"note": ""})

    assert messages_of(response) == [
        "This plan requires an approved change request before publishing."
    ]
    assert not PlanVersion.objects.exists()


def test_staff_without_the_add_version_permission_cannot_publish(client, clean_plan):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(viewer)

    assert client.get(publish_url(clean_plan)).status_code == 403
    assert client.post(publish_url(clean_plan)).status_code == 403
    assert not PlanVersion.objects.exists()


def test_version_page_shows_note_diff_and_counts(pm_client, pm, clean_plan):
    version = publish_version(clean_plan, author=pm, note="First cut")

    response = pm_client.get(f"/admin/tracking/planversion/{version.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "First cut" in html
    assert "This version holds 1 event · 1 property" in html
    assert [(g.object_label, g.key) for g in response.context["diff"].groups] == [
        ("event", "Cart Viewed"),
        ("property", "cart_id"),
    ]
    assert 'name="_save"' not in html


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("get", "add/", id="add"),
        pytest.param("post", "{pk}/change/", id="change"),
        pytest.param("post", "{pk}/delete/", id="delete"),
    ],
)
def test_versions_cannot_be_added_changed_or_deleted(
    pm_client, pm, clean_plan, method, path
):
    version = publish_version(clean_plan, author=pm, note="First cut")
    url = "/admin/tracking/planversion/" + path.format(pk=version.pk)

    response = getattr(pm_client, method)(url, {"note": "rewritten"})

    assert response.status_code == 403
    version.refresh_from_db()
    assert version.note == "First cut"


def test_version_list_badges_each_version_with_its_change_level(
    pm_client, pm, clean_plan
):
    EventFactory(plan=clean_plan, key="Order Completed")
    publish_version(clean_plan, author=pm)
    clean_plan.events.get(key="Order Completed").delete()
    publish_version(clean_plan, author=pm)
    EventFactory(plan=clean_plan, key="Order Paid")
    publish_version(clean_plan, author=pm)

    html = pm_client.get("/admin/tracking/planversion/").content.decode()

    numbers = re.findall(r'<th class="field-number"><a [^>]*>([^<]*)</a>', html)
    badges = re.findall(r'<td class="field-bump_badge">(.*?)</td>', html)
    assert list(zip(numbers, badges, strict=True))[:2] == [
        ("2.1.0", '<span class="tpg-badge tpg-badge--good">Minor (additive)</span>'),
        ("2.0.0", '<span class="tpg-badge tpg-badge--danger">Major (breaking)</span>'),
    ]


def test_publish_page_speaks_chinese(pm_client, clean_plan):
    html = pm_client.get(
        publish_url(clean_plan), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "最新版本" in html
    assert "下一个版本" in html
    assert "首个版本的内容" in html
    assert "发布版本 1.0.0" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("page", ["", "{pk}/change/"])
def test_every_version_page_renders(pm_client, pm, clean_plan, page, language):
    version = publish_version(clean_plan, author=pm)
    url = "/admin/tracking/planversion/" + page.format(pk=version.pk)

    response = pm_client.get(url, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    if language == "zh-hans":
        assert "方案版本" in response.content.decode()
