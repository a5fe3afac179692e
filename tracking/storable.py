"""What the database stores alike on SQLite and PostgreSQL: JSON values with storable text.

PostgreSQL refuses NUL (U+0000) in text and jsonb columns, where SQLite stores it, and no
database driver writes a lone surrogate (text that has no UTF-8 form); a value from a request
or a file is checked here first, so both databases answer the same 4xx.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Path = tuple[str | int, ...]


class Flaw(StrEnum):
    NUL = "nul"  # a NUL character in a string or a key
    SURROGATE = "surrogate"  # a lone surrogate (U+D800 to U+DFFF) in a string or a key
    TOO_DEEP = "too_deep"  # nested past the limit


@dataclass(frozen=True, slots=True, kw_only=True)
class Unstorable:
    """The first flaw found: at `path`; `key` is the offending key when the flaw is in one."""

    flaw: Flaw
    path: Path
    key: str | None = None

    @property
    def where(self) -> str:
        """The place as people read it: `enum[1]`, `p['a\\x00']`; empty at the top."""
        where = path_text(self.path)
        return where if self.key is None else f"{where}[{ascii(self.key)}]"


def unstorable(value: Any, *, max_depth: int | None = None) -> Unstorable | None:
    """A NUL, lone surrogate or over-deep nesting in a JSON value, walked without recursion."""
    pending: list[tuple[Any, Path]] = [(value, ())]
    while pending:
        item, path = pending.pop()
        if max_depth is not None and len(path) >= max_depth:
            return Unstorable(flaw=Flaw.TOO_DEEP, path=path)
        if isinstance(item, dict):
            for key, child in item.items():
                flaw = text_flaw(key) if isinstance(key, str) else None
                if flaw is not None:
                    return Unstorable(flaw=flaw, path=path, key=key)
                pending.append((child, (*path, key)))
        elif isinstance(item, list):
            pending.extend((child, (*path, index)) for index, child in enumerate(item))
        elif isinstance(item, str):
            flaw = text_flaw(item)
            if flaw is not None:
                return Unstorable(flaw=flaw, path=path)
    return None


def text_flaw(text: str) -> Flaw | None:
    """Why a string cannot be stored, or None."""
    if "\x00" in text:
        return Flaw.NUL
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Flaw.SURROGATE
    return None


def path_text(path: Path) -> str:
    """`a.b[0]['x y']`: names as they are when they read as names, anything else quoted."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif step.isidentifier():
            text += f".{step}" if text else step
        else:
            text += f"[{ascii(step)}]"
    return text
