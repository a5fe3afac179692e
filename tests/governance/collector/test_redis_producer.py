"""Batches pushed straight onto a Redis broker's queue: the message kombu would send, read alike."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from config.celery import app as celery_app
from governance.collector import redis_producer
from governance.collector.enqueue import BrokerUnavailable, enqueue_batch
from governance.pipeline.batch import new_batch
from governance.queues import Queue
from governance.tasks import process_batch
from tests.governance.integration.services import RedisServer, free_port

BODY = '{"batch":[{"type":"track","event":"订单完成","userId":"u-1"}]}'.encode()


def a_batch() -> dict:
    received = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    return new_batch(
        source_id=7, plan_id=3, endpoint="batch", body=BODY, received_at=received
    )


def use_broker(monkeypatch, url: str) -> None:
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    monkeypatch.setitem(
        celery_app.conf,
        "broker_transport_options",
        {"max_retries": 0, "socket_timeout": 2, "socket_connect_timeout": 2},
    )
    # TRICKY: Celery keeps its connection and producer pools; without dropping them the
    # memory broker of earlier tests would keep taking the batches.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


@pytest.fixture
def redis_broker(_redis_server, monkeypatch):
    """The broker is the real Redis, emptied; yields a client to it."""
    use_broker(monkeypatch, _redis_server.url)
    client = _redis_server.client()
    client.flushdb()
    yield client
    client.flushdb()


def queued(client) -> list[dict]:
    """The ingest queue's raw messages, oldest first."""
    return [
        json.loads(raw) for raw in reversed(client.lrange(Queue.INGEST.value, 0, -1))
    ]


def without_delivery_tag(message: dict) -> dict:
    tag = message["properties"].pop("delivery_tag")
    assert uuid.UUID(tag)
    return message


def test_it_pushes_the_message_kombu_would(redis_broker):
    batch = a_batch()
    through_kombu = process_batch.apply_async(
        kwargs={"batch": batch},
        task_id=batch["batch_id"],
        retry=False,
        serializer="json-orjson",
        kwargsrepr=f"{{'batch': {batch['batch_id']}}}",
    )
    assert through_kombu.id == batch["batch_id"]

    enqueue_batch(batch)

    kombu_message, pushed = queued(redis_broker)
    assert without_delivery_tag(pushed) == without_delivery_tag(kombu_message)


def test_a_worker_reads_the_pushed_batch_back(redis_broker, ingest):
    batch = a_batch()

    enqueue_batch(batch)

    assert ingest.batches() == [batch]


def test_it_uses_kombu_for_other_brokers():
    assert celery_app.conf.broker_url == "memory://"

    assert redis_producer.for_app(celery_app) is None


def test_it_leaves_a_message_with_a_priority_to_kombu(redis_broker):
    batch = a_batch()

    process_batch.apply_async(
        kwargs={"batch": batch},
        task_id=batch["batch_id"],
        retry=False,
        priority=5,
        producer=redis_producer.for_app(celery_app),
    )

    assert redis_broker.llen(Queue.INGEST.value) == 0
    (key,) = redis_broker.keys(f"{Queue.INGEST.value}*")
    message = json.loads(redis_broker.lpop(key))
    assert message["properties"]["priority"] == 5


def test_it_raises_broker_unavailable_when_redis_goes_away(tmp_path, monkeypatch):
    server = RedisServer(port=free_port(), folder=tmp_path)
    server.start()
    try:
        use_broker(monkeypatch, server.url)
        enqueue_batch(a_batch())
    finally:
        server.stop()

    with pytest.raises(BrokerUnavailable):
        enqueue_batch(a_batch())


def test_it_raises_broker_unavailable_when_redis_never_answered(monkeypatch):
    use_broker(monkeypatch, f"redis://127.0.0.1:{free_port()}/0")

    with pytest.raises(BrokerUnavailable):
        enqueue_batch(a_batch())


def test_it_leaves_a_header_kombu_would_tag_to_kombu(redis_broker):
    batch = a_batch()
    sent_at = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    process_batch.apply_async(
        kwargs={"batch": batch},
        task_id=batch["batch_id"],
        retry=False,
        headers={"sent_at": sent_at},
        producer=redis_producer.for_app(celery_app),
    )

    [message] = queued(redis_broker)
    assert message["headers"]["sent_at"] == {
        "__type__": "datetime",
        "__value__": sent_at.isoformat(),
    }


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ({"id": "a", "retries": 0, "timelimit": [180, 120], "eta": None}, True),
        ({"stamps": {"nested": [1.5, True, ("a", "b")]}}, True),
        ({"id": uuid.uuid4()}, False),
        ({"eta": datetime(2025, 3, 1, tzinfo=UTC)}, False),
        ({"score": float("nan")}, False),
        ({"raw": b"bytes"}, False),
        ({1: "key not a string"}, False),
    ],
    ids=["celery-headers", "nested", "uuid", "datetime", "nan", "bytes", "int-key"],
)
def test_it_knows_which_values_orjson_writes_as_kombu_does(value, plain):
    assert redis_producer._plain(value) is plain
