"""Published plan versions (immutable snapshots) and change requests with their review."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracking.models.plans import TrackingPlan


class Bump(models.TextChoices):
    MAJOR = "major", _("Major (breaking)")
    MINOR = "minor", _("Minor (additive)")
    PATCH = "patch", _("Patch (texts only)")


class PlanVersion(models.Model):
    """A published, immutable snapshot of a whole plan with its diff against the previous one."""

    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("plan"),
    )
    number = models.CharField(_("version"), max_length=32)
    major = models.PositiveIntegerField(editable=False)
    minor = models.PositiveIntegerField(editable=False)
    patch = models.PositiveIntegerField(editable=False)
    bump = models.CharField(_("change level"), max_length=10, choices=Bump)
    is_breaking = models.BooleanField(_("breaking"), default=False)
    note = models.TextField(_("changelog note"), blank=True)
    snapshot = models.JSONField(_("snapshot"))
    snapshot_hash = models.CharField(max_length=64, editable=False)
    # The generated schemas, rendered once at publish time and served byte for byte ever after,
    # so a version's ETags never move even when the generator or the public URL changes.
    bundle = models.TextField(_("schema bundle"), editable=False, default="")
    event_schemas = models.JSONField(
        _("event schemas"), editable=False, default=dict
    )  # event key -> rendered schema text
    diff = models.JSONField(_("changes since the previous version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_versions",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-major", "-minor", "-patch"]
        constraints = [
            models.UniqueConstraint(
                "plan", "major", "minor", "patch", name="plan_version_number_unique"
            ),
        ]
        indexes = [
            # "latest version of a plan": the first row in this order.
            models.Index(
                fields=["plan", "-major", "-minor", "-patch"],
                name="plan_version_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.key} {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            msg = "A published plan version is immutable."
            raise ValueError(msg)
        self.major, self.minor, self.patch = (int(p) for p in self.number.split("."))
        super().save(*args, **kwargs)


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Changes requested")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeRequest(models.Model):
    """A request to publish the plan's working draft, reviewed by someone other than its author.

    The approval pins the draft's content hash: if the draft changes after approval, publishing
    is refused until it is reviewed again.
    """

    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("plan"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeStatus, default=ChangeStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="authored_change_requests",
        verbose_name=_("author"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_change_requests",
        verbose_name=_("reviewer"),
    )
    approved_hash = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    published_version = models.OneToOneField(
        PlanVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_request",
        verbose_name=_("published as"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["plan", "-created_at"]
        permissions = [("approve_changerequest", _("Can approve change requests"))]
        indexes = [
            # The plan page's "open change requests" list.
            models.Index(fields=["plan", "status"], name="change_request_plan_status"),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewComment(models.Model):
    change_request = models.ForeignKey(
        ChangeRequest,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("change request"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["change_request", "created_at"]

    def __str__(self) -> str:
        return self.body[:60]
