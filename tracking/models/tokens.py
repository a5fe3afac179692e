"""Per-user API tokens: only a sha256 digest and a short prefix are stored; the token is shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_MARK = "tpg_"  # noqa: S105  # a marker that lets secret scanners spot tokens
PREFIX_LENGTH = 12  # the mark and 8 random characters: enough to tell tokens apart
# A token's last use is written at most this often, so a burst of calls costs one UPDATE.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(raw: str) -> str:
    """The stored form of a token. A plain sha256 suffices: the token is 256 random bits."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CI on shop-ios”."),
    )
    prefix = models.CharField(
        _("prefix"),
        max_length=PREFIX_LENGTH,
        editable=False,
        help_text=_("The token's first characters, to recognise it."),
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a token that does not expire."),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A user's own tokens, newest first (the token list in the API and the admin).
            models.Index(fields=["user", "-created_at"], name="apitoken_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def clean(self) -> None:
        new_and_past = self.pk is None and self.expires_at is not None
        if new_and_past and self.expires_at <= timezone.now():  # type: ignore[operator]
            raise ValidationError({"expires_at": _("Choose a time in the future.")})

    def assign_secret(self) -> str:
        """Give the unsaved row a new secret; returns the token, which only the caller sees."""
        raw = TOKEN_MARK + secrets.token_urlsafe(32)
        self.prefix = raw[:PREFIX_LENGTH]
        self.digest = token_digest(raw)
        return raw

    def is_usable(self, *, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


def issue_token(
    user: User, *, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the user. Returns the row and the token, which is never stored."""
    token = ApiToken(user=user, name=name, expires_at=expires_at)
    raw = token.assign_secret()
    token.save()
    return token, raw


def revoke_token(token: ApiToken) -> ApiToken:
    """Stop the token working at once; the row stays for the record."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def find_usable_token(raw: str) -> ApiToken | None:
    """The live token for a presented secret, or None when unknown, revoked or expired.

    Records the use at most once per `LAST_USED_RESOLUTION`, with a single UPDATE.
    """
    token = (
        ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now=now):
        return None
    stale = (
        token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION
    )
    if stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
