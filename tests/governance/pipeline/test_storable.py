"""Samples made storable: NUL, lone surrogates and deep nesting repaired, each repair named."""

from __future__ import annotations

import json

import orjson
import pytest

from governance.pipeline.storable import (
    CUT,
    LONE_SURROGATE,
    MAX_DEPTH,
    NUL_CHARACTER,
    TOO_DEEP,
    storable_messages,
)


def nested(depth: int, leaf: object = 1) -> object:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def depth_of(value: object) -> int:
    depth = 0
    while isinstance(value, list | dict):
        depth += 1
        value = value[0] if isinstance(value, list) else next(iter(value.values()))
    return depth


def run(message: dict, *, body: str | None = None):
    text = body if body is not None else json.dumps(message)
    ((repaired, repairs),) = storable_messages([message], body=text)
    return repaired, [(r.keyword, r.path) for r in repairs]


@pytest.mark.parametrize(
    ("message", "expected", "repairs"),
    [
        pytest.param(
            {"event": "Bad\x00Event"},
            {"event": "Bad\\u0000Event"},
            [(NUL_CHARACTER, "/event")],
            id="nul-in-a-value",
        ),
        pytest.param(
            {"properties": {"k\x00": 1}},
            {"properties": {"k\\u0000": 1}},
            [(NUL_CHARACTER, "/properties/k\\u0000")],
            id="nul-in-a-key",
        ),
        pytest.param(
            {"properties": {"list": ["ok", "\x00\x00"]}},
            {"properties": {"list": ["ok", "\\u0000\\u0000"]}},
            [(NUL_CHARACTER, "/properties/list/1")],
            id="nul-in-an-array",
        ),
        pytest.param(
            {"messageId": "\ud800x"},
            {"messageId": "\\ud800x"},
            [(LONE_SURROGATE, "/messageId")],
            id="lone-high-surrogate",
        ),
        pytest.param(
            {"context": {"app": {"version": "\udfff"}}},
            {"context": {"app": {"version": "\\udfff"}}},
            [(LONE_SURROGATE, "/context/app/version")],
            id="lone-low-surrogate",
        ),
        pytest.param(
            {"e": "\x00\ud800"},
            {"e": "\\u0000\\ud800"},
            [(NUL_CHARACTER, "/e"), (LONE_SURROGATE, "/e")],
            id="both-in-one-text",
        ),
    ],
)
def test_texts_no_database_stores_are_written_as_escapes(message, expected, repairs):
    # json.dumps writes the escapes the collector would have received.
    assert run(message) == (expected, repairs)


def test_a_surrogate_pair_is_text_and_needs_no_repair():
    message = {"event": "🎧"}
    assert run(message, body='{"event": "\\ud83c\\udfa7"}') == (message, [])


@pytest.mark.parametrize(
    "control", [chr(c) for c in range(1, 32)] + ["\x7f", "\u2028", "\ufeff"]
)
def test_other_control_characters_are_stored_as_sent(control):
    message = {"event": f"a{control}b"}
    assert run(message, body=json.dumps(message)) == (message, [])


def test_without_a_suspect_escape_in_the_body_texts_are_not_inspected():
    # The body is what decides: no escape that makes a NUL, so no NUL can be there.
    message = {"event": "plain"}
    assert run(message, body='{"event": "plain"}') == (message, [])


@pytest.mark.parametrize(
    "depth", [MAX_DEPTH + 1, 254, 255, 256, 600, 1022], ids=lambda d: f"depth-{d}"
)
def test_anything_nested_past_the_limit_is_cut_there(depth):
    message = {"type": "track", "properties": {"d": nested(depth)}}

    repaired, repairs = run(message, body="{}")

    # The message is level 1, properties 2, "d" 3: its arrays are cut below MAX_DEPTH.
    assert 2 + depth_of(repaired["properties"]["d"]) == MAX_DEPTH
    path = "/properties/d" + "/0" * (MAX_DEPTH - 2)
    assert repairs == [(TOO_DEEP, path)]
    leaf = repaired["properties"]["d"]
    for _ in range(MAX_DEPTH - 2):
        leaf = leaf[0]
    assert leaf == CUT
    orjson.dumps(repaired)  # within every encoder's and the validator's reach


def test_nesting_up_to_the_limit_is_kept_whole():
    message = {"properties": {"d": nested(MAX_DEPTH - 2)}}

    assert run(message) == (message, [])


def test_a_clean_message_is_returned_as_it_is():
    message = {"type": "track", "properties": {"a": [1, {"b": "c"}]}}

    repaired, repairs = run(message)

    assert repaired is message
    assert repairs == []


def test_repairs_of_one_message_leave_the_others_alone():
    clean = {"event": "ok"}
    poisoned = {"event": "a\x00"}

    results = storable_messages([clean, poisoned], body='"\\u0000"')

    assert [r for r, _ in results] == [clean, {"event": "a\\u0000"}]
    assert [len(r) for _, r in results] == [0, 1]
