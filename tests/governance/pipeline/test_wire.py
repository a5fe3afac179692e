"""The wire format: exact JSON, error positions, envelope rules, batch defaults, timestamps."""

from __future__ import annotations

import itertools
import json
import pickle
import sys
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from governance.errors import WireError
from governance.pipeline.wire import (
    MAX_EVENT_NAME,
    MAX_MESSAGE_ID,
    check_envelope,
    envelopes_pass,
    largest_message_bound,
    message_size,
    messages_of,
    parse_json,
    parse_timestamp,
)

# --------------------------------------------------------------------------------------------
# Exact numbers and text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(b'{"n": 18446744073709551617}', 2**64 + 1, id="int-beyond-2-64"),
        pytest.param(b'{"n": -18446744073709551617}', -(2**64) - 1, id="negative-int"),
        pytest.param(b'{"n": 9007199254740993}', 2**53 + 1, id="int-2-53-plus-1"),
        pytest.param(
            b'{"n": 123456789012345678901234567890}',
            123456789012345678901234567890,
            id="int-30-digits",
        ),
        pytest.param(
            b'{"n": 0.10000000000000000001}',
            Decimal("0.10000000000000000001"),
            id="long-decimal",
        ),
        pytest.param(
            b'{"n": 18446744073709551616.5}',
            Decimal("18446744073709551616.5"),
            id="huge-decimal",
        ),
        pytest.param(b'{"n": 1e400}', Decimal("1E+400"), id="exponent-beyond-double"),
        pytest.param(b'{"n": 1E2}', 100.0, id="exponent-a-double-holds"),
        pytest.param(b'{"n": 1.5}', 1.5, id="short-float"),
        pytest.param(b'{"n": 42}', 42, id="small-int"),
    ],
)
def test_numbers_stay_exact(body, expected):
    value = parse_json(body)["n"]

    assert value == expected
    assert type(value) is type(expected)


def test_an_exact_number_elsewhere_in_the_body_keeps_short_floats_exact_too():
    # The exact parse takes the whole body: a short float becomes a Decimal, never rounded.
    document = parse_json(b'{"big": 18446744073709551617, "price": 0.1}')

    assert document == {"big": 2**64 + 1, "price": Decimal("0.1")}
    assert type(document["price"]) is Decimal


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{"商品名称": "华为 Mate 60", "城市": "杭州"}', id="orjson-path"),
        pytest.param(
            '{"商品名称": "华为 Mate 60", "订单号": 123456789012345678901}',
            id="exact-path",
        ),
        pytest.param('{"表情": "\\ud83d\\ude00"}', id="escaped-surrogate-pair"),
    ],
)
def test_chinese_keys_and_values_round_trip(body):
    assert parse_json(body.encode("utf-8")) == json.loads(body)


# --------------------------------------------------------------------------------------------
# Refused bodies
# --------------------------------------------------------------------------------------------


def _refusal(body: bytes) -> WireError:
    with pytest.raises(WireError) as caught:
        parse_json(body)
    assert caught.value.code == "malformed_json"
    return caught.value


@pytest.mark.parametrize(
    ("body", "position"),
    [
        pytest.param(b'{"a": }', 6, id="missing-value"),
        pytest.param(b'{"a": 1,}', 7, id="trailing-comma"),
        pytest.param(b'{"a": "x"} trailing', 11, id="content-after-document"),
        pytest.param(b"", 0, id="empty-body"),
        pytest.param(b'{"n": 12345678901234567890, "x": }', 33, id="exact-path"),
        pytest.param(
            b'{"n": 0.10000000000000000001,}', 29, id="exact-path-trailing-comma"
        ),
    ],
)
def test_malformed_json_names_the_byte_where_it_breaks(body, position):
    error = _refusal(body)

    assert error.position == position
    assert error.message.startswith(f"Malformed JSON at byte {position}: ")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{"商品": }', id="orjson-path"),
        pytest.param('{"商品": 12345678901234567890, "x": }', id="exact-path"),
    ],
)
def test_malformed_json_after_chinese_text_names_the_byte_not_the_character(body):
    data = body.encode("utf-8")

    assert _refusal(data).position == data.index(b"}")


