"""Token authentication: `Authorization: Bearer <token>` (or `Token <token>`) against ApiToken rows."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

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
