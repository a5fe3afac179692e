"""The hot-path validator and the reference `jsonschema` agree, sample for sample.

The schemas are built the way a published version holds them (`event_schema`, rendered, parsed
back with `Decimal` bounds as `compiled._compile_event` does) for a plan that uses every type and
constraint the registry can express, under both additional-properties policies. The samples
pass through `wire.parse_json`, so they hold exactly what a worker validates: `int` of any size,
short floats, or `Decimal`s when the body needed the exact parse.

Two differences are the reference's, not the plan's, and are bridged here:
- numbers: a float on the fast path is the decimal the client wrote (at most 15 digits), so the
  reference compares it as that decimal, and an integral `Decimal` (`5.0`) is an integer, as
  JSON Schema says;
- `format: date-time`: the reference asserts it only with the optional `rfc3339-validator`
  package. Without it, the agreement rests on the date-time `pattern` every date-time schema
  carries, and the corpus holds date-times the pattern and the format judge alike; values the
  pattern passes but the calendar refuses are checked against the hot path alone below.
"""

from __future__ import annotations

import functools
import json
import random
from decimal import Decimal
from typing import Any

import pytest
from jsonschema import Draft202012Validator, validators

from governance.pipeline.compiled import compile_schema, without_date_time_patterns
from governance.pipeline.wire import parse_json
from tests.governance.pipeline.plans import (
    BASE_URL,
    VERSION,
    event,
    optional,
    prop,
    required,
    snapshot,
)
from tracking.schemas import event_schema, render
from tracking.schemas.build import DATE_TIME_PATTERN

# Every run checks a prefix of the corpus; CI's integration run checks all of it (about a
# minute: the pure-Python reference costs about a millisecond a sample).
QUICK_CORPUS_SIZE = 2_500
FULL_CORPUS_SIZE = 20_000
SEED = 20240518

# --------------------------------------------------------------------------------------------
# The plan: every property type and constraint
# --------------------------------------------------------------------------------------------

SKU = prop("sku", patterns=("^SKU-[0-9]{6}$",))
QTY = prop("qty", "integer", minimum="1", maximum="99")
LAT = prop("lat", "number", minimum="-90", maximum="90")
PROPERTIES = {
    "currency": prop("currency", enum=("CNY", "USD", "人民币")),
    "sku": SKU,
    "slug": prop("slug", patterns=("^[a-z]+$", "^a")),
    "code": prop("code", min_length=2, max_length=5),
    "title": prop("title"),
    "count": prop("count", "integer", minimum="-5", maximum="100"),
    "points": prop(
        "points",
        "integer",
        minimum="-36893488147419103232",
        maximum="36893488147419103232",
    ),
    "level": prop("level", "integer", enum=(1, 2, 3)),
    "price": prop("price", "number", minimum="0.01", maximum="99.99"),
    "amount": prop(
        "amount",
        "number",
        minimum="12345678.0000000001",
        maximum="18446744073709551616.5",
    ),
    "ratio": prop("ratio", "number", enum=(0.5, 1.5)),
    "flag": prop("flag", "boolean"),
    "agreed": prop("agreed", "boolean", enum=(True,)),
    "paid_at": prop("paid_at", "date-time"),
    "tags": prop(
        "tags", "array", item_type="string", enum=("a", "b"), min_items=1, max_items=3
    ),
    "scores": prop(
        "scores", "array", item_type="integer", minimum="0", maximum="10", max_items=4
    ),
    "items": prop("items", "array", item_type="object", fields=(SKU, QTY)),
    "anything": prop("anything", "array"),
    "address": prop(
        "address",
        "object",
        fields=(
            prop("city", max_length=5),
            prop("zip", patterns=("^[0-9]{6}$",)),
            prop("geo", "object", fields=(LAT,)),
        ),
    ),
    "extras": prop("extras", "object"),
}
REQUIRED = ("currency", "count", "paid_at", "items", "address")
EVERYTHING = event(
    "Everything Happened",
    *(
        (required if key in REQUIRED else optional)(spec)
        for key, spec in PROPERTIES.items()
    ),
)
POLICIES = ("allow", "forbid")

