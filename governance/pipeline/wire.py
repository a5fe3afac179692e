"""The Segment wire format: exact JSON parsing, messages of each endpoint, envelope checks.

Shared by the collector (which refuses a request whose envelope is broken) and the workers
(which parse the forwarded body again). Numbers stay exact: integers of any size stay `int`,
and a body with a long number is parsed with `Decimal` for non-integers, so nothing is rounded
through a float.
"""

from __future__ import annotations

import functools
import json
import math
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import jsonschema_rs
import orjson
import re2

from governance.errors import WireError

MESSAGE_TYPES = frozenset({"track", "page", "screen", "identify", "group", "alias"})
ENDPOINTS = MESSAGE_TYPES | {"batch"}

MAX_EVENT_NAME = 200
MAX_MESSAGE_ID = 200

# TRICKY: orjson reads a float into a binary double and an integer beyond 64 bits into a float,
# silently. Only a number token (after ":", "," or "[") of 16 or more digits or dots, or with
# an exponent, can lose digits that way; each such token is checked, and only a body holding
# one that a double does not print back exactly takes the slower exact parse. Floats written
# by SDKs (shortest representation of a double, up to 17 digits) pass the check.
# RE2 scans a body several times faster than `re` here (no backtracking to set up per ":").
_LONG_OR_EXPONENT = re2.compile(
    rb"[:,\[]\s*(-?[0-9](?:[0-9.]{15}[0-9.eE+\-]*|[0-9.]*[eE][+\-]?[0-9]*))"
)
_INT64_MIN = -(2**63)
_UINT64_MAX = 2**64 - 1

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
_TIMESTAMP_FIELDS = ("timestamp", "sentAt", "originalTimestamp")
_OBJECT_FIELDS = ("properties", "traits", "context", "integrations")
_BATCH_DEFAULT_FIELDS = ("context", "integrations", "sentAt")
_compact = functools.partial(orjson.dumps, default=str)


def _rfc3339_pattern() -> str:
    """What `parse_timestamp` accepts, as one pattern: every field in range, no year 0.

    TRICKY: `[0-9]`, not `\\d`, which the schema's regex engine reads as any Unicode digit.
    """
    digit = "[0-9]"
    year = f"(?:{digit}{{3}}[1-9]|{digit}{{2}}[1-9]0|{digit}[1-9]00|[1-9]000)"
    by_four = "(?:0[48]|[2468][048]|[13579][26])"  # 04 to 96, every fourth
    leap_year = f"(?:{digit}{{2}}{by_four}|{by_four}00)"
    month_day = (
        "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
        "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
        "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    )
    date = f"(?:{year}-{month_day}|{leap_year}-02-29)"
    time = f"(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.{digit}{{1,9}})?"
    zone = "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
    return f"^{date}[Tt]{time}{zone}$"


# Characters `str.strip()` removes (`str.isspace()`), so a pattern can ask for one that is not.
_PYTHON_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _batch_envelope_schema() -> dict[str, Any]:
    """A batch whose every message passes `check_envelope`: one compiled check for all.

    Only ever stricter than the Python checks (numeric user ids, for one, are left to them),
    so a batch it refuses is checked again message by message for the exact error.
    """
    nullable_object = {"type": ["object", "null"]}
    stamp = {"type": ["string", "null"], "pattern": _rfc3339_pattern()}
    event = {
        "type": "string",
        "maxLength": MAX_EVENT_NAME,
        "pattern": f"[^{_PYTHON_SPACES}]",
    }
    message = {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"enum": sorted(MESSAGE_TYPES)},
            "name": {"type": ["string", "null"]},
            **dict.fromkeys(_OBJECT_FIELDS, nullable_object),
            **dict.fromkeys(_TIMESTAMP_FIELDS, stamp),
            "messageId": {"type": ["string", "null"], "maxLength": MAX_MESSAGE_ID},
            "userId": {"type": ["string", "null"]},
            "anonymousId": {"type": ["string", "null"]},
        },
        "if": {"properties": {"type": {"const": "track"}}},
        "then": {"required": ["event"], "properties": {"event": event}},
    }
    return {
        "type": "object",
        "required": ["batch"],
        "properties": {
            "batch": {"type": "array", "items": message},
            "context": nullable_object,
            "integrations": nullable_object,
            "sentAt": stamp,
        },
    }


