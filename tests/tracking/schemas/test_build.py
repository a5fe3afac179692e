"""Event and bundle schemas: exact shape, valid 2020-12 for the demo and every construct."""

from __future__ import annotations

import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from subprocess import run

import pytest
from jsonschema import Draft202012Validator

from tests.tracking.schemas.snapshots import (
    BASE_URL,
    EVERYTHING,
    HOSTILE,
    VERSION,
    event,
    optional,
    plan,
    prop,
    required,
)
from tracking.schemas import (
    SchemaBuildError,
    bundle_schema,
    event_schema,
    event_schemas,
)
from tracking.schemas.build import DATE_TIME_PATTERN, DIALECT, json_number
from tracking.schemas.ids import short_hash

ID_ROOT = f"{BASE_URL}/schemas/shop/{VERSION}"


def _event(snapshot, key):
    return event_schema(snapshot, key, version=VERSION, base_url=BASE_URL)


def test_event_schema_has_exactly_the_plans_texts_types_and_constraints():
    snapshot = plan(
        event(
            "Coupon Entered",
            required(
                prop(
                    "currency",
                    display_name="币种",
                    enum=("CNY", "USD"),
                    examples=("CNY",),
                ),
                note="Only CNY in the mini-program.",
            ),
            optional(prop("entered_at", "date-time", description="When it was typed.")),
            display_name="输入优惠码",
            description="The user typed a coupon code.",
            trigger="When the apply button is tapped.",
            status="deprecated",
        ),
        additional_properties="forbid",
    )
    assert _event(snapshot, "Coupon Entered") == {
        "$schema": DIALECT,
        "$id": f"{ID_ROOT}/events/coupon-entered.json",
        "title": "Coupon Entered",
        "description": "The user typed a coupon code.\n\n"
        "Trigger: When the apply button is tapped.",
        "x-display-name": "输入优惠码",
        "deprecated": True,
        "type": "object",
        "properties": {
            "currency": {
                "title": "币种",
                "description": "Only CNY in the mini-program.",
                "type": "string",
                "enum": ["CNY", "USD"],
                "examples": ["CNY"],
            },
            "entered_at": {
                "description": "When it was typed.",
                "type": "string",
                "format": "date-time",
                "pattern": DATE_TIME_PATTERN,
            },
        },
        "required": ["currency"],
        "additionalProperties": False,
    }


def test_allowed_additional_properties_leave_the_keyword_out():
    schema = _event(
        plan(event("A", optional(prop("o", "object", fields=(prop("x"),))))), "A"
    )
    assert "additionalProperties" not in schema
    assert "additionalProperties" not in schema["properties"]["o"]


def test_forbidden_additional_properties_close_nested_objects_but_not_free_form_ones():
    snapshot = plan(
        event(
            "A",
            optional(prop("o", "object", fields=(prop("x"),))),
            optional(prop("rows", "array", item_type="object", fields=(prop("y"),))),
            optional(prop("free", "object")),
        ),
        additional_properties="forbid",
    )
    properties = _event(snapshot, "A")["properties"]
    assert properties["o"]["additionalProperties"] is False
    assert properties["rows"]["items"]["additionalProperties"] is False
    assert properties["free"] == {"type": "object"}


def test_array_constraints_bind_each_item_and_counts_bind_the_list():
    spec = prop(
        "codes", "array", item_type="string", enum=("A", "B"), max_length=3, min_items=1
    )
    assert _event(plan(event("A", optional(spec))), "A")["properties"]["codes"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["A", "B"], "maxLength": 3},
        "minItems": 1,
    }


def test_several_patterns_must_all_match():
    spec = prop("code", patterns=("^[A-Z]+$", "^SO"))
    assert _event(plan(event("A", optional(spec))), "A")["properties"]["code"] == {
        "type": "string",
        "allOf": [{"pattern": "^[A-Z]+$"}, {"pattern": "^SO"}],
    }


def test_privacy_class_is_an_annotation_only():
    personal = prop("phone", privacy_class="personal", max_length=20)
    schema = _event(plan(event("A", optional(personal))), "A")["properties"]["phone"]
    assert schema == {"type": "string", "maxLength": 20, "x-privacy": "personal"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("0", 0, id="zero"),
        pytest.param("999", 999, id="integer"),
        pytest.param("-40", -40, id="negative"),
        pytest.param("9007199254740993", 9007199254740993, id="beyond-float-precision"),
        pytest.param("0.1", 0.1, id="float-that-prints-back"),
        pytest.param("59.9", 59.9, id="price"),
        pytest.param(
            "0.1000000000000000055511151231257827",
            Decimal("0.1000000000000000055511151231257827"),
            id="more-digits-than-a-float",
        ),
    ],
)
def test_bounds_become_exact_json_numbers(text, expected):
    number = json_number(text)
    assert (number, type(number)) == (expected, type(expected))


