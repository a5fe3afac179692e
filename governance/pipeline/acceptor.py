"""A sound fast accept: proves in pure Python that a payload is valid, or defers to jsonschema-rs.

`compile_acceptor(schema)` turns an event schema of the subset `tracking.schemas.build` writes
into a small tree of closures, with C-level checks (a frozenset's `__contains__`, a compiled
regex's `fullmatch`) as leaves where one suffices. The function it returns says True only for a
payload that `compiled.compile_schema(schema)` judges valid as well; False means "not proven",
and the caller asks jsonschema-rs, which stays the authority and names the errors.

Payloads are what `wire.parse_json` produces (str, int of any size, float, Decimal, bool, None,
list, dict with str keys). The function never raises, whatever it is given.
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from math import inf, nextafter
from operator import is_
from typing import Any

import re2

Check = Callable[[Any], object]  # truthy: proven valid; falsy or raising: not proven
# A character set and how often it repeats (at least, at most; None: without limit).
Item = tuple[frozenset[str], int, int | None]
# A pattern's check, and whether it is a `fullmatch` (a match or None) over the whole text.
Matcher = tuple[Callable[[str], Any], bool]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Written by `tracking.schemas.build` beside `format: date-time`; the format check here implies it.
DATE_TIME_PATTERN = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?"
    "([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "deprecated", "examples"}
)
# Keywords of one type are no-ops for instances of another, so they are ignored there.
_KEYWORDS = _ANNOTATIONS | {
    "type", "enum", "minLength", "maxLength", "pattern", "allOf", "format", "minimum",
    "maximum", "items", "minItems", "maxItems", "properties", "required",
    "additionalProperties",
}  # fmt: skip
_MAX_DEPTH = 32
_MAX_SEARCH_WIDTH = 64  # an unanchored search may cost the width at each position
_FLOAT_MAX = sys.float_info.max

# TRICKY: jsonschema-rs reads patterns as ECMA-262 (ASCII `\d` and `\w`, a `.` that skips
# "\r", Unicode `\s`) where RE2 and Python differ. On printable ASCII (" " to "~") they all
# agree, so a match is only proven over such characters, and only in the syntax parsed below.
_PRINTABLE = frozenset(map(chr, range(0x20, 0x7F)))
_DIGITS = frozenset(string.digits)
_WORD = frozenset(string.ascii_letters + string.digits + "_")
_ESCAPED_SETS = {
    "d": _DIGITS,
    "D": _PRINTABLE - _DIGITS,
    "w": _WORD,
    "W": _PRINTABLE - _WORD,
    "s": frozenset(" "),
    "S": _PRINTABLE - {" "},
}
_ESCAPED_LITERALS = frozenset("\\^$.|?*+()[]{}/-")
_COUNT = re.compile(r"\{([0-9]{1,4})(,([0-9]{0,4}))?\}")

# RFC 3339 date-times (offsets up to 23:59); `datetime.fromisoformat` then checks the calendar.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_MAX_DATE_TIME = 64
# The same without the calendar: any month has 28 days, a second 60 ("60" goes the long way).
_COMMON_DATE_TIME = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])[Tt](?:[01][0-9]|2[0-3])"
    r":[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
).fullmatch


def compile_acceptor(schema: dict[str, Any]) -> Callable[[Any], bool] | None:
    """The fast accept for `schema`, or None if the schema leaves the supported subset.

    The function returned answers True only if jsonschema-rs judges the payload valid.
    """
    check = _node(schema, 0)
    if check is None:
        return None

    def accept(payload: Any) -> bool:
        # TRICKY: checks raise on values of the wrong type (a regex on an int, a set lookup of
        # a list, an undeclared key of a closed object): that is a False, like any error.
        try:
            return bool(check(payload))
        except Exception:
            return False

    return accept


def _node(schema: Any, depth: int) -> Check | None:
    if type(schema) is not dict or depth > _MAX_DEPTH:
        return None
    for key in schema:
        if type(key) is not str or (key not in _KEYWORDS and key[:2] != "x-"):
            return None
    if schema.get("$schema", DIALECT) != DIALECT:
        return None
    kind = schema.get("type")
    build = _BUILDERS.get(kind) if type(kind) is str else None
    return None if build is None else build(schema, depth)


def _never(value: Any) -> bool:
    return False


# --------------------------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------------------------


def _boolean(schema: dict[str, Any], depth: int) -> Check | None:
    members = _members(schema) if "enum" in schema else [True, False]
    if members is None:
        return None
    allowed = {m for m in members if type(m) is bool}
    if len(allowed) == 2:
        return bool.__instancecheck__  # `bool` has no subclasses
    return partial(is_, allowed.pop()) if allowed else _never


def _null(schema: dict[str, Any], depth: int) -> Check | None:
    members = _members(schema) if "enum" in schema else [None]
    if members is None:
        return None
    return partial(is_, None) if None in members else _never


def _integer(schema: dict[str, Any], depth: int) -> Check | None:
    return _number(schema, integer=True)


def _real(schema: dict[str, Any], depth: int) -> Check | None:
    return _number(schema, integer=False)


def _number(schema: dict[str, Any], *, integer: bool) -> Check | None:
    """Ints and Decimals compare exactly (as jsonschema-rs does); floats against thresholds.

    TRICKY: an integral float or Decimal (1.0, 1E+2) is a JSON integer, a bool (`True == 1`)
    never a number. A float is integral in its binary and its shortest-decimal readings alike.
    """
    low, high = _bound(schema, "minimum", -1), _bound(schema, "maximum", 1)
    if low is None or high is None:
        return None
    low_float, high_float = _float_floor(low), _float_ceiling(high)
    if "enum" in schema:
        return _number_enum(schema, low, high, low_float, high_float, integer=integer)

    def check(x: Any) -> object:
        kind = type(x)
        if kind is int:
            return low <= x <= high
        if kind is float:
            return low_float <= x <= high_float and (not integer or x.is_integer())
        return (
            kind is Decimal
            and x.is_finite()
            and low <= x <= high
            and (not integer or x == x.to_integral_value())
        )

    return check


def _number_enum(
    schema: dict[str, Any],
    low: Any,
    high: Any,
    low_float: float,
    high_float: float,
    *,
    integer: bool,
) -> Check | None:
    members = _members(schema)
    if members is None:
        return None
    exact = [_exact(m) for m in members if type(m) in (int, float, Decimal)]
    numbers = [d for d in exact if d is not None and low <= d <= high]
    ints = frozenset(int(d) for d in numbers if d == d.to_integral_value())
    decimals = frozenset(numbers)
    if integer:
        decimals = frozenset(Decimal(i) for i in ints)
    # A float is proven equal to a member only when every reading of it (its exact binary
    # value, its shortest decimal) is that member.
    floats = frozenset(
        f
        for d in decimals
        if Decimal(f := float(d)) == d == Decimal(repr(f))
        if low_float <= f <= high_float
    )

    def check(x: Any) -> bool:
        kind = type(x)
        if kind is int:
            return x in ints
        if kind is float:
            return x in floats
        return kind is Decimal and x.is_finite() and x in decimals

    return check


def _exact(value: int | float | Decimal) -> Decimal | None:
    """The number as an exact Decimal; None if it is not finite or a float reads two ways."""
    if type(value) is float and Decimal(value) != Decimal(repr(value)):
        return None
    exact = Decimal(value)
    return exact if exact.is_finite() else None


def _bound(schema: dict[str, Any], name: str, direction: int) -> Any:
    """The bound as an exact int or Decimal (±inf when absent); None if malformed.

    A float bound (a schema not parsed with Decimal) reads as its binary value or as its
    shortest decimal; the stricter of the two is kept.
    """
    if name not in schema:
        return direction * inf
    value = schema[name]
    if type(value) not in (int, float, Decimal):
        return None
    readings = (
        [Decimal(value), Decimal(repr(value))] if type(value) is float else [value]
    )
    exact = [Decimal(r) for r in readings]
    if not all(e.is_finite() for e in exact):
        return None
    bound = min(exact) if direction > 0 else max(exact)
    return int(bound) if bound == bound.to_integral_value() else bound


def _float_floor(low: Any) -> float:
    """The smallest float that is at least `low` however jsonschema-rs reads the float.

    TRICKY: jsonschema-rs compares a float as its shortest decimal (0.1 is 0.1, not
    0.1000000000000000055...); Python compares its exact binary value. A float is proven in
    range only when both readings, and a plain float comparison, agree that it is.
    """
    if low == -inf:
        return -_FLOAT_MAX
    candidate = float(Decimal(low))
    while candidate != inf and not _at_least(candidate, Decimal(low)):
        candidate = nextafter(candidate, inf)
    return candidate


def _float_ceiling(high: Any) -> float:
    if high == inf:
        return _FLOAT_MAX
    candidate = float(Decimal(high))
    while candidate != -inf and not _at_least(-candidate, -Decimal(high)):
        candidate = nextafter(candidate, -inf)
    return candidate


def _at_least(value: float, bound: Decimal) -> bool:
    return (
        value >= float(bound)
        and Decimal(value) >= bound
        and Decimal(repr(value)) >= bound
    )


def _members(schema: dict[str, Any]) -> list[Any] | None:
    members = schema["enum"]
    return members if type(members) is list else None


# --------------------------------------------------------------------------------------------
# Strings
# --------------------------------------------------------------------------------------------


def _string(schema: dict[str, Any], depth: int) -> Check | None:
    low, high = schema.get("minLength", 0), schema.get("maxLength", sys.maxsize)
    if not (_count(low) and _count(high)):
        return None
    patterns = _patterns(schema)
    if patterns is None or schema.get("format", "date-time") != "date-time":
        return None
    date_time = "format" in schema
    if date_time:
        patterns = [p for p in patterns if p != DATE_TIME_PATTERN]
    matchers = [_pattern(p) for p in patterns]
    if None in matchers:
        return _never  # a pattern outside the syntax proven here: jsonschema-rs decides
    check = _string_check(low, high, matchers, date_time=date_time)  # type: ignore[arg-type]
    if "enum" not in schema:
        return check
    members = _members(schema)
    if members is None:
        return None
    # Only a str equals a str (a list raises, unhashable).
    return frozenset(m for m in members if type(m) is str and check(m)).__contains__


def _string_check(
    low: int, high: int, matchers: list[Matcher], *, date_time: bool
) -> Check:
    if (low, high) == (0, sys.maxsize) and not date_time:
        if not matchers:
            return str.__instancecheck__
        if len(matchers) == 1 and matchers[0][1]:
            return matchers[0][0]  # `fullmatch`, which raises on anything but a str
    if not matchers and not date_time:
        # A lone surrogate makes jsonschema-rs raise: only UTF-8 text is proven.
        return lambda x: (
            type(x) is str and low <= len(x) <= high and (x.isascii() or _encodable(x))
        )
    if not matchers and (low, high) == (0, sys.maxsize):
        return lambda x: (
            type(x) is str and (_COMMON_DATE_TIME(x) is not None or _is_date_time(x))
        )
    checks = [check for check, _ in matchers]
    # A date-time, or a text a pattern matches whole, is ASCII.
    ascii_ = date_time or any(whole for _, whole in matchers)

    def check(x: Any) -> bool:
        if type(x) is not str or not low <= len(x) <= high:
            return False
        if date_time and _COMMON_DATE_TIME(x) is None and not _is_date_time(x):
            return False
        for match in checks:
            if not match(x):
                return False
        return ascii_ or x.isascii() or _encodable(x)

    return check


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _patterns(schema: dict[str, Any]) -> list[str] | None:
    patterns = [schema["pattern"]] if "pattern" in schema else []
    conjuncts = schema.get("allOf", [])
    if type(conjuncts) is not list:
        return None
    for conjunct in conjuncts:
        if type(conjunct) is not dict or conjunct.keys() != {"pattern"}:
            return None
        patterns.append(conjunct["pattern"])
    return patterns if all(type(p) is str for p in patterns) else None


def _encodable(text: str) -> bool:
    """False for a lone surrogate, which jsonschema-rs refuses to read (it raises)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_date_time(text: str) -> bool:
    """TRICKY: jsonschema-rs takes a leap second (":60") at 23:59 UTC on any day, as here."""
    if len(text) > _MAX_DATE_TIME or _DATE_TIME.fullmatch(text) is None:
        return False
    if text[-1] == "z":  # `fromisoformat` takes "t" but not "z"
        text = text[:-1] + "Z"
    leap = text[17:19] == "60"
    try:
        moment = datetime.fromisoformat(text[:17] + "59" + text[19:] if leap else text)
        return not leap or moment.astimezone(UTC).strftime("%H:%M") == "23:59"
    except (ValueError, OverflowError):
        return False


