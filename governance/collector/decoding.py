"""Request bodies as the collector takes them: media type, gzip with a cap, size limits, JSON.

Accepted media types are `application/json` and `text/plain` (browsers send the latter to
avoid a CORS preflight, as Segment's analytics.js does), with no charset or UTF-8. Every
problem is raised as `Rejected` with the status the client gets.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

import orjson
from django.http import HttpRequest, UnreadablePostError

from governance.collector.responses import Rejected
from governance.errors import WireError
from governance.pipeline import wire

logger = logging.getLogger(__name__)

MEDIA_TYPES = frozenset({"application/json", "text/plain"})
_CHARSETS = frozenset({"utf-8", "utf8"})
_GZIP = frozenset({"gzip", "x-gzip"})
_IDENTITY = frozenset({"", "identity"})
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def check_media_type(request: HttpRequest) -> None:
    """Refuse (415) anything but JSON or plain text in UTF-8."""
    charset = (request.content_params or {}).get("charset", "utf-8")
    if request.content_type in MEDIA_TYPES and charset.strip().lower() in _CHARSETS:
        return
    shown = request.META.get("CONTENT_TYPE", "")[:100] or "none"
    msg = f"Send JSON as application/json (or text/plain) in UTF-8, not {shown}."
    raise Rejected(415, "unsupported_media_type", msg)


def is_gzipped(content_encoding: str) -> bool:
    """True for gzip, False for no encoding; refuses (415) any other encoding."""
    encoding = content_encoding.strip().lower()
    if encoding in _GZIP:
        return True
    if encoding in _IDENTITY:
        return False
    msg = f"Content-Encoding {content_encoding[:40]!r} is not supported; use gzip or none."
    raise Rejected(415, "unsupported_encoding", msg)


def read_body(request: HttpRequest, *, gzipped: bool, limit: int) -> bytes:
    """The body, decompressed, at most `limit` bytes (413 beyond, checked before reading).

    A body that ends before its Content-Length (the client went away, or was too slow and
    the server stopped reading) is a 400 `incomplete_body`.
    """
    declared = _declared_length(request)
    if declared > limit:
        raise _body_too_large(limit)
    # TRICKY: `request.read()` rather than `request.body`: the latter applies Django's
    # DATA_UPLOAD_MAX_MEMORY_SIZE with its own error page, and the length is checked above.
    try:
        raw = request.read(limit + 1)
    except UnreadablePostError:
        raise _incomplete(declared) from None
    if len(raw) > limit:
        raise _body_too_large(limit)
    if len(raw) < declared:
        raise _incomplete(declared)
    return gunzip(raw, limit=limit) if gzipped else raw


def _incomplete(declared: int) -> Rejected:
    msg = f"The body ended before the {declared} bytes its Content-Length declares."
    return Rejected(400, "incomplete_body", msg, details={"declared": declared})


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def gunzip(data: bytes, *, limit: int) -> bytes:
    """Inflate gzip members one after another, never holding more than `limit` + 1 bytes.

    A gzip bomb stops at the limit with 413; a damaged or truncated stream is a 400.
    """
    inflated = bytearray()
    rest = data
    try:
        while True:
            inflater = zlib.decompressobj(wbits=_GZIP_WBITS)
            pending = rest
            while pending:
                # max_length is never 0 here (0 would mean unbounded): the check below
                # raises as soon as the output passes the limit.
                inflated += inflater.decompress(pending, limit + 1 - len(inflated))
                if len(inflated) > limit:
                    raise _body_too_large(limit)
                pending = inflater.unconsumed_tail
            if not inflater.eof:
                msg = "The gzip stream ends before it is complete."
                raise Rejected(400, "malformed_gzip", msg)
            rest = inflater.unused_data
            if not rest:
                return bytes(inflated)
    except zlib.error as error:
        msg = f"The body is not valid gzip: {error}."
        raise Rejected(400, "malformed_gzip", msg) from None


def _body_too_large(limit: int) -> Rejected:
    msg = f"The request body is larger than {limit} bytes; send smaller batches."
    return Rejected(413, "body_too_large", msg, details={"limit": limit})


def parse(body: bytes) -> Any:
    """The JSON document, numbers exact; 400 with the byte position when malformed."""
    try:
        return wire.parse_json(body)
    except WireError as error:
        raise _from_wire(error) from None
    except (ValueError, TypeError, RecursionError) as error:
        raise _unexpected(error, code="malformed_json") from None


def write_key_in(document: Any) -> str | None:
    """The `writeKey` field browsers without header control put in the body, if any."""
    if not isinstance(document, dict):
        return None
    key = document.get("writeKey")
    return key if isinstance(key, str) and key else None


def count_messages(
    endpoint: str, document: Any, *, body_size: int, max_event_bytes: int
) -> int:
    """How many messages the request carries; 400 for a broken envelope, 413 for a message
    over the limit.

    A batch whose envelopes pass the compiled check, and whose items cannot exceed the limit,
    is counted without building its messages; anything else is checked message by message,
    which finds the exact error. Each message is measured only when the whole body is over
    the per-message limit.
    """
    try:
        if wire.envelopes_pass(endpoint, document) and (
            body_size <= max_event_bytes or _fits(document, limit=max_event_bytes)
        ):
            return len(document["batch"])
        found = wire.messages_of(endpoint, document)
        if body_size > max_event_bytes:
            _check_message_sizes(found, limit=max_event_bytes)
    except WireError as error:
        raise _from_wire(error) from None
    except (ValueError, TypeError, RecursionError) as error:
        raise _unexpected(error, code="invalid_envelope") from None
    return len(found)


def _fits(document: dict[str, Any], *, limit: int) -> bool:
    try:
        return wire.largest_message_bound(document) <= limit
    except orjson.JSONEncodeError:
        return False  # measured message by message, which names the message


def _check_message_sizes(found: list[dict[str, Any]], *, limit: int) -> None:
    for index, message in enumerate(found):
        try:
            size = wire.message_size(message)
        except orjson.JSONEncodeError:
            # TRICKY: orjson parses 1024 levels of nesting but writes only 254.
            msg = f"Message {index} is nested too deeply."
            raise Rejected(
                400, "invalid_envelope", msg, details={"index": index}
            ) from None
        if size > limit:
            msg = f"Message {index} is larger than {limit} bytes."
            details = {"index": index, "limit": limit}
            raise Rejected(413, "message_too_large", msg, details=details)


def _from_wire(error: WireError) -> Rejected:
    details = {} if error.position is None else {"position": error.position}
    return Rejected(400, error.code, error.message, details=details)


def _unexpected(error: BaseException, *, code: str) -> Rejected:
    # Never a 500 for a body, but never silent either: the traceback is logged at ERROR,
    # and the collector's tests fail on any such record.
    logger.error(
        "collector.unexpected_decode_error code=%s error=%s",
        code,
        type(error).__name__,
        exc_info=error,
    )
    return Rejected(400, code, "The body could not be read as Segment messages.")
