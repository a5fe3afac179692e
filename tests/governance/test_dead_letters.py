"""Dead letters: kept whole but sealed, listed, previewed masked, replayed under their own id."""

from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from kombu import Connection

from governance.dead_letters import (
    masked_preview,
    open_letter,
    pending_dead_letters,
    replay_dead_letters,
)
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
    assert open_letter(letter)["body"] == (
        '{"event": "Order Completed", "messageId": "m1"}'
    )
    assert (letter.error, letter.attempts, letter.replayed_at) == (
        "ValueError: boom",
        6,
        None,
    )


def test_failing_again_updates_the_same_dead_letter():
    source = SourceFactory()
    letter = _letter(source, attempts=1)
    record_dead_letter(
        open_letter(letter), error="KeyError: x", traceback="", attempts=2
    )
    assert DeadLetterBatch.objects.count() == 1
    letter.refresh_from_db()
    assert (letter.error, letter.attempts) == ("KeyError: x", 2)


def test_replay_puts_each_batch_back_under_its_own_id(memory_broker):
    source = SourceFactory()
    letters = [_letter(source, attempts=6) for _ in range(2)]
    replay = replay_dead_letters(DeadLetterBatch.objects.order_by("failed_at"))

    assert (replay.replayed, replay.unreadable) == (2, ())
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


def test_a_dead_letter_is_sealed_at_rest():
    source = SourceFactory()
    letter = _phone_letter(source)

    stored = DeadLetterBatch.objects.values_list("sealed_payload", flat=True).get()

    assert "13807221732" not in stored
    assert open_letter(letter)["body"] == PHONE_BODY


def test_a_letter_no_configured_key_opens_is_reported_and_stays_pending(
    memory_broker, caplog
):
    source = SourceFactory()
    lost = _phone_letter(source)
    with override_settings(DEAD_LETTER_KEYS=[Fernet.generate_key().decode()]):
        readable = _letter(source, attempts=6)

        replay = replay_dead_letters(DeadLetterBatch.objects.order_by("failed_at"))

    assert (replay.replayed, replay.unreadable) == (1, (str(lost.batch_id),))
    assert _queued_batch_ids() == [str(readable.batch_id)]
    assert list(pending_dead_letters()) == [lost]
    assert f"ingest.dead_letter_unreadable batch_id={lost.batch_id}" in caplog.text


def test_a_letter_sealed_before_a_key_rotation_still_replays(memory_broker):
    old = Fernet.generate_key().decode()
    source = SourceFactory()
    with override_settings(DEAD_LETTER_KEYS=[old]):
        letter = _phone_letter(source)
    with override_settings(DEAD_LETTER_KEYS=[Fernet.generate_key().decode(), old]):
        replay = replay_dead_letters([letter])

    assert (replay.replayed, replay.unreadable) == (1, ())
    assert _queued_batch_ids() == [str(letter.batch_id)]


def test_the_replay_command_names_each_letter_it_cannot_open(memory_broker, capsys):
    source = SourceFactory()
    lost = _phone_letter(source)

    with (
        override_settings(DEAD_LETTER_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(CommandError, match="1 batch"),
    ):
        call_command("replay_dead_letters")

    err = capsys.readouterr().err
    assert f"{lost.batch_id}: no key in DEAD_LETTER_KEYS opens this batch" in err


def test_the_preview_shows_the_first_messages_masked():
    letter = _phone_letter(SourceFactory())

    assert masked_preview(letter) == {
        "messages": 1,
        "first": [
            {
                "type": "track",
                "event": "Call 138****1732",
                "messageId": "m1",
                "properties": {"139****7570": 1},
            }
        ],
    }


def test_the_preview_of_a_body_that_is_no_batch_is_its_masked_text():
    source = SourceFactory()
    letter = _letter(source, attempts=1)
    letter = record_dead_letter(
        {**open_letter(letter), "body": '{"event": "Call 13807221732"'},
        error="WireError",
        traceback="",
        attempts=1,
    )

    assert masked_preview(letter) == {"unreadable_body": '{"event": "Call 138****1732"'}


def test_the_preview_of_a_letter_no_key_opens_is_none():
    letter = _phone_letter(SourceFactory())

    with override_settings(DEAD_LETTER_KEYS=[Fernet.generate_key().decode()]):
        assert masked_preview(letter) is None


PHONE_BODY = (
    '{"batch": [{"type": "track", "event": "Call 13807221732", "messageId": "m1", '
    '"properties": {"13907237570": 1}}]}'
)


def _phone_letter(source) -> DeadLetterBatch:
    batch = {
        "batch_id": str(uuid.uuid4()),
        "source_id": source.id,
        "plan_id": source.plan_id,
        "endpoint": "batch",
        "received_at": timezone.now().isoformat(),
        "body": PHONE_BODY,
    }
    return record_dead_letter(batch, error="boom", traceback="", attempts=6)
