"""Where a payload may hold personal data: a cheap gate, then the strings worth scanning.

Pure. Every phone, ID or card number the detectors know has eight digits or more, and every
address an "@", so one regular expression over a string (or a container's JSON text) rules out
most values before the detectors look at them.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from governance.pipeline import privacy

MAX_DEPTH = 6
MAX_STRINGS = 500
# Eight digits, separators allowed between them, wherever they stand: in a container's JSON
# text an escape ("\n", "\t") can stand right before a number and look like a token to glue to.
_EIGHT_DIGITS = re.compile(r"[0-9](?:[ \-]?[0-9]){7}", re.ASCII)


# The detectors' own cheap gate, for a string (they answer through it too).
may_hold = privacy.may_hold


def container_may_hold(value: dict[str, Any] | list[Any]) -> bool:
    """The gate over a container's JSON text (looser than `may_hold`: see `_EIGHT_DIGITS`)."""
    try:
        text = orjson.dumps(value, default=str).decode()
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: look value by value
        return True
    return "@" in text or _EIGHT_DIGITS.search(text) is not None


def strings(
    value: Any,
    path: tuple[str, ...],
    classes: dict[tuple[str, ...], str],
    *,
    depth: int,
    budget: list[int],
    keys: tuple[str, ...] | None = None,
) -> list[tuple[tuple[str, ...], str]]:
    """String values under `value`, skipping paths classed personal or sensitive.

    `path` holds list indices (for the pointer); `keys` does not, because privacy classes are
    declared per field whatever its position in a list.
    """
    keys = path if keys is None else keys
    if budget[0] <= 0 or depth > MAX_DEPTH or (keys and keys in classes):
        return []
    if isinstance(value, str):
        budget[0] -= 1
        return [(path, value)]
    found: list[tuple[tuple[str, ...], str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += strings(
                item,
                (*path, key),
                classes,
                depth=depth + 1,
                budget=budget,
                keys=(*keys, key),
            )
    elif isinstance(value, list):
        for index, item in enumerate(value[:50]):
            found += strings(
                item,
                (*path, str(index)),
                classes,
                depth=depth + 1,
                budget=budget,
                keys=keys,
            )
    return found
