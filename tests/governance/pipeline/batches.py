"""Batches as the collector enqueues them, and the messages they carry."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import orjson

from governance.pipeline.batch import BatchPayload, new_batch
from tests.factories import EventFactory, EventPropertyFactory, PropertyFactory

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
RECEIVED_AT = datetime(2024, 5, 18, 1, 32, 17, tzinfo=UTC)


def add_event(plan, key: str, *, required: str = "") -> None:
    """Add an event (optionally with one required string property) to the draft."""
    event = EventFactory(plan=plan, key=key)
    if required:
        EventPropertyFactory(
            event=event,
            property=PropertyFactory(plan=plan, key=required),
            required=True,
        )


def make_batch(
    source,
    messages: list[dict],
    *,
    received_at: datetime = RECEIVED_AT,
    **document,
) -> BatchPayload:
    """A `batch` request carrying `messages`, as the collector forwards it."""
    body = orjson.dumps({"batch": messages, **document})
    return raw_batch(source, body, received_at=received_at)


def raw_batch(
    source,
    body: bytes,
    *,
    endpoint: str = "batch",
    received_at: datetime = RECEIVED_AT,
) -> BatchPayload:
    """A request body exactly as a client sent it, as the collector forwards it."""
    return new_batch(
        source_id=source.id,
        plan_id=source.plan_id,
        endpoint=endpoint,
        body=body,
        received_at=received_at,
    )


def order(message_id: str | None, *, version: str = "3.2.0", **properties) -> dict:
    """An Order Completed track call; valid unless `properties` say otherwise."""
    message = {
        "type": "track",
        "event": "Order Completed",
        "anonymousId": "a-1",
        "context": {"app": {"version": version}},
        "properties": {"order_id": "A-1001", "price": 99.5, **properties},
    }
    if message_id is not None:
        message["messageId"] = message_id
    return message


def sample_body(name: str) -> bytes:
    """A golden request body from tests/fixtures/samples, byte for byte."""
    return (SAMPLES / name).read_bytes()


def sample_messages(name: str) -> list[dict]:
    return json.loads(sample_body(name))["batch"]