_BATCH_ENVELOPES = jsonschema_rs.validator_for(_batch_envelope_schema())


def parse_json(data: bytes) -> Any:
    """The JSON document in `data`, numbers exact. Raises WireError (code `malformed_json`)."""
    if all(_faithful(token) for token in _LONG_OR_EXPONENT.findall(data)):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise _located(data, str(error), error.pos) from None
    return _parse_exact(data)


def _faithful(token: bytes) -> bool:
    """Whether orjson reads this number token without changing its value."""
    try:
        if token.lstrip(b"-").isdigit():
            return _INT64_MIN <= int(token) <= _UINT64_MAX
        value = float(token)
        return math.isfinite(value) and Decimal(repr(value)) == Decimal(token.decode())
    except (ValueError, ArithmeticError):
        return False  # not a number after all: the exact parse reports it


def _located(data: bytes, detail: str, position: int) -> WireError:
    """The error at its byte offset: decoders count characters, clients count bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        msg = f"The body is not valid UTF-8 (byte {error.start})."
        return WireError(msg, code="malformed_json", position=error.start)
    return _syntax_error(detail, len(text[:position].encode("utf-8")))


def _parse_exact(data: bytes) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        msg = f"The body is not valid UTF-8 (byte {error.start})."
        raise WireError(msg, code="malformed_json", position=error.start) from None
    try:
        document = json.loads(
            text, parse_float=Decimal, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as error:
        raise _located(data, error.msg, error.pos) from None
    except (ValueError, RecursionError) as error:
        raise _syntax_error(str(error), None) from None
    _refuse_lone_surrogates(text, document)
    return document


def _refuse_constant(name: str) -> Any:
    msg = f"{name} is not a JSON number"
    raise ValueError(msg)


def _refuse_lone_surrogates(text: str, document: Any) -> None:
    # The standard library accepts "\ud800" alone; no database or UTF-8 encoder can store it.
    # Only an escape can produce one (the text itself decoded as strict UTF-8).
    try:
        encodable = not _SURROGATE_ESCAPE.search(text) or _encodable(document)
    except RecursionError:
        detail = "nested too deeply"
        raise _syntax_error(detail, None) from None
    if not encodable:
        detail = "lone UTF-16 surrogate in a string"
        raise _syntax_error(detail, None)


def _encodable(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(item) for item in value)
    return True


def _syntax_error(detail: str, position: int | None) -> WireError:
    where = f" at byte {position}" if position is not None else ""
    msg = f"Malformed JSON{where}: {detail}"
    return WireError(msg, code="malformed_json", position=position)


def messages_of(
    endpoint: str, document: Any, *, checked: bool = False
) -> list[dict[str, Any]]:
    """The messages a request carries, each with its `type` set and batch defaults applied.

    Raises WireError when the document is not the endpoint's shape or a message's envelope is
    broken (see `check_envelope`). `checked` skips the envelope checks, for a body the
    collector has already accepted.
    """
    if endpoint not in ENDPOINTS:
        msg = f"No such endpoint: {endpoint!r}."
        raise WireError(msg, code="unknown_endpoint")
    if not isinstance(document, dict):
        msg = "The body must be a JSON object."
        raise WireError(msg, code="invalid_envelope")
    if endpoint != "batch":
        message = {**document, "type": endpoint}
        if not checked:
            check_envelope(message)
        return [message]
    batch = document.get("batch")
    if not isinstance(batch, list):
        msg = "`batch` must be an array of messages."
        raise WireError(msg, code="invalid_envelope")
    defaults = _batch_defaults(document)
    messages = []
    for index, item in enumerate(batch):
        if not isinstance(item, dict):
            msg = f"batch[{index}] must be a JSON object."
            raise WireError(msg, code="invalid_envelope")
        message = _with_defaults(item, defaults)
        if not checked:
            check_envelope(message, where=f"batch[{index}]")
        messages.append(message)
    return messages


def envelopes_pass(endpoint: str, document: Any) -> bool:
    """Whether a body certainly passes every check of `messages_of`, in one compiled check.

    Only batches are checked this way (a single message costs little). False says nothing:
    the document may still pass the checks message by message.
    """
    return endpoint == "batch" and bool(_BATCH_ENVELOPES.is_valid(document))


def _batch_defaults(document: dict[str, Any]) -> dict[str, Any]:
    defaults = {}
    for name in ("context", "integrations"):
        value = document.get(name)
        if value is not None and not isinstance(value, dict):
            msg = f"`{name}` must be a JSON object."
            raise WireError(msg, code="invalid_envelope")
        if value:
            defaults[name] = value
    if "sentAt" in document:
        defaults["sentAt"] = document["sentAt"]
    return defaults


def _with_defaults(message: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    if not defaults:
        return message
    merged = {**message}
    for name, value in defaults.items():
        if name not in merged:
            merged[name] = value
        elif isinstance(value, dict) and isinstance(merged[name], dict):
            merged[name] = {**value, **merged[name]}
    return merged


def check_envelope(message: dict[str, Any], *, where: str = "") -> None:
    """Refuse what no sample can be made of. Raises WireError with code `invalid_envelope`.

    Problems a sample survives (no messageId, no user) are left to the workers to count.
    """
    prefix = f"{where}: " if where else ""
    problem = _envelope_problem(message)
    if problem:
        msg = prefix + problem
        raise WireError(msg, code="invalid_envelope")


def _envelope_problem(message: dict[str, Any]) -> str:
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in MESSAGE_TYPES:
        return f"`type` must be one of {', '.join(sorted(MESSAGE_TYPES))}."
    if kind == "track":
        event = message.get("event")
        if not isinstance(event, str) or not event.strip():
            return "A track call needs `event`, a non-empty string."
        if len(event) > MAX_EVENT_NAME:
            return f"`event` is longer than {MAX_EVENT_NAME} characters."
    name = message.get("name")
    if name is not None and not isinstance(name, str):
        return "`name` must be a string."
    for field in _OBJECT_FIELDS:
        value = message.get(field)
        if value is not None and not isinstance(value, dict):
            return f"`{field}` must be a JSON object."
    for field in _TIMESTAMP_FIELDS:
        value = message.get(field)
        if value is not None and parse_timestamp(value) is None:
            return f"`{field}` must be an RFC 3339 date-time with a zone, not {value!r:.60}."
    return _identity_problem(message)


def _identity_problem(message: dict[str, Any]) -> str:
    message_id = message.get("messageId")
    if message_id is not None and (
        not isinstance(message_id, str) or len(message_id) > MAX_MESSAGE_ID
    ):
        return f"`messageId` must be a string of at most {MAX_MESSAGE_ID} characters."
    for field in ("userId", "anonymousId"):
        value = message.get(field)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, str | int)
        ):
            return f"`{field}` must be a string or a number."
    return ""


def parse_timestamp(value: object) -> datetime | None:
    """An RFC 3339 date-time (zone required) as an aware datetime; None for anything else."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    return _parse_timestamp(value)


