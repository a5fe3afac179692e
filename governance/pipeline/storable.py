"""Samples made storable on every database as they are counted, and the repairs that took.

Some JSON the collector rightly accepts cannot be stored or validated as sent: PostgreSQL text
and jsonb refuse the NUL character (SQLite keeps it, so the two would disagree), no UTF-8
encoder writes a lone surrogate, and the validator and the JSON encoders stop at a few hundred
levels of nesting. Such a sample is not dropped and does not sink its batch: it is repaired
(NUL and lone surrogates written as the escapes `\\u0000`, `\\ud800`; anything nested deeper than
`MAX_DEPTH` cut off), counted as invalid with a violation per repair, and stored repaired on
both databases alike.

Pure: the batch's raw text and parsed messages in, repaired messages and repairs out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from governance.pipeline.observed import pointer

# Levels of objects and arrays in one message, the message itself being level 1. Tracking
# properties rarely nest past five; the validator stops at 255.
MAX_DEPTH = 64
CUT = f"[nested deeper than {MAX_DEPTH} levels: cut]"

NUL_CHARACTER = "nul_character"
LONE_SURROGATE = "lone_surrogate"
TOO_DEEP = "too_deep"

_MESSAGES = {
    NUL_CHARACTER: (
        "A text holds the NUL character, which databases do not store in text; "
        "stored with it written as \\u0000."
    ),
    LONE_SURROGATE: (
        "A text holds half of a UTF-16 surrogate pair, which is not Unicode text; "
        "stored with it written as an escape."
    ),
    TOO_DEEP: f"Nested deeper than {MAX_DEPTH} levels; stored cut at that depth.",
}
# Only an escape in the JSON text can produce a NUL or a surrogate (raw ones are not JSON).
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


@dataclass(frozen=True, slots=True, kw_only=True)
class Repair:
    keyword: str
    path: str  # JSON pointer into the message, itself repaired

    @property
    def message(self) -> str:
        return _MESSAGES[self.keyword]


def storable_messages(
    messages: list[dict[str, Any]], *, body: str
) -> list[tuple[dict[str, Any], tuple[Repair, ...]]]:
    """Each message as it can be stored, with what was repaired (mostly nothing)."""
    texts = bool(_SUSPECT_ESCAPE.search(body))
    return [_storable(message, texts=texts) for message in messages]


def _storable(
    message: dict[str, Any], *, texts: bool
) -> tuple[dict[str, Any], tuple[Repair, ...]]:
    repairs = _repairs(message, texts=texts)
    if not repairs:
        return message, ()
    return cast(dict[str, Any], _repaired(message, depth=1)), repairs


def _repairs(message: dict[str, Any], *, texts: bool) -> tuple[Repair, ...]:
    """What `message` needs repaired, found without recursion (it may be 1,000 levels deep).

    Only containers are walked unless `texts`: the batch holds no escape that could have
    made a NUL or a surrogate, so its strings need no look.
    """
    found: dict[tuple[str, str], Repair] = {}
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(message, 1, ())]
    while stack:
        value, depth, path = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            where = (*path, key)
            if texts and isinstance(key, str):
                _note_text(found, key, where)
            if isinstance(child, dict | list):
                if depth >= MAX_DEPTH:
                    _note(found, TOO_DEEP, where)
                else:
                    stack.append((child, depth + 1, where))
            elif texts and isinstance(child, str):
                _note_text(found, child, where)
    return tuple(found.values())


def _note_text(
    found: dict[tuple[str, str], Repair], text: str, where: tuple[str | int, ...]
) -> None:
    if "\x00" in text:
        _note(found, NUL_CHARACTER, where)
    if not _encodable(text):
        _note(found, LONE_SURROGATE, where)


def _note(
    found: dict[tuple[str, str], Repair], keyword: str, where: tuple[str | int, ...]
) -> None:
    path = pointer(tuple(_escaped(p) if isinstance(p, str) else str(p) for p in where))
    found.setdefault((keyword, path), Repair(keyword=keyword, path=path))


def _repaired(value: Any, *, depth: int) -> Any:
    """A copy with every text escaped and everything below `MAX_DEPTH` cut.

    Recursive, but never deeper than `MAX_DEPTH`.
    """
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, dict):
        if depth > MAX_DEPTH:
            return CUT
        return {_escaped(k): _repaired(v, depth=depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if depth > MAX_DEPTH:
            return CUT
        return [_repaired(item, depth=depth + 1) for item in value]
    return value


def _escaped(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "\\u0000")
    if not _encodable(text):
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
