"""What of a sample may be stored: a reduced message, personal values masked, sensitive removed.

Pure. Properties classed personal are masked whatever they hold; properties classed sensitive
are replaced by a marker and their value is never kept; every other string, every key and every
long whole number is masked where it looks like personal data, disguised or not (see
`privacy`). Identifiers are masked the same way (a user id may be a phone number). Two keys
that mask alike keep the later value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from governance.pipeline import labels, privacy
from governance.pipeline.compiled import PERSONAL, SENSITIVE

REMOVED = "[removed]"
# Deeper structures are stored as this marker: a sample is for reading, and the recursion of
# storing and showing it must stay bounded whatever a client nests.
TOO_DEEP = "[nested too deep]"
MAX_DEPTH = 20

_KEPT_CONTEXT = ("app", "library", "os", "device", "locale", "timezone", "screen")
_KEPT_FIELDS = ("type", "event", "name", "messageId", "timestamp", "sentAt")
_MAX_STRING = 500


def masked_message(
    message: dict[str, Any], classes: dict[tuple[str, ...], str]
) -> dict[str, Any]:
    """The parts of a message QA needs, safe to store and show."""
    kept: dict[str, Any] = {
        field: _mask_any(message[field], None)
        for field in _KEPT_FIELDS
        if field in message
    }
    for field in ("userId", "anonymousId"):
        if field in message:
            kept[field] = _mask_any(message[field], None)
    payload_field = (
        "traits" if message.get("type") in {"identify", "group"} else "properties"
    )
    payload = message.get(payload_field)
    if isinstance(payload, dict):
        kept[payload_field] = {
            labels.masked(key): _mask_value(value, (key,), classes)
            for key, value in payload.items()
        }
    context = message.get("context")
    if isinstance(context, dict):
        kept["context"] = {
            key: _mask_any(context[key], None)
            for key in _KEPT_CONTEXT
            if key in context
        }
    return kept


def _mask_value(
    value: Any,
    path: tuple[str, ...],
    classes: dict[tuple[str, ...], str],
    depth: int = 0,
) -> Any:
    privacy_class = classes.get(path)
    if privacy_class == SENSITIVE:
        return REMOVED
    if privacy_class == PERSONAL:
        return _mask_any(value, PERSONAL, depth)
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        return TOO_DEEP
    if isinstance(value, dict):
        return {
            labels.masked(k): _mask_value(v, (*path, k), classes, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_value(item, path, classes, depth + 1) for item in value]
    return _mask_any(value, None, depth)


def _mask_any(value: Any, privacy_class: str | None, depth: int = 0) -> Any:
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        return TOO_DEEP
    if isinstance(value, dict):
        return {
            labels.masked(k): _mask_any(v, privacy_class, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_any(item, privacy_class, depth + 1) for item in value]
    if privacy_class == PERSONAL:
        return mask_personal(value)
    if isinstance(value, str):
        return _cut(privacy.mask_text(value))
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # A phone number or card sent as a JSON number is still a phone number.
        masked = privacy.mask_number(value)
        if masked is not None:
            return masked
        return exact_number(value) if isinstance(value, Decimal) else value
    return value


def exact_number(value: Decimal) -> float | str:
    """A Decimal as JSON columns can hold it: a float when that prints back the same digits,
    else its exact digits as text (a long decimal is never rounded through a float)."""
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def _cut(text: str) -> str:
    # Masked first, cut after: a cut must never leave part of a number unmasked.
    return text[:_MAX_STRING]


def mask_personal(value: Any) -> Any:
    """A value of a personal property: masked by its kind if recognised, else mostly starred."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value)
    masked = privacy.mask_text(text)
    if masked != text:
        return _cut(masked)
    return text[:1] + "***" if len(text) > 1 else "*"