@pytest.mark.parametrize(
    ("body", "position"),
    [
        pytest.param(
            b'{"n": 12345678901234567890, "a": "\xe4\xb8"}', 34, id="exact-path"
        ),
        pytest.param(
            b'{"a": "\xe4\xb8", "n": 12345678901234567890}', 7, id="exact-path-first"
        ),
    ],
)
def test_invalid_utf8_is_refused_with_its_byte(body, position):
    error = _refusal(body)

    assert error.position == position
    assert error.message == f"The body is not valid UTF-8 (byte {position})."


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"a": "\xc3"}', id="truncated-sequence"),
        pytest.param(b"\xff\xfe{}", id="bom-like-bytes"),
        pytest.param(b'{"a": "\xed\xa0\x80"}', id="encoded-surrogate"),
    ],
)
def test_invalid_utf8_is_refused_on_the_fast_path(body):
    assert _refusal(body).code == "malformed_json"


def test_invalid_utf8_on_the_fast_path_names_the_bad_byte():
    assert _refusal(b'{"a": "\xc3"}').position == 7


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"a": "\\ud800"}', id="high-alone"),
        pytest.param(b'{"a": "\\udc00"}', id="low-alone"),
        pytest.param(b'{"a": "\\ude00\\ud83d"}', id="pair-reversed"),
        pytest.param(b'{"\\ud800": 1}', id="in-a-key"),
        pytest.param(b'{"a": "\\udc00", "n": 12345678901234567890}', id="exact-path"),
        pytest.param(
            b'{"a": ["\\uD800"], "n": 12345678901234567890}', id="exact-path-upper-hex"
        ),
        pytest.param(
            b'{"\\ud800": 1, "n": 12345678901234567890}', id="exact-path-in-a-key"
        ),
    ],
)
def test_lone_surrogate_escapes_are_refused(body):
    assert _refusal(body).code == "malformed_json"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"a": NaN}', id="nan"),
        pytest.param(b'{"a": Infinity}', id="infinity"),
        pytest.param(b'{"a": -Infinity}', id="negative-infinity"),
        pytest.param(b'{"a": NaN, "n": 12345678901234567890}', id="nan-exact-path"),
        pytest.param(
            b'{"a": Infinity, "n": 12345678901234567890}', id="infinity-exact-path"
        ),
        pytest.param(
            b'{"a": -Infinity, "n": 12345678901234567890}',
            id="negative-infinity-exact-path",
        ),
    ],
)
def test_nan_and_infinity_are_refused(body):
    assert _refusal(body).code == "malformed_json"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="arrays"),
        pytest.param(b'{"a":' * 5_000 + b"1" + b"}" * 5_000, id="objects"),
        pytest.param(
            b'{"n": 12345678901234567890, "d": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}",
            id="arrays-exact-path",
        ),
        pytest.param(
            b'{"n": 12345678901234567890, "d": '
            + b'{"a":' * 5_000
            + b"1"
            + b"}" * 5_001,
            id="objects-exact-path",
        ),
    ],
)
def test_deep_nesting_is_refused_without_crashing(body):
    assert _refusal(body).code == "malformed_json"


# --------------------------------------------------------------------------------------------
# Envelopes
# --------------------------------------------------------------------------------------------

TRACK = {"event": "Order Completed", "messageId": "m-1", "userId": "u-1"}


def _invalid(endpoint, document) -> WireError:
    with pytest.raises(WireError) as caught:
        messages_of(endpoint, document)
    return caught.value


@pytest.mark.parametrize(
    ("endpoint", "document", "code", "message"),
    [
        pytest.param(
            "collect",
            TRACK,
            "unknown_endpoint",
            "No such endpoint: 'collect'.",
            id="unknown-endpoint",
        ),
        pytest.param(
            "track",
            [TRACK],
            "invalid_envelope",
            "The body must be a JSON object.",
            id="body-not-an-object",
        ),
        pytest.param(
            "batch",
            {"batch": TRACK},
            "invalid_envelope",
            "`batch` must be an array of messages.",
            id="batch-not-an-array",
        ),
        pytest.param(
            "batch",
            {},
            "invalid_envelope",
            "`batch` must be an array of messages.",
            id="batch-missing",
        ),
        pytest.param(
            "batch",
            {"batch": [{**TRACK, "type": "track"}, "track"]},
            "invalid_envelope",
            "batch[1] must be a JSON object.",
            id="batch-item-not-an-object",
        ),
        pytest.param(
            "batch",
            {"batch": [], "context": "web"},
            "invalid_envelope",
            "`context` must be a JSON object.",
            id="batch-context-not-an-object",
        ),
        pytest.param(
            "batch",
            {"batch": [], "integrations": ["All"]},
            "invalid_envelope",
            "`integrations` must be a JSON object.",
            id="batch-integrations-not-an-object",
        ),
    ],
)
def test_refuses_a_document_that_is_not_the_endpoints_shape(
    endpoint, document, code, message
):
    error = _invalid(endpoint, document)

    assert (error.code, error.message) == (code, message)