# --------------------------------------------------------------------------------------------
# Patterns: a search for the pattern anywhere in the text, proven on printable ASCII
# --------------------------------------------------------------------------------------------


def _pattern(pattern: str) -> Matcher | None:
    """A matcher (True only if jsonschema-rs finds the pattern), or None for other syntax.

    TRICKY: the pattern itself never reaches Python's `re` (its `$` also matches before a final
    newline). A plain sequence of characters and classes is matched by a regex generated here
    from printable-ASCII character sets, which only ever matches printable ASCII, where all
    engines agree, and runs in linear time. Anything else goes to RE2 on printable ASCII only
    (RE2 through Python costs over a microsecond a call).
    """
    parsed = _parse(pattern)
    if parsed is None:
        return None
    items, start, end = parsed
    matcher = None if items is None else _sequence(items, start=start, end=end)
    if matcher is not None:
        return matcher
    try:
        regexp = re2.compile(pattern.encode())
    except re2.error:
        return None
    return (
        lambda x: (
            x.isascii() and x.isprintable() and regexp.search(x.encode()) is not None
        ),
        False,
    )


def _parse(pattern: str) -> tuple[list[Item] | None, bool, bool] | None:
    """(items, anchored at start, anchored at end); items None when not a plain sequence."""
    items: list[Item] | None = []
    start = end = repeatable = False
    depth = i = 0
    while i < len(pattern):
        char = pattern[i]
        if char in "*+?{":
            repeat = _repeat(pattern, i) if repeatable else None
            if repeat is None:
                return None
            low, high, i = repeat
            if items is not None:
                items[-1] = (items[-1][0], low, high)
            repeatable = False
            continue
        atom, after, repeatable = _atom(pattern, i)
        depth += (char == "(") - (char == ")")
        if after < 0 or depth < 0 or char in "]}":
            return None
        if atom is not None:
            if items is not None:
                items.append((atom, 1, 1))
        elif char == "^" and i == 0:
            start = True
        elif char == "$" and after == len(pattern):
            end = True
        else:
            items = None  # a group, an alternation, an assertion: RE2 decides
        i = after
    return None if depth else (items, start, end)


