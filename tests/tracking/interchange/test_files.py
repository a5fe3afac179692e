"""Decoding uploaded JSON: what the database could not store is refused as a file error."""

from __future__ import annotations

import pytest

from tracking.interchange.files import FileFormatError, decode_json


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b'{"a": ["x", "y\\u0000"]}',
            "Text in the file holds a NUL character (at a[1]).",
            id="nul",
        ),
        pytest.param(
            b'{"a\\u0000": 1}',
            "Text in the file holds a NUL character (at ['a\\x00']).",
            id="nul-in-a-key",
        ),
        pytest.param(
            b'{"a": "\\ud800"}',
            "Text in the file holds an unpaired surrogate escape (at a).",
            id="lone-surrogate",
        ),
        pytest.param(
            b'{"a": NaN}', "Not valid JSON: NaN is not a number JSON allows.", id="nan"
        ),
        pytest.param(
            b'{"a": -Infinity}',
            "Not valid JSON: -Infinity is not a number JSON allows.",
            id="infinity",
        ),
        pytest.param(b'{"a": 1e400}', "The number 1e400 is too large.", id="1e400"),
        pytest.param(
            b'{"a": 1' + b"0" * 5000 + b"}",
            "A number in the file has too many digits.",
            id="5000-digits",
        ),
        pytest.param(
            b"[" * 100_000 + b"]" * 100_000, "The JSON is nested too deeply.", id="deep"
        ),
    ],
)
def test_it_refuses_what_the_database_cannot_store(data, message):
    with pytest.raises(FileFormatError) as raised:
        decode_json(data)

    assert str(raised.value) == message


def test_it_reads_control_characters_and_long_integers_as_they_are():
    assert decode_json(b'{"a": "\\u0001\\u001b", "n": 12345678901234567890}') == {
        "a": "\x01\x1b",
        "n": 12345678901234567890,
    }
