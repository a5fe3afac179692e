"""A batch that fails for good becomes a dead letter; a replayed dead letter counts once."""

from __future__ import annotations

import pytest

from governance.collector.enqueue import enqueue_batch
from governance.dead_letters import (
    open_letter,
    pending_dead_letters,
    replay_dead_letters,
)
from governance.models import DeadLetterBatch, ProcessedBatch
from governance.pipeline.store import record_dead_letter
from tests.governance.integration.plans import VIEWED, VIEWED_PROPERTIES
from tests.governance.integration.samples import (
    direct_batch,
    received,
    track,
    window_totals,
)
from tests.governance.integration.services import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_unreadable_batch_becomes_a_dead_letter_and_the_worker_goes_on(
    services, broker, source
):
    worker = services.worker()
    # The collector never enqueues such a body; a worker must still not lose or loop on it.
    broken = {**direct_batch(source, []), "body": '{"batch": [{"type": "track"'}
    good = direct_batch(source, [track(VIEWED, VIEWED_PROPERTIES) for _ in range(3)])

    enqueue_batch(broken)
    enqueue_batch(good)

    wait_for(lambda: received(source) == 3, timeout=30, what="the good batch counted")
    wait_for(lambda: broker.queued() == 0, timeout=30, what="both batches acknowledged")
    letter = DeadLetterBatch.objects.get()
    assert (open_letter(letter), letter.attempts, letter.replayed_at) == (
        broken,
        1,
        None,
    )
    assert "Malformed JSON at byte 27" in letter.error
    assert worker.alive()


def test_a_replayed_dead_letter_is_counted_once(services, broker, source):
    services.worker()
    batch = direct_batch(source, [track(VIEWED, VIEWED_PROPERTIES) for _ in range(5)])
    record_dead_letter(
        batch, error="OperationalError: database is locked", traceback="", attempts=6
    )

    assert replay_dead_letters(pending_dead_letters()).replayed == 1
    enqueue_batch(open_letter(DeadLetterBatch.objects.get()))

    wait_for(
        lambda: received(source) == 5, timeout=30, what="the replayed batch counted"
    )
    wait_for(
        lambda: broker.queued() == 0, timeout=30, what="both deliveries acknowledged"
    )
    assert window_totals(source) == {("track", VIEWED): (5, 5, 0, 0)}
    assert ProcessedBatch.objects.count() == 1
    assert pending_dead_letters().count() == 0


def test_a_dead_letter_names_the_exception_the_pipeline_raised(
    services, broker, source
):
    services.worker()

    enqueue_batch({**direct_batch(source, []), "body": "{"})

    letter = wait_for(
        DeadLetterBatch.objects.first, timeout=30, what="the batch dead-lettered"
    )
    assert letter.error.startswith("WireError: ")
