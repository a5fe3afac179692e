"""Decoding uploaded files: JSON with the position of a syntax error, text with or without a BOM."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024


class FileFormatError(ValueError):
    """The bytes are not the kind of file expected; the message says why, for people."""


def check_size(data: bytes, *, limit: int = MAX_FILE_BYTES) -> None:
    if len(data) > limit:
        raise FileFormatError(
            _("The file is larger than %(limit)d MB; split it or raise the limit.")
            % {"limit": limit // (1024 * 1024)}
        )


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 (a BOM is dropped), else GB18030.

    GB18030 covers the GBK files Excel writes on Chinese Windows when asked for plain CSV.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            _("The file is neither UTF-8 nor GB18030 text (byte %d).") % exc.start
        ) from exc


def decode_json(data: bytes) -> Any:
    """The JSON value; raises FileFormatError naming the line and column of a syntax error."""
    check_size(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            _("The file is not UTF-8 text (byte %d).") % exc.start
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            _("Not valid JSON: %(message)s at line %(line)d, column %(column)d.")
            % {"message": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc
    except RecursionError as exc:
        raise FileFormatError(_("The JSON is nested too deeply.")) from exc


def encode_json(value: Any) -> bytes:
    """Readable, deterministic JSON (keys in the order given, non-ASCII kept), newline-ended."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()
