"""The collector's hostile corpus, replayed over HTTP: whatever it accepts, a worker counts.

Only the requests the collector may accept reach a worker; they carry deep nesting, huge and
odd strings, 20-digit and 40-digit numbers, duplicate keys and wrong types everywhere. The
worker must stay up, write no dead letter, and count every message of every accepted request.
"""

from __future__ import annotations

import gzip
import json

import pytest
from django.db.models import Sum

from governance.models import DeadLetterBatch, ProcessedBatch
from tests.governance.collector.test_hostile import CATEGORIES, Hostile, corpus
from tests.governance.integration.samples import headers, received
from tests.governance.integration.services import Collector, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def acceptable() -> list[Hostile]:
    """The corpus's requests that may be answered 200 as they stand."""
    return [
        case
        for category in CATEGORIES
        for case in corpus(category)
        if 200 in case.allowed and case.authorized and not case.meta
    ]


def message_count(case: Hostile) -> int:
    """How many messages an accepted request carries, read independently of the collector."""
    raw = (
        gzip.decompress(case.body)
        if case.headers.get("Content-Encoding")
        else case.body
    )
    document = json.loads(raw.decode("utf-8-sig"))
    return len(document["batch"]) if case.endpoint == "batch" else 1


def replay(collector: Collector, case: Hostile, write_key: str) -> int:
    sent = {**headers(write_key), "Content-Type": case.content_type, **case.headers}
    status, _, _ = collector.post(case.endpoint, case.body, headers=sent)
    return status


def test_every_accepted_hostile_request_is_counted_and_the_worker_survives(
    pipeline, broker, source
):
    collector = pipeline.ready()
    cases = acceptable()

    statuses = {case.id: replay(collector, case, source.write_key) for case in cases}

    accepted = [case for case in cases if statuses[case.id] == 200]
    expected = sum(message_count(case) for case in accepted)
    unexpected = {
        case.id: statuses[case.id]
        for case in cases
        if statuses[case.id] not in case.allowed
    }
    assert unexpected == {}
    assert len(accepted) >= 100

    def all_processed() -> bool:
        assert DeadLetterBatch.objects.count() == 0
        samples = ProcessedBatch.objects.aggregate(n=Sum("samples"))["n"] or 0
        return samples == expected

    wait_for(all_processed, timeout=90, what=f"{expected} samples processed")
    wait_for(lambda: broker.queued() == 0, timeout=30, what="every batch acknowledged")
    duplicates = ProcessedBatch.objects.aggregate(n=Sum("duplicates"))["n"]
    assert received(source) == expected - duplicates
    assert pipeline.worker.alive()
    assert " ERROR " not in pipeline.worker.log_text()
