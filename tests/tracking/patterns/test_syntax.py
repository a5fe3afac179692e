"""Reading a pattern as written, and its classes as each engine reads them."""

from __future__ import annotations

import pytest

from tracking.patterns.charsets import ECMASCRIPT, PYTHON
from tracking.patterns.syntax import Alt, Chars, Repeat, Seq, UnsupportedSyntax, parse


def test_keeps_alternatives_that_python_merges_into_a_class():
    # Python reads (\d|1) as [\d1]; ECMAScript tries \d, then 1: two ways to match "1".
    node = parse(r"(\d|1)+")

    assert isinstance(node, Repeat)
    assert isinstance(node.body, Alt)
    assert [type(option) for option in node.body.options] == [Chars, Chars]


def test_a_repeat_spans_its_group_and_quantifier_as_written():
    node = parse(r"^x(?:ab|c){2,}?y$")

    assert isinstance(node, Seq)
    repeat = node.items[2]
    assert isinstance(repeat, Repeat)
    assert (repeat.low, repeat.high) == (2, None)
    assert r"^x(?:ab|c){2,}?y$"[repeat.start : repeat.end] == "(?:ab|c){2,}?"


@pytest.mark.parametrize(
    ("pattern", "counts"),
    [
        pytest.param("a*", (0, None), id="star"),
        pytest.param("a+", (1, None), id="plus"),
        pytest.param("a?", (0, 1), id="question-mark"),
        pytest.param("a{3}", (3, 3), id="exact"),
        pytest.param("a{,3}", (0, 3), id="upper-only"),
        pytest.param("a{2,}", (2, None), id="lower-only"),
    ],
)
def test_reads_repeat_counts(pattern, counts):
    node = parse(pattern)

    assert isinstance(node, Repeat)
    assert (node.low, node.high) == counts


def test_a_brace_that_is_no_count_is_a_character():
    node = parse("a{x}")

    assert isinstance(node, Seq)
    assert [type(item) for item in node.items] == [Chars] * 4


@pytest.mark.parametrize(
    ("pattern", "character", "engine", "matches"),
    [
        pytest.param(r"\d", "１", ECMASCRIPT, False, id="digit-ascii-in-ecmascript"),
        pytest.param(r"\d", "１", PYTHON, True, id="digit-unicode-in-python"),
        pytest.param(r"\w", "é", ECMASCRIPT, False, id="word-ascii-in-ecmascript"),
        pytest.param(r"\w", "é", PYTHON, True, id="word-unicode-in-python"),
        pytest.param(
            r"\s", "\ufeff", ECMASCRIPT, True, id="bom-is-space-in-ecmascript"
        ),
        pytest.param(r"\s", "\ufeff", PYTHON, False, id="bom-is-no-space-in-python"),
        pytest.param(".", "\r", ECMASCRIPT, False, id="dot-stops-at-cr-in-ecmascript"),
        pytest.param(".", "\r", PYTHON, True, id="dot-takes-cr-in-python"),
        pytest.param(r"[^\d]", "１", ECMASCRIPT, True, id="negated-class-complement"),
        pytest.param(r"[^\W_]", "_", PYTHON, False, id="negated-negated-class"),
    ],
)
def test_reads_classes_as_each_engine_does(pattern, character, engine, matches):
    node = parse(pattern)

    assert isinstance(node, Chars)
    code = ord(character)
    assert any(low <= code <= high for low, high in node.ranges[engine]) is matches


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("[]a]", id="class-starting-with-bracket"),
        pytest.param("[^]a]", id="negated-class-starting-with-bracket"),
        pytest.param("(?#note)a", id="comment-group"),
    ],
)
def test_refuses_what_engines_read_differently(pattern):
    with pytest.raises(UnsupportedSyntax):
        parse(pattern)
