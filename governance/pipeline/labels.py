"""Texts a sample names things by (event and page names, property keys, app versions), masked.

Pure. Such texts are few and come back in every sample, so each is judged once and remembered
in a bounded memo (cleared when full); most hold nothing personal and come back unchanged. A
name holding a phone number is stored as "Call 138****1732": two numbers may share a masked
form, and then share its counters.
"""

from __future__ import annotations

from typing import NamedTuple

from governance.pipeline import privacy
from governance.pipeline.privacy import PersonalDataKind


class Label(NamedTuple):
    text: str  # as it may be stored: masked where it held personal data
    kind: PersonalDataKind | None  # what it held (the first finding), or None


_MEMO: dict[str, Label] = {}
_MEMO_SIZE = 50_000
# Longer texts are judged each time, not remembered: the memo's size stays bounded in bytes.
_MEMO_TEXT = 256


def label(text: str) -> Label:
    """The text as it may be stored, and the kind of personal data it held."""
    known = _MEMO.get(text)
    if known is not None:
        return known
    judged = _judged(text)
    if len(text) <= _MEMO_TEXT:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[text] = judged
    return judged


def masked(text: str) -> str:
    """The text as it may be stored."""
    # The memo first, inline: masking a sample calls this once per key.
    known = _MEMO.get(text)
    return known.text if known is not None else label(text).text


def _judged(text: str) -> Label:
    kind = privacy.detect(text)
    if kind is None:
        return Label(text, None)
    return Label(privacy.mask_text(text), kind)
