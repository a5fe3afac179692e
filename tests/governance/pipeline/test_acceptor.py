"""The fast accept says "valid" only where the hot-path validator says so too.

Every verdict here is checked against jsonschema-rs itself (`compiled.compile_schema`), never
against what we believe it does: over the agreement corpus, and over tables of the cases where
Python, RE2, ECMA-262 and JSON Schema part ways.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from governance.pipeline import acceptor
from governance.pipeline.acceptor import compile_acceptor
from governance.pipeline.compiled import compile_schema
from tests.governance.pipeline.test_agreement import (
    FULL_CORPUS_SIZE,
    IMPOSSIBLE_DATE_TIMES,
    MALFORMED_DATE_TIMES,
    POLICIES,
    QUICK_CORPUS_SIZE,
    VALID_DATE_TIMES,
    _corpus,
    _schema,
)
from tracking.schemas.build import DATE_TIME_PATTERN

# The share of valid samples the fast path must accept: below it, the fast path has silently
# stopped working (the corpus's valid samples are all accepted today).
ACCEPT_FLOOR = 0.8
RAISES = "raises"


def _hot_path(schema: dict[str, Any], value: Any) -> bool | str:
    try:
        return bool(compile_schema(schema).is_valid(value))
    except (ValueError, TypeError):  # a lone surrogate, a key that is not a str
        return RAISES


def _assert_sound(schema: dict[str, Any], value: Any, expected: bool) -> None:
    accept = compile_acceptor(schema)
    assert accept is not None
    verdict = accept(value)
    assert verdict is expected
    if verdict:
        assert _hot_path(schema, value) is True


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------


def _assert_sound_over_corpus(size: int, policy: str) -> None:
    schema = _schema(policy)
    accept = compile_acceptor(schema)
    validator = compile_schema(schema)
    assert accept is not None
    unsound, valid, accepted = [], 0, 0
    for index, sample in enumerate(_corpus(size)):
        verdict, is_valid = accept(sample), validator.is_valid(sample)
        valid += is_valid
        accepted += verdict
        if verdict and not is_valid:
            unsound.append((index, sample))

    assert unsound[:3] == []
    assert accepted >= ACCEPT_FLOOR * valid > 0


@pytest.mark.parametrize("policy", POLICIES)
def test_accepts_no_sample_the_hot_path_refuses_and_most_it_passes(policy):
    _assert_sound_over_corpus(QUICK_CORPUS_SIZE, policy)


@pytest.mark.integration
@pytest.mark.parametrize("policy", POLICIES)
def test_accepts_no_sample_the_hot_path_refuses_over_the_full_corpus(policy):
    _assert_sound_over_corpus(FULL_CORPUS_SIZE, policy)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

INTEGER = {"type": "integer"}
BIG = 2**70


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        pytest.param(INTEGER, 7, True, id="int"),
        pytest.param(INTEGER, True, False, id="true-is-not-1"),
        pytest.param(INTEGER, 1.0, True, id="integral-float"),
        pytest.param(INTEGER, Decimal("7.0"), True, id="integral-decimal"),
        pytest.param(INTEGER, Decimal("1E+2"), True, id="exponent-decimal"),
        pytest.param(INTEGER, 1.5, False, id="fraction"),
        pytest.param(INTEGER, Decimal("1E-400"), False, id="tiny-decimal"),
        pytest.param(INTEGER, 1e300, True, id="huge-float"),
        pytest.param(INTEGER, float("inf"), False, id="infinity"),
        pytest.param(INTEGER, float("nan"), False, id="nan"),
        pytest.param(INTEGER, Decimal("NaN"), False, id="decimal-nan"),
        pytest.param(INTEGER, Decimal("sNaN"), False, id="signalling-nan"),
        pytest.param(INTEGER, "1", False, id="text"),
        pytest.param({"type": "integer", "maximum": BIG}, BIG, True, id="big-at-max"),
        pytest.param(
            {"type": "integer", "maximum": BIG}, BIG + 1, False, id="big-over"
        ),
        pytest.param(
            {"type": "integer", "minimum": 2**53 + 1}, 2.0**53, False, id="float-rounds"
        ),
        pytest.param({"type": "number"}, True, False, id="bool-is-no-number"),
        pytest.param({"type": "number"}, float("inf"), False, id="number-infinity"),
        pytest.param({"type": "number"}, Decimal("1E+400"), True, id="huge-decimal"),
        pytest.param(
            {"type": "number", "maximum": Decimal("0.5")},
            Decimal("1E+400"),
            False,
            id="huge-decimal-over",
        ),
        pytest.param(
            {"type": "number", "minimum": Decimal("12345678.0000000001")},
            12345678,
            False,
            id="int-under-long-decimal",
        ),
        pytest.param(
            {"type": "number", "minimum": Decimal("12345678.0000000001")},
            12345679,
            True,
            id="int-over-long-decimal",
        ),
        pytest.param(
            {"type": "number", "maximum": Decimal("18446744073709551616.5")},
            18446744073709551617,
            False,
            id="big-int-over-half",
        ),
        pytest.param(
            {"type": "number", "maximum": Decimal("18446744073709551616.5")},
            18446744073709551616,
            True,
            id="big-int-under-half",
        ),
        pytest.param(
            {"type": "number", "minimum": Decimal("0.01")},
            Decimal("0.0100000000000000000001"),
            True,
            id="decimal-just-over",
        ),
        pytest.param(
            {"type": "number", "minimum": Decimal("0.01")},
            Decimal("0.00999999999999999999"),
            False,
            id="decimal-just-under",
        ),
        pytest.param(
            {"type": "number", "minimum": Decimal("0.01")},
            0.01,
            True,
            id="float-at-min",
        ),
        pytest.param(
            {"type": "number", "maximum": Decimal("99999.99")},
            1087.13,
            True,
            id="float-under-max",
        ),
        # 0.1 is 0.1000000000000000055... in binary but 0.1 to jsonschema-rs.
        pytest.param(
            {"type": "number", "minimum": Decimal("0.1000000000000000054")},
            0.1,
            False,
            id="float-binary-over-decimal-under",
        ),
        pytest.param({"type": "number", "minimum": 0}, -0.0, True, id="negative-zero"),
    ],
)
def test_proves_numbers_only_where_the_hot_path_agrees(schema, value, expected):
    _assert_sound(schema, value, expected)


def test_float_thresholds_hold_for_bounds_near_any_float():
    # Bounds on and between floats, values on and around the bounds: the three readings of a
    # float (binary, shortest decimal, a double comparison) must all agree before a True.
    rng = random.Random(7)
    for _ in range(150):
        base = rng.choice((0.1, 1.1, 99999.99, 1e-7, 2.0**53, 123456.789, 0.3))
        bound = Decimal(repr(base)) + Decimal(rng.choice((-1, 0, 1))) * Decimal(
            "1E-" + str(rng.randint(15, 30))
        )
        for name in ("minimum", "maximum"):
            schema = {"type": "number", name: rng.choice((bound, Decimal(base)))}
            accept = compile_acceptor(schema)
            validator = compile_schema(schema)
            for value in (base, *(base + k * 1e-17 * base for k in (-3, -1, 1, 3))):
                assert not accept(value) or validator.is_valid(value), (schema, value)


# --------------------------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        pytest.param({"type": "integer", "enum": [1]}, True, False, id="true-is-not-1"),
        pytest.param({"type": "integer", "enum": [1]}, 1, True, id="int"),
        pytest.param({"type": "integer", "enum": [1]}, 1.0, True, id="integral-float"),
        pytest.param(
            {"type": "integer", "enum": [1]},
            Decimal("1.0"),
            True,
            id="integral-decimal",
        ),
        pytest.param(
            {"type": "number", "enum": [Decimal("1.0")]}, 1, True, id="1-is-1.0"
        ),
        pytest.param({"type": "string", "enum": ["1"]}, 1, False, id="text-is-no-int"),
        pytest.param({"type": "string", "enum": ["1"]}, ["1"], False, id="list"),
        pytest.param(
            {"type": "number", "enum": [Decimal("0.5")]}, 0.5, True, id="half"
        ),
        pytest.param(
            {"type": "number", "enum": [Decimal("0.5")]},
            Decimal("0.50"),
            True,
            id="trailing-zero",
        ),
        # 0.1 is not exactly a double: not proven, whatever the reading.
        pytest.param(
            {"type": "number", "enum": [Decimal("0.1")]}, 0.1, False, id="inexact-float"
        ),
        pytest.param(
            {"type": "number", "enum": [2**64]}, 2.0**64, False, id="big-float"
        ),
        pytest.param({"type": "number", "enum": [0]}, -0.0, True, id="negative-zero"),
        pytest.param({"type": "boolean", "enum": [True]}, True, True, id="true"),
        pytest.param({"type": "boolean", "enum": [True]}, 1, False, id="1-is-not-true"),
        pytest.param({"type": "boolean", "enum": [True]}, False, False, id="false"),
        pytest.param({"type": "boolean"}, 0, False, id="0-is-not-false"),
        pytest.param(
            {"type": "string", "enum": ["CNY", "人民币"]}, "人民币", True, id="unicode"
        ),
        pytest.param(
            {"type": "string", "enum": ["ab", "abc"], "maxLength": 2},
            "abc",
            False,
            id="member-too-long",
        ),
    ],
)
def test_proves_enum_membership_by_json_equality(schema, value, expected):
    _assert_sound(schema, value, expected)


# --------------------------------------------------------------------------------------------
# Strings and patterns
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        pytest.param(
            {"type": "string", "maxLength": 2}, "😀😀", True, id="code-points"
        ),
        pytest.param(
            {"type": "string", "maxLength": 2}, "😀😀😀", False, id="too-long"
        ),
        pytest.param({"type": "string", "minLength": 2}, "中", False, id="too-short"),
        pytest.param({"type": "string", "maxLength": 3}, "中文", True, id="chinese"),
        pytest.param({"type": "string"}, 1, False, id="int-is-no-string"),
    ],
)
def test_counts_lengths_in_code_points(schema, value, expected):
    _assert_sound(schema, value, expected)


def test_refuses_a_lone_surrogate_which_the_hot_path_cannot_read():
    schema = {"type": "string", "maxLength": 3}

    assert _hot_path(schema, "\ud800") == RAISES
    assert compile_acceptor(schema)("\ud800") is False


SKU = "^SKU-[0-9]{6}$"


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        pytest.param(SKU, "SKU-123456", True, id="plain"),
        pytest.param(SKU, "SKU-123456\n", False, id="trailing-newline"),
        pytest.param(SKU, "SKU-１２３４５６", False, id="fullwidth-digits"),
        pytest.param(SKU, 123456, False, id="int"),
        pytest.param("^[0-9a-f]{16}$", "332715ee22552adc", True, id="hex"),
        pytest.param("^[a-z]+$", "abc", True, id="one-run"),
        pytest.param("^[a-z]+$", "", False, id="empty-run"),
        pytest.param("^a[0-9]*z$", "a123z", True, id="run-inside"),
        pytest.param("^a[0-9]*z$", "a12x3z", False, id="run-broken"),
        pytest.param("^a", "abc", True, id="prefix"),
        pytest.param("c$", "abc", True, id="suffix"),
        pytest.param("b", "abc", True, id="unanchored"),
        pytest.param("b", "a\nb", True, id="unanchored-beside-newline"),
        pytest.param("^a.b$", "a-b", True, id="dot"),
        pytest.param("^a.b$", "a\rb", False, id="dot-carriage-return"),
        pytest.param("^a.b$", "a\u2028b", False, id="dot-line-separator"),
        pytest.param("^\\d$", "٣", False, id="arabic-digit"),
        pytest.param("^\\w$", "é", False, id="accented-word"),
        pytest.param("^a\\sb$", "a b", True, id="space"),
        pytest.param("^a\\sb$", "a\vb", False, id="vertical-tab"),
        pytest.param("^a\\sb$", "a\xa0b", False, id="no-break-space"),
        pytest.param("^[^0-9]+$", "abc", True, id="negated"),
        pytest.param("^[^0-9]+$", "é", False, id="negated-non-ascii"),
        pytest.param("^[a-z&&[^b]]$", "a", False, id="class-intersection"),
        pytest.param("^(ab)+$", "abab", True, id="group-through-re2"),
        pytest.param("^ab|cd$", "xcd", True, id="alternation-through-re2"),
        pytest.param("\\bab\\b", "x ab y", True, id="word-boundary"),
        pytest.param("^中", "中文", False, id="non-ascii-literal"),
        pytest.param("^(?i)abc$", "ABC", False, id="inline-flag"),
    ],
)
def test_proves_a_pattern_match_only_where_engines_agree(pattern, value, expected):
    _assert_sound({"type": "string", "pattern": pattern}, value, expected)


def test_every_pattern_of_all_of_must_match():
    schema = {"type": "string", "allOf": [{"pattern": "^[a-z]+$"}, {"pattern": "^a"}]}

    _assert_sound(schema, "abc", True)
    _assert_sound(schema, "bc", False)


_ATOMS = ("a", "b", "0", "-", ".", "[ab]", "[^a]", "[a-c]", "\\d", "\\w", "\\s", "\\.")
_REPEATS = ("", "", "*", "+", "?", "{2}", "{1,3}", "{2,}")
_TEXT = "ab0-. \n\r\té٣\x0bc"


def _random_pattern(rng: random.Random) -> str:
    parts = [
        rng.choice(_ATOMS) + rng.choice(_REPEATS) for _ in range(rng.randint(1, 4))
    ]
    if rng.random() < 0.2:
        parts.insert(rng.randrange(len(parts)), "(")
        parts.append(")" + rng.choice(_REPEATS))
    if rng.random() < 0.15:
        parts.insert(rng.randrange(len(parts) + 1), "|")
    return (
        ("^" if rng.random() < 0.6 else "")
        + "".join(parts)
        + ("$" if rng.random() < 0.6 else "")
    )


def test_random_patterns_match_only_where_the_hot_path_matches():
    rng = random.Random(20240518)
    proven = matched = 0
    for _ in range(250):
        schema = {"type": "string", "pattern": _random_pattern(rng)}
        try:
            validator = compile_schema(schema)
        except ValueError:
            continue  # not a pattern jsonschema-rs takes: no sample can reach the acceptor
        accept = compile_acceptor(schema)
        for _ in range(25):
            text = "".join(rng.choices(_TEXT, k=rng.randint(0, 6)))
            verdict, valid = accept(text), validator.is_valid(text)
            assert not verdict or valid, (schema, text)
            if text.isascii() and text.isprintable():
                proven += verdict
                matched += valid
    # Not sound by refusing everything: on printable ASCII, nearly all matches are proven.
    assert proven > 0.9 * matched, (proven, matched)


# --------------------------------------------------------------------------------------------
# Date-times
# --------------------------------------------------------------------------------------------

DATE_TIME = {"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}
PROVEN_DATE_TIMES = (
    "2024-05-18T09:30:00Z",
    "2024-05-18T09:30:00.123Z",
    "2024-05-18T09:30:00+08:00",
    "2024-05-18t09:30:00z",
    "2024-02-29T23:59:59-00:00",
    "2024-01-31T12:00:00+23:59",
    "2016-12-31T23:59:60Z",
    "2016-12-31T15:59:60-08:00",
    "2016-12-30T23:59:60Z",
    "2024-05-18T09:30:00.1234567890123Z",
    "0000-01-01T00:00:00Z",
)
REFUSED_DATE_TIMES = (
    "2016-12-31T23:59:60+08:00",
    "2016-12-31T23:58:60Z",
    "2016-12-31T23:59:61Z",
    "1900-02-29T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-05-18T09:30:00+08:60",
    "2024-05-18T09:30:00z\n",
)


@pytest.mark.parametrize(
    "value",
    sorted(set(VALID_DATE_TIMES + PROVEN_DATE_TIMES) - {"0000-01-01T00:00:00Z"}),
)
def test_proves_rfc_3339_date_times(value):
    _assert_sound(DATE_TIME, value, True)


@pytest.mark.parametrize(
    "value", MALFORMED_DATE_TIMES + IMPOSSIBLE_DATE_TIMES + REFUSED_DATE_TIMES
)
def test_refuses_date_times_the_format_or_calendar_refuses(value):
    _assert_sound(DATE_TIME, value, False)


def test_a_year_zero_is_proven_only_if_the_hot_path_takes_it():
    value = "0000-01-01T00:00:00Z"

    assert compile_acceptor(DATE_TIME)(value) is _hot_path(DATE_TIME, value)


def test_the_date_time_pattern_is_the_one_schemas_are_built_with():
    assert acceptor.DATE_TIME_PATTERN == DATE_TIME_PATTERN


# --------------------------------------------------------------------------------------------
# Objects, arrays, odd input
# --------------------------------------------------------------------------------------------

ORDER = {
    "type": "object",
    "properties": {
        "sku": {"type": "string", "pattern": SKU},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
        "address": {
            "type": "object",
            "properties": {"city": {"type": "string", "maxLength": 5}},
            "additionalProperties": False,
        },
    },
    "required": ["sku"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param({"sku": "SKU-000001"}, True, id="minimal"),
        pytest.param({"sku": "SKU-000001", "tags": ["a", "b"]}, True, id="array"),
        pytest.param({"sku": "SKU-000001", "tags": ["a", "b", "c"]}, False, id="long"),
        pytest.param({"sku": "SKU-000001", "tags": ["a", 1]}, False, id="item-type"),
        pytest.param({"tags": []}, False, id="missing-required"),
        pytest.param({"sku": "SKU-000001", "coupon": "x"}, False, id="undeclared"),
        pytest.param(
            {"sku": "SKU-000001", "address": {"city": "杭州", "zip": "1"}},
            False,
            id="nested-undeclared",
        ),
        pytest.param({"sku": "SKU-000001", 1: "x"}, False, id="int-key"),
        pytest.param([], False, id="not-an-object"),
    ],
)
def test_proves_closed_objects_key_by_key(value, expected):
    _assert_sound(ORDER, value, expected)


def test_an_open_object_takes_undeclared_properties_but_not_keys_that_are_not_text():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}

    _assert_sound(schema, {"a": "x", "b": [1, {"c": None}]}, True)
    assert _hot_path(schema, {"a": "x", 1: 2}) == RAISES
    assert compile_acceptor(schema)({"a": "x", 1: 2}) is False


def test_a_huge_array_and_a_deep_open_value_are_proven_without_recursion():
    deep: Any = None
    for _ in range(5000):
        deep = {"d": [deep]}
    schema = {
        "type": "object",
        "properties": {
            "ids": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "extras": {"type": "object"},
        },
    }

    _assert_sound(schema, {"ids": list(range(100_000)), "extras": deep}, True)


class _Text(str):
    pass


class _Hostile:
    """Hashes like the key "city", then raises when compared with it."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError

    def __hash__(self) -> int:
        return hash("city")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="none"),
        pytest.param("SKU-000001", id="text"),
        pytest.param({"sku": _Text("SKU-000001")}, id="str-subclass"),
        pytest.param({"sku": "SKU-000001", "tags": [_Hostile()]}, id="hostile-item"),
        pytest.param(
            {"sku": "SKU-000001", "address": {_Hostile(): 1}}, id="hostile-key"
        ),
        pytest.param({"sku": "SKU-000001", "tags": {"a"}}, id="set"),
        pytest.param({"sku": float("nan")}, id="nan"),
    ],
)
def test_never_raises_on_values_no_json_holds(value):
    assert compile_acceptor(ORDER)(value) in (True, False)


