"""The property admin: blank constraint lists, what uses a property, nested fields."""

from __future__ import annotations

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    GroupPropertyFactory,
    PropertyFactory,
)
from tests.tracking.admin.formdata import inline
from tracking.models import Property


def property_form(plan_id: int, key: str, **fields) -> dict[str, str]:
    return {
        "plan": str(plan_id),
        "parent": "",
        "key": key,
        "display_name": "",
        "description": "",
        "type": "string",
        "item_type": "",
        "privacy_class": "none",
        "examples": "",
        "enum": "",
        "pattern": "",
        "minimum": "",
        "maximum": "",
        "min_length": "",
        "max_length": "",
        "min_items": "",
        "max_items": "",
        **fields,
    }


def test_blank_allowed_values_and_examples_save_as_empty_lists(pm_client, plan):
    response = pm_client.post(
        "/admin/tracking/property/add/", property_form(plan.pk, "currency")
    )

    assert response.status_code == 302
    prop = Property.objects.get(key="currency")
    assert (prop.enum, prop.examples) == ([], [])


def test_rejects_allowed_values_that_are_not_a_json_list(pm_client, plan):
    response = pm_client.post(
        "/admin/tracking/property/add/",
        property_form(plan.pk, "currency", enum='{"CNY": 1}'),
    )

    assert response.context["adminform"].form.errors == {
        "enum": ['Give a JSON list, e.g. ["CNY", "USD"].']
    }


def test_property_page_lists_the_events_and_groups_using_it(pm_client, plan):
    prop = PropertyFactory(plan=plan, key="product_id")
    event = EventFactory(plan=plan, key="Product Viewed")
    EventPropertyFactory(event=event, property=prop, required=True)
    membership = GroupPropertyFactory(
        group__plan=plan, group__name="Product fields", property=prop
    )

    html = pm_client.get(f"/admin/tracking/property/{prop.pk}/change/").content.decode()

    assert (
        f'<a href="/admin/tracking/event/{event.pk}/change/">Product Viewed</a> '
        '<span class="tpg-muted">required</span>'
    ) in html
    assert (
        f'<a href="/admin/tracking/propertygroup/{membership.group_id}/change/">'
        "Product fields</a>"
    ) in html


def test_changelist_counts_events_using_a_property_directly_or_through_groups(
    pm_client, plan
):
    used = PropertyFactory(plan=plan, key="product_id")
    PropertyFactory(plan=plan, key="unused")
    group = GroupPropertyFactory(group__plan=plan, property=used).group
    direct = EventFactory(plan=plan, key="Product Viewed")
    both = EventFactory(plan=plan, key="Product Shared")
    via_group = EventFactory(plan=plan, key="Product Liked")
    for event in (direct, both):
        EventPropertyFactory(event=event, property=used)
    for event in (both, via_group):
        event.groups.add(group)

    response = pm_client.get("/admin/tracking/property/")

    assert [(p.key, p.event_count) for p in response.context["cl"].result_list] == [
        ("product_id", 3),
        ("unused", 0),
    ]


def test_pm_adds_nested_fields_to_an_object_property(pm_client, plan):
    items = PropertyFactory(plan=plan, key="items", type="array", item_type="object")
    data = {
        **property_form(plan.pk, "items", type="array", item_type="object"),
        **inline(
            "children",
            [
                {
                    "key": "item_sku",
                    "display_name": "",
                    "type": "string",
                    "item_type": "",
                    "privacy_class": "none",
                },
                {
                    "key": "itemsku",
                    "display_name": "",
                    "type": "string",
                    "item_type": "",
                    "privacy_class": "none",
                },
            ],
        ),
    }

    refused = pm_client.post(f"/admin/tracking/property/{items.pk}/change/", data)
    assert refused.context["inline_admin_formsets"][0].formset.errors == [
        {},
        {
            "key": [
                "“itemsku” collides with the existing “item_sku” once case and "
                "separators are ignored. Reuse “item_sku” or choose a different key."
            ]
        },
    ]

    data["children-1-key"] = "quantity"
    data["children-1-type"] = "integer"
    accepted = pm_client.post(f"/admin/tracking/property/{items.pk}/change/", data)

    assert accepted.status_code == 302
    assert list(items.children.values_list("key", "plan_id")) == [
        ("item_sku", plan.pk),
        ("quantity", plan.pk),
    ]