def _atom(pattern: str, i: int) -> tuple[frozenset[str] | None, int, bool]:
    """(character set or None, next index or -1 if refused, whether a repeat may follow)."""
    char = pattern[i]
    if char == "\\":
        escaped = pattern[i + 1 : i + 2]
        if escaped in _ESCAPED_SETS:
            return _ESCAPED_SETS[escaped], i + 2, True
        if escaped and escaped in _ESCAPED_LITERALS:
            return frozenset(escaped), i + 2, True
        return None, (i + 2 if escaped in ("b", "B") else -1), False
    if char == "[":
        parsed = _class(pattern, i + 1)
        return (None, -1, False) if parsed is None else (parsed[0], parsed[1], True)
    if char == ".":
        return _PRINTABLE, i + 1, True
    if char == "(":
        if pattern.startswith("(?", i):
            return None, (i + 3 if pattern.startswith("(?:", i) else -1), False
        return None, i + 1, False
    if char == ")":
        return None, i + 1, True
    if char in "|^$]}":
        return None, i + 1, False
    if not char.isprintable():
        return None, -1, False
    return frozenset(char) & _PRINTABLE, i + 1, True


def _repeat(pattern: str, i: int) -> tuple[int, int | None, int] | None:
    if pattern[i] == "{":
        count = _COUNT.match(pattern, i)
        if count is None:
            return None
        low = int(count[1])
        high = low if count[2] is None else (int(count[3]) if count[3] else None)
        if low > 1000 or (high is not None and not low <= high <= 1000):
            return None
        i = count.end()
    else:
        low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[pattern[i]]
        i += 1
    i += pattern.startswith("?", i)  # lazy: the same texts match
    if pattern[i : i + 1] in ("*", "+", "?", "{"):
        return None
    return low, high, i


