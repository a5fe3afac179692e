"""Where a payload may hold personal data: a cheap gate, then the texts worth scanning.

Pure. Every phone, ID or card number the detectors know has eight digits or more, and every
address an "@", so one regular expression over a string (or a container's JSON text, in its
normal form) rules out most values before the detectors look at them. Inside a container the
texts worth scanning are its strings, its keys and its long whole numbers (a phone number sent
as a JSON number).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import orjson

from governance.pipeline import normal, privacy

MAX_DEPTH = 6
MAX_STRINGS = 500
# Eight digits, separators allowed between them, wherever they stand: in a container's JSON
# text an escape ("\n", "\t") can stand right before a number and look like a token to glue to.
_EIGHT_DIGITS = re.compile(r"[0-9](?:[ .\-/()]{0,3}[0-9]){7}", re.ASCII)


class Spot(NamedTuple):
    """A text inside a value: a string, a key (`key`) or a whole number's digits."""

    path: tuple[str, ...]  # where it is; for a key, the path of the value it names
    text: str
    key: bool


# The detectors' own cheap gate, for a string (they answer through it too).
may_hold = privacy.may_hold


def container_may_hold(value: dict[str, Any] | list[Any]) -> bool:
    """The gate over a container's JSON text in its normal form (looser than `may_hold`: see
    `_EIGHT_DIGITS`)."""
    try:
        text = orjson.dumps(value, default=str).decode()
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: look value by value
        return True
    text = normal.normal_form(text)
    return "@" in text or _EIGHT_DIGITS.search(text) is not None


def spots(
    value: Any,
    path: tuple[str, ...],
    classes: dict[tuple[str, ...], str],
    *,
    depth: int,
    budget: list[int],
    keys: tuple[str, ...] | None = None,
) -> list[Spot]:
    """Texts under `value` worth the detectors' look, skipping paths classed personal or
    sensitive.

    `path` holds list indices (for the pointer); `keys` does not, because privacy classes are
    declared per field whatever its position in a list.
    """
    keys = path if keys is None else keys
    if budget[0] <= 0 or depth > MAX_DEPTH or (keys and keys in classes):
        return []
    if isinstance(value, str):
        budget[0] -= 1
        return [Spot(path, value, False)]
    if isinstance(value, dict):
        return _in_object(value, path, classes, depth, budget, keys)
    if isinstance(value, list):
        found: list[Spot] = []
        for index, item in enumerate(value[:50]):
            found += spots(
                item,
                (*path, str(index)),
                classes,
                depth=depth + 1,
                budget=budget,
                keys=keys,
            )
        return found
    digits = normal.number_text(value)
    if digits is None:
        return []
    budget[0] -= 1
    return [Spot(path, digits, False)]


def _in_object(
    value: dict[str, Any],
    path: tuple[str, ...],
    classes: dict[tuple[str, ...], str],
    depth: int,
    budget: list[int],
    keys: tuple[str, ...],
) -> list[Spot]:
    found: list[Spot] = []
    for key, item in value.items():
        if (*keys, key) in classes:
            continue
        if may_hold(key):
            budget[0] -= 1
            found.append(Spot((*path, key), key, True))
        found += spots(
            item,
            (*path, key),
            classes,
            depth=depth + 1,
            budget=budget,
            keys=(*keys, key),
        )
    return found