_TYPES = "alias, group, identify, page, screen, track"


REFUSED_ENVELOPES = [
    pytest.param({"type": "click"}, f"`type` must be one of {_TYPES}.", id="type"),
    pytest.param({}, f"`type` must be one of {_TYPES}.", id="type-missing"),
    pytest.param(
        {"type": "track"},
        "A track call needs `event`, a non-empty string.",
        id="event-missing",
    ),
    pytest.param(
        {"type": "track", "event": "  "},
        "A track call needs `event`, a non-empty string.",
        id="event-blank",
    ),
    pytest.param(
        {"type": "track", "event": 7},
        "A track call needs `event`, a non-empty string.",
        id="event-not-a-string",
    ),
    pytest.param(
        {"type": "track", "event": "x" * (MAX_EVENT_NAME + 1)},
        "`event` is longer than 200 characters.",
        id="event-too-long",
    ),
    pytest.param(
        {"type": "page", "name": ["Home"]}, "`name` must be a string.", id="name"
    ),
    pytest.param(
        {"type": "track", "event": "E", "properties": []},
        "`properties` must be a JSON object.",
        id="properties",
    ),
    pytest.param(
        {"type": "identify", "traits": "vip"},
        "`traits` must be a JSON object.",
        id="traits",
    ),
    pytest.param(
        {"type": "page", "context": 1},
        "`context` must be a JSON object.",
        id="context",
    ),
    pytest.param(
        {"type": "page", "integrations": True},
        "`integrations` must be a JSON object.",
        id="integrations",
    ),
    pytest.param(
        {"type": "page", "timestamp": "2024-05-18T09:30:00"},
        "`timestamp` must be an RFC 3339 date-time with a zone, not "
        "'2024-05-18T09:30:00'.",
        id="timestamp-without-zone",
    ),
    pytest.param(
        {"type": "page", "sentAt": 1716000000},
        "`sentAt` must be an RFC 3339 date-time with a zone, not 1716000000.",
        id="sent-at-a-number",
    ),
    pytest.param(
        {"type": "page", "originalTimestamp": "yesterday"},
        "`originalTimestamp` must be an RFC 3339 date-time with a zone, not "
        "'yesterday'.",
        id="original-timestamp",
    ),
    pytest.param(
        {"type": "page", "timestamp": "x" * 100},
        "`timestamp` must be an RFC 3339 date-time with a zone, not '" + "x" * 59 + ".",
        id="timestamp-quoted-at-most-60-characters",
    ),
    pytest.param(
        {"type": "page", "messageId": 17},
        "`messageId` must be a string of at most 200 characters.",
        id="message-id-not-a-string",
    ),
    pytest.param(
        {"type": "page", "messageId": "m" * (MAX_MESSAGE_ID + 1)},
        "`messageId` must be a string of at most 200 characters.",
        id="message-id-too-long",
    ),
    pytest.param(
        {"type": "page", "userId": True},
        "`userId` must be a string or a number.",
        id="user-id-boolean",
    ),
    pytest.param(
        {"type": "page", "userId": {"id": 1}},
        "`userId` must be a string or a number.",
        id="user-id-object",
    ),
    pytest.param(
        {"type": "page", "anonymousId": 1.5},
        "`anonymousId` must be a string or a number.",
        id="anonymous-id-float",
    ),
]


@pytest.mark.parametrize(("message", "problem"), REFUSED_ENVELOPES)
def test_check_envelope_refuses_what_no_sample_can_be_made_of(message, problem):
    with pytest.raises(WireError) as caught:
        check_envelope(message)

    assert (caught.value.code, caught.value.message) == ("invalid_envelope", problem)


