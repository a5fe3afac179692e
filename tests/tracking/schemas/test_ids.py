"""Stable schema URLs: slugs that are URL-safe, readable where they can be, never shared."""

from __future__ import annotations

import re

import pytest

from tracking.schemas.ids import (
    bundle_schema_id,
    event_schema_id,
    event_slugs,
    short_hash,
    slug,
)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("Product Viewed", "product-viewed", id="object-action"),
        pytest.param("product_viewed", "product-viewed", id="snake-case"),
        pytest.param("app.opened:v2", "app-opened-v2", id="dots-and-colons"),
        pytest.param("  404 Page  Shown ", "404-page-shown", id="digits-and-spaces"),
        pytest.param("Straße Viewed", "strasse-viewed", id="casefolds-to-ascii"),
        pytest.param("商品浏览", f"event_{short_hash('商品浏览')}", id="chinese-only"),
        pytest.param(
            "Product 浏览", f"product_{short_hash('Product 浏览')}", id="partly-chinese"
        ),
        pytest.param(
            "Q&A Opened", f"q-a-opened_{short_hash('Q&A Opened')}", id="punct"
        ),
    ],
)
def test_slug_is_readable_and_hashes_what_it_cannot_show(key, expected):
    assert slug(key) == expected


@pytest.mark.parametrize(
    "key", ["Product Viewed", "商品浏览", "a/b?c#d", "100%", "x" * 200], ids=str.__len__
)
def test_slug_uses_only_url_safe_characters(key):
    assert re.fullmatch(r"[a-z0-9_-]+", slug(key))


def test_slugs_of_keys_that_differ_only_in_punctuation_differ():
    assert slug("a+b") != slug("a b")


def test_colliding_slugs_all_get_a_hash_whatever_the_order():
    keys = ["Product Viewed", "product_viewed", "Cart Viewed"]
    forward = event_slugs(keys)
    assert forward == event_slugs(reversed(keys))
    assert forward == {
        "Product Viewed": f"product-viewed_{short_hash('Product Viewed')}",
        "product_viewed": f"product-viewed_{short_hash('product_viewed')}",
        "Cart Viewed": "cart-viewed",
    }


def test_event_and_bundle_ids_live_under_the_plan_version():
    assert event_schema_id(
        base_url="https://gov.example.com/",
        plan_key="shop-app",
        version="1.2.0",
        event_slug="product-viewed",
    ) == ("https://gov.example.com/schemas/shop-app/1.2.0/events/product-viewed.json")
    assert bundle_schema_id(
        base_url="https://gov.example.com", plan_key="shop-app", version="1.2.0"
    ) == ("https://gov.example.com/schemas/shop-app/1.2.0/bundle.json")


def test_version_and_plan_key_are_escaped_in_ids():
    assert bundle_schema_id(
        base_url="https://gov.example.com", plan_key="shop app", version="1.0/rc"
    ) == ("https://gov.example.com/schemas/shop%20app/1.0%2Frc/bundle.json")