# --------------------------------------------------------------------------------------------
# The subset
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_supports_every_schema_the_plan_builder_writes(policy):
    assert compile_acceptor(_schema(policy)) is not None


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"type": "string", "const": "a"}, id="const"),
        pytest.param({"$ref": "#/$defs/a"}, id="ref"),
        pytest.param({"type": "object", "patternProperties": {}}, id="pattern-props"),
        pytest.param({"type": "object", "additionalProperties": {}}, id="schema-extra"),
        pytest.param({"type": ["string", "null"]}, id="type-list"),
        pytest.param({"enum": ["a"]}, id="no-type"),
        pytest.param({"type": "string", "format": "email"}, id="other-format"),
        pytest.param({"type": "integer", "minimum": "1"}, id="text-bound"),
        pytest.param({"type": "string", "maxLength": -1}, id="negative-length"),
        pytest.param(
            {"type": "string", "allOf": [{"minLength": 1}]}, id="all-of-other"
        ),
        pytest.param(
            {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"},
            id="other-dialect",
        ),
        pytest.param(
            {"type": "object", "properties": {"a": {"type": "string", "not": {}}}},
            id="nested",
        ),
        pytest.param(
            {"type": "array", "items": {"type": "array", "items": {"oneOf": []}}},
            id="nested-items",
        ),
    ],
)
def test_refuses_to_compile_a_schema_outside_the_subset(schema):
    assert compile_acceptor(schema) is None


def test_refuses_to_compile_a_schema_nested_deeper_than_it_follows():
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(40):
        schema = {"type": "array", "items": schema}

    assert compile_acceptor(schema) is None
