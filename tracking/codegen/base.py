"""What every code generator offers, the generator version, and the content hash of its output.

A generator turns a plan snapshot into one source file of typed tracking calls. The file names
the plan, its version and a content hash: the SHA-256 of the text after its CONTENT_HASH line,
so two versions whose generated code is the same carry the same hash.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from typing import TYPE_CHECKING, Any, Protocol

from tracking.constraints import ARRAY, DATE_TIME, INTEGER

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot, PropertySpec

DOC_WIDTH = 80

# Bump when the output of any generator changes for the same snapshot.
GENERATOR_VERSION = "1"

# Characters that end a line in one language or another, and control characters no comment
# should carry; both are replaced so doc text cannot break out of a comment.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class Generator(Protocol):
    """One target language: `generate` returns the whole source file as text."""

    @property
    def language(self) -> str: ...

    @property
    def file_name(self) -> str: ...

    def generate(self, snapshot: PlanSnapshot, *, version: str) -> str: ...


def content_hash(text: str) -> str:
    """The SHA-256 (hex) of the text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_lines(*paragraphs: str, width: int = DOC_WIDTH) -> list[str]:
    """Doc text as lines, paragraphs apart by one empty line, wrapped at spaces.

    Control and line-separator characters become spaces, so no text can end its comment.
    """
    lines: list[str] = []
    for paragraph in paragraphs:
        text = _CONTROL.sub(" ", paragraph.replace("\r\n", "\n").replace("\r", "\n"))
        if not text.strip():
            continue
        if lines:
            lines.append("")
        for line in text.strip("\n").split("\n"):
            lines.extend(_wrap(line.rstrip(), width=width))
    return lines


def _wrap(line: str, *, width: int) -> list[str]:
    wrapped = textwrap.wrap(
        line, width=width, break_long_words=False, break_on_hyphens=False
    )
    return wrapped or [""]


def examples_text(examples: tuple[Any, ...]) -> str:
    """The examples as one line of JSON values ("Examples: 1, 2"); empty when none."""
    if not examples:
        return ""
    shown = ", ".join(
        json.dumps(e, ensure_ascii=False, sort_keys=True) for e in examples
    )
    return f"Example{'s' if len(examples) > 1 else ''}: {shown}"


def labelled(label: str, text: str) -> str:
    return f"{label}: {text}" if text.strip() else ""


def constraint_notes(spec: PropertySpec) -> list[str]:
    """What a property's type in generated code cannot say, in one short sentence each."""
    notes: list[str] = []
    value_type = spec.item_type if spec.type == ARRAY else spec.type
    prefix = "Each item: " if spec.type == ARRAY else ""
    if value_type == INTEGER:
        notes.append(f"{prefix}a whole number.")
    if value_type == DATE_TIME:
        notes.append(
            f"{prefix}an RFC 3339 date-time with its zone, e.g. {_DATE_TIME_EXAMPLE}."
        )
    notes.extend(f"{prefix}matches `{pattern}`." for pattern in spec.patterns)
    for label, value in (
        ("at least", spec.minimum),
        ("at most", spec.maximum),
        ("at least", _count(spec.min_length, "character")),
        ("at most", _count(spec.max_length, "character")),
    ):
        if value is not None:
            notes.append(f"{prefix}{label} {value}.")
    for label, value in (
        ("At least", _count(spec.min_items, "item")),
        ("At most", _count(spec.max_items, "item")),
    ):
        if value is not None:
            notes.append(f"{label} {value}.")
    notes.extend(_PRIVACY_NOTES.get(spec.privacy_class, ()))
    return [note[:1].upper() + note[1:] for note in notes]


_DATE_TIME_EXAMPLE = "2024-05-18T09:30:00+08:00"
_PRIVACY_NOTES = {
    "personal": ("Personal data: masked wherever it is stored or shown.",),
    "sensitive": ("Sensitive data: never stored by the governance service.",),
}


def _count(value: int | None, noun: str) -> str | None:
    if value is None:
        return None
    return f"{value} {noun}" if value == 1 else f"{value} {noun}s"
