"""The filter tree: malformed trees are refused where they break; leaves are judged by type."""

from __future__ import annotations

import pytest

from tests.tracking.metrics.shop import PROPERTIES
from tracking.metrics.filters import (
    MAX_DEPTH,
    filter_properties,
    filter_shape_problems,
    filter_terms,
    leaf_type_problems,
)


def problems(node):
    return [(f.code, f.path) for f in filter_shape_problems(node, path="f")]


@pytest.mark.parametrize(
    "node",
    [
        pytest.param({"prop": "channel", "op": "eq", "value": "seo"}, id="leaf"),
        pytest.param(
            {"prop": "first_open_date", "op": "in_period"}, id="no-value-operator"
        ),
        pytest.param(
            {"prop": "total", "op": "between", "value": [0, 100]}, id="between"
        ),
        pytest.param({"term": "new_user"}, id="term"),
        pytest.param(
            {
                "not": {
                    "any": [{"term": "a"}, {"all": [{"prop": "x", "op": "is_null"}]}]
                }
            },
            id="nested",
        ),
    ],
)
def test_well_formed_trees_have_no_shape_problems(node):
    assert problems(node) == []


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        pytest.param(["prop"], [("filter_invalid", "f")], id="not-an-object"),
        pytest.param({}, [("filter_invalid", "f")], id="empty-object"),
        pytest.param({"all": [], "any": []}, [("filter_invalid", "f")], id="two-kinds"),
        pytest.param({"all": []}, [("filter_invalid", "f.all")], id="empty-branch"),
        pytest.param(
            {"any": [{"prop": "a", "op": "eq"}]},
            [("filter_invalid", "f.any[0].value")],
            id="missing-value",
        ),
        pytest.param(
            {"prop": "a", "op": "is_null", "value": 1},
            [("filter_invalid", "f.value")],
            id="value-not-taken",
        ),
        pytest.param(
            {"prop": "a", "op": "in", "value": "x"},
            [("filter_invalid", "f.value")],
            id="in-needs-list",
        ),
        pytest.param(
            {"prop": "a", "op": "in", "value": [{"x": 1}]},
            [("filter_invalid", "f.value")],
            id="in-of-objects",
        ),
        pytest.param(
            {"prop": "a", "op": "between", "value": [1]},
            [("filter_invalid", "f.value")],
            id="between-one-bound",
        ),
        pytest.param(
            {"prop": "a", "op": "matches", "value": 3},
            [("filter_invalid", "f.value")],
            id="pattern-not-text",
        ),
        pytest.param(
            {"prop": "a", "op": "eq", "value": None},
            [("filter_invalid", "f.value")],
            id="null-value",
        ),
        pytest.param(
            {"prop": "", "op": "is_null"},
            [("filter_invalid", "f.prop")],
            id="blank-property",
        ),
        pytest.param(
            {"prop": "a", "op": "like", "value": "x"},
            [("filter_invalid", "f.op")],
            id="unknown-operator",
        ),
        pytest.param(
            {"prop": "a", "op": "eq", "value": 1, "sql": "1=1"},
            [("filter_invalid", "f.sql")],
            id="unknown-key",
        ),
        pytest.param({"term": 5}, [("filter_invalid", "f.term")], id="term-not-text"),
        pytest.param(
            {"not": [{"term": "a"}]}, [("filter_invalid", "f.not")], id="not-of-list"
        ),
    ],
)
def test_malformed_trees_are_refused_where_they_break(node, expected):
    assert problems(node) == expected


def test_a_very_deep_tree_is_refused_without_recursing_forever():
    node = {"term": "x"}
    for _ in range(5000):
        node = {"not": node}
    path = "f" + ".not" * MAX_DEPTH
    assert problems(node) == [("filter_invalid", path)]


def test_a_very_wide_tree_is_refused_once():
    node = {"any": [{"term": "x"}] * 500}
    assert problems(node) == [("filter_invalid", "f.any[199]")]


@pytest.mark.parametrize(
    ("leaf", "prop", "expected"),
    [
        pytest.param(
            {"op": "eq", "value": 3},
            "from_background",
            [("filter_value_mismatch", "f.value")],
            id="int-for-boolean",
        ),
        pytest.param(
            {"op": "eq", "value": True},
            "total",
            [("filter_value_mismatch", "f.value")],
            id="boolean-for-number",
        ),
        pytest.param({"op": "gte", "value": 100}, "total", [], id="number-bound"),
        pytest.param(
            {"op": "gt", "value": "2025-01-01T00:00:00+08:00"},
            "first_open_date",
            [],
            id="date-bound",
        ),
        pytest.param(
            {"op": "gt", "value": "yesterday"},
            "first_open_date",
            [("filter_value_mismatch", "f.value")],
            id="not-a-date",
        ),
        pytest.param(
            {"op": "contains", "value": "sale"}, "tags", [], id="list-contains-item"
        ),
        pytest.param(
            {"op": "contains", "value": "zhe"}, "province", [], id="text-contains-part"
        ),
        pytest.param(
            {"op": "matches", "value": "^SKU-[0-9]+$"},
            "product_id",
            [],
            id="safe-pattern",
        ),
        pytest.param(
            {"op": "matches", "value": "(?i)sku"},
            "product_id",
            [("filter_pattern_unsafe", "f.value")],
            id="inline-flag",
        ),
        pytest.param(
            {"op": "in_period"},
            "channel",
            [("filter_operator_mismatch", "f.op")],
            id="period-on-text",
        ),
        pytest.param({"op": "is_null"}, "products", [], id="null-check-any-type"),
        pytest.param(
            {"op": "eq", "value": "a"},
            "products",
            [("filter_operator_mismatch", "f.op")],
            id="equals-on-list",
        ),
    ],
)
def test_leaves_are_judged_against_the_property_type(leaf, prop, expected):
    found = leaf_type_problems({"prop": prop, **leaf}, PROPERTIES[prop], path="f")
    assert [(f.code, f.path) for f in found] == expected


def test_walks_collect_properties_and_terms_in_order():
    node = {
        "all": [
            {"prop": "channel", "op": "is_null"},
            {"not": {"term": "new_user"}},
            {"any": [{"prop": "total", "op": "gt", "value": 1}]},
        ]
    }
    assert filter_properties(node) == ["channel", "total"]
    assert filter_terms(node) == ["new_user"]
    assert filter_properties({"all": "broken"}) == []
