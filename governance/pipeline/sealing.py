"""Dead-letter batches sealed at rest: encrypted under keys that can rotate.

Pure. A batch that failed for good is kept to be replayed, and its body holds whatever a client
sent, personal data included. It is stored as a Fernet token (AES-128-CBC with HMAC-SHA256) of
its compressed JSON: unreadable without a key, and refused whole if altered. The first key
seals; every key opens, so a key is rotated by putting a new one first and keeping the old one
until the letters it sealed are replayed or purged.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any, cast

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UnreadableLetter(Exception):
    """No key opens the sealed batch: its key is no longer configured, or it was altered."""


def seal(batch: dict[str, Any], *, keys: Sequence[str]) -> str:
    """The batch as a token only `keys` open (the first one seals)."""
    plain = zlib.compress(orjson.dumps(batch))
    return _fernet(keys).encrypt(plain).decode("ascii")


def unseal(token: str, *, keys: Sequence[str]) -> dict[str, Any]:
    """The batch a token holds. Raises UnreadableLetter when no key opens it."""
    try:
        plain = _fernet(keys).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError) as error:
        msg = "No configured key opens this dead letter."
        raise UnreadableLetter(msg) from error
    return cast(dict[str, Any], orjson.loads(zlib.decompress(plain)))


def _fernet(keys: Sequence[str]) -> MultiFernet:
    if not keys:
        msg = "At least one key is needed to seal or open a dead letter."
        raise ValueError(msg)
    return MultiFernet([Fernet(key) for key in keys])