PASSING_ENVELOPES = [
    pytest.param({"type": "track", "event": "Order Completed"}, id="bare-track"),
    pytest.param(
        {"type": "track", "event": "x" * MAX_EVENT_NAME}, id="event-at-the-limit"
    ),
    pytest.param({"type": "page"}, id="page-without-name"),
    pytest.param({"type": "screen", "name": "首页"}, id="screen-name"),
    pytest.param({"type": "alias", "previousId": "a"}, id="alias"),
    pytest.param({"type": "group", "traits": {}, "groupId": "g"}, id="group"),
    pytest.param(
        {
            "type": "track",
            "event": "E",
            "properties": {},
            "context": {},
            "integrations": {},
        },
        id="empty-objects",
    ),
    pytest.param(
        {"type": "track", "event": "E", "properties": None}, id="null-properties"
    ),
    pytest.param(
        {
            "type": "page",
            "timestamp": "2024-05-18T09:30:00+08:00",
            "sentAt": "2024-05-18T01:30:00Z",
            "originalTimestamp": "2024-05-18T01:30:00.123Z",
        },
        id="timestamps",
    ),
    pytest.param(
        {"type": "page", "messageId": "m" * MAX_MESSAGE_ID},
        id="message-id-at-the-limit",
    ),
    pytest.param({"type": "page", "messageId": None}, id="message-id-null"),
    pytest.param({"type": "page", "userId": 10086}, id="user-id-number"),
    pytest.param(
        {"type": "page", "userId": 2**70, "anonymousId": "a"}, id="user-id-huge"
    ),
    pytest.param(
        {"type": "identify", "userId": None, "anonymousId": None}, id="no-identity"
    ),
]


@pytest.mark.parametrize("message", PASSING_ENVELOPES)
def test_check_envelope_passes_what_a_sample_can_be_made_of(message):
    assert check_envelope(message) is None


# The compiled batch check may refuse more than the Python checks (it then falls back to
# them), never less: a batch it passes must pass `messages_of`.

_PYTHON_ONLY = {
    "user-id-number",
    "user-id-huge",
}  # numeric ids: left to the Python checks


@pytest.mark.parametrize(("message", "problem"), REFUSED_ENVELOPES)
def test_the_compiled_batch_check_refuses_every_broken_envelope(message, problem):
    assert envelopes_pass("batch", {"batch": [{"type": "page"}, message]}) is False


@pytest.mark.parametrize("message", PASSING_ENVELOPES)
def test_the_compiled_batch_check_passes_plain_envelopes(request, message):
    expected = request.node.callspec.id not in _PYTHON_ONLY

    assert envelopes_pass("batch", {"batch": [message]}) is expected


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"batch": {}}, id="batch-not-a-list"),
        pytest.param({"batch": [[]]}, id="item-not-an-object"),
        pytest.param({"batch": [], "context": []}, id="batch-context-not-an-object"),
        pytest.param(
            {"batch": [{"type": "page"}], "sentAt": "now"}, id="batch-sent-at"
        ),
        pytest.param(
            {"batch": [{"type": "page", "context": None}], "integrations": 1},
            id="batch-integrations",
        ),
        pytest.param([{"type": "page"}], id="not-an-object"),
    ],
)
def test_the_compiled_batch_check_refuses_a_broken_batch(document):
    assert envelopes_pass("batch", document) is False


def test_the_compiled_check_is_only_for_batches():
    assert envelopes_pass("track", {"batch": [{"type": "page"}]}) is False


_STAMP_PARTS = {
    "year": ["0000", "0001", "1900", "2000", "2023", "2024", "9999"],
    "month": ["00", "01", "02", "04", "12", "13"],
    "day": ["00", "01", "28", "29", "30", "31", "32"],
    "clock": ["00:00:00", "23:59:60", "23:59:61", "24:00:00", "12:60:00"],
    "fraction": ["", ".1", ".123456789", ".1234567890", "."],
    "zone": ["Z", "z", "+00:00", "-23:59", "+24:00", "+05:60", "+0500", ""],
}


def test_the_compiled_check_reads_timestamps_exactly_as_parse_timestamp():
    disagreements = []
    for year, month, day, clock, fraction, zone in itertools.product(
        *_STAMP_PARTS.values()
    ):
        for separator in ("T", "t", " "):
            text = f"{year}-{month}-{day}{separator}{clock}{fraction}{zone}"
            for value in (text, text + "\n", text.replace("1", "\u0661")):
                passes = envelopes_pass("batch", {"batch": [], "sentAt": value})
                if passes != (parse_timestamp(value) is not None):
                    disagreements.append(value)

    assert disagreements == []