# A batch's sentAt is copied into each of its messages: the same text is read many times.
@functools.lru_cache(maxsize=256)
def _parse_timestamp(value: str) -> datetime | None:
    match = _RFC3339.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = (match.group(7) or "").ljust(6, "0")[:6]
    zone = UTC if match.group(8) else _offset(match[9], match[10], match[11])
    if zone is None or second > 60:
        return None
    try:
        # RFC 3339 allows a leap second; Python's datetime does not.
        return datetime(
            year, month, day, hour, minute, min(second, 59), int(fraction), tzinfo=zone
        )
    except ValueError:
        return None


def _offset(sign: str, hours: str, minutes: str) -> timezone | None:
    if int(hours) > 23 or int(minutes) > 59:
        return None
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def message_size(message: dict[str, Any]) -> int:
    """Bytes of a message as compact JSON (the per-event limit is checked against this)."""
    return len(_compact(message))


def largest_message_bound(document: dict[str, Any]) -> int:
    """At least `message_size` of every message of a batch that passed `envelopes_pass`.

    Measures each item as sent plus everything the batch may add to it (`context`,
    `integrations`, `sentAt`), without building the merged messages. Raises
    orjson.JSONEncodeError where `message_size` of some message may raise it.
    """
    largest = max(map(len, map(_compact, document["batch"])), default=0)
    # A merged object holds at most the keys of both sides: no more than their two sizes.
    added = sum(
        len(name) + 4 + len(_compact(document[name]))  # ,"name":value
        for name in _BATCH_DEFAULT_FIELDS
        if name in document
    )
    return largest + added
