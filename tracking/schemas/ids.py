"""Stable `$id` URLs for generated schemas, and the URL-safe slug of an event key."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import quote

# The separators `tracking.naming.fold_key` ignores; a run of them becomes one "-".
_SEPARATORS = re.compile(r"[\s_\-.:/]+")
_SLUG_CHARS = re.compile(r"[a-z0-9]+")
HASH_LENGTH = 8


def slug(key: str) -> str:
    """A lowercase, URL-safe form of `key`: ASCII letters and digits joined by "-".

    When the key holds characters a slug cannot show (Chinese, "+", "&"…), the readable part
    (or "event" when none is left) gets "_" and a short hash of the key, so two keys that are
    distinct after folding never share a slug. Readable slugs never contain "_".
    """
    folded = key.strip().casefold()
    words = [w for part in _SEPARATORS.split(folded) for w in _SLUG_CHARS.findall(part)]
    readable = "-".join(words)
    lossy = "".join(words) != _SEPARATORS.sub("", folded)
    if not lossy and readable:
        return readable
    return f"{readable or 'event'}_{short_hash(key)}"


def event_slugs(keys: Iterable[str]) -> dict[str, str]:
    """Each key's slug, unique among `keys` whatever their order.

    Keys of a valid plan never share a slug; if some do anyway (a snapshot built by hand),
    every one of them gets its key's hash appended, so no key's slug depends on which came first.
    """
    wanted = {key: slug(key) for key in keys}
    counts = Counter(wanted.values())
    return {
        key: value if counts[value] == 1 else f"{value}_{short_hash(key)}"
        for key, value in wanted.items()
    }


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def version_root(*, base_url: str, plan_key: str, version: str) -> str:
    """The URL under which all of one plan version's schemas live, without a trailing "/"."""
    return (
        f"{base_url.rstrip('/')}/schemas/{quote(plan_key, safe='')}/"
        f"{quote(version, safe='')}"
    )


def event_schema_id(
    *, base_url: str, plan_key: str, version: str, event_slug: str
) -> str:
    root = version_root(base_url=base_url, plan_key=plan_key, version=version)
    return f"{root}/events/{event_slug}.json"


def bundle_schema_id(*, base_url: str, plan_key: str, version: str) -> str:
    root = version_root(base_url=base_url, plan_key=plan_key, version=version)
    return f"{root}/bundle.json"
