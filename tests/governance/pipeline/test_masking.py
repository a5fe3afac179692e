"""What of a sample may be stored: personal values masked, sensitive ones removed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance.pipeline.masking import (
    MAX_DEPTH,
    REMOVED,
    TOO_DEEP,
    mask_personal,
    masked_message,
)
from tests.governance.pipeline.plans import ALLOW_PLAN, VALID_ORDER, compiled

PHONE = "13812345678"
MASKED_PHONE = "138****5678"
CLASSES = compiled(ALLOW_PLAN).event("Order Completed").privacy


def _track(properties, **fields):
    return {
        "type": "track",
        "event": "Order Completed",
        "messageId": "m-1",
        "anonymousId": "a-1",
        "properties": properties,
        **fields,
    }


def _properties(**changes):
    return masked_message(_track({**VALID_ORDER, **changes}), CLASSES)["properties"]


def test_the_plan_classes_personal_and_sensitive_paths():
    assert CLASSES == {
        ("phone",): "personal",
        ("id_card",): "sensitive",
        ("buyer", "mobile"): "personal",
        ("contacts", "mobile"): "personal",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(PHONE, MASKED_PHONE, id="phone"),
        pytest.param("+86 139 1234 5678", "+86 139****5678", id="phone-plus86"),
        pytest.param(13812345678, MASKED_PHONE, id="phone-as-number"),
        pytest.param("zhang.san@example.com", "z***@example.com", id="email"),
        pytest.param("Li Lei", "L***", id="unrecognised-text"),
        pytest.param("L", "*", id="one-character"),
        pytest.param("", "*", id="empty"),
        pytest.param(42, "4***", id="number"),
        pytest.param(None, None, id="null-kept"),
        pytest.param(True, True, id="boolean-kept"),
    ],
)
def test_a_personal_property_is_masked_whatever_it_holds(value, expected):
    assert _properties(phone=value)["phone"] == expected


def test_a_personal_list_masks_each_item():
    assert _properties(phone=[PHONE, "Li Lei"])["phone"] == [MASKED_PHONE, "L***"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("11010519491231002X", id="id-number"),
        pytest.param({"front": "data:image/png;base64,AAAA"}, id="object"),
        pytest.param(None, id="null"),
        pytest.param(12345, id="number"),
    ],
)
def test_a_sensitive_property_is_removed(value):
    assert _properties(id_card=value)["id_card"] == REMOVED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(f"请回电 {PHONE} 谢谢", f"请回电 {MASKED_PHONE} 谢谢", id="phone"),
        pytest.param(
            "mail zhang.san@example.com today",
            "mail z***@example.com today",
            id="email",
        ),
        pytest.param(
            f"{PHONE} / zhang.san@example.com",
            f"{MASKED_PHONE} / z***@example.com",
            id="both",
        ),
        pytest.param("ORD-20240501-000123", "ORD-20240501-000123", id="order-id-kept"),
    ],
)
def test_free_text_in_a_non_personal_property_is_masked_in_place(text, expected):
    assert _properties(note=text)["note"] == expected


def test_other_values_are_kept_as_they_are():
    properties = _properties(points=2**70, gift=False, coupons=["SPRING", "VIP"])

    assert properties == {
        "order_id": "A-1001",
        "currency": "CNY",
        "platform": "ios",
        "points": 2**70,
        "gift": False,
        "coupons": ["SPRING", "VIP"],
    }


def test_a_personal_field_of_a_non_personal_object_is_masked():
    buyer = {"nickname": f"Li {PHONE}", "mobile": "+86 139 1234 5678"}

    assert _properties(buyer=buyer)["buyer"] == {
        "nickname": f"Li {MASKED_PHONE}",
        "mobile": "+86 139****5678",
    }


def test_a_personal_field_of_objects_in_a_list_is_masked():
    contacts = [{"name": "Wang", "mobile": "13712345678"}, {"mobile": "Li Lei"}]

    assert _properties(contacts=contacts)["contacts"] == [
        {"name": "Wang", "mobile": "137****5678"},
        {"mobile": "L***"},
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        pytest.param("userId", PHONE, MASKED_PHONE, id="user-id-phone"),
        pytest.param("userId", "+8613812345678", "+86138****5678", id="user-id-plus86"),
        pytest.param(
            "anonymousId", "zhang.san@example.com", "z***@example.com", id="email"
        ),
        pytest.param("userId", "u-10086", "u-10086", id="user-id-kept"),
        pytest.param("userId", 10086, 10086, id="numeric-user-id-kept"),
    ],
)
def test_identifiers_are_masked_when_they_look_like_personal_data(
    field, value, expected
):
    assert masked_message(_track({}, **{field: value}), {})[field] == expected


def test_a_numeric_user_id_that_is_a_phone_number_is_masked():
    assert masked_message(_track({}, userId=13812345678), {})["userId"] == MASKED_PHONE


def test_only_the_fields_qa_needs_are_kept():
    message = _track(
        {},
        userId="u-1",
        timestamp="2024-05-18T01:30:00Z",
        sentAt="2024-05-18T01:30:01Z",
        originalTimestamp="2024-05-18T01:29:59Z",
        receivedAt="2024-05-18T01:30:02Z",
        integrations={"All": True},
        traits={"phone": PHONE},
        writeKey="secret",
    )

    assert masked_message(message, {}) == {
        "type": "track",
        "event": "Order Completed",
        "messageId": "m-1",
        "timestamp": "2024-05-18T01:30:00Z",
        "sentAt": "2024-05-18T01:30:01Z",
        "userId": "u-1",
        "anonymousId": "a-1",
        "properties": {},
    }


def test_context_is_reduced_to_the_kept_keys_and_masked():
    context = {
        "app": {"name": "Shop", "version": "3.2.0", "build": "320"},
        "library": {"name": "analytics-ios", "version": "4.1.0"},
        "os": {"name": "iOS", "version": "17.4"},
        "device": {"model": "iPhone15,2", "advertisingId": PHONE},
        "locale": "zh-CN",
        "timezone": "Asia/Shanghai",
        "screen": {"width": 390, "height": 844},
        "ip": "10.1.2.3",
        "userAgent": "Mozilla/5.0",
        "traits": {"phone": PHONE, "email": "zhang.san@example.com"},
        "location": {"city": "杭州"},
        "network": {"carrier": "China Mobile"},
        "campaign": {"source": "wechat"},
    }

    assert masked_message(_track({}, context=context), {})["context"] == {
        "app": {"name": "Shop", "version": "3.2.0", "build": "320"},
        "library": {"name": "analytics-ios", "version": "4.1.0"},
        "os": {"name": "iOS", "version": "17.4"},
        "device": {"model": "iPhone15,2", "advertisingId": MASKED_PHONE},
        "locale": "zh-CN",
        "timezone": "Asia/Shanghai",
        "screen": {"width": 390, "height": 844},
    }


def test_identify_keeps_its_traits_masked_in_place_of_properties():
    message = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"phone": PHONE, "plan": "pro"},
        "properties": {"ignored": True},
    }

    assert masked_message(message, {}) == {
        "type": "identify",
        "userId": "u-1",
        "traits": {"phone": MASKED_PHONE, "plan": "pro"},
    }


def test_long_strings_are_cut_to_500_characters():
    assert _properties(note="长" * 600)["note"] == "长" * 500


def test_a_phone_cut_by_the_length_limit_leaks_no_digits():
    note = _properties(note="x" * 490 + " " + PHONE)["note"]

    assert "13812345" not in note


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("x" * 600, "x***", id="long-text"),
        pytest.param(
            "邮箱 zhang.san@example.com", "邮箱 z***@example.com", id="email-in-text"
        ),
    ],
)
def test_mask_personal_hides_all_but_a_hint(value, expected):
    assert mask_personal(value) == expected


def test_structures_nested_deeper_than_the_limit_are_stored_as_a_marker():
    nested: dict = {"leaf": "13812345678"}
    for _ in range(900):
        nested = {"x": nested}

    masked = masked_message({"type": "track", "event": "E", "properties": nested}, {})

    depth, node = 0, masked["properties"]
    while isinstance(node, dict):
        node, depth = node["x"], depth + 1
    # properties itself, then MAX_DEPTH levels below the property value.
    assert (depth, node) == (MAX_DEPTH + 1, TOO_DEEP)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(13812345678.0, MASKED_PHONE, id="phone-as-float"),
        pytest.param(-13812345678, MASKED_PHONE, id="phone-as-negative-number"),
        pytest.param(Decimal("13812345678"), MASKED_PHONE, id="phone-as-decimal"),
        pytest.param("１３８１２３４５６７８", MASKED_PHONE, id="phone-full-width"),
        pytest.param("138.1234.5678", MASKED_PHONE, id="phone-dotted"),
        pytest.param("zhang%40example.com", "z***@example.com", id="email-percent"),
        pytest.param("张三@例子.中国", "张***@例子.中国", id="email-idn"),
        pytest.param(99.5, 99.5, id="price-kept"),
    ],
)
def test_a_disguised_personal_value_is_masked(value, expected):
    assert _properties(note=value)["note"] == expected


def test_keys_are_masked_at_every_depth():
    message = _track(
        {PHONE: 1, "extra": {"who": {"１３９１２３４５６７８": "x"}}},
        context={"device": {"13712345678": "iPhone"}},
    )

    masked = masked_message(message, CLASSES)

    assert masked["properties"] == {
        MASKED_PHONE: 1,
        "extra": {"who": {"139****5678": "x"}},
    }
    assert masked["context"] == {"device": {"137****5678": "iPhone"}}


def test_the_event_name_and_message_id_are_masked():
    message = _track({}, event=f"Call {PHONE}", messageId=PHONE)

    masked = masked_message(message, CLASSES)

    assert (masked["event"], masked["messageId"]) == (
        f"Call {MASKED_PHONE}",
        MASKED_PHONE,
    )
