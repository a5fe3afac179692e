"""Naming conventions and key folding."""

from __future__ import annotations

import pytest

from tracking import naming


@pytest.mark.parametrize(
    ("key", "convention", "follows"),
    [
        pytest.param("product_viewed", naming.SNAKE_CASE, True, id="snake-ok"),
        pytest.param("product_viewed_2", naming.SNAKE_CASE, True, id="snake-digits-ok"),
        pytest.param("Product_viewed", naming.SNAKE_CASE, False, id="snake-capital"),
        pytest.param(
            "product__viewed", naming.SNAKE_CASE, False, id="snake-double-underscore"
        ),
        pytest.param("product_viewed_", naming.SNAKE_CASE, False, id="snake-trailing"),
        pytest.param("productViewed", naming.CAMEL_CASE, True, id="camel-ok"),
        pytest.param(
            "ProductViewed", naming.CAMEL_CASE, False, id="camel-leading-capital"
        ),
        pytest.param("product_viewed", naming.CAMEL_CASE, False, id="camel-underscore"),
        pytest.param(
            "Product Viewed", naming.OBJECT_ACTION, True, id="object-action-ok"
        ),
        pytest.param(
            "SKU Selected", naming.OBJECT_ACTION, True, id="object-action-acronym"
        ),
        pytest.param(
            "Product viewed", naming.OBJECT_ACTION, False, id="object-action-lower"
        ),
        pytest.param(
            "Viewed", naming.OBJECT_ACTION, False, id="object-action-one-word"
        ),
        pytest.param(
            "Product  Viewed", naming.OBJECT_ACTION, False, id="object-action-spaces"
        ),
    ],
)
def test_follows_convention(key, convention, follows):
    assert naming.follows_convention(key, convention) is follows


def test_custom_convention_must_match_the_whole_key():
    assert naming.follows_convention("ec_order_paid", naming.CUSTOM, r"ec_[a-z_]+")
    assert not naming.follows_convention(
        "x_ec_order_paid", naming.CUSTOM, r"ec_[a-z_]+"
    )


def test_a_stored_custom_regex_the_guard_now_refuses_constrains_nothing():
    # Saved before the backtracking rules: editing an event must not crash on it.
    assert naming.follows_convention("Order Paid", naming.CUSTOM, r"^[a-z]+[a-z_]*$")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("add_to_cart", "AddToCart", id="snake-vs-pascal"),
        pytest.param("add_to_cart", "add-to-cart", id="hyphens"),
        pytest.param("Add To Cart", "addToCart", id="spaces-vs-camel"),
        pytest.param("Order.Completed", "order_completed", id="dots"),
    ],
)
def test_keys_differing_only_in_case_and_separators_fold_equal(a, b):
    assert naming.fold_key(a) == naming.fold_key(b)


def test_keys_with_different_words_fold_apart():
    assert naming.fold_key("add_to_cart") != naming.fold_key("add_to_carts")


@pytest.mark.parametrize(
    ("key", "convention", "suggestion"),
    [
        pytest.param(
            "ProductViewed", naming.SNAKE_CASE, "product_viewed", id="to-snake"
        ),
        pytest.param(
            "product_viewed", naming.CAMEL_CASE, "productViewed", id="to-camel"
        ),
        pytest.param(
            "product_viewed", naming.OBJECT_ACTION, "Product Viewed", id="to-title"
        ),
    ],
)
def test_suggests_the_key_in_the_convention(key, convention, suggestion):
    assert naming.suggest_key(key, convention) == suggestion