def test_the_compiled_check_refuses_an_event_name_that_strips_to_nothing():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    names = [*spaces, "".join(spaces)]

    passed = [
        name
        for name in names
        if envelopes_pass("batch", {"batch": [{"type": "track", "event": name}]})
    ]

    assert passed == []
    assert envelopes_pass("batch", {"batch": [{"type": "track", "event": " a "}]})


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"batch": [{"type": "page", "name": "x" * 50}]}, id="no-defaults"),
        pytest.param(
            {
                "batch": [
                    {"type": "page", "context": {"a": "x" * 30}},
                    {"type": "page"},
                ],
                "context": {"b": "y" * 40},
                "integrations": {"All": True},
                "sentAt": "2024-05-18T01:30:00Z",
            },
            id="merged-defaults",
        ),
    ],
)
def test_the_size_bound_is_never_below_a_merged_message(document):
    largest = max(message_size(m) for m in messages_of("batch", document))

    assert largest <= largest_message_bound(document)


def test_envelope_problems_of_a_batch_name_the_message():
    document = {"batch": [{"type": "track", "event": "E"}, {"type": "track"}]}

    error = _invalid("batch", document)

    assert error.message == (
        "batch[1]: A track call needs `event`, a non-empty string."
    )


@pytest.mark.parametrize(
    "endpoint", ["track", "page", "screen", "identify", "group", "alias"]
)
def test_a_single_message_takes_its_type_from_the_endpoint(endpoint):
    document = {"type": "alias", "event": "E", "name": "N", "userId": "u"}

    assert messages_of(endpoint, document) == [{**document, "type": endpoint}]


def test_a_single_message_is_checked_like_a_batch_item():
    error = _invalid("track", {"event": ""})

    assert error.message == "A track call needs `event`, a non-empty string."


# --------------------------------------------------------------------------------------------
# Batch defaults
# --------------------------------------------------------------------------------------------


def test_batch_context_and_sent_at_fill_in_what_a_message_leaves_out():
    document = {
        "batch": [
            {"type": "track", "event": "A"},
            {
                "type": "track",
                "event": "B",
                "sentAt": "2024-05-18T01:31:00Z",
                "context": {"locale": "en-US", "ip": "10.0.0.1"},
                "integrations": {"Amplitude": False},
            },
        ],
        "context": {"locale": "zh-CN", "app": {"version": "3.2.0"}},
        "integrations": {"All": True},
        "sentAt": "2024-05-18T01:30:00Z",
    }

    assert messages_of("batch", document) == [
        {
            "type": "track",
            "event": "A",
            "context": {"locale": "zh-CN", "app": {"version": "3.2.0"}},
            "integrations": {"All": True},
            "sentAt": "2024-05-18T01:30:00Z",
        },
        {
            "type": "track",
            "event": "B",
            "sentAt": "2024-05-18T01:31:00Z",
            "context": {
                "locale": "en-US",
                "app": {"version": "3.2.0"},
                "ip": "10.0.0.1",
            },
            "integrations": {"All": True, "Amplitude": False},
        },
    ]


def test_a_batch_without_defaults_hands_back_its_messages_unchanged():
    items = [{"type": "page", "name": "Home"}, {"type": "identify", "userId": 1}]

    assert messages_of("batch", {"batch": items, "context": {}}) == items


def test_a_batch_sent_at_is_checked_on_each_message_it_fills():
    document = {"batch": [{"type": "page"}], "sentAt": "tomorrow"}

    error = _invalid("batch", document)

    assert error.message == (
        "batch[0]: `sentAt` must be an RFC 3339 date-time with a zone, not 'tomorrow'."
    )


def test_an_empty_batch_has_no_messages():
    assert messages_of("batch", {"batch": []}) == []


# --------------------------------------------------------------------------------------------
# RFC 3339 timestamps
# --------------------------------------------------------------------------------------------

CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2024-05-18T09:30:00Z", datetime(2024, 5, 18, 9, 30, tzinfo=UTC), id="utc-z"
        ),
        pytest.param(
            "2024-05-18t09:30:00z",
            datetime(2024, 5, 18, 9, 30, tzinfo=UTC),
            id="lowercase-t-and-z",
        ),
        pytest.param(
            "2024-05-18T09:30:00+08:00",
            datetime(2024, 5, 18, 9, 30, tzinfo=CST),
            id="positive-offset",
        ),
        pytest.param(
            "2024-05-18T09:30:00-05:30",
            datetime(
                2024, 5, 18, 9, 30, tzinfo=timezone(-timedelta(hours=5, minutes=30))
            ),
            id="negative-offset-with-minutes",
        ),
        pytest.param(
            "2024-05-18T09:30:00-00:00",
            datetime(2024, 5, 18, 9, 30, tzinfo=UTC),
            id="unknown-local-offset",
        ),
        pytest.param(
            "2024-05-18T09:30:00+23:59",
            datetime(
                2024, 5, 18, 9, 30, tzinfo=timezone(timedelta(hours=23, minutes=59))
            ),
            id="largest-offset",
        ),
        pytest.param(
            "2024-05-18T09:30:00.5Z",
            datetime(2024, 5, 18, 9, 30, 0, 500000, tzinfo=UTC),
            id="one-digit-fraction",
        ),
        pytest.param(
            "2024-05-18T09:30:00.123456Z",
            datetime(2024, 5, 18, 9, 30, 0, 123456, tzinfo=UTC),
            id="microseconds",
        ),
        pytest.param(
            "2024-05-18T09:30:00.123456789Z",
            datetime(2024, 5, 18, 9, 30, 0, 123456, tzinfo=UTC),
            id="nanoseconds-truncated",
        ),
        pytest.param(
            "2016-12-31T23:59:60Z",
            datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC),
            id="leap-second",
        ),
        pytest.param(
            "2024-02-29T00:00:00Z", datetime(2024, 2, 29, tzinfo=UTC), id="leap-day"
        ),
    ],
)
def test_parse_timestamp_reads_rfc_3339(text, expected):
    parsed = parse_timestamp(text)

    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2024-05-18T09:30:00", id="no-zone"),
        pytest.param("2024-05-18T09:30:00.123", id="fraction-no-zone"),
        pytest.param("2024-05-18 09:30:00Z", id="space-separator"),
        pytest.param("2024-05-18T09:30Z", id="no-seconds"),
        pytest.param("2024-05-18T09:30:00.Z", id="empty-fraction"),
        pytest.param("2024-05-18T09:30:00.1234567890Z", id="ten-digit-fraction"),
        pytest.param("2024-05-18T09:30:00+0800", id="offset-without-colon"),
        pytest.param("2024-05-18T09:30:00+08", id="offset-hours-only"),
        pytest.param("2024-05-18T09:30:00+24:00", id="offset-hours-24"),
        pytest.param("2024-05-18T09:30:00+08:60", id="offset-minutes-60"),
        pytest.param("2023-02-29T00:00:00Z", id="february-29-not-leap-year"),
        pytest.param("2024-02-30T00:00:00Z", id="february-30"),
        pytest.param("2024-04-31T00:00:00Z", id="april-31"),
        pytest.param("2024-13-01T00:00:00Z", id="month-13"),
        pytest.param("2024-00-10T00:00:00Z", id="month-0"),
        pytest.param("2024-05-00T00:00:00Z", id="day-0"),
        pytest.param("0000-01-01T00:00:00Z", id="year-0"),
        pytest.param("2024-05-18T24:00:00Z", id="hour-24"),
        pytest.param("2024-05-18T09:60:00Z", id="minute-60"),
        pytest.param("２０２４-05-18T09:30:00Z", id="fullwidth-digits"),
        pytest.param("2024-05-18T09:30:00Z ", id="trailing-space"),
        pytest.param("2024-05-18", id="date-only"),
        pytest.param("", id="empty"),
        pytest.param("2024-05-18T09:30:00." + "1" * 30 + "Z", id="longer-than-40"),
        pytest.param(1716000000, id="unix-seconds"),
        pytest.param(None, id="null"),
        pytest.param(["2024-05-18T09:30:00Z"], id="list"),
    ],
)
def test_parse_timestamp_refuses_anything_else(value):
    assert parse_timestamp(value) is None


@pytest.mark.parametrize("second", ["61", "99"])
def test_parse_timestamp_refuses_seconds_beyond_a_leap_second(second):
    assert parse_timestamp(f"2016-12-31T23:59:{second}Z") is None


def test_a_wire_error_survives_pickling_with_its_code_and_position():
    # Celery pickles a task's exception on its way to on_failure and the dead letter.
    pickled = pickle.dumps(WireError("bad", code="malformed_json", position=7))
    error = pickle.loads(pickled)  # noqa: S301 - our own bytes, as Celery does

    assert (type(error), error.code, error.position, str(error)) == (
        WireError,
        "malformed_json",
        7,
        "bad",
    )
