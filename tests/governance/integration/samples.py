"""Segment messages for the demo plan, as an SDK would send them, and the counts kept of them."""

from __future__ import annotations

import base64
import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Sum

from governance.models import ViolationCount, WindowCount
from governance.pipeline.batch import BatchPayload, new_batch
from tracking.models import Source

# Valid common properties of every demo event sent from the web shop.
WEB = {"platform": "web", "app_version": "5.12.0"}
SEARCHED = "Products Searched"


def now_iso(*, ahead: timedelta = timedelta(0)) -> str:
    moment = datetime.now(UTC) + ahead
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def track(event: str, properties: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A track call with a fresh messageId and an anonymous id; `fields` override either."""
    message = {
        "type": "track",
        "event": event,
        "properties": properties,
        "messageId": str(uuid.uuid4()),
        "anonymousId": "a-5f1c2e",
        "timestamp": now_iso(),
    }
    message.update(fields)
    return message


def searched(**properties: Any) -> dict[str, Any]:
    """Valid properties of Products Searched, changed or added to by `properties`."""
    return {**WEB, "page_name": "search", "query": "降噪耳机", **properties}


def body(document: dict[str, Any]) -> bytes:
    """UTF-8 JSON with text as written (not \\u escapes) and integers of any size exact."""
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def batch_body(messages: list[dict[str, Any]]) -> bytes:
    return body({"batch": messages, "sentAt": now_iso()})


def headers(write_key: str) -> dict[str, str]:
    """What Segment's SDKs send: the write key as the Basic auth username."""
    token = base64.b64encode(f"{write_key}:".encode()).decode()
    return {"Authorization": f"Basic {token}", "Content-Type": "application/json"}


def direct_batch(source: Source, messages: list[dict[str, Any]]) -> BatchPayload:
    """A batch as the collector would enqueue it for this source (no size limit here)."""
    return new_batch(
        source_id=source.pk,
        plan_id=source.plan_id,
        endpoint="batch",
        body=batch_body(messages),
        received_at=datetime.now(UTC),
    )


def received(source: Source) -> int:
    """Samples counted for a source, all windows and events together."""
    total = WindowCount.objects.filter(source=source).aggregate(n=Sum("received"))["n"]
    return int(total or 0)


def window_totals(source: Source) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(type, event) -> (received, valid, invalid, personal), summed over windows."""
    rows = (
        WindowCount.objects.filter(source=source)
        .values("message_type", "event_name")
        .annotate(
            received_=Sum("received"),
            valid_=Sum("valid"),
            invalid_=Sum("invalid"),
            personal_=Sum("personal"),
        )
    )
    return {
        (r["message_type"], r["event_name"]): (
            r["received_"],
            r["valid_"],
            r["invalid_"],
            r["personal_"],
        )
        for r in rows
    }


def violation_counts(source: Source) -> dict[tuple[str, str, str, str], int]:
    """(event, kind, keyword, path) -> count, summed over app versions."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for row in ViolationCount.objects.filter(source=source):
        counts[(row.event_name, row.kind, row.keyword, row.path)] += row.count
    return dict(counts)
