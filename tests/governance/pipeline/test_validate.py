"""Judging one sample: every kind of violation, validity, masked messages and observed types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from governance.pipeline.observed import json_type, observed_types, pointer
from governance.pipeline.validate import (
    SkewLimits,
    Verdict,
    Violation,
    app_version,
    judge,
)
from tests.governance.pipeline.plans import (
    ALLOW_PLAN,
    FORBID_PLAN,
    VALID_ORDER,
    compiled,
    event,
    optional,
    prop,
    snapshot,
)

RECEIVED_AT = datetime(2024, 5, 18, 1, 30, tzinfo=UTC)
LIMITS = SkewLimits(max_future=timedelta(minutes=10), max_past=timedelta(days=7))
PHONE = "13812345678"

ALLOW = compiled(ALLOW_PLAN)
FORBID = compiled(FORBID_PLAN)


def _track(properties, *, event="Order Completed", **fields):
    return {
        "type": "track",
        "event": event,
        "messageId": "m-1",
        "anonymousId": "a-1",
        "properties": properties,
        **fields,
    }


def _order(**changes):
    return {**VALID_ORDER, **changes}


def _judge(message, plan=ALLOW) -> Verdict:
    return judge(message, plan, received_at=RECEIVED_AT, limits=LIMITS)


def _found(verdict: Verdict) -> list[tuple[str, str, str]]:
    return [(v.kind, v.keyword, v.path) for v in verdict.violations]


def test_a_sample_that_follows_the_plan_has_no_violation():
    verdict = _judge(_track(VALID_ORDER, context={"app": {"version": "3.2.0"}}))

    assert verdict == Verdict(
        message_type="track",
        event_name="Order Completed",
        app_version="3.2.0",
        message_id="m-1",
        planned=True,
        valid=True,
        violations=(),
        personal_findings=0,
        types=(
            ("/properties/order_id", "string"),
            ("/properties/currency", "string"),
            ("/properties/platform", "string"),
        ),
    )


# --------------------------------------------------------------------------------------------
# Envelope and unplanned events
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"messageId": None}, [], id="no-message-id-is-valid"),
        pytest.param({"messageId": ""}, [], id="empty-message-id-is-valid"),
        pytest.param(
            {"anonymousId": None},
            [("envelope", "missing_identity", "/userId")],
            id="no-identity",
        ),
        pytest.param(
            {"anonymousId": "", "userId": ""},
            [("envelope", "missing_identity", "/userId")],
            id="empty-identities",
        ),
        pytest.param(
            {"messageId": None, "anonymousId": None},
            [("envelope", "missing_identity", "/userId")],
            id="no-message-id-and-no-identity",
        ),
        pytest.param({"anonymousId": None, "userId": 0}, [], id="numeric-user-id-0"),
    ],
)
def test_envelope_problems_make_the_sample_invalid(changes, expected):
    verdict = _judge({**_track(VALID_ORDER), **changes})

    assert _found(verdict) == expected
    assert verdict.valid is (not expected)


def test_an_unplanned_event_names_the_version_it_is_missing_from():
    verdict = _judge(_track({}, event="Coupon Entered"))

    assert (verdict.planned, verdict.valid) == (False, False)
    assert verdict.violations == (
        Violation(
            kind="unplanned_event",
            keyword="unplanned",
            path="/event",
            message="The event is not in version 1.0.0 of the plan.",
        ),
    )


def test_every_track_event_is_unplanned_before_a_plan_is_published():
    verdict = _judge(_track(VALID_ORDER), plan=None)

    assert (verdict.planned, verdict.valid) == (False, False)
    assert verdict.violations == (
        Violation(
            kind="unplanned_event",
            keyword="unplanned",
            path="/event",
            message="The event is not in any published version of the plan.",
        ),
    )


@pytest.mark.parametrize(
    "message",
    [
        pytest.param({"type": "page", "name": "Anything"}, id="page"),
        pytest.param({"type": "screen", "name": "首页"}, id="screen"),
        pytest.param({"type": "identify", "traits": {"plan": "pro"}}, id="identify"),
    ],
)
def test_only_track_calls_are_held_to_the_plan(message):
    verdict = _judge({**message, "messageId": "m-1", "userId": "u-1"})

    assert (verdict.planned, verdict.valid, verdict.violations) == (True, True, ())


# --------------------------------------------------------------------------------------------
# Schema violations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param(
            _order(order_id=1001),
            [("schema", "type", "/properties/order_id")],
            id="type",
        ),
        pytest.param(
            {"currency": "CNY", "platform": "ios"},
            [("schema", "required", "/properties/order_id")],
            id="required-path-ends-in-the-missing-key",
        ),
        pytest.param(
            _order(currency="EUR"),
            [("schema", "enum", "/properties/currency")],
            id="enum",
        ),
        pytest.param(
            _order(points=-1),
            [("schema", "minimum", "/properties/points")],
            id="minimum",
        ),
        pytest.param(
            _order(points=36893488147419103233),
            [("schema", "maximum", "/properties/points")],
            id="maximum-2-65-plus-1",
        ),
        pytest.param(
            _order(total=-18446744073709551617),
            [("schema", "minimum", "/properties/total")],
            id="minimum-below-minus-2-64",
        ),
        pytest.param(
            _order(total=Decimal("18446744073709551616.50000000001")),
            [("schema", "maximum", "/properties/total")],
            id="maximum-exceeded-in-the-11th-decimal",
        ),
        pytest.param(
            _order(order_id="A-1"),
            [("schema", "minLength", "/properties/order_id")],
            id="min-length",
        ),
        pytest.param(
            _order(order_id="A-1234567890X"),
            [("schema", "maxLength", "/properties/order_id")],
            id="max-length",
        ),
        pytest.param(
            _order(sku="SKU-12"),
            [("schema", "pattern", "/properties/sku")],
            id="pattern",
        ),
        pytest.param(
            _order(coupons=[]),
            [("schema", "minItems", "/properties/coupons")],
            id="min-items",
        ),
        pytest.param(
            _order(coupons=["a", "b", "c", "d"]),
            [("schema", "maxItems", "/properties/coupons")],
            id="max-items",
        ),
        pytest.param(
            _order(coupons=["a", 2]),
            [("schema", "type", "/properties/coupons/1")],
            id="item-type",
        ),
        pytest.param(
            _order(shipping={"city": 5, "quantity": 0}),
            [
                ("schema", "type", "/properties/shipping/city"),
                ("schema", "minimum", "/properties/shipping/quantity"),
            ],
            id="nested-object-fields",
        ),
        pytest.param(
            _order(items=[{"sku": "SKU-000001", "quantity": 1}, {"quantity": "2"}]),
            [("schema", "type", "/properties/items/1/quantity")],
            id="field-of-an-object-in-a-list",
        ),
        pytest.param(
            _order(paid_at=1716000000),
            [("schema", "type", "/properties/paid_at")],
            id="date-time-type",
        ),
        pytest.param(
            _order(gift="yes"), [("schema", "type", "/properties/gift")], id="boolean"
        ),
    ],
)
def test_a_schema_violation_names_its_keyword_and_path(properties, expected):
    verdict = _judge(_track(properties))

    assert _found(verdict) == expected
    assert verdict.valid is False


@pytest.mark.parametrize(
    "properties",
    [
        pytest.param(_order(points=36893488147419103232), id="integer-at-maximum"),
        pytest.param(_order(points=0), id="integer-at-minimum"),
        pytest.param(
            _order(total=Decimal("18446744073709551616.5")), id="decimal-at-maximum"
        ),
        pytest.param(_order(total=-18446744073709551616), id="number-at-minimum"),
        pytest.param(_order(order_id="A-12"), id="at-min-length"),
        pytest.param(
            _order(order_id="订单-123456789"[:12]), id="at-max-length-chinese"
        ),
        pytest.param(_order(coupons=["a", "b", "c"]), id="at-max-items"),
        pytest.param(_order(paid_at="2024-05-18T09:30:00+08:00"), id="date-time"),
        pytest.param(
            _order(shipping={"city": "杭州", "zip": "310000"}), id="open-field"
        ),
    ],
)
def test_values_on_the_bounds_are_valid(properties):
    verdict = _judge(_track(properties))

    assert (verdict.valid, _found(verdict)) == (True, [])


def test_a_required_violation_says_what_is_missing_without_a_value():
    verdict = _judge(_track({"currency": "CNY", "platform": "ios"}))

    assert verdict.violations == (
        Violation(
            kind="schema",
            keyword="required",
            path="/properties/order_id",
            message="A required property is missing.",
        ),
    )


def test_a_date_time_without_zone_is_one_format_violation_not_also_a_pattern_one():
    verdict = _judge(_track(_order(paid_at="2024-05-18T09:30:00")))

    assert _found(verdict) == [("schema", "format", "/properties/paid_at")]


def test_a_violation_of_a_common_property_is_classed_as_such():
    verdict = _judge(_track(_order(platform="pc")))

    assert _found(verdict) == [("common_property", "enum", "/properties/platform")]
    assert verdict.valid is False


def test_a_missing_common_property_is_classed_as_such():
    verdict = _judge(_track({"order_id": "A-1001", "currency": "CNY"}))

    assert _found(verdict) == [("common_property", "required", "/properties/platform")]


# --------------------------------------------------------------------------------------------
# Unexpected properties: a warning under `allow`, invalid under `forbid`
# --------------------------------------------------------------------------------------------


def test_an_unexpected_property_is_a_warning_when_the_plan_allows_it():
    verdict = _judge(_track(_order(coupon_code="SPRING")))

    assert verdict.violations == (
        Violation(
            kind="unexpected_property",
            keyword="additionalProperties",
            path="/properties/coupon_code",
            message="The plan does not declare this property for the event.",
        ),
    )
    assert verdict.valid is True


@pytest.mark.parametrize(
    ("properties", "path"),
    [
        pytest.param(_order(coupon_code="SPRING"), "/properties/coupon_code", id="top"),
        pytest.param(
            _order(shipping={"city": "杭州", "zip": "310000"}),
            "/properties/shipping/zip",
            id="nested-field",
        ),
    ],
)
def test_an_unexpected_property_is_invalid_when_the_plan_forbids_it(properties, path):
    verdict = _judge(_track(properties), plan=FORBID)

    assert verdict.violations == (
        Violation(
            kind="unexpected_property",
            keyword="additionalProperties",
            path=path,
            message="The plan does not declare this property.",
        ),
    )
    assert verdict.valid is False


# --------------------------------------------------------------------------------------------
# Personal data
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("properties", "path"),
    [
        pytest.param(
            _order(note=f"请回电 {PHONE} 谢谢"), "/properties/note", id="free-text"
        ),
        pytest.param(
            _order(buyer={"nickname": PHONE}),
            "/properties/buyer/nickname",
            id="nested-field",
        ),
        pytest.param(_order(coupons=[PHONE]), "/properties/coupons/0", id="list-item"),
        pytest.param(
            _order(unplanned_note=PHONE), "/properties/unplanned_note", id="undeclared"
        ),
    ],
)
def test_a_phone_in_a_property_not_classed_personal_is_reported(properties, path):
    verdict = _judge(_track(properties))

    personal = [v for v in verdict.violations if v.kind == "personal_data"]
    assert personal == [
        Violation(
            kind="personal_data",
            keyword="phone",
            path=path,
            message="Looks like a phone in a property not classed personal.",
        )
    ]
    assert verdict.personal_findings == 1


def test_personal_data_alone_leaves_the_sample_valid():
    verdict = _judge(_track(_order(note=f"call {PHONE}")))

    assert (verdict.valid, verdict.personal_findings) == (True, 1)


def test_personal_data_is_found_in_an_unplanned_event_too():
    verdict = _judge(_track({"contact": "zhang.san@example.com"}, event="Unplanned"))

    assert _found(verdict) == [
        ("unplanned_event", "unplanned", "/event"),
        ("personal_data", "email", "/properties/contact"),
    ]


@pytest.mark.parametrize(
    "properties",
    [
        pytest.param(_order(phone=PHONE), id="personal-property"),
        pytest.param(_order(id_card="11010519491231002X"), id="sensitive-property"),
        pytest.param(_order(buyer={"mobile": PHONE}), id="personal-field"),
    ],
)
def test_personal_data_is_not_reported_where_the_plan_expects_it(properties):
    verdict = _judge(_track(properties))

    assert (verdict.violations, verdict.personal_findings) == ((), 0)


def test_personal_data_is_not_reported_for_a_personal_field_of_objects_in_a_list():
    verdict = _judge(_track(_order(contacts=[{"name": "Li", "mobile": PHONE}])))

    assert (verdict.violations, verdict.personal_findings) == ((), 0)


# Lists and objects of values the plan shapes (enums, numbers, flags, date-times) are skipped
# by the scan of a valid sample, like such values on their own; anything free is still scanned.
_SHAPED = event(
    "Profile Updated",
    optional(prop("channels", "array", item_type="string", enum=("sms", PHONE))),
    optional(prop("scores", "array", item_type="integer")),
    optional(prop("seen", "array", item_type="date-time")),
    optional(prop("limits", "object", fields=(prop("daily", "integer"),))),
    optional(prop("labels", "array", item_type="string")),
    optional(prop("place", "object", fields=(prop("city"),))),
    optional(prop("extras", "object")),
)


@pytest.mark.parametrize(
    ("policy", "skipped"),
    [
        pytest.param("allow", {"channels", "scores", "seen"}, id="allow"),
        pytest.param("forbid", {"channels", "scores", "seen", "limits"}, id="forbid"),
    ],
)
def test_the_scan_skips_lists_and_closed_objects_of_shaped_values(policy, skipped):
    event_ = compiled(snapshot(_SHAPED, additional_properties=policy)).event(
        "Profile Updated"
    )

    assert event_.scan_skip == skipped


def test_a_listed_value_in_a_list_of_enums_is_not_reported():
    plan = compiled(snapshot(_SHAPED))

    verdict = _judge(_track({"channels": [PHONE]}, event="Profile Updated"), plan)

    assert (verdict.valid, verdict.violations) == (True, ())


@pytest.mark.parametrize(
    ("properties", "path"),
    [
        pytest.param({"labels": [PHONE]}, "/properties/labels/0", id="free-list"),
        pytest.param({"place": {"city": PHONE}}, "/properties/place/city", id="free"),
        pytest.param(
            {"limits": {"daily": 3, "note": PHONE}},
            "/properties/limits/note",
            id="open-object",
        ),
        pytest.param(
            {"extras": {"to": PHONE}}, "/properties/extras/to", id="no-fields"
        ),
    ],
)
def test_free_values_in_lists_and_objects_are_still_scanned(properties, path):
    plan = compiled(snapshot(_SHAPED))

    verdict = _judge(_track(properties, event="Profile Updated"), plan)

    assert _found(verdict) == [("personal_data", "phone", path)]


def test_an_undeclared_field_of_a_closed_object_is_scanned():
    plan = compiled(snapshot(_SHAPED, additional_properties="forbid"))
    message = _track({"limits": {"daily": 3, "note": PHONE}}, event="Profile Updated")

    verdict = _judge(message, plan)

    assert verdict.valid is False
    assert ("personal_data", "phone", "/properties/limits/note") in _found(verdict)


@pytest.mark.parametrize(
    ("message", "found"),
    [
        pytest.param(
            _track(_order(), event=f"Call {PHONE}"),
            ("phone", "/event", "the event or page name"),
            id="event-name",
        ),
        pytest.param(
            {**_track(_order()), "type": "page", "name": f"Contact {PHONE}"},
            ("phone", "/name", "the event or page name"),
            id="page-name",
        ),
        pytest.param(
            _track(_order(), context={"app": {"version": "4111111111111111"}}),
            ("bank_card", "/context/app/version", "the app version"),
            id="card-as-app-version",
        ),
        pytest.param(
            _track(_order(**{PHONE: 1})),
            ("phone", "/properties/138****5678", "a property key"),
            id="property-key",
        ),
        pytest.param(
            _track(_order(extra={"who": {"１３８１２３４５６７８": "x"}})),
            ("phone", "/properties/extra/who/138****5678", "a property key"),
            id="nested-full-width-key",
        ),
        pytest.param(
            _track(_order(extra={"to": int(PHONE)})),
            ("phone", "/properties/extra/to", "a property not classed personal"),
            id="nested-json-number",
        ),
        pytest.param(
            _track(_order(contact=float(PHONE))),
            ("phone", "/properties/contact", "a property not classed personal"),
            id="json-float",
        ),
        pytest.param(
            _track(_order(note="mail zhang%40example.com")),
            ("email", "/properties/note", "a property not classed personal"),
            id="percent-encoded-email",
        ),
    ],
)
def test_personal_data_anywhere_the_sample_names_or_holds_it_is_reported_masked(
    message, found
):
    verdict = _judge(message)

    kind, path, place = found
    assert [v for v in verdict.violations if v.kind == "personal_data"] == [
        Violation(
            kind="personal_data",
            keyword=kind,
            path=path,
            message=f"Looks like a {kind.replace('_', ' ')} in {place}.",
        )
    ]


def test_a_verdict_names_the_event_and_version_masked():
    message = _track(
        _order(**{PHONE: 1}),
        event=f"Call {PHONE}",
        context={"app": {"version": "4111111111111111"}},
    )

    verdict = _judge(message)

    assert (verdict.event_name, verdict.app_version, verdict.planned) == (
        "Call 138****5678",
        "**** **** **** 1111",
        False,
    )
    assert ("/properties/138****5678", "integer") in verdict.types


def test_a_phone_number_as_a_declared_key_is_looked_up_unmasked():
    plan = compiled(snapshot(event(f"Call {PHONE}")))

    verdict = _judge(_track({}, event=f"Call {PHONE}"), plan)

    assert (verdict.planned, verdict.event_name) == (True, "Call 138****5678")


def test_identify_traits_are_not_searched_for_personal_data():
    message = {"type": "identify", "userId": "u-1", "messageId": "m-1"}
    verdict = _judge({**message, "traits": {"phone": PHONE}})

    assert verdict.violations == ()


@pytest.mark.parametrize(
    "properties",
    [
        pytest.param(_order(phone=12345), id="personal-property-wrong-type"),
        pytest.param(_order(phone=13812345678), id="personal-property-number"),
        pytest.param(_order(buyer={"mobile": 13812345678}), id="personal-field-number"),
        pytest.param(_order(currency=PHONE), id="enum-quotes-the-value"),
        pytest.param(_order(order_id=int(PHONE)), id="type-quotes-the-value"),
        pytest.param(_order(sku=f"SKU {PHONE}"), id="pattern-quotes-the-value"),
        pytest.param(_order(coupons=[PHONE] * 4), id="max-items-quotes-the-list"),
        pytest.param(_order(note=f"tel:{PHONE}"), id="free-text"),
        pytest.param(_order(extra=PHONE), id="unexpected-property"),
    ],
)
@pytest.mark.parametrize("plan", [ALLOW, FORBID], ids=["allow", "forbid"])
def test_no_violation_message_holds_a_personal_value(properties, plan):
    verdict = _judge(_track(properties), plan=plan)

    assert verdict.violations
    assert [v.message for v in verdict.violations if _digits_of_phone(v.message)] == []


def _digits_of_phone(text: str) -> bool:
    """Whether the text holds any 7 consecutive digits of PHONE (a mask shows at most 4)."""
    return any(PHONE[i : i + 7] in text for i in range(len(PHONE) - 6))


def test_a_violation_of_a_personal_property_withholds_the_value():
    verdict = _judge(_track(_order(phone=13812345678)))

    assert verdict.violations == (
        Violation(
            kind="schema",
            keyword="type",
            path="/properties/phone",
            message="The value does not match the plan (value withheld: personal property).",
        ),
    )


def test_a_violation_quoting_free_text_masks_the_phone_in_it():
    verdict = _judge(_track(_order(currency=PHONE)))

    assert [v.message for v in verdict.violations] == [
        '"138****5678" is not one of "CNY" or "USD"',
        "Looks like a phone in a property not classed personal.",
    ]


def test_a_long_violation_message_leaks_no_part_of_a_phone():
    verdict = _judge(_track(_order(currency="x" * 290 + " " + PHONE)))

    assert "13812345" not in verdict.violations[0].message


# --------------------------------------------------------------------------------------------
# Clock skew
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"timestamp": "2024-05-18T02:00:00Z"},
            [
                (
                    "future",
                    "/timestamp",
                    "The client's timestamp is 30 min ahead of the server.",
                )
            ],
            id="future",
        ),
        pytest.param(
            {"timestamp": "2024-05-19T04:30:00+08:00"},
            [
                (
                    "future",
                    "/timestamp",
                    "The client's timestamp is 19 h ahead of the server.",
                )
            ],
            id="future-in-hours-with-offset",
        ),
        pytest.param(
            {"timestamp": "2024-05-10T01:29:59Z"},
            [
                (
                    "past",
                    "/timestamp",
                    "The client's timestamp is 8 d behind the server.",
                )
            ],
            id="past",
        ),
        pytest.param(
            {"originalTimestamp": "2024-06-18T01:30:00Z"},
            [
                (
                    "future",
                    "/originalTimestamp",
                    "The client's originalTimestamp is 31 d ahead of the server.",
                )
            ],
            id="original-timestamp",
        ),
        pytest.param(
            {"timestamp": "2024-05-18T01:40:00Z"}, [], id="future-at-the-limit"
        ),
        pytest.param({"timestamp": "2024-05-11T01:30:00Z"}, [], id="past-at-the-limit"),
        pytest.param(
            {
                "timestamp": "2024-05-18T01:30:00Z",
                "originalTimestamp": "2020-01-01T00:00:00Z",
            },
            [],
            id="timestamp-wins-over-original",
        ),
        pytest.param({"timestamp": "not a time"}, [], id="unreadable"),
        pytest.param({}, [], id="absent"),
    ],
)
def test_clock_skew_beyond_the_limits_is_reported(fields, expected):
    verdict = _judge(_track(VALID_ORDER, **fields))

    skew = [v for v in verdict.violations if v.kind == "clock_skew"]
    assert [(v.keyword, v.path, v.message) for v in skew] == expected
    assert verdict.valid is True


# --------------------------------------------------------------------------------------------
# Observed types, names and versions
# --------------------------------------------------------------------------------------------


def test_observed_types_tell_integer_number_string_null_and_nested_fields_apart():
    payload = {
        "count": 3,
        "huge": 2**70,
        "price": 9.5,
        "exact": Decimal("0.10000000000000000001"),
        "flag": False,
        "name": "鞋",
        "gone": None,
        "tags": ["a"],
        "address": {"city": "杭州", "geo": {"lat": 30.27, "deeper": {"x": 1}}},
    }

    assert observed_types(payload) == [
        ("/properties/count", "integer"),
        ("/properties/huge", "integer"),
        ("/properties/price", "number"),
        ("/properties/exact", "number"),
        ("/properties/flag", "boolean"),
        ("/properties/name", "string"),
        ("/properties/gone", "null"),
        ("/properties/tags", "array"),
        ("/properties/address", "object"),
        ("/properties/address/city", "string"),
        ("/properties/address/geo", "object"),
        ("/properties/address/geo/lat", "number"),
        ("/properties/address/geo/deeper", "object"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(True, "boolean", id="bool-before-int"),
        pytest.param(0, "integer", id="zero"),
        pytest.param(Decimal("1E+400"), "number", id="decimal"),
        pytest.param(1.0, "number", id="float"),
        pytest.param({}, "object", id="object"),
    ],
)
def test_json_type_names_the_json_type(value, expected):
    assert json_type(value) == expected


@pytest.mark.parametrize(
    ("message", "types"),
    [
        pytest.param(
            {"type": "page", "name": "Home", "properties": {"path": "/"}},
            (("/properties/path", "string"),),
            id="page",
        ),
        pytest.param(
            {"type": "identify", "traits": {"age": 30}}, (), id="identify-not-observed"
        ),
    ],
)
def test_types_are_observed_for_named_calls_only(message, types):
    verdict = _judge({**message, "messageId": "m-1", "userId": "u-1"})

    assert verdict.types == types


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param({"app": {"version": "3.2.0"}}, "3.2.0", id="string"),
        pytest.param({"app": {"version": 320}}, "320", id="number"),
        pytest.param({"app": {"version": True}}, "", id="boolean"),
        pytest.param({"app": {"version": "v" * 100}}, "v" * 64, id="cut-to-64"),
        pytest.param({"app": "3.2.0"}, "", id="app-not-an-object"),
        pytest.param({}, "", id="no-app"),
    ],
)
def test_app_version_comes_from_the_context(context, expected):
    assert app_version({"context": context}) == expected


@pytest.mark.parametrize(
    ("message", "event_name"),
    [
        pytest.param({"type": "page", "name": "Home"}, "Home", id="page"),
        pytest.param({"type": "screen", "name": "x" * 300}, "x" * 200, id="screen-cut"),
        pytest.param({"type": "group", "name": "Acme"}, "", id="group-unnamed"),
        pytest.param({"type": "alias"}, "", id="alias"),
    ],
)
def test_the_event_name_of_other_calls(message, event_name):
    assert _judge({**message, "messageId": "m", "userId": "u"}).event_name == event_name


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param(
            ("properties", "a/b", "m~n"), "/properties/a~1b/m~0n", id="escapes"
        ),
        pytest.param(("properties", "城市"), "/properties/城市", id="unicode"),
        pytest.param(("x" * 400,), "/" + "x" * 299, id="cut-to-300"),
        pytest.param(
            ("properties", "13812345678", "tel:+86 139 1234 5678"),
            "/properties/138****5678/tel:+86 139****5678",
            id="personal-keys-masked",
        ),
    ],
)
def test_pointer_is_an_rfc_6901_json_pointer(parts, expected):
    assert pointer(parts) == expected
