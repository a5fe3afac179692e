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
def test_rejects_nested_unbounded_repetition_quickly(pattern):
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
