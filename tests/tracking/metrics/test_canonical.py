"""One meaning, one hash: spellings of the same definition collide, real differences do not."""

from __future__ import annotations

import pytest

from tests.tracking.metrics.shop import CATALOG, catalog_with, changed, metric, spec
from tracking.metrics.canonical import (
    canonical_definition,
    canonical_hash,
    find_duplicate,
)

ROI = {
    "form": "expression",
    "expr": "(rev - spend) / nullif(spend, 0)",
    "inputs": [
        {"alias": "rev", "metric": "pay_amount__paid_channel__30d"},
        {"alias": "spend", "metric": "ad_spend__30d"},
    ],
    "group_by": ["channel", "platform"],
}


@pytest.mark.parametrize(
    ("kind", "one", "other"),
    [
        pytest.param(
            "atomic",
            {"event": "App Opened", "agg": "count"},
            {"agg": "count", "event": "App Opened"},
            id="key-order",
        ),
        pytest.param(
            "derived",
            {
                "base": "app_open_cnt",
                "period": "30d",
                "modifiers": ["new_user", "organic"],
                "group_by": ["province", "platform"],
            },
            {
                "base": "app_open_cnt",
                "period": "30d",
                "modifiers": ["organic", "new_user"],
                "group_by": ["platform", "province"],
            },
            id="list-order",
        ),
        pytest.param(
            "derived",
            {
                "base": "app_open_cnt",
                "period": "30d",
                "extra_filter": None,
                "modifiers": [],
            },
            {"base": "app_open_cnt", "period": "30d"},
            id="empty-parts-left-out",
        ),
        pytest.param(
            "derived",
            {
                "base": "app_open_cnt",
                "period": "30d",
                "extra_filter": {
                    "all": [
                        {
                            "prop": "channel",
                            "op": "in",
                            "value": ["seo", "organic", "seo"],
                        },
                        {"all": [{"not": {"not": {"term": "new_user"}}}]},
                    ]
                },
            },
            {
                "base": "app_open_cnt",
                "period": "30d",
                "extra_filter": {
                    "all": [
                        {"term": "new_user"},
                        {"prop": "channel", "op": "in", "value": ["organic", "seo"]},
                    ]
                },
            },
            id="filter-spellings",
        ),
        pytest.param(
            "derived",
            {
                "base": "app_open_cnt",
                "period": "30d",
                "extra_filter": {"any": [{"term": "new_user"}]},
            },
            {
                "base": "app_open_cnt",
                "period": "30d",
                "extra_filter": {"term": "new_user"},
            },
            id="single-child-branch",
        ),
        pytest.param(
            "composite",
            ROI,
            {
                "form": "expression",
                "expr": "( r-s )/nullif( s,0 )",
                "inputs": [
                    {"alias": "s", "metric": "ad_spend__30d"},
                    {"alias": "r", "metric": "pay_amount__paid_channel__30d"},
                ],
                "group_by": ["platform", "channel"],
            },
            id="aliases-and-spacing",
        ),
        pytest.param(
            "composite",
            {
                "form": "ratio",
                "numerator": "buyer_uv__1d",
                "denominator": "pdp_viewer_uv__1d",
            },
            {
                "form": "expression",
                "expr": "buyers / nullif(viewers, 0)",
                "inputs": [
                    {"alias": "buyers", "metric": "buyer_uv__1d"},
                    {"alias": "viewers", "metric": "pdp_viewer_uv__1d"},
                ],
            },
            id="ratio-is-a-guarded-division",
        ),
        pytest.param(
            "composite",
            {"form": "ratio", "numerator": "a", "denominator": "b"},
            {
                "form": "ratio",
                "numerator": "a",
                "denominator": "b",
                "on_zero_denominator": "null",
            },
            id="ratio-default",
        ),
        pytest.param(
            "cumulative",
            {"base": "pay_amount", "grain_to_date": "month"},
            {"base": "pay_amount", "grain_to_date": "month", "period_agg": "first"},
            id="cumulative-default",
        ),
        pytest.param(
            "conversion",
            {"entity": "user_id", "base": "a", "conversion": "b", "window": "7d"},
            {
                "entity": "user_id",
                "base": "a",
                "conversion": "b",
                "window": "7d",
                "calculation": "conversion_rate",
                "constant_properties": [],
            },
            id="conversion-defaults",
        ),
    ],
)
def test_spellings_of_one_definition_hash_alike(kind, one, other):
    assert canonical_definition(kind, one) == canonical_definition(kind, other)
    assert canonical_hash(kind, one) == canonical_hash(kind, other)


