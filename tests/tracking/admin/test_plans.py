"""The plan admin: creating a plan with sources, and the plan-check panel on its page."""

from __future__ import annotations

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    PlanFactory,
    PropertyFactory,
)
from tests.tracking.admin.formdata import inline, plan_form
from tracking.models import CommonProperty, Source, TrackingPlan


def test_pm_creates_a_plan_with_a_source(pm_client):
    response = pm_client.post(
        "/admin/tracking/trackingplan/add/",
        plan_form(
            "shop-app",
            "Shop App",
            **inline("sources", [{"name": "iOS", "kind": "ios", "is_active": "on"}]),
        ),
    )

    assert response.status_code == 302
    plan = TrackingPlan.objects.get(key="shop-app")
    assert list(plan.sources.values_list("name", "kind")) == [("iOS", "ios")]


def test_plan_page_shows_check_findings_linked_to_their_objects(pm_client, plan):
    event = EventFactory(plan=plan, key="Cart Viewed", description="")
    EventPropertyFactory(event=event, property__key="cart_id")

    response = pm_client.get(f"/admin/tracking/trackingplan/{plan.pk}/change/")

    assert [
        (row.finding.code, row.finding.object_key, row.url)
        for row in response.context["findings"]
    ] == [
        (
            "event_missing_description",
            "Cart Viewed",
            f"/admin/tracking/event/{event.pk}/change/",
        )
    ]
    html = response.content.decode()
    assert '<span class="tpg-badge tpg-badge--caution">warning</span>' in html
    assert f'<a href="/admin/tracking/event/{event.pk}/change/">Cart Viewed</a>' in html
    assert "“Cart Viewed” has no description" in html


def test_plan_page_says_when_every_check_passes(pm_client, plan):
    event = EventFactory(plan=plan, key="Cart Viewed")
    EventPropertyFactory(event=event, property__key="cart_id")

    response = pm_client.get(f"/admin/tracking/trackingplan/{plan.pk}/change/")

    assert response.context["findings"] == []
    assert "Every plan check passes." in response.content.decode()


def test_plan_page_masks_source_write_keys_but_their_last_four_characters(
    pm_client, plan
):
    source = Source.objects.create(plan=plan, name="Web", kind="web")

    html = pm_client.get(
        f"/admin/tracking/trackingplan/{plan.pk}/change/"
    ).content.decode()

    assert source.write_key not in html
    assert f"<code>••••••••{source.write_key[-4:]}</code>" in html


def test_common_property_of_another_plan_is_refused(pm_client, plan):
    foreign = PropertyFactory(plan=PlanFactory(), key="user_id")

    response = pm_client.post(
        f"/admin/tracking/trackingplan/{plan.pk}/change/",
        plan_form(
            plan.key,
            plan.name,
            **inline(
                "common_properties", [{"property": str(foreign.pk), "required": "on"}]
            ),
        ),
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][1].formset.errors == [
        {
            "property": [
                "Select a valid choice. That choice is not one of the available choices."
            ]
        }
    ]
    assert not CommonProperty.objects.exists()
