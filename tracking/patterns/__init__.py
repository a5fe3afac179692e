"""The guard that keeps hostile regular expressions out of the plan.

A property's `pattern` is evaluated on every live sample, by our workers and by validators we do
not control (the reference `jsonschema` package, SDK-side checks in generated code). A pattern is
accepted only if RE2 compiles it, so we can always evaluate it in linear time, and if a
backtracking engine (browsers, Node, Python's `re`) also matches it in linear time: no repeat
that can read the same text in two ways, like `(a+)+` or `(a|aa)+`, which run for hours, and no
two repeats that can share the same text, like `\\d+\\d+`, which run for seconds on a long
value (`tracking.patterns.backtracking` has the rules).
"""

from __future__ import annotations

import re
import re._parser as sre_parse
from functools import lru_cache
from typing import Any

import re2
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracking.patterns.backtracking import (
    EXPONENTIAL_NESTED,
    EXPONENTIAL_OVERLAP,
    MANY_WAYS,
    POLYNOMIAL,
    RESCANNING,
    TOO_COMPLEX,
    Hazard,
    find_hazard,
)
from tracking.patterns.counting import MAX_WAYS
from tracking.patterns.syntax import UnsupportedSyntax

MAX_PATTERN_LENGTH = 1000

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False

# Patterns must mean the same to every validator that reads the generated schemas: RE2 here,
# ECMA-262 in browsers and SDKs, Python's `re` in the reference validator. Unicode classes such
# as \p{Han} and inline flags such as (?i) are not understood by all of them.
_NOT_PORTABLE = re.compile(r"\\[pP]|\(\?[a-zA-Z]")


class UnsafePatternError(ValueError):
    """The pattern cannot be accepted; the message says why, in words a PM understands."""


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Any:
    """The pattern compiled by RE2 (linear-time matching); raises UnsafePatternError."""
    check_pattern(pattern)
    return re2.compile(pattern, _OPTIONS)


def check_pattern(pattern: str) -> None:
    """Raise UnsafePatternError unless the pattern is short, portable, RE2-compatible and
    matched in linear time by backtracking engines too."""
    _check_syntax(pattern)
    try:
        hazard = find_hazard(pattern)
    except UnsupportedSyntax as exc:
        msg = _(
            "The pattern uses syntax that validators read differently, so it cannot be "
            "checked for slow matching (%s)."
        ) % (exc,)
        raise UnsafePatternError(msg) from None
    if hazard is not None:
        raise UnsafePatternError(_explain(hazard))


def _check_syntax(pattern: str) -> None:
    if len(pattern) > MAX_PATTERN_LENGTH:
        msg = _("The pattern is longer than %d characters.") % MAX_PATTERN_LENGTH
        raise UnsafePatternError(msg)
    try:
        re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = (
            exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        )
        msg = _(
            "The pattern is not a valid regular expression, or uses back-references or "
            "look-around, which cannot be checked in linear time (%s)."
        ) % (reason,)
        raise UnsafePatternError(msg) from None
    if _NOT_PORTABLE.search(pattern):
        msg = _(
            "The pattern uses a Unicode class such as \\p{Han} or an inline flag such as "
            "(?i), which not every validator understands. Use a character range instead, "
            "e.g. [一-龥] for Chinese characters, or list both cases, e.g. [Aa]."
        )
        raise UnsafePatternError(msg)
    try:
        sre_parse.parse(pattern)
    except re.error as exc:
        msg = _("The pattern is not a valid regular expression (%s).") % (exc,)
        raise UnsafePatternError(msg) from None


def _explain(hazard: Hazard) -> str:
    if hazard.rule == MANY_WAYS:
        return str(_REFUSALS[MANY_WAYS]) % MAX_WAYS
    parts = {f"part{i}": part for i, part in enumerate(hazard.parts)}
    return str(_REFUSALS[hazard.rule]) % parts


# Why a pattern that backtracks slowly is refused, one message per rule of `backtracking`.
_REFUSALS = {
    EXPONENTIAL_NESTED: gettext_lazy(
        "“%(part0)s” repeats a group that itself repeats, like (a+)+, so a validator that "
        "backtracks tries every way of sharing the text between the two repeats; such "
        "patterns can take hours to check on some inputs. Rewrite it without the nesting, "
        "e.g. a+ instead of (a+)+."
    ),
    EXPONENTIAL_OVERLAP: gettext_lazy(
        "“%(part0)s” repeats a part that can match the same text in more than one way (its "
        "alternatives or optional pieces overlap, as in (a|aa)+), so a validator that "
        "backtracks tries every way; such patterns can take hours to check on some inputs. "
        "Make the alternatives exclusive, e.g. a+ instead of (a|aa)+."
    ),
    POLYNOMIAL: gettext_lazy(
        "“%(part0)s” and “%(part1)s” can match the same characters one after the other, so "
        "a validator that backtracks tries every split point between them; on a long value "
        "that takes seconds. Put something required between them that neither matches, or "
        "merge them into one repeat."
    ),
    RESCANNING: gettext_lazy(
        "The pattern does not start with ^, so a validator tries it from every position of "
        "the value, and “%(part0)s” reads the rest of the value again each time before "
        "failing; on a long value that takes seconds. Start the pattern with ^ if the value "
        "must begin with it."
    ),
    MANY_WAYS: gettext_lazy(
        "The pattern can match some values in more than %d different ways, which a "
        "validator that backtracks tries one by one. Remove alternatives or optional parts "
        "that match the same characters."
    ),
    TOO_COMPLEX: gettext_lazy(
        "The pattern is too complex to check for slow matching. Simplify it, e.g. with "
        "fewer nested or repeated groups."
    ),
}
