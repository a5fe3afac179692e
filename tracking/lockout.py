"""Sign-in lockout (django-axes): the address it counts by, the message, and the admin's page.

A username is locked out from one address after AXES_FAILURE_LIMIT wrong passwords in a row,
for AXES_COOLOFF_TIME; the admin login and `POST /api/v1/tokens` (HTTP Basic) count alike.
Only that username from that address is locked, so nobody locks everyone else out.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    """The caller's address, as the API's rate limits see it (TRUSTED_PROXY_COUNT proxies).

    One rule for both: without a trusted proxy, X-Forwarded-For is the client's to forge, so
    only the connection's address counts.
    """
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    minutes = math.ceil(cooloff_seconds() / 60)
    return ngettext(
        "Too many failed sign-ins for this account from your address. Try again in "
        "%(minutes)d minute.",
        "Too many failed sign-ins for this account from your address. Try again in "
        "%(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The admin login page a locked-out sign-in gets instead (429, with Retry-After)."""
    context = {
        "title": _("Sign-in locked"),
        "message": lockout_message(),
        "login_url": reverse("admin:login"),
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(cooloff_seconds())
    return response
