"""What the generated schemas accept and reject, judged by the reference `jsonschema`."""

from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.tracking.schemas.snapshots import (
    BASE_URL,
    EVERYTHING,
    VALID_EVERYTHING,
    VERSION,
    event,
    optional,
    plan,
    prop,
)
from tracking.schemas import event_schema


def _errors(payload, *, policy="forbid"):
    snapshot = plan(EVERYTHING, additional_properties=policy)
    schema = event_schema(snapshot, EVERYTHING.key, version=VERSION, base_url=BASE_URL)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    return sorted(
        (error.validator, list(error.absolute_path))
        for error in validator.iter_errors(payload)
    )


def _with(**changes):
    payload = copy.deepcopy(VALID_EVERYTHING)
    payload.update(changes)
    return payload


def _without(key):
    payload = copy.deepcopy(VALID_EVERYTHING)
    del payload[key]
    return payload


# `format` asserts date-time only when jsonschema's optional checker is installed; the pattern
# rejects a missing zone either way.
_DATE_TIME_CHECKED = "date-time" in FormatChecker().checkers
_NO_ZONE = [("pattern", ["at"])] + ([("format", ["at"])] if _DATE_TIME_CHECKED else [])


def test_valid_payload_passes():
    assert _errors(VALID_EVERYTHING) == []


def test_optional_properties_may_be_left_out():
    assert _errors({"name": "abc", "tier": "free"}) == []


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(_with(tier="gold"), [("enum", ["tier"])], id="enum"),
        pytest.param(_with(name="bcd"), [("pattern", ["name"])], id="second-pattern"),
        pytest.param(_with(name="a1"), [("pattern", ["name"])], id="first-pattern"),
        pytest.param(_with(name="a"), [("minLength", ["name"])], id="min-length"),
        pytest.param(
            _with(name="abcdefghijk"), [("maxLength", ["name"])], id="max-length"
        ),
        pytest.param(_with(count=0), [("minimum", ["count"])], id="minimum"),
        pytest.param(_with(count=11), [("maximum", ["count"])], id="maximum"),
        pytest.param(_with(count=1.5), [("type", ["count"])], id="integer-type"),
        pytest.param(
            _with(price=0.001), [("minimum", ["price"])], id="decimal-minimum"
        ),
        pytest.param(_with(price=100), [("maximum", ["price"])], id="decimal-maximum"),
        pytest.param(_with(price="9.5"), [("type", ["price"])], id="number-type"),
        pytest.param(_with(flag="yes"), [("type", ["flag"])], id="boolean-type"),
        pytest.param(_with(at="2024-05-18T09:30:00"), _NO_ZONE, id="date-time-no-zone"),
        pytest.param(_with(at=1716000000), [("type", ["at"])], id="date-time-type"),
        pytest.param(_with(tags=[]), [("minItems", ["tags"])], id="min-items"),
        pytest.param(
            _with(tags=["a", "b", "a"]), [("maxItems", ["tags"])], id="max-items"
        ),
        pytest.param(_with(tags=["c"]), [("enum", ["tags", 0])], id="item-enum"),
        pytest.param(_with(tags="a"), [("type", ["tags"])], id="array-type"),
        pytest.param(
            _with(items=[{"sku": "X1"}]),
            [("pattern", ["items", 0, "sku"])],
            id="item-field",
        ),
        pytest.param(
            _with(items=[{"sku": "S1", "qty": 0}]),
            [("minimum", ["items", 0, "qty"])],
            id="item-field-range",
        ),
        pytest.param(
            _with(items=[{"sku": "S1", "colour": "red"}]),
            [("additionalProperties", ["items", 0])],
            id="item-unknown-field",
        ),
        pytest.param(
            _with(address={"city": "Hangzhou"}),
            [("maxLength", ["address", "city"])],
            id="nested-field",
        ),
        pytest.param(
            _with(address={"street": "1 Road"}),
            [("additionalProperties", ["address"])],
            id="nested-unknown-field",
        ),
        pytest.param(_with(address="Hz"), [("type", ["address"])], id="object-type"),
        pytest.param(_without("tier"), [("required", [])], id="required"),
        pytest.param(
            _with(coupon="X"), [("additionalProperties", [])], id="unknown-property"
        ),
    ],
)
def test_each_constraint_rejects_its_bad_payload(payload, expected):
    assert _errors(payload) == expected


def test_allow_policy_accepts_unplanned_properties_at_every_level():
    payload = _with(coupon="X", address={"city": "Hz", "street": "1 Road"})
    assert _errors(payload, policy="allow") == []


def test_free_form_object_stays_open_under_forbid():
    assert _errors(_with(extras={"anything": {"deep": True}})) == []


@pytest.mark.parametrize("privacy_class", ["none", "personal", "sensitive"])
def test_privacy_class_does_not_change_what_is_valid(privacy_class):
    snapshot = plan(event("A", optional(prop("phone", privacy_class=privacy_class))))
    schema = event_schema(snapshot, "A", version=VERSION, base_url=BASE_URL)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    verdicts = [validator.is_valid({"phone": value}) for value in ("13800138000", 7)]
    assert verdicts == [True, False]


@pytest.mark.parametrize(
    ("type_", "bound", "verdicts"),
    [
        pytest.param(
            "integer",
            "9007199254740993",
            {9007199254740993: True, 9007199254740994: False},
            id="integer-beyond-2**53",
        ),
        pytest.param(
            "number",
            "0.1000000000000000055511151231257828",
            # The float 0.1 is 0.1000000000000000055511151231257827021…, just below.
            {0.1: True, 0.10000000000000002: False},
            id="decimal-finer-than-a-float",
        ),
    ],
)
def test_bounds_beyond_float_precision_compare_exactly(type_, bound, verdicts):
    snapshot = plan(event("A", optional(prop("n", type_, maximum=bound))))
    schema = event_schema(snapshot, "A", version=VERSION, base_url=BASE_URL)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    assert {value: validator.is_valid({"n": value}) for value in verdicts} == verdicts
