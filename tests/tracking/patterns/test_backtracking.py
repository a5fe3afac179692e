"""The backtracking rules against a corpus of known exponential, polynomial and safe patterns.

The corpus is tests/fixtures/patterns/*.txt. Every pattern the guard admits is then run in Node,
as ajv would run it, on attack strings built from its own loops: the check that what the guard
lets through is matched in linear time by a real backtracking engine.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.tracking.patterns.attacks import corpus, node_timings
from tracking.patterns.backtracking import (
    EXPONENTIAL_NESTED,
    EXPONENTIAL_OVERLAP,
    MANY_WAYS,
    POLYNOMIAL,
    RESCANNING,
    Hazard,
    find_hazard,
)

EXPONENTIAL = corpus("exponential")
POLYNOMIAL_CORPUS = corpus("polynomial")
SAFE = corpus("safe")

# Node's time on one attack above which a pattern counts as slow. Linear patterns take under
# 10 ms on the longest attack; quadratic ones take over 100 ms at 10,000 characters, and
# exponential ones hours at 32.
_SLOW_MS = 100
_ATTACK_LENGTHS = (32, 10_000)


def test_the_corpus_is_large_enough_to_mean_something():
    assert (len(EXPONENTIAL) + len(POLYNOMIAL_CORPUS), len(SAFE)) >= (60, 60)


@pytest.mark.parametrize("pattern", EXPONENTIAL, ids=EXPONENTIAL)
def test_refuses_every_exponential_pattern(pattern):
    hazard = find_hazard(pattern)

    assert hazard is not None
    assert hazard.rule in {EXPONENTIAL_NESTED, EXPONENTIAL_OVERLAP, MANY_WAYS}


@pytest.mark.parametrize("pattern", POLYNOMIAL_CORPUS, ids=POLYNOMIAL_CORPUS)
def test_refuses_every_polynomial_pattern(pattern):
    hazard = find_hazard(pattern)

    assert hazard is not None
    assert hazard.rule in {POLYNOMIAL, RESCANNING}


@pytest.mark.parametrize("pattern", SAFE, ids=SAFE)
def test_admits_every_safe_pattern(pattern):
    assert find_hazard(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(
            r"^(a|aa)+$",
            Hazard(rule=EXPONENTIAL_OVERLAP, parts=("(a|aa)+",)),
            id="alternative-repeating-another",
        ),
        pytest.param(
            r"^(a|a?)+$",
            Hazard(rule=EXPONENTIAL_OVERLAP, parts=("(a|a?)+",)),
            id="optional-alternative",
        ),
        pytest.param(
            r"^(?:\d|[0-9a-f])+$",
            Hazard(rule=EXPONENTIAL_OVERLAP, parts=(r"(?:\d|[0-9a-f])+",)),
            id="classes-overlapping-not-equal",
        ),
        pytest.param(
            r"^(\w+\s?)*$",
            Hazard(rule=EXPONENTIAL_NESTED, parts=(r"(\w+\s?)*",)),
            id="nested-with-optional-separator",
        ),
        pytest.param(
            r"^((a|a)+b)+$",
            Hazard(rule=EXPONENTIAL_OVERLAP, parts=("(a|a)+",)),
            id="blames-the-innermost-ambiguous-repeat",
        ),
        pytest.param(
            r"^(?:\d\d|１１)+$",
            Hazard(rule=EXPONENTIAL_OVERLAP, parts=(r"(?:\d\d|１１)+",)),
            id="python-reads-fullwidth-digits-as-digits",
        ),
        pytest.param(
            r"^id-\d+\.?\d+$",
            Hazard(rule=POLYNOMIAL, parts=(r"\d+", r"\d+")),
            id="repeats-sharing-digits-across-an-optional-dot",
        ),
        pytest.param(
            r"\s+$",
            Hazard(rule=RESCANNING, parts=(r"\s+",)),
            id="unanchored-repeat-before-the-end",
        ),
        pytest.param(
            r"^(a|a){1,20}$",
            Hazard(rule=MANY_WAYS),
            id="bounded-count-of-ambiguous-alternatives",
        ),
    ],
)
def test_names_the_rule_and_the_parts_at_fault(pattern, expected):
    assert find_hazard(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"^(a{2})+$", id="fixed-count-inside-a-repeat"),
        pytest.param(r"^(?:\s|,)+$", id="disjoint-alternatives"),
        pytest.param(r"^\s*\S+\s*$", id="complementary-classes"),
        pytest.param(r"^[^\r\n]+\r?\n$", id="negated-class-then-its-complement"),
        pytest.param(r"[0-9]+", id="unanchored-complete-after-one-digit"),
        pytest.param(r"@[a-z]+_", id="unanchored-restart-only-at-an-at-sign"),
        pytest.param(
            r"^(?:" + "|".join(map(chr, range(0x4E00, 0x4F00))) + ")+$",
            id="256-single-characters",
        ),
    ],
)
def test_admits_what_only_looks_alike(pattern):
    assert find_hazard(pattern) is None


def _node() -> None:
    if shutil.which("node") is None:
        message = "node is needed to time admitted patterns: apt-get install nodejs"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_node_matches_every_admitted_pattern_in_linear_time():
    _node()
    admitted = [
        pattern
        for pattern in EXPONENTIAL + POLYNOMIAL_CORPUS + SAFE
        if find_hazard(pattern) is None
    ]

    timings = node_timings(admitted, lengths=_ATTACK_LENGTHS, timeout=60)

    assert [t["pattern"] for t in timings] == admitted
    slow = [
        (t["pattern"], round(t["ms"]), t["attack"])
        for t in timings
        if t["ms"] > _SLOW_MS
    ]
    assert slow == []
