"""Decoding uploaded files: JSON with the position of a syntax error, text with or without a BOM."""

from __future__ import annotations

import json
import math
from typing import Any

from django.utils.translation import gettext as _

from tracking.storable import Flaw, unstorable

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
    """The JSON value; raises FileFormatError naming the line and column of a syntax error.

    Also refused: NaN, infinite numbers, integers of over 4,300 digits, and NUL or lone
    surrogates in any text, none of which the database stores.
    """
    check_size(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            _("The file is not UTF-8 text (byte %d).") % exc.start
        ) from exc
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            _("Not valid JSON: %(message)s at line %(line)d, column %(column)d.")
            % {"message": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc
    except RecursionError as exc:
        raise FileFormatError(_("The JSON is nested too deeply.")) from exc
    except FileFormatError:
        raise
    except ValueError as exc:  # Python reads integers of at most 4,300 digits
        raise FileFormatError(_("A number in the file has too many digits.")) from exc
    found = unstorable(value)
    if found is None:
        return value
    if found.flaw == Flaw.NUL:
        msg = _("Text in the file holds a NUL character (at %s).")
    else:
        msg = _("Text in the file holds an unpaired surrogate escape (at %s).")
    raise FileFormatError(msg % (found.where or "/"))


def _no_constant(name: str) -> Any:
    raise FileFormatError(_("Not valid JSON: %s is not a number JSON allows.") % name)


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise FileFormatError(_("The number %s is too large.") % text[:40])
    return number


def encode_json(value: Any) -> bytes:
    """Readable, deterministic JSON (keys in the order given, non-ASCII kept), newline-ended."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()
