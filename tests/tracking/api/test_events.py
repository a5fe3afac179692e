"""Events through the API: found by id or key, written under the model's rules, deprecated, copied."""

from __future__ import annotations

import pytest

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    PlanFactory,
    PropertyFactory,
    SourceFactory,
)
from tests.tracking.api.conftest import member
from tracking.models import Event, EventStatus, issue_token

EVENTS = "/api/v1/plans/shop-app/events"


@pytest.fixture
def product_viewed(plan):
    return EventFactory(plan=plan, key="Product Viewed")


def _details(response):
    assert response.status_code == 400, response.content
    return response.json()["error"]["details"]


@pytest.mark.parametrize(
    "ref",
    [
        pytest.param("Product%20Viewed", id="url-encoded-key"),
        pytest.param("product_viewed", id="folded-key"),
        pytest.param("{pk}", id="id"),
    ],
)
def test_event_is_found_by_id_or_key(as_user, viewer, product_viewed, ref):
    response = as_user(viewer).get(f"{EVENTS}/{ref.format(pk=product_viewed.pk)}")

    assert response.status_code == 200
    assert response.json()["id"] == product_viewed.pk


def test_key_query_finds_the_event(as_user, viewer, product_viewed, plan):
    EventFactory(plan=plan, key="Cart Viewed")

    response = as_user(viewer).get(EVENTS, {"key": "Product Viewed"})

    assert [e["key"] for e in response.json()["results"]] == ["Product Viewed"]


def test_unknown_key_is_404(as_user, viewer, product_viewed):
    assert as_user(viewer).get(f"{EVENTS}/Cart%20Viewed").status_code == 404


def test_event_shows_its_attachments_groups_tags_and_sources(
    as_user, viewer, product_viewed, plan
):
    attachment = EventPropertyFactory(
        event=product_viewed, property=PropertyFactory(plan=plan, key="product_id")
    )
    group = GroupFactory(plan=plan)
    source = SourceFactory(plan=plan)
    product_viewed.groups.add(group)
    product_viewed.sources.add(source)
    product_viewed.tags.create(name="commerce")

    body = as_user(viewer).get(f"{EVENTS}/{product_viewed.pk}").json()

    assert body["groups"] == [group.pk]
    assert body["sources"] == [source.pk]
    assert body["tags"] == ["commerce"]
    assert body["attachments"][0] | {"property": None} == {
        "id": attachment.pk,
        "property": None,
        "property_key": "product_id",
        "required": True,
        "note": "",
        "position": 0,
        "enum": [],
        "pattern": "",
        "minimum": None,
        "maximum": None,
        "min_length": None,
        "max_length": None,
        "min_items": None,
        "max_items": None,
    }


def test_created_event_is_a_draft_owned_by_the_caller_with_new_tags(
    as_user, editor, plan
):
    source = SourceFactory(plan=plan)

    response = as_user(editor).post(
        EVENTS,
        {"key": "Cart Viewed", "tags": ["cart", "commerce"], "sources": [source.pk]},
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["status"], body["owner"]) == ("draft", "editor")
    assert sorted(body["tags"]) == ["cart", "commerce"]
    assert body["sources"] == [source.pk]


def test_rejects_key_breaking_the_naming_convention(as_user, editor):
    details = _details(as_user(editor).post(EVENTS, {"key": "cart_viewed"}))

    assert details == {
        "key": [
            "“cart_viewed” does not follow the plan's event naming convention "
            "(Object Action title case (Product Viewed)). Try “Cart Viewed”."
        ]
    }


def test_rejects_key_colliding_after_case_folding(as_user, editor, product_viewed):
    details = _details(as_user(editor).post(EVENTS, {"key": "Product ViewED"}))

    assert details == {
        "key": [
            "“Product ViewED” collides with the existing “Product Viewed” once case and "
            "separators are ignored. Reuse “Product Viewed” or choose a different key."
        ]
    }


def test_rejects_renaming_onto_a_colliding_key(as_user, editor, product_viewed, plan):
    other = EventFactory(plan=plan, key="Cart Viewed")

    details = _details(
        as_user(editor).patch(f"{EVENTS}/{other.pk}", {"key": "Product  Viewed"})
    )

    assert "collides" in details["key"][-1]


def test_renaming_an_event_to_its_own_key_is_not_a_collision(
    as_user, editor, product_viewed
):
    response = as_user(editor).patch(
        f"{EVENTS}/{product_viewed.pk}", {"key": "Product Viewed"}
    )

    assert response.status_code == 200


