"""A batch as the collector hands it to the workers: the task's one argument, JSON-safe."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypedDict


class BatchPayload(TypedDict):
    batch_id: str  # UUID; the idempotency key of the whole batch
    source_id: int
    plan_id: int
    endpoint: str  # track, page, screen, identify, group, alias or batch
    received_at: str  # ISO 8601, UTC, when the collector accepted the request
    body: str  # the request body as received (after gzip), parsed again by the worker


def new_batch(
    *, source_id: int, plan_id: int, endpoint: str, body: bytes, received_at: datetime
) -> BatchPayload:
    """A payload for an accepted request. `body` must already have parsed as UTF-8 JSON."""
    return BatchPayload(
        batch_id=str(uuid.uuid4()),
        source_id=source_id,
        plan_id=plan_id,
        endpoint=endpoint,
        received_at=received_at.isoformat(),
        body=body.decode("utf-8"),
    )
