"""Django's exception reports (error emails, the debug page's filter) with credentials masked.

Django's own filter hides settings, headers and cookies whose names look secret (`AUTH`, `KEY`,
`TOKEN`, ...), but a frame's variables only where the function says so (`sensitive_variables`).
This one masks, in every frame of every report: variables so named (`write_key`, `token`,
`credentials`), entries so named at any depth of a dict or list (`writeKey` in a decoded body),
text or bytes that carry a credential (a raw body with `"writeKey"`, a `Basic …` value), and
any value showing the request's own credentials: those of its Authorization header, and those
a view named with `hide_in_reports` (a write key read from a body). The last catches what no
name gives away, such as the parameters of a failed query. Used through
`DEFAULT_EXCEPTION_REPORTER_FILTER`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import ItemsView
from types import FrameType
from typing import Any

from django.http import HttpRequest
from django.template.defaultfilters import pprint
from django.views.debug import SafeExceptionReporterFilter

# Django's names, and a few more of ours.
_SECRET_NAMES = re.compile(
    "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|CREDENTIAL|HTTP_COOKIE|SESSION", re.I
)
# Text that holds a credential whatever it is called: a body naming a write key, an
# Authorization value.
_CARRIES_SECRET = re.compile(
    r"write_?key|\b(?:basic|bearer|token)\s+[A-Za-z0-9+/=._~-]{6,}", re.I
)


# Shorter values would mask too much that is not a secret.
_SHORTEST_SECRET = 6
# TRICKY: kept in the request's __dict__, where Django keeps `sensitive_post_parameters`.
_HIDDEN = "hidden_in_reports"


def hide_in_reports(request: HttpRequest, *values: str) -> None:
    """Mask these values wherever an exception report of this request would show them."""
    hidden: set[str] = request.__dict__.setdefault(_HIDDEN, set())
    hidden.update(value for value in values if len(value) >= _SHORTEST_SECRET)


class CredentialsFilter(SafeExceptionReporterFilter):
    hidden_settings = _SECRET_NAMES

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        """Django's masking by name, and any text that carries a credential masked too."""
        if isinstance(value, str | bytes) and _carries_secret(value):
            return self.cleansed_substitute
        return super().cleanse_setting(key, value)

    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: FrameType
    ) -> ItemsView[str, Any]:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        secrets = _secrets_of(request)
        cleansed = {}
        for name, value in variables:
            shown = self.cleanse_setting(name, value)
            if secrets and any(secret in pprint(shown) for secret in secrets):
                shown = self.cleansed_substitute
            cleansed[name] = shown
        return cleansed.items()


def _carries_secret(value: str | bytes) -> bool:
    # TRICKY: str() too, as a lazy object (Django's CSP nonce) passes for a str.
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return _CARRIES_SECRET.search(text) is not None


def _secrets_of(request: HttpRequest | None) -> set[str]:
    """The request's credentials: its Authorization value in every form, and those hidden."""
    if request is None:
        return set()
    found = set(request.__dict__.get(_HIDDEN, ()))
    _scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    credentials = credentials.strip()
    found.add(credentials)
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except ValueError:  # not Basic: the value itself is the credential
        decoded = ""
    found.update(decoded.split(":", 1))
    return {secret for secret in found if len(secret) >= _SHORTEST_SECRET}