# --------------------------------------------------------------------------------------------
# Values: valid and invalid for each property
# --------------------------------------------------------------------------------------------

BIG = 36893488147419103232
VALID_DATE_TIMES = (
    "2024-05-18T09:30:00Z",
    "2024-05-18t09:30:00z",
    "2024-05-18T09:30:00+08:00",
    "2024-05-18T09:30:00-05:30",
    "2024-05-18T09:30:00.5Z",
    "2024-05-18T09:30:00.123456789Z",
    "2024-02-29T23:59:59-00:00",
    "2016-12-31T23:59:60Z",
)
# Refused by the pattern (and so by the format as well).
MALFORMED_DATE_TIMES = (
    "2024-05-18T09:30:00",
    "2024-05-18 09:30:00Z",
    "2024-05-18T09:30:00+0800",
    "2024-05-18T09:30Z",
    "2024-05-18",
    "",
    "2024-05-18T09:30:00.Z",
    "２０２４-05-18T09:30:00Z",
)
# Passed by the pattern, refused by the calendar.
IMPOSSIBLE_DATE_TIMES = (
    "2024-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-05-18T24:00:00Z",
    "2024-05-18T09:60:00Z",
    "2024-05-18T09:30:00+24:00",
    "2024-05-18T09:30:00+08:60",
)
WRONG_TYPES = (None, True, 7, -1.5, "7", [], {}, ["x"], {"k": 1})

VALID: dict[str, tuple[Any, ...]] = {
    "currency": ("CNY", "USD", "人民币"),
    "sku": ("SKU-000001", "SKU-999999"),
    "slug": ("a", "abc", "azz"),
    "code": ("ab", "abcde", "中文", "😀😀", "a😀b"),
    "title": ("", "鞋", "x" * 300, "line\nbreak", "SKU-123456\n"),
    "count": (-5, 0, 100, 42, 1.0, Decimal("7.0"), Decimal("1E+2")),
    "points": (-BIG, BIG, 0, 2**64 + 1, 2**53 + 1, -(2**63), Decimal("1.0E+19")),
    "level": (1, 2, 3, 1.0, Decimal("2.0")),
    "price": (
        0.01,
        99.99,
        9.5,
        1,
        Decimal("0.0100000000000000000001"),
        Decimal("99.99"),
    ),
    "amount": (
        Decimal("12345678.0000000001"),
        Decimal("18446744073709551616.5"),
        18446744073709551616,
        12345679,
        123456789.5,
    ),
    "ratio": (0.5, 1.5, Decimal("0.50"), Decimal("1.5")),
    "flag": (True, False),
    "agreed": (True,),
    "paid_at": VALID_DATE_TIMES,
    "tags": (["a"], ["a", "b"], ["b", "b", "a"]),
    "scores": ([], [0, 10], [1, 2, 3, 4], [5.0]),
    "items": (
        [],
        [{"sku": "SKU-000001", "qty": 1}],
        [{"qty": 99}, {"sku": "SKU-123456"}],
    ),
    "anything": ([], [1, "a", None, {"k": [1]}]),
    "address": (
        {},
        {"city": "杭州"},
        {"city": "Hangz", "zip": "310000", "geo": {"lat": -90}},
        {"geo": {"lat": Decimal("89.9999999999999999")}},
    ),
    "extras": ({}, {"anything": [1, 2]}, {"深": {"层": None}}),
}
INVALID: dict[str, tuple[Any, ...]] = {
    "currency": ("EUR", "cny", " CNY", "人民币 ", 1),
    "sku": ("SKU-12", "SKU-1234567", "sku-123456", "SKU-12345a", " SKU-123456", 123456),
    "slug": ("b", "A", "ab1", "", "a\nb"),
    "code": ("a", "abcdef", "", "😀", "中文中文中文"),
    "title": (1, None, ["鞋"]),
    "count": (-6, 101, 1.5, Decimal("7.5"), "3", True, 2**70),
    "points": (BIG + 1, -BIG - 1, 2**80, 0.5, Decimal("1.0000000000000000000001")),
    "level": (0, 4, 1.5, "1", True),
    "price": (
        0,
        100,
        0.001,
        Decimal("0.00999999999999999999"),
        Decimal("99.99000000000000000001"),
        "9.5",
    ),
    "amount": (
        12345678,
        12345678.0,
        Decimal("12345678.00000000009"),
        Decimal("18446744073709551616.50000000001"),
        18446744073709551617,
        1e20,
    ),
    "ratio": (1, 0.25, "0.5", True),
    "flag": ("true", 0, 1, None),
    "agreed": (False, 1, "yes"),
    "paid_at": MALFORMED_DATE_TIMES + (1716000000, None),
    "tags": ([], ["c"], ["a", "b", "a", "b"], ["a", 1], "a", [None]),
    "scores": ([-1], [11], [1, 2, 3, 4, 5], [1.5], ["1"], [True]),
    "items": (
        [{"sku": "SKU-1", "qty": 1}],
        [{"qty": 0}],
        [{"qty": 100}],
        [{"qty": "1"}],
        ["SKU-000001"],
        {"sku": "SKU-000001"},
    ),
    "anything": ({}, "list"),
    "address": (
        {"city": "Hangzhou"},
        {"zip": "31000"},
        {"geo": {"lat": 90.5}},
        {"geo": {"lat": "30"}},
        {"geo": []},
        [],
        {"city": 1, "zip": 1},
    ),
    "extras": ([], "x", 1),
}
UNEXPECTED = {"coupon": "SPRING", "深度": {"a": 1}, "n": 2**65, "x": None}


