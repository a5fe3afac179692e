"""Dead-letter batches: opened for replay and shown masked (the purge is in `maintenance`).

A letter is kept sealed (see `governance.pipeline.sealing`); only replay opens it, to put the
batch back on the queue as it was, and the admin's preview, which shows it masked the way a
recent sample is stored. A letter no configured key opens is reported, never fatal: it stays
pending in case its key is configured again, until the retention purge removes it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from governance.collector.enqueue import BrokerUnavailable, enqueue_batch
from governance.errors import WireError
from governance.models import DeadLetterBatch
from governance.pipeline import privacy, sealing, wire
from governance.pipeline.batch import BatchPayload
from governance.pipeline.masking import masked_message
from governance.pipeline.sealing import UnreadableLetter

logger = logging.getLogger(__name__)

PREVIEW_MESSAGES = 5
PREVIEW_TEXT = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class Replay:
    replayed: int
    unreadable: tuple[str, ...]  # batch ids of letters no configured key opens


def pending_dead_letters() -> QuerySet[DeadLetterBatch]:
    return DeadLetterBatch.objects.filter(replayed_at__isnull=True).order_by(
        "failed_at"
    )


def open_letter(letter: DeadLetterBatch) -> BatchPayload:
    """The batch as the collector enqueued it. Raises UnreadableLetter when no key opens it."""
    batch = sealing.unseal(letter.sealed_payload, keys=settings.DEAD_LETTER_KEYS)
    return cast(BatchPayload, batch)


def replay_dead_letters(letters: Iterable[DeadLetterBatch]) -> Replay:
    """Re-enqueue each batch under its own batch id; says how many went and which could not
    be opened (those stay pending).

    The batch keeps its id, so a batch that was counted after all is not counted twice.
    Raises BrokerUnavailable if the broker refuses; letters replayed before stay marked.
    """
    replayed = 0
    unreadable = []
    for letter in letters:
        try:
            batch = open_letter(letter)
        except UnreadableLetter:
            unreadable.append(str(letter.batch_id))
            logger.error("ingest.dead_letter_unreadable batch_id=%s", letter.batch_id)
            continue
        enqueue_batch(batch)
        letter.replayed_at = timezone.now()
        letter.save(update_fields=["replayed_at"])
        replayed += 1
        logger.info("ingest.dead_letter_replayed batch_id=%s", letter.batch_id)
    return Replay(replayed=replayed, unreadable=tuple(unreadable))


def masked_preview(letter: DeadLetterBatch) -> dict[str, Any] | None:
    """What may be shown of a letter's body: its first messages masked and reduced as a
    recent sample is, or the start of its masked text when it is no readable batch; None when
    no configured key opens it. Never the body as sent."""
    try:
        batch = open_letter(letter)
    except UnreadableLetter:
        return None
    body = str(batch.get("body", ""))
    try:
        messages = wire.messages_of(
            str(batch.get("endpoint", "")), wire.parse_json(body.encode()), checked=True
        )
    except (WireError, UnicodeEncodeError, RecursionError):
        # Masked first, cut after: a cut must never leave part of a number unmasked.
        return {"unreadable_body": privacy.mask_text(body)[:PREVIEW_TEXT]}
    return {
        "messages": len(messages),
        "first": [masked_message(m, {}) for m in messages[:PREVIEW_MESSAGES]],
    }


__all__ = [
    "BrokerUnavailable",
    "Replay",
    "UnreadableLetter",
    "masked_preview",
    "open_letter",
    "pending_dead_letters",
    "replay_dead_letters",
]
