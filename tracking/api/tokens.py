"""Token authentication: `Authorization: Bearer <token>` (or `Token <token>`) against ApiToken rows."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request

from tracking.lockout import cooloff_seconds, lockout_message
from tracking.models.tokens import ApiToken, find_usable_token

KEYWORDS = (b"bearer", b"token")


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticates a request by its API token; answers 401 for unknown, revoked or expired ones."""

    def authenticate(
        self, request: Request
    ) -> tuple[AbstractBaseUser, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # not ours: let session authentication try
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”."),
                code="malformed_token_header",
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = find_usable_token(raw) if raw else None
        if token is None or not token.user.is_active:
            raise AuthenticationFailed(
                _("The token is unknown, revoked or expired."), code="invalid_token"
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class SignInLockedOut(Throttled):
    """Too many wrong passwords for this username from this address (429, Retry-After)."""

    default_code = "locked_out"

    def __init__(self) -> None:
        super().__init__(detail=lockout_message(), code=self.default_code)
        # Set after: Throttled would append its own "expected available in" sentence.
        self.wait = cooloff_seconds()


class PasswordForTokenAuthentication(BasicAuthentication):
    """HTTP Basic with a user's password, accepted only to create a token (POST).

    So an engineer gets a token from a terminal (`curl -u name -X POST .../tokens`) without
    the admin; every other call takes the token, never the password. Wrong passwords count
    toward the same lockout as the admin login's (`tracking.lockout`).
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        if request.method != "POST":
            return None
        return super().authenticate(request)

    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        try:
            return super().authenticate_credentials(userid, password, request)
        except AuthenticationFailed:
            # django-axes marks the request it was handed when this attempt is locked out.
            if getattr(request, "axes_locked_out", False):
                raise SignInLockedOut from None
            raise

    def authenticate_header(self, request: Request) -> str:
        return 'Basic realm="api"'