def test_rejects_a_source_of_another_plan(as_user, editor, product_viewed):
    foreign = SourceFactory(plan=PlanFactory())

    details = _details(
        as_user(editor).patch(
            f"{EVENTS}/{product_viewed.pk}", {"sources": [foreign.pk]}
        )
    )

    assert details == {
        "sources": [f'Invalid pk "{foreign.pk}" - object does not exist.']
    }


def test_rejects_attaching_a_property_of_another_plan_the_caller_sees(
    as_user, editor, product_viewed
):
    blog = PlanFactory(key="blog")
    member(editor, blog)
    foreign = PropertyFactory(plan=blog, key="post_id")

    details = _details(
        as_user(editor).post(
            f"{EVENTS}/{product_viewed.pk}/properties", {"property": foreign.pk}
        )
    )

    assert details == {"property": ["This property belongs to another plan."]}


def test_rejects_attaching_a_nested_field(as_user, editor, product_viewed, plan):
    items = PropertyFactory(plan=plan, key="items", type="object")
    sku = PropertyFactory(plan=plan, key="sku", parent=items)

    details = _details(
        as_user(editor).post(
            f"{EVENTS}/{product_viewed.pk}/properties", {"property": sku.pk}
        )
    )

    assert details == {
        "property": ["Attach the top-level property; nested fields come with it."]
    }


def test_rejects_attaching_a_property_twice(as_user, editor, product_viewed):
    attachment = EventPropertyFactory(event=product_viewed)

    details = _details(
        as_user(editor).post(
            f"{EVENTS}/{product_viewed.pk}/properties",
            {"property": attachment.property_id},
        )
    )

    assert details == {
        "non_field_errors": ["This property is already attached to the event."]
    }


def test_rejects_a_narrowing_that_widens_the_enum(
    as_user, editor, product_viewed, plan
):
    currency = PropertyFactory(plan=plan, key="currency", enum=["CNY", "USD"])

    details = _details(
        as_user(editor).post(
            f"{EVENTS}/{product_viewed.pk}/properties",
            {"property": currency.pk, "enum": ["CNY", "EUR"]},
        )
    )

    assert list(details) == ["enum"]


def test_deprecate_flags_the_event(as_user, editor, product_viewed):
    response = as_user(editor).post(f"{EVENTS}/Product%20Viewed/deprecate")

    product_viewed.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == product_viewed.status == EventStatus.DEPRECATED
    assert product_viewed.deprecated_at is not None


def test_duplicate_copies_properties_under_the_given_key(
    as_user, editor, product_viewed
):
    EventPropertyFactory(event=product_viewed)

    response = as_user(editor).post(
        f"{EVENTS}/{product_viewed.pk}/duplicate", {"key": "Product Previewed"}
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["key"], body["status"]) == ("Product Previewed", "draft")
    assert len(body["attachments"]) == 1


def test_duplicate_without_a_key_picks_a_free_one(as_user, editor, product_viewed):
    response = as_user(editor).post(f"{EVENTS}/{product_viewed.pk}/duplicate")

    assert response.json()["key"] == "Product Viewed Copy2"


def test_duplicate_onto_a_taken_key_is_refused(as_user, editor, product_viewed, plan):
    EventFactory(plan=plan, key="Cart Viewed")

    details = _details(
        as_user(editor).post(
            f"{EVENTS}/{product_viewed.pk}/duplicate", {"key": "cart viewed"}
        )
    )

    assert "key" in details


def test_filters_by_status_and_tag(as_user, viewer, plan, product_viewed):
    cart = EventFactory(plan=plan, key="Cart Viewed", status=EventStatus.DRAFT)
    cart.tags.create(name="cart")

    api = as_user(viewer)
    by_status = api.get(EVENTS, {"status": "draft"}).json()["results"]
    by_tag = api.get(EVENTS, {"tag": "cart"}).json()["results"]

    assert (
        [e["key"] for e in by_status] == [e["key"] for e in by_tag] == ["Cart Viewed"]
    )


def test_ordering_by_key_descending(as_user, viewer, plan, product_viewed):
    EventFactory(plan=plan, key="Cart Viewed")

    results = as_user(viewer).get(EVENTS, {"ordering": "-key"}).json()["results"]

    assert [e["key"] for e in results] == ["Product Viewed", "Cart Viewed"]


def test_history_records_the_token_holder_as_the_author(api, editor, plan):
    _token, raw = issue_token(editor, name="ci")

    api.post(EVENTS, {"key": "Cart Viewed"}, HTTP_AUTHORIZATION=f"Bearer {raw}")

    event = Event.objects.get(key="Cart Viewed")
    assert event.history.get().history_user == editor
