"""The pipeline's writes: batch marks, message dedupe, counter upserts, examples, dead letters."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.dead_letters import open_letter
from governance.models import (
    DeadLetterBatch,
    LastSeen,
    ObservedType,
    ProcessedBatch,
    SeenMessage,
    ViolationCount,
    WindowCount,
)
from governance.pipeline import store
from governance.pipeline.aggregate import fold
from governance.pipeline.type_rollup import fold_pending_types
from governance.pipeline.validate import Verdict, Violation
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

AT = datetime(2024, 5, 18, 1, 32, 17, tzinfo=UTC)
DAY = timedelta(days=1)

PRICE_TYPE = Violation(
    kind="schema", keyword="type", path="/properties/price", message="not a number"
)


@pytest.fixture
def source():
    return SourceFactory()


def _verdict(*, app_version="3.2.0", violations=(), types=()):
    return Verdict(
        message_type="track",
        event_name="Order Completed",
        app_version=app_version,
        message_id=None,
        planned=True,
        valid=not violations,
        violations=tuple(violations),
        personal_findings=0,
        types=tuple(types),
    )


def _write(source, verdicts, *, at=AT, first=0):
    """Fold and write `verdicts`; message n is masked as {"n": first + n}."""
    result = fold(
        [(v, {"n": first + n}) for n, v in enumerate(verdicts)],
        at=at,
        mask=lambda verdict, message: message,
        samples_per_event=3,
    )
    store.write_fold(plan_id=source.plan_id, source_id=source.id, fold=result)


# --------------------------------------------------------------------------------------------
# Batch marks and message digests
# --------------------------------------------------------------------------------------------


def test_message_digest_is_a_stable_signed_64_bit_number():
    digest = store.message_digest("550e8400-e29b-41d4-a716-446655440000")

    assert digest == store.message_digest("550e8400-e29b-41d4-a716-446655440000")
    assert -(2**63) <= digest < 2**63
    assert digest != store.message_digest("550e8400-e29b-41d4-a716-446655440001")


@pytest.mark.parametrize(
    "message_id",
    [
        pytest.param("消息-1", id="chinese"),
        pytest.param("\ud800", id="lone-surrogate"),
        pytest.param("m" * 200, id="longest"),
    ],
)
def test_message_digest_takes_any_message_id(message_id):
    assert isinstance(store.message_digest(message_id), int)


def test_a_batch_is_claimed_once(source):
    batch_id = str(uuid.uuid4())

    def claim():
        return store.claim_batch(
            batch_id=batch_id, source_id=source.id, samples=3, duplicates=0, at=AT
        )

    assert (claim(), claim()) == (True, False)
    assert list(ProcessedBatch.objects.values_list("samples", "processed_at")) == [
        (3, AT)
    ]


def _fresh(source, digests, *, at=AT, window=DAY):
    return store.new_message_digests(
        source_id=source.id, digests=digests, at=at, window=window
    )


def test_digests_are_fresh_once_per_source_within_the_window(source):
    other = SourceFactory(plan=source.plan)

    assert _fresh(source, [1, 2, 2, -(2**63)]) == {1, 2, -(2**63)}
    assert _fresh(source, [2, 3], at=AT + timedelta(hours=23)) == {3}
    assert _fresh(other, [1, 2]) == {1, 2}


@pytest.mark.parametrize(
    ("later", "fresh"),
    [
        pytest.param(DAY - timedelta(seconds=1), set(), id="inside-the-window"),
        pytest.param(DAY, set(), id="on-the-window-edge"),
        pytest.param(DAY + timedelta(microseconds=1), {7}, id="just-beyond"),
        pytest.param(DAY * 3, {7}, id="long-after"),
    ],
)
def test_a_digest_older_than_the_window_is_fresh_again(source, later, fresh):
    _fresh(source, [7])

    assert _fresh(source, [7], at=AT + later) == fresh


def test_a_digest_seen_again_is_dated_from_when_it_was_fresh(source):
    _fresh(source, [7])
    _fresh(source, [7], at=AT + timedelta(hours=12))

    assert list(SeenMessage.objects.values_list("seen_at", flat=True)) == [AT]


def test_digests_beyond_one_statement_are_all_recorded(source):
    digests = list(range(1000))

    assert _fresh(source, digests) == set(digests)
    assert _fresh(source, digests) == set()
    assert SeenMessage.objects.filter(source=source).count() == 1000


def test_no_digests_cost_no_query(source):
    with CaptureQueriesContext(connection) as queries:
        assert _fresh(source, []) == set()

    assert len(queries) == 0


# --------------------------------------------------------------------------------------------
# Counters
# --------------------------------------------------------------------------------------------


def test_counts_add_up_across_batches(source):
    price = [("/properties/price", "number")]
    _write(source, [_verdict(types=price), _verdict(violations=[PRICE_TYPE])])
    _write(
        source,
        [_verdict(types=price), _verdict(types=price, app_version="3.1.0")],
        at=AT + timedelta(minutes=1),
    )
    _write(source, [_verdict(violations=[PRICE_TYPE])], at=AT + timedelta(minutes=3))

    assert list(
        WindowCount.objects.order_by("window_start", "app_version").values_list(
            "app_version", "window_start", "received", "valid", "invalid"
        )
    ) == [
        ("3.1.0", datetime(2024, 5, 18, 1, 30, tzinfo=UTC), 1, 1, 0),
        ("3.2.0", datetime(2024, 5, 18, 1, 30, tzinfo=UTC), 3, 2, 1),
        ("3.2.0", datetime(2024, 5, 18, 1, 35, tzinfo=UTC), 1, 0, 1),
    ]
    assert list(
        ViolationCount.objects.values_list("kind", "path", "count", "first_seen")
    ) == [("schema", "/properties/price", 2, AT)]
    assert fold_pending_types() == 3
    assert list(
        ObservedType.objects.order_by("app_version").values_list(
            "app_version", "json_type", "count", "first_seen", "last_seen"
        )
    ) == [
        ("3.1.0", "number", 1, AT + timedelta(minutes=1), AT + timedelta(minutes=1)),
        ("3.2.0", "number", 2, AT, AT + timedelta(minutes=1)),
    ]


def test_violation_examples_are_topped_up_to_exactly_five(source):
    _write(source, [_verdict(violations=[PRICE_TYPE])] * 3)
    _write(source, [_verdict(violations=[PRICE_TYPE])] * 3, first=3)
    _write(source, [_verdict(violations=[PRICE_TYPE])] * 2, first=6)

    row = ViolationCount.objects.get()
    assert (row.count, row.example_count) == (8, 5)
    assert row.examples == [{"n": n} for n in range(5)]


def test_a_full_set_of_examples_costs_no_further_query(source):
    _write(source, [_verdict(violations=[PRICE_TYPE])] * 5)

    with CaptureQueriesContext(connection) as full:
        _write(source, [_verdict(violations=[PRICE_TYPE])], first=5)
    violation_queries = [
        q["sql"] for q in full.captured_queries if "violationcount" in q["sql"]
    ]

    assert len(violation_queries) == 1  # the upsert; no read, no update of examples


def test_last_seen_keeps_the_latest_app_version(source):
    _write(source, [_verdict(app_version="3.1.0")])
    _write(source, [_verdict(app_version="3.2.0")], at=AT + timedelta(minutes=2))
    # A batch received earlier but processed later (a retry) changes nothing.
    _write(source, [_verdict(app_version="3.0.0")], at=AT + timedelta(minutes=1))

    assert list(
        LastSeen.objects.values_list("first_seen", "last_seen", "app_version")
    ) == [(AT, AT + timedelta(minutes=2), "3.2.0")]


def test_a_batch_processed_late_does_not_move_last_seen_back(source):
    _write(source, [_verdict(violations=[PRICE_TYPE])], at=AT + timedelta(minutes=2))
    _write(source, [_verdict(violations=[PRICE_TYPE])], at=AT)

    assert ViolationCount.objects.get().last_seen == AT + timedelta(minutes=2)


# --------------------------------------------------------------------------------------------
# Dead letters
# --------------------------------------------------------------------------------------------

BATCH = {
    "batch_id": "0b9e7f43-3c7a-4e0b-9d2c-6c1f1b8b7a11",
    "source_id": None,
    "plan_id": 1,
    "endpoint": "batch",
    "received_at": "2024-05-18T01:32:17+00:00",
    "body": '{"batch": [{"type": "track", "event": "下单", "properties": {"n": 1}}]}',
}


def test_a_dead_letter_keeps_the_whole_payload_sealed(source):
    batch = {**BATCH, "source_id": source.id}

    letter = store.record_dead_letter(
        batch, error="ValueError: boom", traceback="Traceback…", attempts=5
    )

    letter.refresh_from_db()
    assert open_letter(letter) == batch
    assert "下单" not in letter.sealed_payload
    assert (letter.source_id, letter.error, letter.traceback, letter.attempts) == (
        source.id,
        "ValueError: boom",
        "Traceback…",
        5,
    )
    assert (letter.endpoint, letter.received_at, letter.body_size) == (
        "batch",
        datetime(2024, 5, 18, 1, 32, 17, tzinfo=UTC),
        len(batch["body"]),
    )
    assert str(letter.batch_id) == batch["batch_id"]


def test_a_dead_letter_masks_personal_data_in_its_error_and_traceback():
    letter = store.record_dead_letter(
        BATCH,
        error="ValueError: '13812345678' is not a price",
        traceback="Traceback…\nValueError: '13812345678' is not a price",
        attempts=1,
    )

    assert (letter.error, letter.traceback) == (
        "ValueError: '138****5678' is not a price",
        "Traceback…\nValueError: '138****5678' is not a price",
    )


def test_a_dead_letter_keeps_the_end_of_a_long_traceback_and_cuts_the_error():
    letter = store.record_dead_letter(
        BATCH, error="e" * 600, traceback="x" * 30_000 + "the cause", attempts=1
    )

    assert (len(letter.error), len(letter.traceback)) == (500, 20_000)
    assert letter.traceback.endswith("the cause")


def test_a_batch_failing_again_updates_its_dead_letter(source):
    first = store.record_dead_letter(BATCH, error="one", traceback="", attempts=5)
    DeadLetterBatch.objects.filter(id=first.id).update(replayed_at=AT)

    again = store.record_dead_letter(BATCH, error="two", traceback="", attempts=6)

    assert list(
        DeadLetterBatch.objects.values_list("id", "error", "attempts", "replayed_at")
    ) == [(first.id, "two", 6, None)]
    assert again.id == first.id
