"""A batch or a message delivered twice is counted once, by a real worker against real Redis."""

from __future__ import annotations

import pytest

from governance.collector.enqueue import enqueue_batch
from governance.models import ProcessedBatch
from tests.governance.integration.plans import VIEWED, VIEWED_PROPERTIES
from tests.governance.integration.samples import (
    batch_body,
    direct_batch,
    headers,
    received,
    track,
    window_totals,
)
from tests.governance.integration.services import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_batch_enqueued_twice_changes_no_count(services, broker, source):
    services.worker()
    batch = direct_batch(source, [track(VIEWED, VIEWED_PROPERTIES) for _ in range(50)])

    enqueue_batch(batch)
    enqueue_batch(batch)

    wait_for(lambda: received(source) == 50, timeout=30, what="50 samples counted")
    wait_for(
        lambda: broker.queued() == 0, timeout=30, what="both deliveries acknowledged"
    )
    assert window_totals(source) == {("track", VIEWED): (50, 50, 0, 0)}
    assert list(ProcessedBatch.objects.values_list("samples", "duplicates")) == [
        (50, 0)
    ]


def test_the_same_message_ids_posted_twice_are_counted_once(pipeline, source):
    collector = pipeline.ready()
    messages = [track(VIEWED, VIEWED_PROPERTIES) for _ in range(20)]

    for _ in range(2):
        status, _, answer = collector.post(
            "batch", batch_body(messages), headers=headers(source.write_key)
        )
        assert (status, answer) == (200, b'{"success":true}')

    wait_for(
        lambda: ProcessedBatch.objects.count() == 2,
        timeout=30,
        what="both requests processed",
    )
    assert window_totals(source) == {("track", VIEWED): (20, 20, 0, 0)}
    assert sorted(ProcessedBatch.objects.values_list("samples", "duplicates")) == [
        (20, 0),
        (20, 20),
    ]
