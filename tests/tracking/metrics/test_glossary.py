"""Glossary terms and qualifiers are checked against the plan before metrics use them."""

from __future__ import annotations

import pytest

from tests.tracking.metrics.shop import CATALOG, SNAPSHOT
from tracking.metrics.catalog import ModifierSpec, TermSpec
from tracking.metrics.glossary import check_modifier, check_term

DEFINED = "首次启动日期落在统计周期内的设备/用户"


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        pytest.param(
            TermSpec(
                key="new_user",
                definition_text=DEFINED,
                predicate={"prop": "first_open_date", "op": "in_period"},
            ),
            [],
            id="sound",
        ),
        pytest.param(
            TermSpec(key="active_user", definition_text=DEFINED), [], id="words-only"
        ),
        pytest.param(
            TermSpec(key="x", definition_text="  "),
            [("term_undefined", "definition_text")],
            id="undefined",
        ),
        pytest.param(
            TermSpec(
                key="x",
                definition_text=DEFINED,
                predicate={"prop": "age", "op": "gt", "value": 18},
            ),
            [("unknown_property", "predicate.prop")],
            id="unknown-property",
        ),
        pytest.param(
            TermSpec(
                key="x",
                definition_text=DEFINED,
                predicate={"prop": "channel", "op": "eq", "value": "tv"},
            ),
            [("filter_value_not_in_enum", "predicate.value")],
            id="outside-enum",
        ),
        pytest.param(
            TermSpec(
                key="x",
                definition_text=DEFINED,
                predicate={"prop": "channel", "op": "sounds_like", "value": "x"},
            ),
            [("filter_invalid", "predicate.op")],
            id="malformed",
        ),
        pytest.param(
            TermSpec(key="x", definition_text=DEFINED, predicate={"term": "x"}),
            [("term_cycle", "predicate")],
            id="refers-to-itself",
        ),
        pytest.param(
            TermSpec(key="x", definition_text=DEFINED, predicate={"term": "loyal"}),
            [("unknown_term", "predicate")],
            id="unknown-term",
        ),
    ],
)
def test_terms_are_defined_and_their_predicates_fit_the_plan(term, expected):
    findings = check_term(term, snapshot=SNAPSHOT, catalog=CATALOG)
    assert [(f.code, f.path) for f in findings] == expected


@pytest.mark.parametrize(
    ("modifier", "expected"),
    [
        pytest.param(
            ModifierSpec(
                key="organic",
                predicate={"prop": "channel", "op": "in", "value": ["organic", "seo"]},
            ),
            [],
            id="sound",
        ),
        pytest.param(
            ModifierSpec(key="new_user", term="new_user"), [], id="stands-for-a-term"
        ),
        pytest.param(
            ModifierSpec(key="empty"),
            [("modifier_without_predicate", "predicate")],
            id="empty",
        ),
        pytest.param(
            ModifierSpec(key="vip", term="vip"),
            [("unknown_term", "term")],
            id="unknown-term",
        ),
        pytest.param(
            ModifierSpec(
                key="ios", predicate={"prop": "platform", "op": "eq", "value": "iOS"}
            ),
            [("filter_value_not_in_enum", "predicate.value")],
            id="case-matters",
        ),
        pytest.param(
            ModifierSpec(
                key="south",
                predicate={
                    "prop": "shipping_region.province",
                    "op": "in",
                    "value": ["广东省"],
                },
            ),
            [],
            id="nested-field",
        ),
    ],
)
def test_qualifiers_have_a_filter_or_a_term_that_fits_the_plan(modifier, expected):
    findings = check_modifier(modifier, snapshot=SNAPSHOT, catalog=CATALOG)
    assert [(f.code, f.path) for f in findings] == expected
