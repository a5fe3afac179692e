"""Sets of characters as sorted, disjoint code-point ranges, and what the regex classes cover.

Patterns run in engines that disagree on classes: `\\d` is ASCII in ECMAScript and every Unicode
digit in Python's `re`; `.` leaves out \\r in ECMAScript but not in Python. So a class is read
for one engine at a time (ECMASCRIPT or PYTHON), and the guard checks the pattern for each.
"""

from __future__ import annotations

import array
import re
import re._constants as sre
import sys
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

Ranges = tuple[tuple[int, int], ...]

ECMASCRIPT = "ecmascript"  # browsers, Node, ajv (no flags but `u`)
PYTHON = (
    "python"  # `re` on str patterns, as the reference `jsonschema` validator runs them
)
ENGINES = (ECMASCRIPT, PYTHON)

LAST_CODE_POINT = 0x10FFFF
EVERYTHING: Ranges = ((0, LAST_CODE_POINT),)
_LINE_ENDS: dict[str, Ranges] = {
    ECMASCRIPT: ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)),
    PYTHON: ((0x0A, 0x0A),),
}
_CATEGORIES = {
    sre.CATEGORY_DIGIT: (False, "digit"),
    sre.CATEGORY_NOT_DIGIT: (True, "digit"),
    sre.CATEGORY_WORD: (False, "word"),
    sre.CATEGORY_NOT_WORD: (True, "word"),
    sre.CATEGORY_SPACE: (False, "space"),
    sre.CATEGORY_NOT_SPACE: (True, "space"),
}

_ASCII_DIGIT: Ranges = ((0x30, 0x39),)
_ASCII_WORD: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
# ECMAScript's \s: WhiteSpace and LineTerminator.
_ECMA_SPACE: Ranges = (
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)


def normalized(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """The ranges sorted, with overlapping and touching ones merged."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return tuple(merged)


def union(*sets: Ranges) -> Ranges:
    return normalized(r for ranges in sets for r in ranges)


def intersection(a: Ranges, b: Ranges) -> Ranges:
    result = []
    i = j = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if low <= high:
            result.append((low, high))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(result)


def complement(ranges: Ranges) -> Ranges:
    result = []
    next_low = 0
    for low, high in ranges:
        if low > next_low:
            result.append((next_low, low - 1))
        next_low = high + 1
    if next_low <= LAST_CODE_POINT:
        result.append((next_low, LAST_CODE_POINT))
    return tuple(result)


def sample(ranges: Ranges) -> str:
    """One character of the set, a printable ASCII one when there is one."""
    printable = intersection(ranges, ((0x21, 0x7E),))
    return chr((printable or ranges)[0][0])


def minterms(classes: tuple[Ranges, ...], positions: Iterable[int]) -> list[int]:
    """The sets of positions one character matches together, as bit masks (empty ones left out).

    Two positions can match the same character exactly when some mask holds both.
    """
    toggles: defaultdict[int, int] = defaultdict(int)
    for position in positions:
        for low, high in classes[position]:
            toggles[low] ^= 1 << position
            toggles[high + 1] ^= 1 << position
    masks = set()
    mask = 0
    for point in sorted(toggles):
        mask ^= toggles[point]
        if mask:
            masks.add(mask)
    return sorted(masks)


def item_ranges(op: Any, av: Any, *, engine: str) -> Ranges:
    """What one item of Python's parsed pattern (a character, class or dot) matches."""
    if op is sre.LITERAL:
        return ((av, av),)
    if op is sre.NOT_LITERAL:
        return complement(((av, av),))
    if op is sre.ANY:
        return complement(_LINE_ENDS[engine])
    if op is sre.IN:
        negated = bool(av) and av[0][0] is sre.NEGATE
        members = union(
            *(_member_ranges(o, a, engine=engine) for o, a in av if o is not sre.NEGATE)
        )
        return complement(members) if negated else members
    msg = f"not a character class: {op}"
    raise ValueError(msg)


def _member_ranges(op: Any, av: Any, *, engine: str) -> Ranges:
    if op is sre.LITERAL:
        return ((av, av),)
    if op is sre.RANGE:
        return ((av[0], av[1]),)
    if op is sre.CATEGORY and av in _CATEGORIES:
        negated, name = _CATEGORIES[av]
        ranges = _category(name, engine=engine)
        return complement(ranges) if negated else ranges
    msg = f"unexpected class member: {op} {av}"
    raise ValueError(msg)


def _category(name: str, *, engine: str) -> Ranges:
    if engine == ECMASCRIPT:
        return {"digit": _ASCII_DIGIT, "word": _ASCII_WORD, "space": _ECMA_SPACE}[name]
    return _python_unicode_classes()[name]


@lru_cache(maxsize=1)
def _python_unicode_classes() -> dict[str, Ranges]:
    """Python's Unicode \\d, \\w and \\s, read off its own `re` once per process (~0.1 s)."""
    codec = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
    points = array.array("I", range(LAST_CODE_POINT + 1))
    every_character = points.tobytes().decode(codec, "surrogatepass")
    return {
        name: tuple(
            (m.start(), m.end() - 1) for m in re.finditer(regex, every_character)
        )
        for name, regex in (("digit", r"\d+"), ("word", r"\w+"), ("space", r"\s+"))
    }
