"""A worker killed with SIGKILL in the middle of a batch: the batch comes back, counted once."""

from __future__ import annotations

import time

import pytest

from governance.collector.enqueue import enqueue_batch
from governance.models import ProcessedBatch
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

# A small batch, a large one the worker is killed in the middle of, more behind them.
SIZES = (100, 10_000, *(200,) * 10)
VISIBILITY_TIMEOUT = 5  # CELERY_VISIBILITY_TIMEOUT of the services


def test_a_killed_worker_loses_nothing_and_counts_nothing_twice(
    services, broker, source
):
    batches = [
        direct_batch(source, [track(VIEWED, VIEWED_PROPERTIES) for _ in range(size)])
        for size in SIZES
    ]
    doomed = services.worker()
    for batch in batches:
        enqueue_batch(batch)

    large = f"process_batch[{batches[1]['batch_id']}] received"
    wait_for(
        lambda: large in doomed.log_text(), timeout=30, what="the large batch taken"
    )
    doomed.kill()

    assert received(source) == SIZES[0]
    assert broker.taken_unacknowledged() == 1
    wait_for(
        lambda: broker.unacknowledged_older_than(VISIBILITY_TIMEOUT),
        timeout=VISIBILITY_TIMEOUT + 10,
        what="the visibility timeout of the killed worker's batches",
    )
    services.worker()
    wait_for(
        lambda: received(source) == sum(SIZES),
        timeout=60,
        what=f"{sum(SIZES)} samples counted",
    )
    wait_for(lambda: broker.queued() == 0, timeout=30, what="every batch acknowledged")
    assert window_totals(source) == {("track", VIEWED): (sum(SIZES), sum(SIZES), 0, 0)}
    assert sorted(
        ProcessedBatch.objects.values_list("samples", "duplicates")
    ) == sorted((size, 0) for size in SIZES)


RECOVERY_WITHIN = 120  # seconds, with the default visibility timeout and restore sweep


def test_a_batch_held_by_a_killed_worker_is_counted_within_two_minutes(
    services, broker, source
):
    # The shipped defaults, not the short timeout the other integration tests use.
    del services.env["CELERY_VISIBILITY_TIMEOUT"]
    batch = direct_batch(
        source, [track(VIEWED, VIEWED_PROPERTIES) for _ in range(5_000)]
    )
    doomed = services.worker()
    enqueue_batch(batch)
    taken = f"process_batch[{batch['batch_id']}] received"
    wait_for(lambda: taken in doomed.log_text(), timeout=30, what="the batch taken")

    doomed.kill()
    killed_at = time.monotonic()
    services.worker()
    wait_for(
        lambda: received(source) == 5_000,
        timeout=RECOVERY_WITHIN + 30,
        what="the killed worker's batch counted by the next worker",
    )

    recovered_in = time.monotonic() - killed_at
    print(f"recovered in {recovered_in:.1f} s")  # the figure the settings are chosen by
    assert recovered_in < RECOVERY_WITHIN
    assert ProcessedBatch.objects.get().samples == 5_000
