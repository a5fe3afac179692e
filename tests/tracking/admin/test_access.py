"""Who gets into the admin, in which language, and the autocomplete scoped to a plan."""

from __future__ import annotations

import pytest

from tests.factories import EventFactory, PlanFactory, PropertyFactory


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/admin/", id="index"),
        pytest.param("/admin/tracking/event/", id="events"),
        pytest.param("/admin/tracking/event/add/", id="add-event"),
    ],
)
def test_outsider_is_sent_to_the_login_page(client, outsider, url):
    client.force_login(outsider)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/admin/login/?next={url}"


def test_admin_speaks_chinese_to_a_chinese_browser(pm_client):
    response = pm_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    assert "埋点方案治理" in html
    assert "属性组" in html


def test_language_switcher_remembers_the_choice(pm_client):
    pm_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})

    html = pm_client.get("/admin/tracking/event/add/").content.decode()

    assert "显示名称" in html
    assert '<button type="submit" name="language" value="en" lang="en"' in html


def test_property_autocomplete_offers_only_the_event_plans_top_level_properties(
    pm_client, plan
):
    event = EventFactory(plan=plan)
    own = PropertyFactory(plan=plan, key="product_id", type="object")
    PropertyFactory(plan=plan, key="product_name", parent=own)
    PropertyFactory(plan=PlanFactory(), key="product_price")

    response = pm_client.get(
        "/admin/autocomplete/",
        {
            "term": "product",
            "app_label": "tracking",
            "model_name": "eventproperty",
            "field_name": "property",
        },
        HTTP_REFERER=f"http://testserver/admin/tracking/event/{event.pk}/change/",
    )

    assert response.json()["results"] == [{"id": str(own.pk), "text": "product_id"}]


def test_login_page_offers_the_language_switcher(client, db):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert html.count('action="/i18n/setlang/"') == 1
    assert "用户名" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "model", ["trackingplan", "event", "property", "propertygroup", "source", "tag"]
)
def test_every_list_and_add_page_renders(pm_client, plan, model, language):
    event = EventFactory(plan=plan, description="")
    PropertyFactory(plan=plan, key="product_id")
    event.tags.create(name="checkout")

    for page in ("", "add/"):
        response = pm_client.get(
            f"/admin/tracking/{model}/{page}", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 200, page
