"""Dead letters: kept whole, listed, and replayed under their own batch id."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from kombu import Connection

from governance.dead_letters import replay_dead_letters
from governance.models import DeadLetterBatch
from governance.pipeline.store import record_dead_letter
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def memory_broker():
    """The test settings' in-memory transport: real kombu publishing; emptied before and after."""
    _queued_batch_ids()
    yield
    _queued_batch_ids()


def _queued_batch_ids() -> list[str]:
    ids = []
    with Connection("memory://") as connection:
        queue = connection.SimpleQueue("ingest")
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            ids.append(message.headers["id"])
            message.ack()
        queue.close()
    return ids


def _letter(source, **fields) -> DeadLetterBatch:
    batch = {
        "batch_id": str(uuid.uuid4()),
        "source_id": source.id,
        "plan_id": source.plan_id,
        "endpoint": "track",
        "received_at": timezone.now().isoformat(),
        "body": '{"event": "Order Completed", "messageId": "m1"}',
    }
    return record_dead_letter(batch, error="ValueError: boom", traceback="tb", **fields)


def test_a_dead_letter_keeps_the_whole_batch():
    source = SourceFactory()
    letter = _letter(source, attempts=6)
    letter.refresh_from_db()
    assert letter.payload["body"] == '{"event": "Order Completed", "messageId": "m1"}'
    assert (letter.error, letter.attempts, letter.replayed_at) == (
        "ValueError: boom",
        6,
        None,
    )


def test_failing_again_updates_the_same_dead_letter():
    source = SourceFactory()
    letter = _letter(source, attempts=1)
    record_dead_letter(letter.payload, error="KeyError: x", traceback="", attempts=2)
    assert DeadLetterBatch.objects.count() == 1
    letter.refresh_from_db()
    assert (letter.error, letter.attempts) == ("KeyError: x", 2)


def test_replay_puts_each_batch_back_under_its_own_id(memory_broker):
    source = SourceFactory()
    letters = [_letter(source, attempts=6) for _ in range(2)]
    assert replay_dead_letters(DeadLetterBatch.objects.order_by("failed_at")) == 2
    assert sorted(_queued_batch_ids()) == sorted(str(x.batch_id) for x in letters)
    assert not DeadLetterBatch.objects.filter(replayed_at__isnull=True).exists()


def test_replay_command_replays_only_pending_letters(memory_broker, capsys):
    source = SourceFactory()
    done = _letter(source, attempts=6)
    done.replayed_at = timezone.now()
    done.save()
    pending = _letter(source, attempts=6)
    call_command("replay_dead_letters")
    assert "Replayed 1 batch(es)." in capsys.readouterr().out
    assert _queued_batch_ids() == [str(pending.batch_id)]
