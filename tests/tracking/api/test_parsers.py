"""The API's JSON parser: one value in UTF-8, exact integers, bounded depth, no NUL anywhere."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import exceptions

from tracking.api.parsers import MAX_DEPTH, parse_document


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"1" + b"]" * depth


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            b"[" * 5000, "The body nests deeper than 64 levels.", id="open-5000"
        ),
        pytest.param(
            _nested(5000), "The body nests deeper than 64 levels.", id="closed-5000"
        ),
        pytest.param(
            _nested(MAX_DEPTH + 1),
            "The body nests deeper than 64 levels.",
            id="closed-65",
        ),
        pytest.param(
            b'{"key": "\xff"}', "The body is not valid UTF-8 (byte 9).", id="not-utf8"
        ),
        pytest.param(
            b'{"key": "\\ud800"}',
            "The body is not valid JSON: no low surrogate in string.",
            id="lone-surrogate",
        ),
        pytest.param(
            b'{"n": NaN}',
            "The body is not valid JSON: unexpected character, expected a JSON value.",
            id="nan",
        ),
        pytest.param(
            b'{"n": 1e400}',
            "The body is not valid JSON: number is infinity when parsed as double.",
            id="infinity",
        ),
        pytest.param(
            b"",
            "The body is not valid JSON: Input is a zero-length, empty document.",
            id="empty",
        ),
    ],
)
def test_it_refuses_a_body_with_a_parse_error(body, message):
    with pytest.raises(exceptions.ParseError) as raised:
        parse_document(body)

    assert str(raised.value.detail) == message


@pytest.mark.parametrize(
    ("body", "details"),
    [
        pytest.param(
            b'{"key": "A\\u0000"}',
            {"key": ["Null characters are not allowed."]},
            id="top-field",
        ),
        pytest.param(
            b'{"enum": ["a", "b\\u0000"]}',
            {"enum": ["Null characters are not allowed (at enum[1])."]},
            id="in-a-list",
        ),
        pytest.param(
            b'{"predicate": {"all": [{"v\\u0000": 1}]}}',
            {
                "predicate": [
                    "Null characters are not allowed (at predicate.all[0]['v\\x00'])."
                ]
            },
            id="in-a-nested-key",
        ),
        pytest.param(
            b'{"\\u0000": 1}',
            {"non_field_errors": ["Null characters are not allowed (at ['\\x00'])."]},
            id="top-key",
        ),
        pytest.param(
            b'"\\u0000"',
            {"non_field_errors": ["Null characters are not allowed."]},
            id="the-body",
        ),
    ],
)
def test_it_names_the_field_a_nul_sits_in(body, details):
    with pytest.raises(exceptions.ValidationError) as raised:
        parse_document(body)

    assert raised.value.detail == details


def test_it_keeps_integers_past_64_bits_exact():
    # orjson alone would read them as floats, 12345678901234567000.0.
    assert parse_document(
        b'{"n": 12345678901234567890, "m": [-98765432109876543210]}'
    ) == {
        "n": 12345678901234567890,
        "m": [-98765432109876543210],
    }


def test_it_reads_the_last_level_allowed():
    assert parse_document(_nested(MAX_DEPTH - 1)) == json.loads(_nested(MAX_DEPTH - 1))


ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=10)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4)
    ),
    max_leaves=30,
)


def _depth(value) -> int:
    children = list(value.values()) if isinstance(value, dict) else value
    if not isinstance(value, dict | list) or not children:
        return 0
    return 1 + max(_depth(child) for child in children)


def _texts(value) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(t for child in value.values() for t in _texts(child))]
    if isinstance(value, list):
        return [t for child in value for t in _texts(child)]
    return [value] if isinstance(value, str) else []


def _unstorable(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@given(value=JSON_VALUES, wrapping=st.integers(min_value=0, max_value=200))
def test_any_json_is_read_as_json_reads_it_or_refused_with_a_400(value, wrapping):
    body = b"[" * wrapping + json.dumps(value).encode() + b"]" * wrapping
    refusable = wrapping + _depth(value) >= MAX_DEPTH or any(
        _unstorable(text) for text in _texts(value)
    )

    try:
        parsed = parse_document(body)
    except (exceptions.ParseError, exceptions.ValidationError) as refused:
        assert refused.status_code == 400
        assert refusable
        return
    assert not refusable
    assert parsed == json.loads(body)


@given(body=st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_with_a_400(body):
    try:
        parse_document(body)
    except (exceptions.ParseError, exceptions.ValidationError) as refused:
        assert refused.status_code == 400
