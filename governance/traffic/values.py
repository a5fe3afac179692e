"""Values that satisfy property specs: scalars, arrays, objects, and strings from simple patterns."""

from __future__ import annotations

import copy
import math
import re
import re._parser as sre_parse
import string
import uuid
from datetime import UTC, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tracking.constraints import (
    ARRAY,
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NUMBER,
    OBJECT,
)

if TYPE_CHECKING:
    from datetime import datetime
    from random import Random

    from governance.traffic.clients import Client
    from tracking.snapshot import EventSpec, PropertySpec

_PHRASES = (
    "限时特惠",
    "新品推荐",
    "猜你喜欢",
    "会员专享",
    "spring sale",
    "best sellers",
)


def event_properties(
    event: EventSpec, rng: Random, *, client: Client, now: datetime
) -> dict[str, Any]:
    """Valid properties for one event: every required one and most optional ones."""
    properties: dict[str, Any] = {}
    for attached in event.properties:
        if not attached.required and rng.random() < 0.3:
            continue
        spec = attached.property
        known = client.known.get(spec.key)
        if known is not None and fits(spec, known):
            properties[spec.key] = known
            continue
        if spec.key in ("device_id", "session_id") and not attached.required:
            continue  # a client without one (a server) leaves it out
        value = value_for(spec, rng, now=now)
        if value is not None:
            properties[spec.key] = value
        elif attached.required and spec.examples:
            properties[spec.key] = spec.examples[0]
    return properties


def value_for(spec: PropertySpec, rng: Random, *, now: datetime) -> Any:
    """A value that satisfies the spec; None when none can be made (an unsupported pattern
    and no fitting example)."""
    if spec.type == ARRAY:
        return _array(spec, rng, now=now)
    return _scalar(spec.type, spec, rng, now=now)


def _scalar(type_: str, spec: PropertySpec, rng: Random, *, now: datetime) -> Any:
    if type_ == OBJECT:
        return _object(spec, rng, now=now)
    if spec.enum:
        return rng.choice(spec.enum)
    if type_ == BOOLEAN:
        return rng.random() < 0.5
    if type_ == INTEGER:
        return _integer(spec, rng)
    if type_ == NUMBER:
        return _number(spec, rng)
    if type_ == DATE_TIME:
        return iso_timestamp(now - timedelta(seconds=rng.randint(0, 30 * 86400)))
    return _string(spec, rng)


def _object(spec: PropertySpec, rng: Random, *, now: datetime) -> Any:
    if not spec.fields:
        examples = [e for e in spec.examples if isinstance(e, dict)]
        return copy.deepcopy(rng.choice(examples)) if examples else {}
    values = {f.key: value_for(f, rng, now=now) for f in spec.fields}
    return {k: v for k, v in values.items() if v is not None}


def _array(spec: PropertySpec, rng: Random, *, now: datetime) -> Any:
    low = spec.min_items or 0
    high = spec.max_items if spec.max_items is not None else low + 3
    count = rng.randint(min(max(low, 1), high), min(high, max(low, 1) + 2))
    if spec.enum and count <= len(spec.enum):
        return rng.sample(list(spec.enum), count)
    items = [_scalar(spec.item_type, spec, rng, now=now) for _ in range(count)]
    return None if any(i is None for i in items) else items


def _integer(spec: PropertySpec, rng: Random) -> int:
    low = math.ceil(Decimal(spec.minimum)) if spec.minimum is not None else 0
    high = math.floor(Decimal(spec.maximum)) if spec.maximum is not None else None
    examples = [e for e in spec.examples if type(e) is int and fits(spec, e)]
    if examples and rng.random() < 0.7:
        return int(rng.choice(examples))
    typical = max([low + 100, *(2 * e for e in examples)])
    return rng.randint(low, typical if high is None else min(high, typical))


def _number(spec: PropertySpec, rng: Random) -> float:
    low = float(spec.minimum) if spec.minimum is not None else 0.0
    high = float(spec.maximum) if spec.maximum is not None else None
    examples = [e for e in spec.examples if type(e) in (int, float) and fits(spec, e)]
    if examples and rng.random() < 0.5:
        return float(rng.choice(examples))
    typical: float = max([low + 1000.0, *(3.0 * e for e in examples)])
    top = typical if high is None else min(high, typical)
    value = round(rng.uniform(low, top), 2)
    return min(max(value, low), top)


