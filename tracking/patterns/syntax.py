"""A pattern's structure as written: sequences, alternatives, repeats, classes, anchors.

Python's own parser rewrites what it reads (`(\\d|1)` becomes the class `[\\d1]`, a shared
prefix moves out of the alternatives), which hides the alternatives a backtracking engine tries
one by one. This parser keeps the structure as written, with each part's place in the text, and
leaves the meaning of single atoms (escapes, classes, counts) to Python's parser. It runs only on
patterns that RE2 and Python have both accepted.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from dataclasses import dataclass
from typing import Any

from tracking.patterns.charsets import ENGINES, Ranges, item_ranges

# Anchors, as bits: a part of the pattern may sit behind several.
AT_START = 1
AT_END = 2
AT_BOUNDARY = 4  # \b or \B: may hold or not, depending on the characters around

_QUANTIFIER = re.compile(r"[*+?]|\{\d*,?\d*\}")
_OCTAL = "01234567"
_FIXED_LENGTH_ESCAPES = {"x": 2, "u": 4, "U": 8}


class UnsupportedSyntax(ValueError):
    """Something a portable pattern does not use, or that engines read differently."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Chars:
    ranges: dict[str, Ranges]  # what it matches, as each engine reads it
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Anchor:
    at: int  # AT_START, AT_END or AT_BOUNDARY
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Seq:
    items: tuple[Node, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Alt:
    options: tuple[Node, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Repeat:
    body: Node
    low: int
    high: int | None  # None: no upper limit
    start: int
    end: int


Node = Chars | Anchor | Seq | Alt | Repeat


def parse(pattern: str) -> Node:
    """The pattern's structure; raises UnsupportedSyntax for what the guard cannot vouch for."""
    parser = _Parser(pattern)
    node = parser.alternation()
    if parser.i != len(pattern):
        msg = f"unbalanced parenthesis at position {parser.i}"
        raise UnsupportedSyntax(msg)
    return node


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def alternation(self) -> Node:
        start = self.i
        options = [self.sequence()]
        while self.i < len(self.text) and self.text[self.i] == "|":
            self.i += 1
            options.append(self.sequence())
        if len(options) == 1:
            return options[0]
        return Alt(options=tuple(options), start=start, end=self.i)

    def sequence(self) -> Node:
        start = self.i
        items = []
        while self.i < len(self.text) and self.text[self.i] not in "|)":
            items.append(self.quantified())
        if len(items) == 1:
            return items[0]
        return Seq(items=tuple(items), start=start, end=self.i)

    def quantified(self) -> Node:
        start = self.i
        atom = self.atom()
        match = _QUANTIFIER.match(self.text, self.i)
        if match is None or match.group() == "{}":
            return atom
        self.i = match.end()
        if self.i < len(self.text) and self.text[self.i] in "?+":
            self.i += 1  # lazy or possessive: the same ways, tried in another order
        low, high = _counts(match.group())
        return Repeat(body=atom, low=low, high=high, start=start, end=self.i)

    def atom(self) -> Node:
        char = self.text[self.i]
        if char == "(":
            return self.group()
        if char == "[":
            return self.chars(self._class_end())
        if char == "\\":
            return self.escape()
        if char in "^$":
            self.i += 1
            at = AT_START if char == "^" else AT_END
            return Anchor(at=at, start=self.i - 1, end=self.i)
        return self.chars(self.i + 1)

    def group(self) -> Node:
        start = self.i
        if self.text.startswith("(?:", self.i):
            self.i += 3
        elif self.text.startswith("(?", self.i):
            msg = f"unsupported group at position {self.i}"
            raise UnsupportedSyntax(msg)
        else:
            self.i += 1
        inner = self.alternation()
        if self.i >= len(self.text) or self.text[self.i] != ")":
            msg = f"missing ) for the group at position {start}"
            raise UnsupportedSyntax(msg)
        self.i += 1
        return _with_span(inner, start, self.i)

    def escape(self) -> Node:
        start = self.i
        end = _escape_end(self.text, start)
        item = _single_item(self.text[start:end])
        self.i = end
        op, av = item
        if op is sre.AT:
            at = {
                sre.AT_BEGINNING_STRING: AT_START,
                sre.AT_END_STRING: AT_END,
            }.get(av, AT_BOUNDARY)
            return Anchor(at=at, start=start, end=end)
        return Chars(ranges=_ranges(op, av), start=start, end=end)

    def chars(self, end: int) -> Chars:
        start = self.i
        op, av = _single_item(self.text[start:end])
        self.i = end
        return Chars(ranges=_ranges(op, av), start=start, end=end)

    def _class_end(self) -> int:
        i = self.i + 1
        if i < len(self.text) and self.text[i] == "^":
            i += 1
        if i < len(self.text) and self.text[i] == "]":
            # Python and RE2 read []a] as a class holding ] and a; ECMAScript reads [] as a
            # class matching nothing, so the rest of the pattern means something else there.
            msg = f"a class starting with ] at position {self.i}"
            raise UnsupportedSyntax(msg)
        while i < len(self.text):
            if self.text[i] == "\\":
                i += 2
            elif self.text[i] == "]":
                return i + 1
            else:
                i += 1
        msg = f"unterminated class at position {self.i}"
        raise UnsupportedSyntax(msg)


def _ranges(op: Any, av: Any) -> dict[str, Ranges]:
    return {engine: item_ranges(op, av, engine=engine) for engine in ENGINES}


def _with_span(node: Node, start: int, end: int) -> Node:
    """The group's content, spanning the parentheses, so a repeat of it reads as written."""
    if isinstance(node, Seq):
        return Seq(items=node.items, start=start, end=end)
    if isinstance(node, Alt):
        return Alt(options=node.options, start=start, end=end)
    return Seq(items=(node,), start=start, end=end)


def _escape_end(text: str, start: int) -> int:
    if start + 1 >= len(text):
        msg = "the pattern ends with a lone backslash"
        raise UnsupportedSyntax(msg)
    letter = text[start + 1]
    if letter in _FIXED_LENGTH_ESCAPES:
        return start + 2 + _FIXED_LENGTH_ESCAPES[letter]
    if letter == "0":
        end = start + 2
        while end < min(start + 4, len(text)) and text[end] in _OCTAL:
            end += 1
        return end
    if letter.isdigit():
        if letter in _OCTAL and all(c in _OCTAL for c in text[start + 2 : start + 4]):
            return start + 4
        msg = f"a back-reference at position {start}"
        raise UnsupportedSyntax(msg)
    return start + 2


def _single_item(snippet: str) -> tuple[Any, Any]:
    try:
        items = list(sre_parse.parse(snippet))
    except re.error as exc:
        raise UnsupportedSyntax(str(exc)) from None
    if len(items) != 1:
        msg = f"cannot read {snippet!r} as one character or class"
        raise UnsupportedSyntax(msg)
    op, av = items[0]
    if op not in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN, sre.AT):
        msg = f"cannot read {snippet!r} as one character or class"
        raise UnsupportedSyntax(msg)
    return op, av


def _counts(quantifier: str) -> tuple[int, int | None]:
    if quantifier == "*":
        return 0, None
    if quantifier == "+":
        return 1, None
    if quantifier == "?":
        return 0, 1
    items = list(sre_parse.parse("a" + quantifier))
    low, high, _body = items[0][1]
    return low, None if high == sre.MAXREPEAT else high
