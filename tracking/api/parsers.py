"""The API's one body parser: JSON in UTF-8, bounded in size and depth, no NUL in any string.

DRF's stock parsers let `json` recurse until a RecursionError (a 500) on deep nesting, read a
body of any size, and hand NUL characters on to the database: PostgreSQL refuses them in text
and jsonb columns (a 500) where SQLite stores them. Here every one of those is a 4xx in the
API's error shape before a serializer runs, the same on both databases. Form and multipart
bodies are not parsed at all (415); the import endpoint takes its file through its own parsers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, Any

import orjson
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from tracking.storable import Flaw, unstorable

# Deeper than any document the API takes: filter trees stop at 8 levels, formulas at 16.
MAX_DEPTH = 64
# orjson reads integers beyond 64 bits as floats; such bodies are read again exactly.
_LONG_INTEGER = re.compile(rb"\d{19,}")


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
        )


class BoundedJSONParser(BaseParser):
    """`application/json` bodies as `parse_document` reads them, up to the upload limit.

    TRICKY: not a subclass of DRF's JSONParser, which DRF feeds `request.body`: Django's
    size check there raises RequestDataTooBig, answered with an HTML page.
    """

    media_type = "application/json"
    renderer_class = JSONRenderer  # the browsable API's raw-data form renders with it

    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if stream is None:
            return {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        data = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(data) > limit:
            raise BodyTooLarge(limit)
        return parse_document(data)


def parse_document(data: bytes) -> Any:
    """The JSON document in `data`, integers exact (lone surrogates are malformed JSON).

    Raises ParseError (400) for anything but one JSON value in UTF-8 nested at most
    MAX_DEPTH levels, and ValidationError (400, naming the field) for a string holding NUL.
    """
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise _malformed(data, error) from None
    _check_values(document)
    if _LONG_INTEGER.search(data):
        # TRICKY: only now, with the depth known to be small and NaN known to be absent, may
        # `json` (recursive, and lenient about NaN) read it.
        document = json.loads(data)
    return document


def _malformed(data: bytes, error: orjson.JSONDecodeError) -> exceptions.ParseError:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        msg = _("The body is not valid UTF-8 (byte %(at)d).") % {"at": bad.start}
        return exceptions.ParseError(msg)
    if (
        "depth limit" in error.msg
    ):  # orjson stops at 1,024 levels; fewer are checked after
        return _too_deep()
    msg = _("The body is not valid JSON: %(problem)s.") % {"problem": error.msg}
    return exceptions.ParseError(msg)


def _too_deep() -> exceptions.ParseError:
    msg = _("The body nests deeper than %(depth)d levels.") % {"depth": MAX_DEPTH}
    return exceptions.ParseError(msg)


def _check_values(document: Any) -> None:
    found = unstorable(document, max_depth=MAX_DEPTH)
    if found is None:
        return
    if found.flaw == Flaw.TOO_DEEP:
        raise _too_deep()
    # orjson refuses lone surrogates as malformed JSON; NUL is what is left.
    field = found.path[0] if found.path else None
    if not isinstance(field, str):  # the body itself, or a key at its top
        field = api_settings.NON_FIELD_ERRORS_KEY
    where = found.where
    if where in ("", field):
        msg = _("Null characters are not allowed.")
    else:
        msg = _("Null characters are not allowed (at %(where)s).") % {"where": where}
    raise exceptions.ValidationError({field: [msg]})