def _class(pattern: str, i: int) -> tuple[frozenset[str], int] | None:
    """The printable-ASCII characters of a bracket class starting at `i`, and its end.

    Refuses what engines read differently: nested classes and set operations (the Rust regex
    crate), "[]", ranges from or to a class escape, a "-" in the middle.
    """
    negated = pattern.startswith("^", i)
    i += negated
    members: set[str] = set()
    first = True
    while i < len(pattern) and (first or pattern[i] != "]"):
        char = pattern[i]
        if char in "[]" or pattern.startswith(("&&", "~~", "--"), i):
            return None
        if char == "-" and not (first or pattern.startswith("-]", i)):
            return None
        first = False
        if char == "\\" and pattern[i + 1 : i + 2] in _ESCAPED_SETS:
            members |= _ESCAPED_SETS[pattern[i + 1]]
            if pattern.startswith("-", i + 2) and not pattern.startswith("-]", i + 2):
                return None
            i += 2
            continue
        low, i = _class_char(pattern, i)
        high = low
        if low and pattern.startswith("-", i) and not pattern.startswith("-]", i):
            high, i = _class_char(pattern, i + 1)
        if not low or not high or high < low:
            return None
        members |= {c for c in _PRINTABLE if low <= c <= high}
    if i >= len(pattern):
        return None
    atom = frozenset(members)
    return (_PRINTABLE - atom if negated else atom), i + 1


