"""Generated files answered as their exact bytes: strong ETag, `If-None-Match` → 304, caching.

Schemas and generated code are pure functions of a version's stored snapshot, so their bytes,
and hence their ETag, never change for a numbered version (unless the service's generators or
`PUBLIC_BASE_URL` change, which is why numbered versions are cached for a day, not forever).
`latest` moves when a version is published, so it is cached for a minute.

Every call needs a token, so responses are `private`: browsers may keep them, shared caches
must not (a shared cache would serve one caller's plan to another).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header, parse_etags
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from tracking.publishing import LATEST
from tracking.schemas import etag

SCHEMA_TYPE = "application/schema+json"
SOURCE_TYPE = "text/plain; charset=utf-8"
LATEST_CACHE = "private, max-age=60"
NUMBERED_CACHE = "private, max-age=86400"


def cache_control(version_ref: str) -> str:
    return LATEST_CACHE if version_ref == LATEST else NUMBERED_CACHE


def file_response(
    request: Request,
    data: bytes,
    *,
    content_type: str,
    version_ref: str,
    file_name: str | None = None,
) -> HttpResponse:
    """The bytes as they are (never re-serialised), or 304 when the caller holds them."""
    tag = etag(data)
    response: HttpResponse
    if _holds(request.headers.get("If-None-Match", ""), tag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(data, content_type=content_type)
        if file_name is not None:
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=file_name
            )
    response["ETag"] = tag
    response["Cache-Control"] = cache_control(version_ref)
    patch_vary_headers(response, ["Authorization"])
    return response


def _holds(if_none_match: str, tag: str) -> bool:
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
    if not if_none_match.strip():
        return False
    held = parse_etags(if_none_match)
    return "*" in held or tag in {t.removeprefix("W/") for t in held}


class AnyAccept(BaseContentNegotiation):
    """Accept whatever the caller accepts: success answers its own bytes, errors are JSON.

    Without it, `Accept: application/schema+json` would be refused with 406 by DRF, whose
    renderers only know JSON and HTML.
    """

    def select_parser(
        self, request: Request, parsers: Iterable[BaseParser]
    ) -> BaseParser | None:
        return next(iter(parsers))

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
