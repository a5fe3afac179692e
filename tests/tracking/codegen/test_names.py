"""Identifiers from keys: valid, deterministic, and never shared by two events."""

from __future__ import annotations

import pytest

from tracking.codegen.names import short_hash, split_words, unique_names, unique_words


@pytest.mark.parametrize(
    ("key", "pascal", "snake"),
    [
        pytest.param(
            "Product Viewed", "ProductViewed", "product_viewed", id="object-action"
        ),
        pytest.param("product_viewed", "ProductViewed", "product_viewed", id="snake"),
        pytest.param("productViewed", "ProductViewed", "product_viewed", id="camel"),
        pytest.param("Order ID Shown", "OrderIdShown", "order_id_shown", id="acronym"),
        pytest.param(
            "HTTPRequestSent", "HttpRequestSent", "http_request_sent", id="humps"
        ),
        pytest.param("app.opened:v2", "AppOpenedV2", "app_opened_v2", id="dots"),
        pytest.param(
            "404 Page Shown", "Event404PageShown", "event_404_page_shown", id="digit"
        ),
        pytest.param("class", "Class", "class", id="reserved-word"),
        pytest.param(
            "商品浏览",
            f"Event_{short_hash('商品浏览')}",
            f"event__{short_hash('商品浏览')}",
            id="chinese-only",
        ),
        pytest.param(
            "Product 浏览",
            f"Product_{short_hash('Product 浏览')}",
            f"product__{short_hash('Product 浏览')}",
            id="partly-chinese",
        ),
    ],
)
def test_key_becomes_pascal_and_snake_identifiers(key, pascal, snake):
    words = split_words(key)
    assert (words.pascal, words.snake) == (pascal, snake)
    assert words.pascal.isidentifier()
    assert words.snake.isidentifier()


def test_keys_that_would_share_a_name_each_get_their_own_hash_in_any_order():
    keys = ["Product Viewed", "product_viewed", "Cart Viewed"]
    names = {k: w.pascal for k, w in unique_words(keys).items()}
    assert names == {k: w.pascal for k, w in unique_words(reversed(keys)).items()}
    assert names["Cart Viewed"] == "CartViewed"
    assert names["Product Viewed"].startswith("ProductViewed_")
    assert names["product_viewed"].startswith("ProductViewed_")
    assert names["Product Viewed"] != names["product_viewed"]


def test_a_name_already_taken_in_the_module_gets_the_seed_hash():
    assert unique_names(
        {"seed": "TrackPayload", "other": "Cart"}, taken=["TrackPayload"]
    ) == {
        "seed": f"TrackPayload_{short_hash('seed')}",
        "other": "Cart",
    }
