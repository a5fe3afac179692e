"""The JSON types a sample's properties arrived with, as (JSON pointer, type) pairs.

Pure. Samples of one event mostly share keys and value types, so the pairs are memoised on that
signature; the fold counts samples by the (shared) tuple and expands it once per batch.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from governance.pipeline import labels

_TYPES_MEMO: dict[tuple[Any, ...], tuple[tuple[str, str], ...]] = {}
_TYPES_MEMO_SIZE = 50_000


class _TypeNames(dict[type, str]):
    """JSON type names by Python type, as the parser makes them; anything else is an object."""

    def __missing__(self, kind: type) -> str:
        return "object"


_JSON_TYPES = _TypeNames(
    {
        type(None): "null",
        bool: "boolean",
        int: "integer",
        float: "number",
        Decimal: "number",
        str: "string",
        list: "array",
        dict: "object",
    }
)


class _Pointers(dict[str, str]):
    """JSON pointers of the keys under one prefix, made on first use."""

    def __init__(self, prefix: tuple[str, ...]) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, key: str) -> str:
        # Optional properties make most signatures new, but keys repeat: their pointers stay.
        if len(self) > _TYPES_MEMO_SIZE:
            self.clear()
        found = self[key] = pointer((*self.prefix, key))
        return found


_POINTERS: dict[tuple[str, ...], _Pointers] = {}


def observed_types(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, JSON type) for each property, and for the fields of object properties."""
    types: list[tuple[str, str]] = []
    _observe(payload, ("properties",), types, depth=0)
    return types


def types_of(
    payload: dict[str, Any], prefix: tuple[str, ...] = ("properties",), depth: int = 0
) -> tuple[tuple[str, str], ...]:
    # TRICKY: samples of one event mostly share their keys and value types, so the (path, type)
    # pairs are memoised on that signature; fields of objects get their own memo entries. A
    # new signature is paired up by map and zip over cached pointers and type names, without a
    # Python-level step per key (a corpus of random optional properties is all new signatures).
    python_types = tuple(map(type, payload.values()))
    keys = tuple(payload)
    signature = (prefix, keys, python_types)
    known = _TYPES_MEMO.get(signature)
    if known is None:
        if len(_TYPES_MEMO) > _TYPES_MEMO_SIZE:
            _TYPES_MEMO.clear()
        pointers = _POINTERS.get(prefix)
        if pointers is None:
            if len(_POINTERS) > _TYPES_MEMO_SIZE:
                _POINTERS.clear()
            pointers = _POINTERS[prefix] = _Pointers(prefix)
        known = _TYPES_MEMO[signature] = tuple(
            zip(
                map(pointers.__getitem__, keys[:200]),
                map(_JSON_TYPES.__getitem__, python_types),
                strict=False,
            )
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
    """A JSON pointer (RFC 6901) from path parts, each masked where it holds personal data
    (a key may be a phone number: `{"13812345678": 1}`)."""
    return "".join(
        "/" + labels.masked(part).replace("~", "~0").replace("/", "~1")
        for part in parts
    )[:300]