def test_unknown_event_is_refused():
    with pytest.raises(SchemaBuildError, match="no event 'Nope'"):
        _event(plan(event("A")), "Nope")


@pytest.mark.parametrize(
    ("snapshot", "message"),
    [
        pytest.param(
            plan(event("A", optional(prop("x", "uuid")))), "type", id="unknown-type"
        ),
        pytest.param(
            plan(event("A"), additional_properties="warn"), "policy", id="policy"
        ),
        pytest.param(
            plan(event("A", optional(prop("n", "number", maximum="NaN")))),
            "finite",
            id="nan-bound",
        ),
    ],
)
def test_what_a_schema_cannot_express_is_refused(snapshot, message):
    with pytest.raises(SchemaBuildError, match=message):
        _event(snapshot, "A")


def test_bundle_holds_every_event_schema_under_its_key():
    snapshot = replace(plan(EVERYTHING, event("Other")), description="The shop.")
    bundle = bundle_schema(snapshot, version=VERSION, base_url=BASE_URL)
    assert {k: v for k, v in bundle.items() if k != "$defs"} == {
        "$schema": DIALECT,
        "$id": f"{ID_ROOT}/bundle.json",
        "title": f"Shop {VERSION}",
        "description": "The shop.",
    }
    assert bundle["$defs"] == {
        "Everything Happened": _event(snapshot, "Everything Happened"),
        "Other": _event(snapshot, "Other"),
    }


def test_all_event_schemas_at_once_equal_each_event_schema_built_alone():
    # Regression: publishing built each event's schema with a pass over every event (slugs),
    # quadratic in the plan; the one-pass form must give exactly the same schemas and ids.
    snapshot = plan(*HOSTILE, additional_properties="forbid")
    schemas = event_schemas(snapshot, version=VERSION, base_url=BASE_URL)
    assert list(schemas) == [e.key for e in snapshot.events]
    assert schemas == {e.key: _event(snapshot, e.key) for e in snapshot.events}


def test_crafted_schemas_with_every_type_and_constraint_are_valid_2020_12():
    for snapshot in (
        plan(EVERYTHING),
        plan(EVERYTHING, additional_properties="forbid"),
    ):
        Draft202012Validator.check_schema(_event(snapshot, "Everything Happened"))
        Draft202012Validator.check_schema(
            bundle_schema(snapshot, version=VERSION, base_url=BASE_URL)
        )


def test_schemas_of_hostile_keys_are_valid_and_have_distinct_ids():
    snapshot = plan(*HOSTILE, additional_properties="forbid")
    bundle = bundle_schema(snapshot, version=VERSION, base_url=BASE_URL)
    Draft202012Validator.check_schema(bundle)
    ids = [schema["$id"] for schema in bundle["$defs"].values()]
    assert len(set(ids)) == len(HOSTILE)
    assert f"{ID_ROOT}/events/event_{short_hash('商品浏览')}.json" in ids


@pytest.mark.django_db
def test_every_demo_schema_is_valid_2020_12(demo_snapshot):
    bundle = bundle_schema(demo_snapshot, version=VERSION, base_url=BASE_URL)
    Draft202012Validator.check_schema(bundle)
    for spec in demo_snapshot.events:
        schema = _event(demo_snapshot, spec.key)
        Draft202012Validator.check_schema(schema)
        assert bundle["$defs"][spec.key] == schema
    assert len(bundle["$defs"]) == len(demo_snapshot.events) == 32


@pytest.mark.django_db
def test_demo_deprecated_event_is_flagged_and_kept(demo_snapshot):
    deprecated = [
        key
        for key, schema in bundle_schema(
            demo_snapshot, version=VERSION, base_url=BASE_URL
        )["$defs"].items()
        if schema.get("deprecated")
    ]
    assert deprecated == ["Coupon Entered"]


def test_schema_and_codegen_modules_import_without_the_orm():
    code = (
        "import sys, tracking.schemas, tracking.codegen; "
        "print(sorted(m for m in sys.modules if m.startswith("
        "('django.db', 'tracking.models', 'tracking.snapshot'))))"
    )
    root = Path(__file__).resolve().parents[3]
    result = run(  # noqa: S603
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    assert result.stdout == "[]\n"
