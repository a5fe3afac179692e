"""Recent samples per event, masked, for QA: a bounded store trimmed by the periodic purge."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecentSample(models.Model):
    """One live sample as received, with personal values masked and sensitive ones removed."""

    plan = models.ForeignKey(
        "tracking.TrackingPlan", on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(
        "tracking.Source", on_delete=models.CASCADE, related_name="+"
    )
    message_type = models.CharField(_("type"), max_length=16)
    event_name = models.CharField(_("event"), max_length=200)
    app_version = models.CharField(_("app version"), max_length=64, blank=True)
    is_valid = models.BooleanField(_("valid"))
    received_at = models.DateTimeField(_("received"))
    message = models.JSONField(_("masked message"))
    violations = models.JSONField(_("violations"), default=list)

    class Meta:
        verbose_name = _("recent sample")
        verbose_name_plural = _("recent samples")
        ordering = ["-received_at", "-id"]
        indexes = [
            # QA's list and the trim: WHERE plan, event, valid ORDER BY received_at DESC.
            models.Index(
                fields=["plan", "event_name", "is_valid", "-received_at"],
                name="recent_sample_event",
            ),
            # The retention purge: WHERE received_at < cutoff.
            models.Index(fields=["received_at"], name="recent_sample_age"),
        ]

    def __str__(self) -> str:
        return f"{self.event_name} @ {self.received_at:%Y-%m-%d %H:%M:%S}"
