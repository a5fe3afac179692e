"""The hostile-pattern guard."""

from __future__ import annotations

import time

import pytest
from django.utils import translation

from tracking.patterns import (
    MAX_PATTERN_LENGTH,
    UnsafePatternError,
    check_pattern,
    compile_pattern,
)

HOSTILE = [
    pytest.param(r"(a+)+$", id="nested-plus"),
    pytest.param(r"^(a|a)+$", id="identical-alternatives"),
    pytest.param(r"^(a|aa)+$", id="alternative-repeating-another"),
    pytest.param(r"^(a|a?)+$", id="optional-alternative"),
    pytest.param(r"^\d+\d+$", id="adjacent-repeats"),
    pytest.param(r"\s+$", id="unanchored-trailing-spaces"),
    pytest.param(r"^(a*)*$", id="nested-star"),
    pytest.param(
        r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+$",
        id="email-redos",
    ),
    pytest.param(r"(x+x+)+y", id="double-plus-in-plus"),
    pytest.param(r"^(\w+\s?)*$", id="words-star"),
    pytest.param(r"((ab)*)+c", id="nested-groups"),
    pytest.param(r"(?:a{1,200}){1,200}", id="large-bounded-nesting"),
]


@pytest.mark.parametrize("pattern", HOSTILE)
def test_rejects_slow_backtracking_patterns_quickly(pattern):
    check_pattern(r"[\d\w\s]")  # reads Python's Unicode classes, once per process
    started = time.perf_counter()
    with pytest.raises(UnsafePatternError):
        check_pattern(pattern)
    # The guard itself must never be the slow part: it parses, it does not match.
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"(\w)\1", id="back-reference"),
        pytest.param(r"foo(?=bar)", id="look-ahead"),
        pytest.param(r"(?<!x)y", id="look-behind"),
        pytest.param(r"[a-", id="unterminated-class"),
        pytest.param(r"a{2,1}", id="bad-range"),
        pytest.param(r"^\p{Han}+$", id="unicode-class-not-portable"),
        pytest.param(r"(?i)^sku", id="inline-flag-not-portable"),
        pytest.param(r"^[]a]+$", id="class-starting-with-bracket-not-portable"),
    ],
)
def test_rejects_what_a_linear_time_engine_cannot_run(pattern):
    with pytest.raises(UnsafePatternError):
        check_pattern(pattern)


def test_rejects_an_overlong_pattern():
    with pytest.raises(UnsafePatternError, match="longer than"):
        check_pattern("a" * (MAX_PATTERN_LENGTH + 1))


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"^SKU-[0-9]{6}$", id="sku"),
        pytest.param(r"^1[3-9]\d{9}$", id="cn-mobile"),
        pytest.param(r"^(\d{3}-)+\d{4}$", id="bounded-inner-repeat"),
        pytest.param(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", id="simple-email"),
        pytest.param(r"^(?:CNY|USD|EUR)$", id="alternation"),
        pytest.param(r"^[一-龥]+$", id="han-range"),
        pytest.param(r"^(?:[a-z0-9]+\.)*[a-z0-9]+$", id="separated-repeats"),
        pytest.param(r"^(a|ab)+$", id="alternatives-one-way-apart"),
        pytest.param(r"[0-9]+", id="unanchored-complete-after-one-digit"),
    ],
)
def test_accepts_ordinary_patterns(pattern):
    check_pattern(pattern)


def test_compiled_pattern_matches_in_linear_time_on_adversarial_input():
    compiled = compile_pattern(r"^(\d{3}-)+\d{4}$")
    started = time.perf_counter()
    assert compiled.search("123-" * 5000 + "x") is None
    assert time.perf_counter() - started < 0.1


def test_the_refusal_is_explained_in_the_pms_language():
    with (
        translation.override("zh-hans"),
        pytest.raises(UnsafePatternError, match="嵌套"),
    ):
        check_pattern(r"(a+)+$")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        pytest.param(
            r"^(\w+\s?)*$",
            "“(\\w+\\s?)*” repeats a group that itself repeats, like (a+)+, so a "
            "validator that backtracks tries every way of sharing the text between the two "
            "repeats; such patterns can take hours to check on some inputs. Rewrite it "
            "without the nesting, e.g. a+ instead of (a+)+.",
            id="nested",
        ),
        pytest.param(
            r"^SKU-(\d|[0-9A-F])+$",
            "“(\\d|[0-9A-F])+” repeats a part that can match the same text in more than "
            "one way (its alternatives or optional pieces overlap, as in (a|aa)+), so a "
            "validator that backtracks tries every way; such patterns can take hours to "
            "check on some inputs. Make the alternatives exclusive, e.g. a+ instead of "
            "(a|aa)+.",
            id="overlapping-alternatives",
        ),
        pytest.param(
            r"^[a-z]+[a-z0-9_]*$",
            "“[a-z]+” and “[a-z0-9_]*” can match the same characters one after the other, "
            "so a validator that backtracks tries every split point between them; on a "
            "long value that takes seconds. Put something required between them that "
            "neither matches, or merge them into one repeat.",
            id="adjacent-repeats",
        ),
        pytest.param(
            r"[a-z]+_v2",
            "The pattern does not start with ^, so a validator tries it from every "
            "position of the value, and “[a-z]+” reads the rest of the value again each "
            "time before failing; on a long value that takes seconds. Start the pattern "
            "with ^ if the value must begin with it.",
            id="rescanning",
        ),
        pytest.param(
            r"^(a|a){1,20}$",
            "The pattern can match some values in more than 256 different ways, which a "
            "validator that backtracks tries one by one. Remove alternatives or optional "
            "parts that match the same characters.",
            id="many-ways",
        ),
        pytest.param(
            "^(?:" + "a?" * 400 + ")$",
            "The pattern is too complex to check for slow matching. Simplify it, e.g. with "
            "fewer nested or repeated groups.",
            id="too-complex",
        ),
    ],
)
def test_the_refusal_names_the_part_and_the_rule(pattern, message):
    with pytest.raises(UnsafePatternError) as refusal:
        check_pattern(pattern)

    assert str(refusal.value) == message


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        pytest.param(r"^(a|aa)+$", "“(a|aa)+”", id="overlapping-alternatives"),
        pytest.param(r"^\d+\d+$", "“\\d+”和“\\d+”", id="adjacent-repeats"),
        pytest.param(r"\s+$", "没有以 ^ 开头", id="rescanning"),
        pytest.param(r"^(a|a){1,20}$", "256", id="many-ways"),
    ],
)
def test_the_new_refusals_are_translated(pattern, fragment):
    with translation.override("zh-hans"), pytest.raises(UnsafePatternError) as refusal:
        check_pattern(pattern)

    assert fragment in str(refusal.value)
    assert "validator" not in str(refusal.value)