def _string(spec: PropertySpec, rng: Random) -> Any:
    if spec.patterns:
        made = from_pattern(spec.patterns[0], rng)
        if made is not None and fits(spec, made):
            return made
        examples = [e for e in spec.examples if isinstance(e, str) and fits(spec, e)]
        return rng.choice(examples) if examples else None
    varied = [_vary(e, rng) for e in spec.examples if isinstance(e, str)]
    candidates = [v for v in varied if fits(spec, v)]
    if not candidates:
        candidates = [p for p in _PHRASES if fits(spec, p)]
    if candidates:
        return rng.choice(candidates)
    token = f"{spec.key}-{rng.getrandbits(32):08x}"
    token = token.ljust(spec.min_length or 0, "x")
    return token[: spec.max_length] if spec.max_length is not None else token


def _vary(example: str, rng: Random) -> str:
    """The example with its digits redrawn: another id or URL of the same shape."""
    return "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in example)


def fits(spec: PropertySpec, value: Any) -> bool:
    """Whether a scalar value meets the spec's enum, patterns, lengths and bounds."""
    if spec.enum and value not in spec.enum:
        return False
    if isinstance(value, str):
        if spec.min_length is not None and len(value) < spec.min_length:
            return False
        if spec.max_length is not None and len(value) > spec.max_length:
            return False
        return all(re.search(p, value) for p in spec.patterns)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if spec.minimum is not None and Decimal(str(value)) < Decimal(spec.minimum):
            return False
        if spec.maximum is not None and Decimal(str(value)) > Decimal(spec.maximum):
            return False
    return True


# --------------------------------------------------------------------------------------------
# Strings from patterns
# --------------------------------------------------------------------------------------------

_WORD = string.ascii_letters + string.digits + "_"
_CATEGORIES = {
    sre_parse.CATEGORY_DIGIT: string.digits,
    sre_parse.CATEGORY_WORD: _WORD,
    sre_parse.CATEGORY_SPACE: " ",
}
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}


class _Unsupported(Exception):
    """A construct this generator does not produce (negation, look-around, back-reference)."""


def from_pattern(pattern: str, rng: Random) -> str | None:
    """A string the pattern matches, or None for negated classes, look-arounds and the like.

    Callers check the result against every constraint and fall back to the examples.
    """
    try:
        return "".join(_emit(list(sre_parse.parse(pattern)), rng))
    except (re.error, _Unsupported):
        return None


def _emit(items: list[Any], rng: Random) -> list[str]:
    out: list[str] = []
    for op, av in items:
        if op == sre_parse.LITERAL:
            out.append(chr(av))
        elif op == sre_parse.ANY:
            out.append(rng.choice(_WORD))
        elif op == sre_parse.IN:
            out.append(_one_of(av, rng))
        elif op in _REPEATS:
            low, high, body = av
            for _ in range(rng.randint(low, min(high, low + 3))):
                out.extend(_emit(list(body), rng))
        elif op == sre_parse.SUBPATTERN:
            out.extend(_emit(list(av[-1]), rng))
        elif op == sre_parse.BRANCH:
            out.extend(_emit(list(rng.choice(av[1])), rng))
        elif op != sre_parse.AT:  # anchors produce nothing
            raise _Unsupported(str(op))
    return out


def _one_of(members: list[Any], rng: Random) -> str:
    """One character of a class such as [A-Z0-9_] or [\\d.]."""
    if any(op == sre_parse.NEGATE for op, _ in members):
        msg = "negated class"
        raise _Unsupported(msg)
    op, av = rng.choice(members)
    if op == sre_parse.LITERAL:
        return chr(av)
    if op == sre_parse.RANGE:
        return chr(rng.randint(av[0], av[1]))
    if op == sre_parse.CATEGORY and av in _CATEGORIES:
        return rng.choice(_CATEGORIES[av])
    raise _Unsupported(str(op))


# --------------------------------------------------------------------------------------------
# Ids and timestamps
# --------------------------------------------------------------------------------------------


def random_uuid(rng: Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def iso_timestamp(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
