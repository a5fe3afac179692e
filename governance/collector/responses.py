"""The collector's answers: success, the API's one error shape, CORS headers on every reply."""

from __future__ import annotations

from typing import Any, TypedDict

import orjson
from django.http import HttpResponse

ALLOWED_METHODS = "POST, OPTIONS"
# Browser SDKs call from any origin; write keys are public by design, so no origin is trusted more.
_CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    # Browser SDKs back off by it on 429 and 503; a cross-origin script sees it only if exposed.
    "Access-Control-Expose-Headers": "Retry-After",
}
_PREFLIGHT_HEADERS = {
    **_CORS_HEADERS,
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Content-Encoding",
    "Access-Control-Max-Age": "86400",
}
_ACCEPTED = orjson.dumps({"success": True})


class ErrorDetail(TypedDict):
    code: str
    message: str
    details: dict[str, Any]


class ErrorBody(TypedDict):
    error: ErrorDetail


class Rejected(Exception):
    """A request the collector refuses: the status, a stable snake_case code and a message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def accepted() -> HttpResponse:
    """200 `{"success": true}`, as Segment answers."""
    return _json(_ACCEPTED, status=200)


def rejection(rejected: Rejected) -> HttpResponse:
    body = ErrorBody(
        error=ErrorDetail(
            code=rejected.code, message=rejected.message, details=rejected.details
        )
    )
    response = _json(orjson.dumps(body), status=rejected.status)
    for name, value in rejected.headers.items():
        response[name] = value
    return response


def preflight() -> HttpResponse:
    """204 for a browser's CORS preflight."""
    response = HttpResponse(status=204)
    for name, value in _PREFLIGHT_HEADERS.items():
        response[name] = value
    return response


def _json(content: bytes, *, status: int) -> HttpResponse:
    response = HttpResponse(content, status=status, content_type="application/json")
    for name, value in _CORS_HEADERS.items():
        response[name] = value
    return response
