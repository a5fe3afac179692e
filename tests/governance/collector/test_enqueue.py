"""What Celery shows of an enqueued batch: its id, never its body (which may hold a write key)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from celery.app.trace import trace_task

from governance.collector.enqueue import enqueue_batch
from governance.pipeline import process, store
from governance.pipeline.batch import new_batch
from governance.tasks import process_batch

WRITE_KEY = "wk_InTheBody000000000000000000001"
BODY = (
    b'{"writeKey": "' + WRITE_KEY.encode() + b'", "batch": [{"type": "track", '
    b'"event": "Order Completed", "userId": "u-1", "properties": {"email": "a@b.cn"}}]}'
)


@pytest.fixture
def batch():
    received = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    return new_batch(
        source_id=7, plan_id=3, endpoint="batch", body=BODY, received_at=received
    )


def _taken(ingest):
    message = ingest.queue.get(block=False)
    message.ack()
    return message


def test_the_message_names_the_batch_by_its_id_only(ingest, batch):
    enqueue_batch(batch)

    headers = _taken(ingest).headers

    assert headers["argsrepr"] == "()"
    assert headers["kwargsrepr"] == f"{{'batch': {batch['batch_id']}}}"


def test_a_failed_batch_is_logged_without_its_body(ingest, batch, monkeypatch, caplog):
    def explode(payload):
        msg = "the validator broke"
        raise RuntimeError(msg)

    monkeypatch.setattr(process, "process_batch", explode)
    monkeypatch.setattr(store, "record_dead_letter", lambda *args, **kwargs: None)
    monkeypatch.setattr(
        process_batch, "__trace__", None
    )  # the worker's tracer, built anew
    caplog.set_level(logging.INFO)
    enqueue_batch(batch)
    message = _taken(ingest)
    args, kwargs, _embed = message.decode()

    # How a worker runs the task it received: with the message's headers as the request.
    trace_task(
        process_batch,
        batch["batch_id"],
        args,
        kwargs,
        request={**message.headers, "hostname": "worker1@test", "delivery_info": {}},
        hostname="worker1@test",
        app=process_batch.app,
    )

    failure = [r for r in caplog.records if r.name == "celery.app.trace"]
    assert failure and failure[0].levelno == logging.ERROR
    assert batch["batch_id"] in failure[0].getMessage()
    for record in caplog.records:
        logged = record.getMessage() + repr(record.__dict__)
        assert WRITE_KEY not in logged
        assert "a@b.cn" not in logged
