"""Typed reads of environment variables that refuse malformed values at start."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        msg = f"The environment variable {name} must be set in production."
        raise ImproperlyConfigured(msg)
    return value


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    msg = (
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )
    raise ImproperlyConfigured(msg)


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        msg = f"{name}={raw!r} is not an integer."
        raise ImproperlyConfigured(msg) from None


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_fernet_keys(name: str, *, derive_from: str | None) -> list[str]:
    """Comma-separated Fernet keys (URL-safe base64 of 32 random bytes), refused at start when
    malformed. Unset: one key derived from `derive_from` (a secret such as SECRET_KEY), or
    ImproperlyConfigured when `derive_from` is None (production demands the keys)."""
    keys = env_list(name, default=[])
    if not keys:
        if derive_from is None:
            env_required(name)
        return [derived_fernet_key(str(derive_from), purpose=name)]
    for position, key in enumerate(keys, start=1):
        if not _is_fernet_key(key):
            # The key itself is never printed: it is a secret.
            msg = (
                f"{name}: key {position} is not a Fernet key (URL-safe base64 of 32 "
                "bytes; see the README)."
            )
            raise ImproperlyConfigured(msg)
    return keys


def derived_fernet_key(secret: str, *, purpose: str) -> str:
    """A Fernet key derived from a secret (HMAC-SHA256 keyed by it, over `purpose`)."""
    digest = hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def _is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
