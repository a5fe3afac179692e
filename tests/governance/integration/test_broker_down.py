"""Redis stops and comes back: the collector says 503 meanwhile, and nothing it accepted is lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from governance.models import ProcessedBatch
from tests.governance.integration.plans import VIEWED, VIEWED_PROPERTIES
from tests.governance.integration.samples import (
    batch_body,
    headers,
    received,
    track,
    window_totals,
)
from tests.governance.integration.services import Collector, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@dataclass
class Client:
    """Posts batches of ten; remembers the messages the collector accepted."""

    collector: Collector
    write_key: str
    accepted: list[dict[str, Any]] = field(default_factory=list)

    def send(self) -> tuple[int, dict[str, str]]:
        messages = [track(VIEWED, VIEWED_PROPERTIES) for _ in range(10)]
        status, answer_headers, _ = self.collector.post(
            "batch", batch_body(messages), headers=headers(self.write_key)
        )
        if status == 200:
            self.accepted += messages
        return status, answer_headers


def test_the_collector_answers_503_while_redis_is_down_and_loses_nothing(
    pipeline, broker, source
):
    client = Client(pipeline.ready(), source.write_key)
    assert client.send()[0] == 200
    wait_for(lambda: received(source) == 10, timeout=30, what="the first batch counted")

    broker.stop()
    outage = [client.send() for _ in range(3)]
    broker.start()
    wait_for(
        lambda: client.send()[0] == 200, timeout=30, what="the collector to accept"
    )
    statuses = [client.send()[0] for _ in range(5)]

    assert [(status, found.get("retry-after")) for status, found in outage] == [
        (503, "5")
    ] * 3
    assert statuses == [200] * 5
    wait_for(
        lambda: received(source) == len(client.accepted),
        timeout=60,
        what=f"{len(client.accepted)} accepted samples counted",
    )
    wait_for(lambda: broker.queued() == 0, timeout=30, what="every batch acknowledged")
    assert pipeline.worker.alive()
    assert window_totals(source) == {
        ("track", VIEWED): (len(client.accepted), len(client.accepted), 0, 0)
    }
    assert ProcessedBatch.objects.count() == len(client.accepted) // 10
