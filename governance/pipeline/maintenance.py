"""The periodic purge: expired dedupe rows and batch marks, old and surplus recent samples,
and dead letters past their retention."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from governance.models import DeadLetterBatch, ProcessedBatch, RecentSample, SeenMessage

logger = logging.getLogger(__name__)

# A batch is redelivered within hours at most (the broker's visibility timeout); a week of
# marks leaves a wide margin.
BATCH_MARK_DAYS = 7


def purge() -> dict[str, int]:
    """Delete what has aged out; returns how many rows of each kind went."""
    now = timezone.now()
    deleted = {
        "seen_messages": SeenMessage.objects.filter(
            seen_at__lt=now - timedelta(seconds=settings.DEDUPE_WINDOW_SECONDS)
        ).delete()[0],
        "batch_marks": ProcessedBatch.objects.filter(
            processed_at__lt=now - timedelta(days=BATCH_MARK_DAYS)
        ).delete()[0],
        "old_samples": RecentSample.objects.filter(
            received_at__lt=now - timedelta(days=settings.SAMPLES_RETENTION_DAYS)
        ).delete()[0],
        "surplus_samples": trim_samples(keep=settings.SAMPLES_PER_EVENT),
        # Replayed or not: a batch body may hold personal data, and is not kept for ever.
        "dead_letters": DeadLetterBatch.objects.filter(
            failed_at__lt=now - timedelta(days=settings.DEAD_LETTER_RETENTION_DAYS)
        ).delete()[0],
    }
    logger.info("pipeline.purge %s", " ".join(f"{k}={v}" for k, v in deleted.items()))
    return deleted


def trim_samples(*, keep: int) -> int:
    """Keep the newest `keep` valid and `keep` invalid samples of each event; returns deleted."""
    crowded = (
        RecentSample.objects.values("plan_id", "event_name", "is_valid")
        .annotate(n=Count("id"))
        .filter(n__gt=keep)
    )
    deleted = 0
    for group in crowded:
        rows = RecentSample.objects.filter(
            plan_id=group["plan_id"],
            event_name=group["event_name"],
            is_valid=group["is_valid"],
        )
        newest = list(
            rows.order_by("-received_at", "-id").values_list("id", flat=True)[:keep]
        )
        deleted += rows.exclude(id__in=newest).delete()[0]
    return deleted
