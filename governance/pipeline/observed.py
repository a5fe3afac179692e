"""The JSON types a sample's properties arrived with, as (JSON pointer, type) pairs.

Pure. Samples of one event mostly share keys and value types, so the pairs are memoised on that
signature; the fold counts samples by the (shared) tuple and expands it once per batch.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

_TYPES_MEMO: dict[tuple[Any, ...], tuple[tuple[str, str], ...]] = {}
_JSON_TYPES: dict[type, str] = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    Decimal: "number",
    str: "string",
    list: "array",
    dict: "object",
}
_TYPES_MEMO_SIZE = 50_000
_POINTERS: dict[tuple[tuple[str, ...], str], str] = {}


def observed_types(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, JSON type) for each property, and for the fields of object properties."""
    types: list[tuple[str, str]] = []
    _observe(payload, ("properties",), types, depth=0)
    return types


def types_of(
    payload: dict[str, Any], prefix: tuple[str, ...] = ("properties",), depth: int = 0
) -> tuple[tuple[str, str], ...]:
    # TRICKY: samples of one event mostly share their keys and value types, so the (path, type)
    # pairs are memoised on that signature; fields of objects get their own memo entries.
    python_types = tuple(map(type, payload.values()))
    signature = (prefix, tuple(payload), python_types)
    known = _TYPES_MEMO.get(signature)
    if known is None:
        if len(_TYPES_MEMO) > _TYPES_MEMO_SIZE:
            _TYPES_MEMO.clear()
        known = _TYPES_MEMO[signature] = tuple(
            (_pointer_of(prefix, key), _JSON_TYPES.get(kind, "object"))
            for key, kind in list(zip(payload, python_types, strict=True))[:200]
        )
    if dict not in python_types or depth >= 2:
        return known
    nested = [
        types_of(value, (*prefix, key), depth + 1)
        for key, value in payload.items()
        if type(value) is dict
    ]
    # The combination is memoised too, so equal samples share one tuple (the fold counts by it).
    combination = (id(known), *map(id, nested))
    combined = _TYPES_MEMO.get(combination)
    if combined is None:
        combined = _TYPES_MEMO[combination] = known + tuple(
            pair for pairs in nested for pair in pairs
        )
    return combined


def _pointer_of(prefix: tuple[str, ...], key: str) -> str:
    # Optional properties make most signatures new, but keys repeat: their pointers are kept.
    found = _POINTERS.get((prefix, key))
    if found is None:
        if len(_POINTERS) > _TYPES_MEMO_SIZE:
            _POINTERS.clear()
        found = _POINTERS[(prefix, key)] = pointer((*prefix, key))
    return found


def _observe(
    value: dict[str, Any],
    path: tuple[str, ...],
    out: list[tuple[str, str]],
    *,
    depth: int,
) -> None:
    for key, item in list(value.items())[:200]:
        child = (*path, key)
        out.append((pointer(child), json_type(item)))
        if isinstance(item, dict) and depth < 2:
            _observe(item, child, out, depth=depth + 1)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def pointer(parts: tuple[str, ...]) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)[
        :300
    ]
