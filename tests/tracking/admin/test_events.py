"""The event admin: adding events with attachments, key validation, history, actions, lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    PlanFactory,
    PropertyFactory,
    SourceFactory,
)
from tests.tracking.admin.formdata import attachment, event_form, inline
from tracking.models import Event, EventProperty, EventStatus

ADD_URL = "/admin/tracking/event/add/"
CHANGELIST_URL = "/admin/tracking/event/"


def test_pm_adds_an_event_with_two_property_attachments_and_a_group(pm_client, plan):
    product_id = PropertyFactory(plan=plan, key="product_id")
    price = PropertyFactory(plan=plan, key="price", type="number")
    group = GroupFactory(plan=plan, key="page_context", name="Page context")

    response = pm_client.post(
        ADD_URL,
        event_form(
            plan.pk,
            "Product Viewed",
            display_name="商品浏览",
            groups=[str(group.pk)],
            **inline(
                "attachments",
                [
                    attachment(product_id.pk, required="on"),
                    attachment(price.pk, minimum="0"),
                ],
            ),
        ),
    )

    assert response.status_code == 302
    event = Event.objects.get(plan=plan, key="Product Viewed")
    assert [
        (a.property.key, a.required, a.minimum)
        for a in event.attachments.select_related("property")
    ] == [("product_id", True, None), ("price", False, 0)]
    assert list(event.groups.all()) == [group]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        pytest.param(
            "product_viewed",
            "“product_viewed” does not follow the plan&#x27;s event naming convention "
            "(Object Action title case (Product Viewed)). Try “Product Viewed”.",
            id="breaks-naming-convention",
        ),
        pytest.param(
            "Add To Cart",
            "“Add To Cart” collides with the existing “AddTo Cart” once case and "
            "separators are ignored. Reuse “AddTo Cart” or choose a different key.",
            id="collides-after-case-folding",
        ),
    ],
)
def test_rejects_a_bad_event_key_with_a_message_on_the_key(
    pm_client, plan, key, message
):
    EventFactory(plan=plan, key="AddTo Cart")

    response = pm_client.post(ADD_URL, event_form(plan.pk, key))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["key"] == [
        message.replace("&#x27;", "'")
    ]
    assert message in response.content.decode()
    assert not Event.objects.filter(key=key).exists()


def test_rejects_a_property_of_another_plan_while_adding_an_event(pm_client, plan):
    foreign = PropertyFactory(plan=PlanFactory(), key="product_id")

    response = pm_client.post(
        ADD_URL,
        event_form(
            plan.pk, "Product Viewed", **inline("attachments", [attachment(foreign.pk)])
        ),
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {
            "property": [
                "Select a valid choice. That choice is not one of the available choices."
            ]
        }
    ]
    assert not Event.objects.exists()


def test_rejects_a_narrowing_that_loosens_the_property_while_adding_an_event(
    pm_client, plan
):
    currency = PropertyFactory(plan=plan, key="currency", enum=["CNY", "USD"])

    response = pm_client.post(
        ADD_URL,
        event_form(
            plan.pk,
            "Order Paid",
            **inline("attachments", [attachment(currency.pk, enum='["EUR"]')]),
        ),
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"enum": ["These values are not allowed by the shared property: 'EUR'."]}
    ]
    assert not Event.objects.exists()


def test_history_page_lists_the_change_and_who_made_it(pm_client, pm, plan):
    pm_client.post(ADD_URL, event_form(plan.pk, "Product Viewed"))
    event = Event.objects.get(key="Product Viewed")
    pm_client.post(
        f"/admin/tracking/event/{event.pk}/change/",
        event_form(plan.pk, "Product Viewed", status="active"),
    )

    response = pm_client.get(f"/admin/tracking/event/{event.pk}/history/")

    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert [(r.status, r.history_type, r.history_user) for r in records] == [
        ("active", "~", pm),
        ("draft", "+", pm),
    ]
    assert [
        (c["field"], c["old"], c["new"]) for c in records[0].history_delta_changes
    ] == [("Status", "draft", "active")]


def test_deprecate_action_deprecates_the_selected_events(pm_client, pm, plan):
    chosen = EventFactory(plan=plan, key="Cart Viewed")
    other = EventFactory(plan=plan, key="Cart Emptied")

    response = pm_client.post(
        CHANGELIST_URL,
        {"action": "deprecate_events", "_selected_action": [str(chosen.pk)]},
        follow=True,
    )

    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.status, other.status) == (EventStatus.DEPRECATED, EventStatus.ACTIVE)
    assert chosen.history.latest().history_user == pm
    assert [str(m) for m in response.context["messages"]] == [
        "Deprecated 1 event. It stays in the plan, flagged, until a published version "
        "removes it."
    ]


def test_duplicate_action_makes_a_draft_copy_with_the_attachments(pm_client, plan):
    original = EventFactory(plan=plan, key="Cart Viewed")
    EventPropertyFactory(event=original, property__key="cart_id", required=True)

    response = pm_client.post(
        CHANGELIST_URL,
        {"action": "duplicate_events", "_selected_action": [str(original.pk)]},
        follow=True,
    )

    copy = Event.objects.get(plan=plan, key="Cart Viewed Copy2")
    assert copy.status == EventStatus.DRAFT
    assert list(
        EventProperty.objects.filter(event=copy).values_list(
            "property__key", "required"
        )
    ) == [("cart_id", True)]
    assert [str(m) for m in response.context["messages"]] == [
        "Created draft copies; give them their real keys: "
        f'<a href="/admin/tracking/event/{copy.pk}/change/">Cart Viewed Copy2</a>'
    ]


def _make_events(plan, count: int) -> None:
    source = SourceFactory(plan=plan)
    for _ in range(count):
        event = EventFactory(plan=plan)
        event.sources.add(source)
        EventPropertyFactory(event=event)
        EventPropertyFactory(event=event)


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST_URL)
    assert response.status_code == 200
    return len(queries)


def test_changelist_query_count_does_not_grow_with_the_number_of_events(
    pm_client, plan
):
    _make_events(plan, 1)
    with_one = _changelist_queries(pm_client)
    _make_events(plan, 6)

    assert _changelist_queries(pm_client) == with_one


def test_changelist_shows_the_property_count_and_status(pm_client, plan):
    event = EventFactory(plan=plan, key="Cart Viewed", status=EventStatus.DEPRECATED)
    EventPropertyFactory(event=event)
    EventPropertyFactory(event=event)

    response = pm_client.get(CHANGELIST_URL)

    result = response.context["cl"].result_list.get()
    assert (result.key, result.property_count) == ("Cart Viewed", 2)
    assert (
        '<span class="tpg-badge tpg-badge--caution">Deprecated</span>'
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        pytest.param("cart", ["Cart Viewed"], id="key"),
        pytest.param("购物车", ["Cart Viewed"], id="display-name"),
        pytest.param("basket", ["Cart Viewed"], id="description"),
    ],
)
def test_changelist_searches_keys_display_names_and_descriptions(
    pm_client, plan, term, expected
):
    EventFactory(
        plan=plan,
        key="Cart Viewed",
        display_name="查看购物车",
        description="The basket page opened.",
    )
    EventFactory(plan=plan, key="Order Paid", display_name="支付订单")

    response = pm_client.get(CHANGELIST_URL, {"q": term})

    assert [e.key for e in response.context["cl"].result_list] == expected


def test_add_page_starts_in_the_filtered_plan_owned_by_the_pm(pm_client, pm, plan):
    response = pm_client.get(
        ADD_URL, {"_changelist_filters": f"plan__id__exact={plan.pk}"}
    )

    initial = response.context["adminform"].form.initial
    assert (initial["plan"], initial["owner"]) == (plan.pk, pm.pk)
