"""Identifiers derived from plan keys: deterministic, valid, and unique whatever the order.

Keys are split into ASCII words on separators and camel humps ("Product Viewed",
"product_viewed" and "productViewed" all give product, viewed). A key with characters no
identifier can show (Chinese, "+"…) gets "_" and a short hash of the key; a key with no ASCII
word left becomes `Event_<hash>`. Names two keys would share get each key's hash, so adding
an event never renames another one's function.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HASH_LENGTH = 6
FALLBACK_WORD = "event"

_SEPARATORS = re.compile(r"[\s_\-.:/]+")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Words:
    """The ASCII words of a key, and the hash suffix it needs if the words lose something."""

    words: tuple[str, ...]
    suffix: str = ""

    @property
    def pascal(self) -> str:
        name = "".join(w[:1].upper() + w[1:].lower() for w in self.words)
        if name[:1].isdigit():
            name = FALLBACK_WORD.capitalize() + name
        return f"{name}_{self.suffix}" if self.suffix else name

    @property
    def snake(self) -> str:
        name = "_".join(w.lower() for w in self.words)
        if name[:1].isdigit():
            name = f"{FALLBACK_WORD}_{name}"
        # "__" never occurs between words, so a suffixed name cannot equal a plain one.
        return f"{name}__{self.suffix}" if self.suffix else name


def split_words(key: str) -> Words:
    """The key's ASCII words; a suffix when characters were dropped or no word is left."""
    parts = [p for p in _SEPARATORS.split(key.strip()) if p]
    words = tuple(w for part in parts for w in _WORD.findall(part))
    lossy = "".join(words) != "".join(parts)
    if not words:
        return Words(words=(FALLBACK_WORD,), suffix=short_hash(key))
    return Words(words=words, suffix=short_hash(key) if lossy else "")


def unique_words(keys: Iterable[str]) -> dict[str, Words]:
    """Each key's words; keys whose names would coincide all get their own hash suffix."""
    wanted = {key: split_words(key) for key in keys}
    counts = Counter(n for w in wanted.values() for n in {w.snake, w.pascal})
    return {
        key: words
        if counts[words.snake] == counts[words.pascal] == 1
        else Words(words=words.words, suffix=_extend(words.suffix, key))
        for key, words in wanted.items()
    }


def unique_names(
    wanted: Mapping[str, str], *, taken: Iterable[str] = ()
) -> dict[str, str]:
    """Each seed's wanted name, or that name with the seed's hash where two seeds want it.

    `taken` are names already used in the module (imports, fixed helpers): a seed wanting one
    of them gets its hash too. Raises ValueError if names still coincide (a hash collision).
    """
    counts = Counter(wanted.values())
    reserved = set(taken)
    names = {
        seed: name
        if counts[name] == 1 and name not in reserved
        else f"{name}_{short_hash(seed)}"
        for seed, name in wanted.items()
    }
    clashes = [n for n, c in Counter([*names.values(), *reserved]).items() if c > 1]
    if clashes:
        msg = f"Generated names coincide: {sorted(clashes)}."
        raise ValueError(msg)
    return names


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def _extend(suffix: str, key: str) -> str:
    # A second hash of the raw key: two keys that only differ in case or separators part here.
    extra = hashlib.sha256(f"key:{key}".encode()).hexdigest()[:HASH_LENGTH]
    return f"{suffix}_{extra}" if suffix else extra
