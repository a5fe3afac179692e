"""The periodic purge: expired dedupe rows and batch marks, old and surplus recent samples,
dead letters past their retention."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from governance.models import (
    DeadLetterBatch,
    ProcessedBatch,
    RecentSample,
    SeenMessage,
)
from governance.pipeline.maintenance import BATCH_MARK_DAYS, purge, trim_samples
from governance.pipeline.store import record_dead_letter
from tests.factories import (
    PlanFactory,
    ProcessedBatchFactory,
    RecentSampleFactory,
    SeenMessageFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 5, 18, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def source():
    return SourceFactory()


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_purge_deletes_exactly_what_has_aged_out(source, now):
    window = timedelta(seconds=settings.DEDUPE_WINDOW_SECONDS)
    retention = timedelta(days=settings.SAMPLES_RETENTION_DAYS)
    marks = timedelta(days=BATCH_MARK_DAYS)
    SeenMessageFactory(source=source, digest=1, seen_at=now - window - SECOND)
    kept_digest = SeenMessageFactory(source=source, digest=2, seen_at=now - window)
    ProcessedBatchFactory(source=source, processed_at=now - marks - SECOND)
    kept_mark = ProcessedBatchFactory(source=source, processed_at=now - marks)
    RecentSampleFactory(source=source, received_at=now - retention - SECOND)
    kept_sample = RecentSampleFactory(source=source, received_at=now - retention)
    letters = timedelta(days=settings.DEAD_LETTER_RETENTION_DAYS)
    _dead_letter(source, failed_at=now - letters - SECOND, replayed=True)
    _dead_letter(source, failed_at=now - letters - SECOND, replayed=False)
    kept_letter = _dead_letter(source, failed_at=now - letters, replayed=False)

    deleted = purge()

    assert deleted == {
        "seen_messages": 1,
        "batch_marks": 1,
        "old_samples": 1,
        "surplus_samples": 0,
        "dead_letters": 2,
    }
    assert list(SeenMessage.objects.values_list("id", flat=True)) == [kept_digest.id]
    assert list(ProcessedBatch.objects.values_list("batch_id", flat=True)) == [
        kept_mark.batch_id
    ]
    assert list(RecentSample.objects.values_list("id", flat=True)) == [kept_sample.id]
    assert list(DeadLetterBatch.objects.values_list("id", flat=True)) == [
        kept_letter.id
    ]


def _dead_letter(source, *, failed_at, replayed):
    """A dead letter that failed at `failed_at` (replayed then, or still pending)."""
    letter = record_dead_letter(
        {"batch_id": str(uuid.uuid4()), "source_id": source.id, "body": "{}"},
        error="boom",
        traceback="",
        attempts=6,
    )
    letter.failed_at = failed_at
    letter.replayed_at = failed_at if replayed else None
    letter.save()
    return letter


def test_purge_trims_each_event_to_the_configured_number_of_samples(source, now):
    keep = settings.SAMPLES_PER_EVENT
    RecentSampleFactory.create_batch(
        keep + 2, source=source, received_at=now - timedelta(hours=1)
    )

    assert purge()["surplus_samples"] == 2
    assert RecentSample.objects.count() == keep


def test_purge_of_an_empty_store_deletes_nothing(now):
    assert purge() == {
        "seen_messages": 0,
        "batch_marks": 0,
        "old_samples": 0,
        "surplus_samples": 0,
        "dead_letters": 0,
    }


def test_trim_keeps_exactly_the_newest_samples_of_each_event_and_validity(source):
    def sample(minutes, *, event_name="Order Completed", is_valid=True):
        return RecentSampleFactory(
            source=source,
            event_name=event_name,
            is_valid=is_valid,
            received_at=NOW - timedelta(minutes=minutes),
        ).id

    valid = [sample(m) for m in (5, 1, 4, 2, 3)]
    invalid = [sample(m, is_valid=False) for m in (1, 2)]
    other_event = [sample(m, event_name="Home") for m in (9, 8, 7)]

    deleted = trim_samples(keep=3)

    assert deleted == 2
    assert sorted(RecentSample.objects.values_list("id", flat=True)) == sorted(
        [valid[1], valid[3], valid[4], *invalid, *other_event]
    )


def test_trim_breaks_ties_in_receive_time_by_the_newest_row(source):
    ids = [RecentSampleFactory(source=source, received_at=NOW).id for _ in range(4)]

    assert trim_samples(keep=2) == 2
    assert sorted(RecentSample.objects.values_list("id", flat=True)) == ids[2:]


def test_trim_counts_each_plan_apart(source):
    other = SourceFactory(plan=PlanFactory())
    RecentSampleFactory.create_batch(3, source=source, received_at=NOW)
    RecentSampleFactory.create_batch(3, source=other, received_at=NOW)

    assert trim_samples(keep=3) == 0
    assert RecentSample.objects.count() == 6
