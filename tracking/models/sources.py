"""Sources: where events come from, each with a write key the collector authenticates."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.models.members import SEE_ALL_PLANS, plans_visible_to
from tracking.models.plans import TrackingPlan

# Reading a write key in full, and so rotating it, goes with changing the plan's sources.
WRITE_KEY_PERMISSION = "tracking.change_source"


class SourceKind(models.TextChoices):
    IOS = "ios", _("iOS app")
    ANDROID = "android", _("Android app")
    WEB = "web", _("Web")
    MINI_PROGRAM = "mini_program", _("Mini-program")
    SERVER = "server", _("Server")


def generate_write_key() -> str:
    return secrets.token_urlsafe(24)


class Source(models.Model):
    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name=_("plan"),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind)
    write_key = models.CharField(
        _("write key"),
        max_length=64,
        unique=True,
        default=generate_write_key,
        editable=False,
        help_text=_("Sent by SDKs to the collector. Rotate it if it leaks."),
    )
    write_key_rotated_at = models.DateTimeField(
        _("write key rotated"), null=True, blank=True
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive source's write key is refused by the collector."),
    )
    pinned_version = models.ForeignKey(
        "tracking.PlanVersion",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="pinned_sources",
        verbose_name=_("pinned version"),
        help_text=_(
            "Validate this source's live events against this version instead of the latest "
            "published one (for example while an old app release is still in use)."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["write_key"])

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["plan", "name"]
        constraints = [
            models.UniqueConstraint(
                "plan",
                Lower("name"),
                name="source_name_unique_per_plan",
                violation_error_message=_(
                    "This plan already has a source with this name."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        if not self.name.strip():
            raise ValidationError({"name": _("Give the source a name.")})
        pinned = self.pinned_version
        if pinned is not None and self.plan_id and pinned.plan_id != self.plan_id:
            raise ValidationError(
                {"pinned_version": _("Pin a version of this source's own plan.")}
            )


def rotate_write_key(source: Source) -> str:
    """Give the source a new write key; the old one stops working at once. Returns the new key."""
    source.write_key = generate_write_key()
    source.write_key_rotated_at = timezone.now()
    source.save(update_fields=["write_key", "write_key_rotated_at"])
    return source.write_key


def may_read_write_keys(plan: TrackingPlan, user: User | AnonymousUser) -> bool:
    """Whether the user may read the plan's write keys in full, and so rotate them.

    Those who may change the plan's sources may: editors and admins of the plan (its owner, a
    member, or an admin of every plan). Everyone else sees only the masked form. Rotating
    follows the same rule because it shows the new key.
    """
    if not user.has_perm(WRITE_KEY_PERMISSION):
        return False
    if user.has_perm(SEE_ALL_PLANS):
        return True
    return plans_visible_to(user).filter(pk=plan.pk).exists()


def plans_with_write_key_access(
    user: User | AnonymousUser,
) -> QuerySet[TrackingPlan]:
    """The plans whose write keys the user may read and rotate (see `may_read_write_keys`)."""
    if not user.has_perm(WRITE_KEY_PERMISSION):
        return TrackingPlan.objects.none()
    return plans_visible_to(user)