def _class_char(pattern: str, i: int) -> tuple[str, int]:
    """A literal character in a class and the index after it; "" if refused."""
    char = pattern[i : i + 1]
    if char == "\\":
        escaped = pattern[i + 1 : i + 2]
        return (escaped, i + 2) if escaped in _ESCAPED_LITERALS and escaped else ("", i)
    if not char or char in "[]" or not char.isprintable():
        return "", i
    return char, i + 1


def _sequence(items: list[Item], *, start: bool, end: bool) -> Matcher | None:
    """A generated-regex matcher for a sequence with at most one item of variable length.

    Unanchored, a leading (or trailing) item needs only its minimum: a longer match contains
    a shorter one. An item of a set with no printable-ASCII member repeats 0 times or fails.
    """
    if items and not start:
        items[0] = (items[0][0], items[0][1], items[0][1])
    if items and not end:
        items[-1] = (items[-1][0], items[-1][1], items[-1][1])
    if any(not chars and low for chars, low, _ in items):
        return _never, False
    items = [item for item in items if item[0] and item[2] != 0]
    variable = [k for k, (_, low, high) in enumerate(items) if low != high]
    if len(variable) > 1 or (variable and not (start and end)):
        return None
    width = sum(low for _, low, _ in items)
    regexp = re.compile(_regex(items))
    if start and end and (not variable or variable[0] == len(items) - 1):
        return regexp.fullmatch, True
    if start and end:
        return _middle(items, variable[0]), False
    if start:
        return regexp.match, False
    if end:
        return lambda x: len(x) >= width and regexp.fullmatch(x, len(x) - width), False
    return None if width > _MAX_SEARCH_WIDTH else (regexp.search, False)


