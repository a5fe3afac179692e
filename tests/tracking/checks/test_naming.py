"""Near-duplicate keys: which pairs look like one key, and each pair reported once."""

from __future__ import annotations

import pytest

from tracking.checks.naming import (
    ENDING,
    ONE_EDIT,
    NearDuplicate,
    near_duplicate_reason,
    near_duplicates,
)
from tracking.naming import fold_key


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        pytest.param("product_view", "product_viewed", ENDING, id="past-ed"),
        pytest.param("order_create", "order_created", ENDING, id="past-d"),
        pytest.param("coupon_code", "coupon_codes", ENDING, id="plural-s"),
        pytest.param("address", "addresses", ENDING, id="plural-es"),
        pytest.param("category", "categories", ENDING, id="plural-ies"),
        pytest.param("Product Viewed", "product_views", ENDING, id="past-vs-plural"),
        pytest.param("checkout_started", "chekout_started", ONE_EDIT, id="deletion"),
        pytest.param("add_to_cart", "add_to_card", ONE_EDIT, id="substitution"),
        pytest.param("product_viewed", "prodcut_viewed", ONE_EDIT, id="swap"),
        pytest.param("price", "prize", ONE_EDIT, id="five-letters"),
        pytest.param("step_1_done", "step_2_done", None, id="numbers-differ"),
        pytest.param("level_1", "level_10", None, id="number-longer"),
        pytest.param("color", "colr", None, id="too-short-for-an-edit"),
        pytest.param("sign_in", "sign_up", None, id="two-edits"),
        pytest.param("ad", "ads", None, id="stem-too-short"),
        pytest.param("abcde", "bcdea", None, id="rotation"),
        pytest.param("product_viewed", "ProductViewed", None, id="same-after-folding"),
    ],
)
def test_near_duplicate_reason(a, b, reason):
    assert near_duplicate_reason(fold_key(a), fold_key(b)) == reason
    assert near_duplicate_reason(fold_key(b), fold_key(a)) == reason


def test_each_pair_is_reported_once_in_key_order():
    keys = ["product_viewed", "cart_viewed", "product_view", "product_views"]

    assert near_duplicates(keys) == [
        NearDuplicate(key="product_view", other="product_viewed", reason=ENDING),
        NearDuplicate(key="product_view", other="product_views", reason=ENDING),
        NearDuplicate(key="product_viewed", other="product_views", reason=ENDING),
    ]


def test_distinct_keys_have_no_near_duplicates():
    keys = [
        "Product Viewed",
        "Order Completed",
        "Cart Viewed",
        "Step Done1",
        "Step Done2",
    ]

    assert near_duplicates(keys) == []
