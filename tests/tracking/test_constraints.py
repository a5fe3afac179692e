"""Constraint consistency, narrowing and value checks (pure, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracking.constraints import (
    Constraints,
    constraint_errors,
    is_rfc3339,
    narrowing_errors,
    value_errors,
)


def C(**kwargs):  # noqa: N802  (reads like a constructor in the tables)
    return Constraints(**kwargs)


@pytest.mark.parametrize(
    ("constraints", "field"),
    [
        pytest.param(
            C(type="integer", enum=[1, "2"]), "enum", id="enum-string-in-integer"
        ),
        pytest.param(
            C(type="integer", enum=[1, 1.5]), "enum", id="enum-fraction-in-integer"
        ),
        pytest.param(
            C(type="string", enum=["a", 3]), "enum", id="enum-number-in-string"
        ),
        pytest.param(
            C(type="boolean", enum=[True, "false"]), "enum", id="enum-string-in-bool"
        ),
        pytest.param(
            C(type="number", enum=[1, True]), "enum", id="enum-bool-in-number"
        ),
        pytest.param(
            C(type="date-time", enum=["2024-01-01T00:00:00"]), "enum", id="enum-no-zone"
        ),
        pytest.param(C(type="string", enum=["a", "a"]), "enum", id="enum-repeated"),
        pytest.param(C(type="object", enum=[{}]), "enum", id="enum-on-object"),
        pytest.param(
            C(type="array", item_type="integer", enum=["x"]),
            "enum",
            id="enum-wrong-item-type",
        ),
        pytest.param(
            C(type="number", minimum=Decimal(10), maximum=Decimal(1)),
            "minimum",
            id="min-above-max",
        ),
        pytest.param(
            C(type="string", min_length=5, max_length=2),
            "min_length",
            id="length-order",
        ),
        pytest.param(
            C(type="array", item_type="string", min_items=3, max_items=1),
            "min_items",
            id="items-order",
        ),
        pytest.param(
            C(type="integer", minimum=Decimal("0.5")), "minimum", id="fraction-bound"
        ),
        pytest.param(
            C(type="integer", pattern="^1$"), "pattern", id="pattern-on-integer"
        ),
        pytest.param(
            C(type="string", pattern="(a+)+$"), "pattern", id="hostile-pattern"
        ),
        pytest.param(C(type="string", pattern="[a-"), "pattern", id="broken-pattern"),
        pytest.param(
            C(type="string", minimum=Decimal(1)), "minimum", id="range-on-string"
        ),
        pytest.param(
            C(type="boolean", max_length=3), "max_length", id="length-on-bool"
        ),
        pytest.param(C(type="string", min_items=1), "min_items", id="items-on-string"),
        pytest.param(C(type="array"), "item_type", id="array-without-item-type"),
        pytest.param(
            C(type="string", item_type="string"), "item_type", id="item-type-on-string"
        ),
        pytest.param(
            C(type="array", item_type="array"), "item_type", id="list-of-lists"
        ),
    ],
)
def test_rejects_inconsistent_constraints(constraints, field):
    assert field in constraint_errors(constraints)


@pytest.mark.parametrize(
    "constraints",
    [
        pytest.param(
            C(type="string", enum=["CNY", "USD"], max_length=3), id="string-enum"
        ),
        pytest.param(C(type="integer", enum=[1, 2, 3]), id="integer-enum"),
        pytest.param(
            C(type="integer", minimum=Decimal(0), maximum=Decimal(99)), id="int-range"
        ),
        pytest.param(C(type="number", minimum=Decimal("0.01")), id="number-fraction"),
        pytest.param(
            C(type="date-time", enum=["2024-01-01T08:00:00+08:00"]), id="dt-enum"
        ),
        pytest.param(
            C(type="array", item_type="string", enum=["a", "b"], min_items=1),
            id="array-items",
        ),
        pytest.param(
            C(type="array", item_type="object", max_items=50), id="array-of-objects"
        ),
        pytest.param(C(type="string", pattern=r"^SKU-[0-9]{6}$"), id="pattern"),
        pytest.param(C(type="object"), id="plain-object"),
    ],
)
def test_accepts_consistent_constraints(constraints):
    assert constraint_errors(constraints) == {}


BASE = C(
    type="string",
    enum=["alipay", "wechat_pay", "card"],
    min_length=2,
    max_length=20,
)


@pytest.mark.parametrize(
    ("narrowed", "field"),
    [
        pytest.param(
            C(type="string", enum=["alipay", "paypal"]), "enum", id="enum-widened"
        ),
        pytest.param(
            C(type="string", min_length=1), "min_length", id="min-length-loosened"
        ),
        pytest.param(
            C(type="string", max_length=30), "max_length", id="max-length-loosened"
        ),
        pytest.param(
            C(type="string", minimum=Decimal(1)), "minimum", id="inapplicable"
        ),
    ],
)
def test_rejects_narrowing_that_loosens_the_shared_property(narrowed, field):
    assert field in narrowing_errors(BASE, narrowed)


def test_accepts_narrowing_to_a_smaller_enum_and_tighter_lengths():
    narrowed = C(type="string", enum=["alipay"], min_length=3, max_length=10)
    assert narrowing_errors(BASE, narrowed) == {}


def test_rejects_a_narrowed_range_outside_the_shared_range():
    base = C(type="number", minimum=Decimal(0), maximum=Decimal(100))
    assert set(narrowing_errors(base, C(type="number", minimum=Decimal(-1)))) == {
        "minimum"
    }
    assert set(narrowing_errors(base, C(type="number", maximum=Decimal(101)))) == {
        "maximum"
    }
    assert narrowing_errors(base, C(type="number", minimum=Decimal(5))) == {}


@pytest.mark.parametrize(
    ("value", "constraints", "problems"),
    [
        pytest.param("CNY", C(type="string", enum=["CNY"]), 0, id="enum-member"),
        pytest.param("JPY", C(type="string", enum=["CNY"]), 1, id="enum-outsider"),
        pytest.param(5, C(type="string"), 1, id="wrong-type"),
        pytest.param(
            "SKU-1", C(type="string", pattern=r"^SKU-\d{6}$"), 1, id="pattern-miss"
        ),
        pytest.param(-1, C(type="number", minimum=Decimal(0)), 1, id="below-minimum"),
        pytest.param(
            ["a", "z"],
            C(type="array", item_type="string", enum=["a"]),
            1,
            id="bad-item",
        ),
        pytest.param(
            [], C(type="array", item_type="string", min_items=1), 1, id="too-few"
        ),
        pytest.param(2**63 + 1, C(type="integer"), 0, id="big-integer"),
        pytest.param(True, C(type="integer"), 1, id="bool-is-not-integer"),
    ],
)
def test_value_errors(value, constraints, problems):
    assert len(value_errors(value, constraints)) == problems


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        pytest.param("2024-05-01T12:30:00Z", True, id="utc"),
        pytest.param("2024-05-01T12:30:00.123+08:00", True, id="offset-fraction"),
        pytest.param("2024-05-01T12:30:00", False, id="no-zone"),
        pytest.param("2024-05-01", False, id="date-only"),
        pytest.param("2024-13-01T00:00:00Z", False, id="month-13"),
    ],
)
def test_date_times_follow_rfc3339_strictly(value, valid):
    assert is_rfc3339(value) is valid
