"""Two workers upserting the same counters at once on PostgreSQL lose no increment."""

from __future__ import annotations

import pytest
from django.db import connection

from governance.collector.enqueue import enqueue_batch
from governance.models import ObservedType, ProcessedBatch, ViolationCount
from governance.pipeline.type_rollup import fold_pending_types
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
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BATCHES = 80
PER_BATCH = 50


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL (set DATABASE_URL): SQLite lets one writer in at a time, so "
            "workers never contend for the same rows there."
        )


def test_workers_colliding_on_the_same_rows_lose_no_increment(services, broker, source):
    workers = [services.worker(concurrency=2, wait=False) for _ in range(2)]
    services.wait_ready()
    # Every sample lands on the same window, violation, observed-type and last-seen rows.
    properties = {**VIEWED_PROPERTIES, "quantity": "three"}
    batches = [
        direct_batch(source, [track(VIEWED, properties) for _ in range(PER_BATCH)])
        for _ in range(BATCHES)
    ]

    for batch in batches:
        enqueue_batch(batch)

    total = BATCHES * PER_BATCH
    wait_for(lambda: received(source) == total, timeout=90, what=f"{total} counted")
    wait_for(lambda: broker.queued() == 0, timeout=30, what="every batch acknowledged")
    assert window_totals(source) == {("track", VIEWED): (total, 0, total, 0)}
    assert list(
        ViolationCount.objects.values_list("kind", "keyword", "path", "count")
    ) == [("schema", "type", "/properties/quantity", total)]
    fold_pending_types()
    assert dict(
        ObservedType.objects.filter(path="/properties/quantity").values_list(
            "json_type", "count"
        )
    ) == {"string": total}
    assert ProcessedBatch.objects.count() == BATCHES
    assert all("pipeline.batch" in worker.log_text() for worker in workers)
