"""Values the database stores alike on SQLite and PostgreSQL: NUL, lone surrogates, depth."""

from __future__ import annotations

import pytest

from tracking.storable import Flaw, Unstorable, path_text, unstorable


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            {"a": ["x", "y\x00"]},
            Unstorable(flaw=Flaw.NUL, path=("a", 1)),
            id="nul-in-a-list",
        ),
        pytest.param(
            {"a": {"b\x00": 1}},
            Unstorable(flaw=Flaw.NUL, path=("a",), key="b\x00"),
            id="nul-in-a-key",
        ),
        pytest.param(
            "\ud800", Unstorable(flaw=Flaw.SURROGATE, path=()), id="lone-surrogate"
        ),
        pytest.param(
            {"\udc00": 1},
            Unstorable(flaw=Flaw.SURROGATE, path=(), key="\udc00"),
            id="surrogate-key",
        ),
        pytest.param([[[1]]], None, id="shallow"),
        pytest.param(
            {"a": "事件 \u0001 \x1b", "n": 1.5, "t": None}, None, id="controls-are-fine"
        ),
        pytest.param("😀", None, id="astral"),
    ],
)
def test_it_finds_the_text_the_database_cannot_store(value, expected):
    assert unstorable(value) == expected


def test_it_stops_at_the_depth_limit_without_recursing():
    value: list = []
    for _ in range(100_000):  # far past Python's recursion limit
        value = [value]

    found = unstorable(value, max_depth=64)

    assert found is not None
    assert (found.flaw, len(found.path)) == (Flaw.TOO_DEEP, 64)


def test_the_depth_limit_lets_the_last_level_through():
    value: list = [1]
    for _ in range(62):
        value = [value]

    assert unstorable(value, max_depth=64) is None


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), ""),
        (("enum", 1), "enum[1]"),
        (("p", "all", 0, "x y"), "p.all[0]['x y']"),
        (("a\x00",), "['a\\x00']"),
    ],
)
def test_it_writes_a_path_as_people_read_it(path, text):
    assert path_text(path) == text
