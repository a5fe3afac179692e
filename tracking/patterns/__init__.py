"""The guard that keeps hostile regular expressions out of the plan.

A property's `pattern` is evaluated on every live sample, by our workers and by validators we do
not control (the reference `jsonschema` package, SDK-side checks in generated code). A pattern is
accepted only if RE2 compiles it, so we can always evaluate it in linear time, and if it has no
nested unbounded repetition such as `(a+)+`, which makes backtracking engines run for hours.
"""

from __future__ import annotations

import re
import re._parser as sre_parse
from functools import lru_cache
from typing import Any

import re2
from django.utils.translation import gettext as _

MAX_PATTERN_LENGTH = 1000

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False

# Patterns must mean the same to every validator that reads the generated schemas: RE2 here,
# ECMA-262 in browsers and SDKs, Python's `re` in the reference validator. Unicode classes such
# as \p{Han} and inline flags such as (?i) are not understood by all of them.
_NOT_PORTABLE = re.compile(r"\\[pP]|\(\?[a-zA-Z]")

# A repeat bounded this high backtracks as badly as an unbounded one when nested.
_LARGE_REPEAT = 100
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}


class UnsafePatternError(ValueError):
    """The pattern cannot be accepted; the message says why, in words a PM understands."""


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Any:
    """The pattern compiled by RE2 (linear-time matching); raises UnsafePatternError."""
    check_pattern(pattern)
    return re2.compile(pattern, _OPTIONS)


def check_pattern(pattern: str) -> None:
    """Raise UnsafePatternError unless the pattern is short, RE2-compatible and not nested."""
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
        tree = sre_parse.parse(pattern)
    except re.error as exc:
        msg = _("The pattern is not a valid regular expression (%s).") % (exc,)
        raise UnsafePatternError(msg) from None
    if _has_nested_unbounded_repeat(list(tree), inside_unbounded=False):
        msg = _(
            "The pattern repeats a group that itself repeats without limit, like (a+)+; such "
            "patterns can take hours to check on some inputs. Rewrite it without the nesting."
        )
        raise UnsafePatternError(msg)


def _has_nested_unbounded_repeat(items: list[Any], *, inside_unbounded: bool) -> bool:
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            unbounded = high == sre_parse.MAXREPEAT or high > _LARGE_REPEAT
            if unbounded and inside_unbounded:
                return True
            if _has_nested_unbounded_repeat(
                list(body), inside_unbounded=inside_unbounded or unbounded
            ):
                return True
        elif op == sre_parse.SUBPATTERN:
            if _has_nested_unbounded_repeat(
                list(av[-1]), inside_unbounded=inside_unbounded
            ):
                return True
        elif op == sre_parse.BRANCH:
            for branch in av[1]:
                if _has_nested_unbounded_repeat(
                    list(branch), inside_unbounded=inside_unbounded
                ):
                    return True
        elif op == sre_parse.ATOMIC_GROUP and _has_nested_unbounded_repeat(
            list(av), inside_unbounded=inside_unbounded
        ):
            return True
    return False