def _middle(items: list[Item], k: int) -> Check:
    """Fixed head and tail around one variable item: three linear matches, no backtracking."""
    head, tail = re.compile(_regex(items[:k])), re.compile(_regex(items[k + 1 :]))
    middle = re.compile(_regex([(items[k][0], 0, None)]))
    head_width = sum(low for _, low, _ in items[:k])
    tail_width = sum(low for _, low, _ in items[k + 1 :])
    low, high = items[k][1:]
    shortest = head_width + low + tail_width
    longest = sys.maxsize if high is None else head_width + high + tail_width

    def match(x: str) -> bool:
        n = len(x)
        return (
            shortest <= n <= longest
            and head.match(x) is not None
            and tail.fullmatch(x, n - tail_width) is not None
            and middle.fullmatch(x, head_width, n - tail_width) is not None
        )

    return match


def _regex(items: list[Item]) -> str:
    parts = []
    for chars, low, high in items:
        if len(chars) == 1:
            atom = re.escape(next(iter(chars)))
        else:
            atom = "[" + "".join(sorted(map(re.escape, chars))) + "]"
        if low == high:
            parts.append(atom if low == 1 else f"{atom}{{{low}}}")
        else:
            parts.append(f"{atom}{{{low},{'' if high is None else high}}}")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Arrays and objects
# --------------------------------------------------------------------------------------------


def _array(schema: dict[str, Any], depth: int) -> Check | None:
    low, high = schema.get("minItems", 0), schema.get("maxItems", sys.maxsize)
    if not (_count(low) and _count(high)) or "enum" in schema:
        return None
    item = _node(schema["items"], depth + 1) if "items" in schema else _anything
    if item is None:
        return None
    if (low, high) == (0, sys.maxsize):
        return lambda x: type(x) is list and all(map(item, x))
    return lambda x: type(x) is list and low <= len(x) <= high and all(map(item, x))


def _object(schema: dict[str, Any], depth: int) -> Check | None:
    declared = schema.get("properties", {})
    required = schema.get("required", [])
    closed = schema.get("additionalProperties", True) is False
    if (
        type(declared) is not dict
        or type(required) is not list
        or not all(type(k) is str for k in required)
        or type(schema.get("additionalProperties", True)) is not bool
        or "enum" in schema
    ):
        return None
    checks = {key: _node(sub, depth + 1) for key, sub in declared.items()}
    if None in checks.values():
        return None
    return _object_check(checks, frozenset(required), closed=closed)  # type: ignore[arg-type]


def _object_check(
    checks: dict[str, Check], required: frozenset[str], *, closed: bool
) -> Check:
    """One loop over the payload's properties (cheaper than `map` on objects this small).

    Closed, an undeclared key raises KeyError: `compile_acceptor`'s function answers False.
    """
    get = checks.get

    def check_closed(x: Any) -> bool:
        if type(x) is not dict or (required and not x.keys() >= required):
            return False
        for key, value in x.items():  # noqa: SIM110 - `all()` of a generator is slower
            if not checks[key](value):
                return False
        return True

    def check_open(x: Any) -> bool:
        if type(x) is not dict or (required and not x.keys() >= required):
            return False
        for key, value in x.items():
            validate = get(key)
            if validate is None:
                if type(key) is not str:  # jsonschema-rs raises on such a key
                    return False
            elif not validate(value):
                return False
        return True

    return check_closed if closed else check_open


def _anything(value: Any) -> bool:
    return True


_BUILDERS: dict[str, Callable[[dict[str, Any], int], Check | None]] = {
    "string": _string,
    "integer": _integer,
    "number": _real,
    "boolean": _boolean,
    "null": _null,
    "array": _array,
    "object": _object,
}
