"""Properties through the API: the list nests fields in their parents; writes follow the model."""

from __future__ import annotations

from tests.factories import EventPropertyFactory, PropertyFactory

PROPERTIES = "/api/v1/plans/shop-app/properties"


def _tree(prop: dict) -> dict:
    return {prop["path"]: [_tree(f) for f in prop["fields"]]}


def test_list_holds_top_level_properties_with_nested_fields(as_user, viewer, plan):
    items = PropertyFactory(plan=plan, key="items", type="array", item_type="object")
    PropertyFactory(plan=plan, key="sku", parent=items)
    variant = PropertyFactory(plan=plan, key="variant", type="object", parent=items)
    PropertyFactory(plan=plan, key="color", parent=variant)
    PropertyFactory(plan=plan, key="price", type="number")

    results = as_user(viewer).get(PROPERTIES).json()["results"]

    assert [_tree(p) for p in results] == [
        {
            "items": [
                {"items.sku": []},
                {"items.variant": [{"items.variant.color": []}]},
            ]
        },
        {"price": []},
    ]


def test_nested_field_is_read_by_id_and_top_level_property_by_key(
    as_user, viewer, plan
):
    items = PropertyFactory(plan=plan, key="items", type="object")
    sku = PropertyFactory(plan=plan, key="sku", parent=items)
    PropertyFactory(plan=plan, key="sku")
    api = as_user(viewer)

    by_id = api.get(f"{PROPERTIES}/{sku.pk}").json()
    by_key = api.get(f"{PROPERTIES}/sku").json()

    assert (by_id["path"], by_id["parent"]) == ("items.sku", items.pk)
    assert (by_key["path"], by_key["parent"]) == ("sku", None)


def test_creates_a_nested_field(as_user, editor, plan):
    items = PropertyFactory(plan=plan, key="items", type="object")

    response = as_user(editor).post(
        PROPERTIES, {"key": "sku", "type": "string", "parent": items.pk}
    )

    assert response.status_code == 201
    assert response.json()["path"] == "items.sku"


def test_rejects_a_field_nested_in_a_scalar(as_user, editor, plan):
    price = PropertyFactory(plan=plan, key="price", type="number")

    response = as_user(editor).post(
        PROPERTIES, {"key": "amount", "type": "number", "parent": price.pk}
    )

    assert response.json()["error"]["details"] == {
        "parent": ["Only objects, or lists of objects, have nested fields."]
    }


def test_rejects_key_breaking_the_property_convention(as_user, editor, plan):
    response = as_user(editor).post(PROPERTIES, {"key": "unitPrice", "type": "number"})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "key": [
            "“unitPrice” does not follow the plan's property naming convention "
            "(snake_case (product_viewed)). Try “unit_price”."
        ]
    }


def test_rejects_examples_outside_the_constraints(as_user, editor, plan):
    response = as_user(editor).post(
        PROPERTIES,
        {"key": "currency", "type": "string", "enum": ["CNY"], "examples": ["USD"]},
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["examples"]


def test_deleting_a_property_in_use_is_a_409_naming_the_uses(as_user, editor, plan):
    attachment = EventPropertyFactory(
        event__plan=plan, property=PropertyFactory(plan=plan, key="product_id")
    )

    response = as_user(editor).delete(f"{PROPERTIES}/product_id")

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "in_use",
        "message": "This row is still used by others; remove those uses first.",
        "details": {"used_by": [str(attachment)], "count": 1},
    }
