"""ASGI entry point for the web process."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from django.core.asgi import get_asgi_application
from django.utils.http import parse_header_parameters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
UNREADABLE = b"application/x-unreadable-content-type"


def unreadable_content_type_guard(app: ASGIApp) -> ASGIApp:
    """Replace a Content-Type header Django cannot parse (see config.wsgi for why)."""

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            scope = {
                **scope,
                "headers": [_readable(h) for h in scope.get("headers", [])],
            }
        await app(scope, receive, send)

    return guarded


def _readable(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    if name.lower() != b"content-type":
        return header
    try:
        parse_header_parameters(value.decode("latin-1"))
    except (ValueError, LookupError):
        return name, UNREADABLE
    return header


application = unreadable_content_type_guard(get_asgi_application())
