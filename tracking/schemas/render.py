"""Byte-stable JSON for generated schemas, and the strong ETag of those bytes."""

from __future__ import annotations

import hashlib
import json
import math
from decimal import Decimal
from typing import Any


def render(schema: dict[str, Any]) -> bytes:
    """UTF-8 JSON with sorted keys and compact separators: equal dicts give equal bytes.

    Unlike `json.dumps`, writes a `Decimal` digit for digit, so a bound no float can hold
    survives. Raises ValueError for NaN, infinities and non-string keys, which JSON cannot hold.
    """
    return _encode(schema).encode("utf-8")


def etag(data: bytes) -> str:
    """A strong ETag (quoted) from the SHA-256 of the bytes."""
    return f'"{hashlib.sha256(data).hexdigest()}"'


def _encode(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(_member(k, v) for k, v in sorted(_items(value))) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, float) and not math.isfinite(value):
        msg = f"JSON cannot hold {value!r}."
        raise ValueError(msg)
    if value is None or isinstance(value, str | int | float | bool):
        return json.dumps(value, ensure_ascii=False)
    msg = f"Cannot write {type(value).__name__} as JSON."
    raise TypeError(msg)


def _items(value: dict[Any, Any]) -> list[tuple[str, Any]]:
    for key in value:
        if not isinstance(key, str):
            msg = f"JSON object keys must be strings, not {key!r}."
            raise ValueError(msg)
    return list(value.items())


def _member(key: str, value: Any) -> str:
    return json.dumps(key, ensure_ascii=False) + ":" + _encode(value)


def _decimal(value: Decimal) -> str:
    if not value.is_finite():
        msg = f"JSON cannot hold {value!r}."
        raise ValueError(msg)
    # str() of a finite Decimal is always a valid JSON number ("1.5", "-2E-30", "1.2E+5").
    return str(value)
