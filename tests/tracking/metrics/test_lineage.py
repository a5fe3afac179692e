"""Lineage both ways: what a metric rests on, and which metrics rest on an event or property."""

from __future__ import annotations

import pytest

from tests.tracking.metrics.shop import CATALOG, catalog_with, metric, spec
from tracking.metrics.dependencies import Dependency, direct_dependencies
from tracking.metrics.lineage import (
    Lineage,
    dependents,
    metric_lineage,
    metrics_using_event,
    metrics_using_property,
)


def test_direct_dependencies_name_each_part_of_the_definition_with_its_role():
    assert direct_dependencies(spec("pdp_to_pay_cvr__7d")) == [
        Dependency(target_type="metric", target="order_paid_cnt", role="conversion"),
        Dependency(target_type="metric", target="pdp_view_cnt", role="base"),
        Dependency(target_type="property", target="page_source", role="filter"),
        Dependency(
            target_type="property", target="product_id", role="constant_property"
        ),
        Dependency(target_type="property", target="user_id", role="entity"),
    ]


def test_direct_dependencies_of_a_derived_metric():
    assert direct_dependencies(spec("app_open_cnt__new_user__30d")) == [
        Dependency(target_type="metric", target="app_open_cnt", role="base"),
        Dependency(target_type="modifier", target="new_user", role="filter"),
        Dependency(target_type="period", target="30d", role="period"),
        Dependency(target_type="property", target="province", role="dimension"),
    ]


@pytest.mark.parametrize(
    ("key", "lineage"),
    [
        pytest.param(
            "pay_amount",
            Lineage(events=("Order Completed",), properties=("total",)),
            id="atomic",
        ),
        pytest.param(
            "app_open_cnt__new_user__30d",
            Lineage(
                metrics=("app_open_cnt",),
                events=("App Opened",),
                properties=("first_open_date", "province"),
                terms=("new_user",),
                modifiers=("new_user",),
                periods=("30d",),
            ),
            id="derived-through-a-term",
        ),
        pytest.param(
            "channel_roi__30d",
            Lineage(
                metrics=(
                    "ad_spend",
                    "ad_spend__30d",
                    "pay_amount",
                    "pay_amount__paid_channel__30d",
                ),
                events=("Ad Spend Recorded", "Order Completed"),
                properties=("channel", "spend", "total"),
                modifiers=("paid_channel",),
                periods=("30d",),
            ),
            id="composite-transitively",
        ),
        pytest.param(
            "pdp_to_pay_cvr__7d",
            Lineage(
                metrics=("order_paid_cnt", "pdp_view_cnt"),
                events=("Order Completed", "Product Viewed"),
                properties=("page_source", "product_id", "user_id"),
            ),
            id="conversion",
        ),
    ],
)
def test_a_metric_rests_on_these_events_and_properties(key, lineage):
    assert metric_lineage(key, CATALOG) == lineage


def test_every_metric_resting_on_an_event_is_found_through_other_metrics():
    assert metrics_using_event("App Opened", CATALOG) == (
        "active_uv",
        "active_uv__1d",
        "active_uv__1d__wow_change",
        "active_uv__7d_rolling",
        "app_open_cnt",
        "app_open_cnt__new_user__30d",
    )


def test_a_property_used_only_inside_a_glossary_term_is_still_a_dependency():
    assert metrics_using_property("first_open_date", CATALOG) == (
        "app_open_cnt__new_user__30d",
    )


def test_a_property_counts_as_used_when_a_nested_field_of_it_is():
    by_region = metric(
        "pay_amount__30d__by_province",
        "derived",
        {
            "base": "pay_amount",
            "period": "30d",
            "group_by": ["shipping_region.province"],
        },
    )
    catalog = catalog_with(by_region)
    assert metrics_using_property("shipping_region", catalog) == (
        "pay_amount__30d__by_province",
    )
    assert metrics_using_property("shipping_region.province", catalog) == (
        "pay_amount__30d__by_province",
    )
    assert metrics_using_property("shipping_region.city", catalog) == ()


def test_metrics_using_a_metric_or_a_qualifier():
    assert dependents(CATALOG, target_type="metric", key="buyer_uv__1d") == (
        "purchase_cvr__1d",
    )
    assert dependents(CATALOG, target_type="modifier", key="paid_channel") == (
        "channel_roi__30d",
        "pay_amount__paid_channel__30d",
    )


def test_an_unused_event_has_no_dependents():
    assert metrics_using_event("Signed Up", CATALOG) == ()


def test_lineage_of_a_cycle_terminates():
    def ratio(key, numerator):
        return metric(
            key,
            "composite",
            {"form": "ratio", "numerator": numerator, "denominator": "buyer_uv__1d"},
        )

    catalog = catalog_with(ratio("cyc_a", "cyc_b"), ratio("cyc_b", "cyc_a"))
    assert metric_lineage("cyc_a", catalog).metrics == (
        "buyer_uv",
        "buyer_uv__1d",
        "cyc_b",
    )