def _sample(rng: random.Random) -> dict[str, Any]:
    """Each property valid, invalid or left out; sometimes an undeclared one besides."""
    sample: dict[str, Any] = {}
    broken = rng.choice((0, 0, 1, 1, 1, 2, 3))
    to_break = set(rng.sample(sorted(PROPERTIES), broken))
    for key in PROPERTIES:
        if key in to_break:
            if rng.random() < 0.15:
                continue  # left out: an error only if required
            sample[key] = rng.choice(INVALID[key] + WRONG_TYPES)
        elif key in REQUIRED or rng.random() < 0.6:
            sample[key] = rng.choice(VALID[key])
    if rng.random() < 0.2:
        key = rng.choice(sorted(UNEXPECTED))
        sample[key] = UNEXPECTED[key]
    if rng.random() < 0.2:
        # A field the nested object does not declare.
        address = sample.get("address")
        if isinstance(address, dict):
            sample["address"] = {**address, "street": "文三路"}
    if rng.random() < 0.3:
        # A long number elsewhere in the body sends the whole body through the exact parse.
        sample["exact"] = Decimal("0.10000000000000000001")
    return sample


def _as_received(sample: dict[str, Any]) -> Any:
    """The sample as a worker sees it: written as JSON text, parsed by the wire parser."""
    return parse_json(render(sample))


# --------------------------------------------------------------------------------------------
# The two validators
# --------------------------------------------------------------------------------------------


def _is_integer(checker: Any, value: Any) -> bool:
    base = Draft202012Validator.TYPE_CHECKER.is_type(value, "integer")
    integral_decimal = isinstance(value, Decimal) and value == value.to_integral_value()
    return base or integral_decimal


Reference = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


