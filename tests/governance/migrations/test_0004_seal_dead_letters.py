"""The upgrade seals every dead letter kept whole before, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.dead_letters import open_letter
from governance.models import DeadLetterBatch

# Migrating back and forth needs real transactions, and the flush after each test empties the
# tables: in the integration layer every test puts the migrations' rows back before it runs,
# so no test of the unit layer finds them missing.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEFORE = [("governance", "0002_pending_types")]
ROOM = [("governance", "0003_dead_letter_sealed")]
BATCH = {
    "batch_id": "0b9e7f43-3c7a-4e0b-9d2c-6c1f1b8b7a11",
    "source_id": None,
    "plan_id": 1,
    "endpoint": "batch",
    "received_at": "2024-05-18T01:32:17+00:00",
    "body": '{"batch": [{"type": "track", "event": "Call 13807221732"}]}',
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest():
    targets = MigrationExecutor(connection).loader.graph.leaf_nodes("governance")
    yield [target for target in targets if target[0] == "governance"]
    # Whatever happened, the next test finds the schema it expects.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def letter_kept_whole(latest):
    old = _migrate(BEFORE)
    old.get_model("governance", "DeadLetterBatch").objects.create(
        batch_id=uuid.UUID(BATCH["batch_id"]),
        payload=BATCH,
        error="ValueError: 13807221732 is not a price",
        traceback="Traceback…\nValueError: 13807221732 is not a price",
        failed_at=datetime(2024, 5, 18, 2, 0, tzinfo=UTC),
    )
    return latest


def test_the_upgrade_seals_a_letter_and_masks_its_error(letter_kept_whole):
    _migrate(letter_kept_whole)

    letter = DeadLetterBatch.objects.get()
    assert open_letter(letter) == BATCH
    assert "13807221732" not in letter.sealed_payload
    assert (letter.error, letter.traceback) == (
        "ValueError: 138****1732 is not a price",
        "Traceback…\nValueError: 138****1732 is not a price",
    )
    assert (letter.endpoint, letter.received_at, letter.body_size) == (
        "batch",
        datetime(2024, 5, 18, 1, 32, 17, tzinfo=UTC),
        len(BATCH["body"]),
    )


def test_the_upgrade_can_be_reversed_while_the_key_is_configured(letter_kept_whole):
    _migrate(letter_kept_whole)

    old = _migrate(ROOM)

    letter = old.get_model("governance", "DeadLetterBatch").objects.get()
    assert letter.payload == BATCH
