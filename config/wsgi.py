"""WSGI entry point for the web process."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application
from django.utils.http import parse_header_parameters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def unreadable_content_type_guard(app: WSGIApp) -> WSGIApp:
    """Replace a Content-Type header Django cannot parse before Django builds the request.

    TRICKY: Django parses the header while constructing the request, before any middleware
    runs, and a hostile parameter (an RFC 2231 `charset*` in an unknown encoding) raises there,
    which would be a 500. Such a body is answered as an unsupported media type instead.
    """

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        try:
            parse_header_parameters(environ.get("CONTENT_TYPE", ""))
        except (ValueError, LookupError):
            environ["CONTENT_TYPE"] = "application/x-unreadable-content-type"
        return app(environ, start_response)

    return guarded


application = unreadable_content_type_guard(get_wsgi_application())