@pytest.mark.parametrize(
    ("kind", "one", "other"),
    [
        pytest.param(
            "atomic",
            {"event": "App Opened", "agg": "count"},
            {"event": "App Opened", "agg": "count_distinct", "distinct_on": "user_id"},
            id="aggregation",
        ),
        pytest.param(
            "derived",
            {"base": "app_open_cnt", "period": "30d"},
            {"base": "app_open_cnt", "period": "7d"},
            id="period",
        ),
        pytest.param(
            "derived",
            {"base": "app_open_cnt", "period": "30d"},
            {"base": "app_open_cnt", "period": "30d", "group_by": ["province"]},
            id="dimension",
        ),
        pytest.param(
            "composite",
            {"form": "ratio", "numerator": "a", "denominator": "b"},
            {
                "form": "ratio",
                "numerator": "a",
                "denominator": "b",
                "on_zero_denominator": "zero",
            },
            id="zero-handling",
        ),
        pytest.param(
            "composite",
            {"form": "ratio", "numerator": "a", "denominator": "b"},
            {"form": "ratio", "numerator": "b", "denominator": "a"},
            id="swapped-ratio",
        ),
        pytest.param(
            "composite",
            {
                "form": "expression",
                "expr": "x / y",
                "inputs": [
                    {"alias": "x", "metric": "a"},
                    {"alias": "y", "metric": "a", "offset": "7d"},
                ],
            },
            {
                "form": "expression",
                "expr": "x / y",
                "inputs": [
                    {"alias": "x", "metric": "a"},
                    {"alias": "y", "metric": "a", "offset": "1d"},
                ],
            },
            id="offset",
        ),
    ],
)
def test_different_meanings_hash_apart(kind, one, other):
    assert canonical_hash(kind, one) != canonical_hash(kind, other)


def test_the_hash_of_a_definition_never_changes():
    # Stored in Metric.canonical_hash; changing the normal form must come with a data migration.
    assert canonical_hash("atomic", {"event": "App Opened", "agg": "count"}) == (
        "086cadbfa2e8534ec18737c00d1ee8671202f98f010bb69d33e095b8dba0c8ac"
    )


def test_a_ratio_normalises_to_one_formula_over_metric_keys():
    assert canonical_definition(
        "composite",
        {
            "form": "ratio",
            "numerator": "buyer_uv__1d",
            "denominator": "pdp_viewer_uv__1d",
            "on_zero_denominator": "zero",
        },
    ) == {"formula": "coalesce([buyer_uv__1d] / nullif([pdp_viewer_uv__1d], 0), 0)"}


def test_find_duplicate_names_the_existing_metric():
    twin = metric(
        "buyers_over_viewers",
        "composite",
        {
            "form": "expression",
            "expr": "b / nullif(v, 0)",
            "inputs": [
                {"alias": "b", "metric": "buyer_uv__1d"},
                {"alias": "v", "metric": "pdp_viewer_uv__1d"},
            ],
        },
    )
    assert find_duplicate(twin, CATALOG) == spec("purchase_cvr__1d")


def test_find_duplicate_ignores_the_metric_itself_and_deprecated_ones():
    assert find_duplicate(spec("purchase_cvr__1d"), CATALOG) is None
    retired = catalog_with(changed("purchase_cvr__1d", lifecycle="deprecated"))
    again = metric("cvr_again", "composite", dict(spec("purchase_cvr__1d").definition))
    assert find_duplicate(again, retired) is None
