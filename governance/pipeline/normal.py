"""The normal form personal data is looked for in: the disguises of a number or address undone.

Pure. A client may send a phone number in full-width digits ("１３８…"), percent-encoded
("zhang%40example.com", "%2B86…"), in another script's digits, or as a JSON number; the
detectors read the normal form instead:

- percent-escapes decoded (a few rounds, for text encoded twice);
- Unicode NFKC (full-width and other compatibility characters become their plain forms:
  "１" → "1", "＠" → "@", "（" → "(");
- every other decimal digit (Arabic-Indic, Devanagari…) written as its ASCII digit.

Separators between digits and `tel:` / `mailto:` prefixes need no undoing: the detectors read
digits through separators, and a prefix ending in ":" is no part of a token.

ASCII text without "%" is its own normal form and costs two C-level checks. `mapped` builds the
normal form piece by piece with where each character came from, so that a finding in it can be
masked in place in the text as sent.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from urllib.parse import unquote

_ROUNDS = 3
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# Any decimal digit but an ASCII one (Unicode category Nd).
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
# What `mapped` normalises one piece at a time: a run of escapes, or one non-ASCII character.
_PIECE = re.compile(r"(?:%[0-9A-Fa-f]{2})+|[^\x00-\x7f]")
# The smallest and largest magnitude an integral number can have and hold a phone (8 digits
# after a "+"), a card (13-19) or an ID number (18).
_SMALLEST = 10_000_000
_LARGEST = 10**19


def is_plain(text: str) -> bool:
    """True when the text is its own normal form: ASCII without a percent sign."""
    return text.isascii() and "%" not in text


def normal_form(text: str) -> str:
    """The text with percent-escapes decoded, NFKC applied and every digit in ASCII."""
    if text.isascii() and "%" not in text:
        return text
    for _ in range(_ROUNDS):
        previous = text
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
            if _OTHER_DIGIT.search(text):
                text = _OTHER_DIGIT.sub(_ascii_digit, text)
        if "%" in text:
            text = unquote(text, errors="replace")
        if text == previous:
            break
    return text


def mapped(text: str) -> tuple[str, list[int], list[int]]:
    """One round of normalising, piece by piece: the result and, for each of its characters,
    where in `text` the piece it came from starts and ends."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _PIECE.finditer(text):
        start, end = match.span()
        if start > position:
            parts.append(text[position:start])
            starts.extend(range(position, start))
            ends.extend(range(position + 1, start + 1))
        piece = match.group()
        normal = (
            unquote(piece, errors="replace")
            if piece[0] == "%"
            else unicodedata.normalize("NFKC", piece)
        )
        normal = _OTHER_DIGIT.sub(_ascii_digit, normal)
        parts.append(normal)
        starts.extend([start] * len(normal))
        ends.extend([end] * len(normal))
        position = end
    if position < len(text):
        parts.append(text[position:])
        starts.extend(range(position, len(text)))
        ends.extend(range(position + 1, len(text) + 1))
    return "".join(parts), starts, ends


def number_text(value: object) -> str | None:
    """The digits of a JSON number that is whole and long enough to be a phone, card or ID
    number (8 to 19 digits, sign dropped); None for any other value."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        magnitude = abs(value)
        return str(magnitude) if _SMALLEST <= magnitude < _LARGEST else None
    if isinstance(value, float):
        size = abs(value)
        if _SMALLEST <= size < _LARGEST and size.is_integer():
            return str(int(size))
        return None
    if isinstance(value, Decimal):
        return _decimal_text(value)
    return None


def _decimal_text(value: Decimal) -> str | None:
    # TRICKY: compared before converting (int() of "1e1000000" would build a million digits),
    # and with `copy_abs`, which applies no context (abs() overflows past its exponent limit).
    try:
        size = value.copy_abs()
        if not (_SMALLEST <= size < _LARGEST) or size != size.to_integral_value():
            return None
    except ArithmeticError:  # NaN cannot be compared
        return None
    return str(int(size))


def _ascii_digit(match: re.Match[str]) -> str:
    return str(unicodedata.decimal(match.group()))
