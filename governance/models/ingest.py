"""Ingestion bookkeeping: batch idempotency marks, message-id deduplication, dead letters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessedBatch(models.Model):
    """A batch whose counts are committed; written in the same transaction as those counts.

    A redelivered batch finds its mark and changes nothing.
    """

    batch_id = models.UUIDField(_("batch"), primary_key=True)
    source = models.ForeignKey(
        "tracking.Source", on_delete=models.CASCADE, related_name="+"
    )
    samples = models.PositiveIntegerField(_("samples"))
    duplicates = models.PositiveIntegerField(_("duplicate samples"))
    processed_at = models.DateTimeField(_("processed"))

    class Meta:
        verbose_name = _("processed batch")
        verbose_name_plural = _("processed batches")
        indexes = [
            # The purge of old marks: WHERE processed_at < cutoff.
            models.Index(fields=["processed_at"], name="processed_batch_age"),
        ]

    def __str__(self) -> str:
        return str(self.batch_id)


class SeenMessage(models.Model):
    """A client `messageId` already counted for a source, by 64-bit digest, for 24 hours."""

    source = models.ForeignKey(
        "tracking.Source", on_delete=models.CASCADE, related_name="+"
    )
    digest = models.BigIntegerField()
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("seen message")
        verbose_name_plural = _("seen messages")
        constraints = [
            # The dedupe upsert: INSERT … ON CONFLICT (source_id, digest).
            models.UniqueConstraint(
                fields=["source", "digest"], name="seen_message_unique"
            ),
        ]
        indexes = [
            # The purge: WHERE seen_at < now - 24 h.
            models.Index(fields=["seen_at"], name="seen_message_age"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.digest}"


class DeadLetterBatch(models.Model):
    """A batch that kept failing: kept sealed for replay, listed in the admin by its metadata.

    The batch itself (its body may hold any personal data a client sent) is stored only as a
    token sealed with DEAD_LETTER_KEYS (`governance.pipeline.sealing`); the error and traceback
    are masked. Purged DEAD_LETTER_RETENTION_DAYS after it failed, replayed or not.
    """

    batch_id = models.UUIDField(_("batch"), unique=True)
    source = models.ForeignKey(
        "tracking.Source",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("source"),
    )
    endpoint = models.CharField(_("endpoint"), max_length=16, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    body_size = models.PositiveIntegerField(_("body size (characters)"), default=0)
    # The whole batch as the collector enqueued it, as a Fernet token.
    sealed_payload = models.TextField(_("sealed payload"), editable=False)
    error = models.CharField(_("error"), max_length=500)
    traceback = models.TextField(_("traceback"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    failed_at = models.DateTimeField(_("failed"))
    replayed_at = models.DateTimeField(_("replayed"), null=True, blank=True)

    class Meta:
        verbose_name = _("dead-letter batch")
        verbose_name_plural = _("dead-letter batches")
        ordering = ["-failed_at"]
        indexes = [
            # The replay command: WHERE replayed_at IS NULL ORDER BY failed_at.
            models.Index(
                fields=["replayed_at", "failed_at"], name="dead_letter_pending"
            ),
            # The retention purge: WHERE failed_at < cutoff.
            models.Index(fields=["failed_at"], name="dead_letter_age"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} ({self.error[:60]})"