def _as_written(value: Any) -> Any:
    """Fast-path floats as the decimals the client wrote (see the module docstring)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _as_written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_written(v) for v in value]
    return value


def _schema(policy: str) -> dict[str, Any]:
    plan = snapshot(EVERYTHING, additional_properties=policy)
    text = render(
        event_schema(plan, EVERYTHING.key, version=VERSION, base_url=BASE_URL)
    )
    return json.loads(text, parse_float=Decimal)


class Pair:
    """The hot-path validator and the reference, on one schema."""

    def __init__(self, schema: dict[str, Any]) -> None:
        Reference.check_schema(schema)
        # As the worker compiles it: without the date-time pattern (format asserts it).
        self.fast = compile_schema(without_date_time_patterns(schema))
        self.reference = Reference(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )

    def fast_verdict(self, instance: Any) -> tuple[bool, frozenset[tuple[Any, ...]]]:
        paths = frozenset(
            tuple(e.instance_path) for e in self.fast.iter_errors(instance)
        )
        return self.fast.is_valid(instance), paths

    def reference_verdict(
        self, instance: Any
    ) -> tuple[bool, frozenset[tuple[Any, ...]]]:
        written = _as_written(instance)
        errors = list(self.reference.iter_errors(written))
        return not errors, frozenset(tuple(e.absolute_path) for e in errors)


# --------------------------------------------------------------------------------------------
# Agreement
# --------------------------------------------------------------------------------------------


def test_the_schemas_state_every_constraint_the_corpus_exercises():
    schema = _schema("forbid")
    keywords = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            keywords.update(node)
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(schema["properties"])
    assert {
        "type",
        "enum",
        "pattern",
        "allOf",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "format",
        "items",
        "minItems",
        "maxItems",
        "properties",
        "additionalProperties",
    } <= keywords
    assert set(schema["required"]) == set(REQUIRED)


BROKEN_KEYWORDS = {
    "type",
    "required",
    "enum",
    "pattern",
    "format",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
}


@functools.cache
def _corpus(size: int) -> tuple[Any, ...]:
    """The first `size` samples of the seeded sequence, as received: the same on every run."""
    rng = random.Random(SEED)
    return tuple(_as_received(_sample(rng)) for _ in range(size))


def _assert_agreement(size: int) -> None:
    for policy in POLICIES:
        pair = Pair(_schema(policy))
        disagreements = []
        valid = 0
        kinds: set[str] = set()
        for index, instance in enumerate(_corpus(size)):
            fast = pair.fast_verdict(instance)
            reference = pair.reference_verdict(instance)
            valid += fast[0]
            if not fast[0]:
                kinds.update(e.kind.name for e in pair.fast.iter_errors(instance))
            if fast != reference:
                disagreements.append((policy, index, instance, fast, reference))

        assert disagreements[:3] == []
        # Agreement is not trivial: both outcomes are common and every constraint is broken.
        assert size * 0.15 < valid < size * 0.85
        assert kinds >= BROKEN_KEYWORDS | (
            {"additionalProperties"} if policy == "forbid" else set()
        )


def test_the_validators_agree_on_validity_and_failing_paths_sample_for_sample():
    _assert_agreement(QUICK_CORPUS_SIZE)


@pytest.mark.integration
def test_the_validators_agree_over_the_full_corpus():
    _assert_agreement(FULL_CORPUS_SIZE)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(
    ("properties", "paths"),
    [
        pytest.param({"coupon": "SPRING"}, {"allow": set(), "forbid": {()}}, id="top"),
        pytest.param(
            {"address": {"street": "文三路"}},
            {"allow": set(), "forbid": {("address",)}},
            id="nested",
        ),
    ],
)
def test_undeclared_properties_fail_only_under_forbid(policy, properties, paths):
    pair = Pair(_schema(policy))
    base = {
        "currency": "CNY",
        "count": 1,
        "paid_at": "2024-05-18T09:30:00Z",
        "items": [],
        "address": {},
    }
    instance = _as_received({**base, **properties})

    expected = (not paths[policy], frozenset(paths[policy]))
    assert pair.fast_verdict(instance) == expected
    assert pair.reference_verdict(instance) == expected


# --------------------------------------------------------------------------------------------
# Where the two are known to differ, the hot path follows the standard
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", IMPOSSIBLE_DATE_TIMES)
def test_the_hot_path_refuses_date_times_the_calendar_refuses(value):
    validator = compile_schema(
        {"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}
    )

    assert [e.kind.name for e in validator.iter_errors(value)] == ["format"]


DATE_TIME_SHAPES = [
    "2026-01-01T00:00:00Z",
    "2026-01-01t00:00:00z",
    "2026-01-01 00:00:00Z",
    "2026-01-01T00:00:00",
    "2026-01-01T00:00:00.Z",
    "2026-01-01T00:00:00,5Z",
    "2026-01-01T00:00Z",
    "2026-01-01T00:00:00+0800",
    "2026-01-01T00:00:00+08",
    "2026-01-01T00:00:00.123456789+08:00",
    "20260101T000000Z",
    "2026-1-01T00:00:00Z",
    "+2026-01-01T00:00:00Z",
    "2026-01-01T00:00:00-00:00",
    "2026-01-01T24:00:00Z",
    "2016-12-31T23:59:60Z",
    "2026-01-01T00:00:00Z\n",
    "\uff12\uff10\uff12\uff16-01-01T00:00:00Z",
    "2026-02-29T00:00:00Z",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01T00:00:00Zjunk",
    " 2026-01-01T00:00:00Z",
    "2026-01-01T00:00:00.1234567890123456789012Z",
]


@pytest.mark.parametrize("value", [*DATE_TIME_SHAPES, *IMPOSSIBLE_DATE_TIMES])
def test_the_date_time_format_is_at_least_as_strict_as_the_published_pattern(value):
    # The worker compiles schemas without DATE_TIME_PATTERN (compiled.py): were the format
    # check ever looser than the pattern, a value the published schema refuses would pass.
    by_format = compile_schema({"type": "string", "format": "date-time"})
    by_pattern = compile_schema({"type": "string", "pattern": DATE_TIME_PATTERN})

    assert not by_format.is_valid(value) or by_pattern.is_valid(value)


def test_the_hot_path_form_drops_only_the_date_time_pattern():
    schema = {
        "properties": {
            "at": {
                "type": "string",
                "format": "date-time",
                "pattern": DATE_TIME_PATTERN,
            },
            "both": {
                "type": "string",
                "format": "date-time",
                "allOf": [{"pattern": "^2026"}, {"pattern": DATE_TIME_PATTERN}],
            },
            "sku": {"type": "string", "pattern": DATE_TIME_PATTERN},
        }
    }

    assert without_date_time_patterns(schema) == {
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "both": {
                "type": "string",
                "format": "date-time",
                "allOf": [{"pattern": "^2026"}],
            },
            "sku": {"type": "string", "pattern": DATE_TIME_PATTERN},
        }
    }


@pytest.mark.parametrize(
    ("value", "fast_valid"),
    [
        pytest.param("SKU-123456", True, id="plain"),
        pytest.param("SKU-123456\n", False, id="trailing-newline"),
    ],
)
def test_a_pattern_anchor_ends_at_the_end_of_the_text_as_in_ecma_262(value, fast_valid):
    # Python's `re.search` lets `$` match before a final newline; the reference therefore
    # passes "SKU-123456\n", which ECMA-262 (and the hot path) refuse.
    schema = {"type": "string", "pattern": "^SKU-[0-9]{6}$"}

    assert compile_schema(schema).is_valid(value) is fast_valid
    assert Draft202012Validator(schema).is_valid(value) is True


def test_the_reference_reads_an_integral_decimal_as_an_integer_only_when_told():
    schema = {"type": "integer"}

    assert compile_schema(schema).is_valid(Decimal("5.0")) is True
    assert Draft202012Validator(schema).is_valid(Decimal("5.0")) is False
    assert Reference(schema).is_valid(Decimal("5.0")) is True
