"""Dead-letter batches back onto the queue: nothing that failed for good is ever dropped."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from governance.collector.enqueue import BrokerUnavailable, enqueue_batch
from governance.models import DeadLetterBatch

logger = logging.getLogger(__name__)


def pending_dead_letters() -> QuerySet[DeadLetterBatch]:
    return DeadLetterBatch.objects.filter(replayed_at__isnull=True).order_by(
        "failed_at"
    )


def replay_dead_letters(letters: Iterable[DeadLetterBatch]) -> int:
    """Re-enqueue each batch under its own batch id; returns how many went.

    The batch keeps its id, so a batch that was counted after all is not counted twice.
    Raises BrokerUnavailable if the broker refuses; letters replayed before stay marked.
    """
    replayed = 0
    for letter in letters:
        enqueue_batch(letter.payload)
        letter.replayed_at = timezone.now()
        letter.save(update_fields=["replayed_at"])
        replayed += 1
        logger.info("ingest.dead_letter_replayed batch_id=%s", letter.batch_id)
    return replayed


__all__ = ["BrokerUnavailable", "pending_dead_letters", "replay_dead_letters"]
