"""One error shape for the whole API: `{"error": {"code", "message", "details"}}`.

`api_exception_handler` renders DRF's exceptions, Django's validation and permission errors,
refused request bodies (too large, too many form fields, unreadable), deleting a row still in
use, and the registry's domain errors (`tracking.errors`). `bad_request`, `permission_denied`,
`not_found` and `server_error` do the same for requests under /api/ that Django answers itself.
A call refused for missing or wrong credentials is first counted against the anonymous rate
(`tracking.api.throttling`), and answered 429 once over it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    UnreadablePostError,
)
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from tracking.api.parsers import BodyTooLarge
from tracking.api.throttling import count_refused_call
from tracking.errors import TrackingError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Paths answered in the JSON error shape: the API, and the collector's Segment endpoints.
JSON_PREFIXES = (API_PREFIX, "/v1/", "/schemas/")
_PROTECTED_SHOWN = 20


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details if details is not None else {},
        }
    }


def validation_details(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django validation error as field → messages, with DRF's name for non-field errors."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: list(
            messages
        )
        for field, messages in error.message_dict.items()
    }


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler. Returns None for unexpected errors, which Django reports."""
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # No or wrong credentials: counted as an anonymous call, 429 once over its rate.
        exc = count_refused_call(context) or exc
    if isinstance(exc, TrackingError):
        set_rollback()
        return Response(
            error_body(exc.code, exc.message, exc.details), status=exc.status
        )
    if isinstance(exc, ProtectedError | RestrictedError):
        set_rollback()
        return Response(_in_use_body(exc), status=409)
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        return None
    set_rollback()
    return Response(
        _api_exception_body(api_exc),
        status=api_exc.status_code,
        headers=_headers(api_exc),
    )


class RequestRefused(exceptions.APIException):
    """A request Django refuses to read: too large, too many fields or files, or cut off."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"


def _refused(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, RequestDataTooBig):
        return BodyTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return RequestRefused(
            _("The request carries more form fields or files than this server takes.")
        )
    if isinstance(exc, SuspiciousOperation):
        logger.warning("api.request_refused kind=%s", type(exc).__name__)
        return RequestRefused(_("The request could not be read."))
    if isinstance(exc, UnreadablePostError):  # the client went away mid-body
        return RequestRefused(_("The request body could not be read."))
    return None


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    refused = _refused(exc)
    if refused is not None:
        return refused
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(validation_details(exc))
    return None


def _api_exception_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        fields: Any = exc.detail
        if isinstance(fields, list):
            fields = {api_settings.NON_FIELD_ERRORS_KEY: fields}
        return error_body("invalid", _("Some fields are not valid."), fields)
    details: dict[str, Any] = {}
    if isinstance(exc, exceptions.Throttled):
        # Throttled() sets `wait`; the stubs omit it.
        wait = exc.wait  # type: ignore[attr-defined]
        if wait is not None:
            details["retry_after"] = int(wait)
    code = getattr(exc.detail, "code", None) or exc.default_code
    return error_body(str(code), str(exc.detail), details)


def _headers(exc: exceptions.APIException) -> dict[str, str]:
    headers = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(int(wait))
    return headers


def _in_use_body(exc: ProtectedError | RestrictedError) -> dict[str, Any]:
    rows = (
        exc.protected_objects
        if isinstance(exc, ProtectedError)
        else exc.restricted_objects
    )
    users = sorted(str(row) for row in rows)
    return error_body(
        "in_use",
        _("This row is still used by others; remove those uses first."),
        {"used_by": users[:_PROTECTED_SHOWN], "count": len(users)},
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 page, or the API's error shape for paths under /api/ and /v1/."""
    if request.path.startswith(JSON_PREFIXES):
        body = error_body("bad_request", _("The request could not be read."))
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 403 page, or the API's error shape for paths under /api/ and /v1/."""
    if request.path.startswith(JSON_PREFIXES):
        body = error_body(
            "permission_denied", _("You do not have permission to do this.")
        )
        return JsonResponse(body, status=403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page, or the API's error shape for paths under /api/ and /v1/."""
    if request.path.startswith(JSON_PREFIXES):
        body = error_body("not_found", _("Nothing is found at this address."))
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, or the API's error shape for paths under /api/ and /v1/."""
    if request.path.startswith(JSON_PREFIXES):
        body = error_body(
            "server_error", _("Something went wrong on our side; it has been logged.")
        )
        return JsonResponse(body, status=500)
    return defaults.server_error(request)
