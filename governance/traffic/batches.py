"""Batches of Segment track calls for a published plan, and the `Flaw`s some of them carry."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from governance.traffic.clients import Client, new_client
from governance.traffic.values import (
    event_properties,
    fits,
    iso_timestamp,
    random_uuid,
)
from tracking.constraints import (
    ARRAY,
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NUMBER,
    OBJECT,
    STRING,
)

if TYPE_CHECKING:
    from datetime import datetime
    from random import Random

    from tracking.snapshot import EventSpec, PlanSnapshot, PropertySpec, SourceSpec

DEFAULT_BROKEN_RATE = 0.07


class Flaw(StrEnum):
    WRONG_TYPE = "wrong_type"
    MISSING_REQUIRED = "missing_required"
    UNPLANNED_EVENT = "unplanned_event"
    PERSONAL_DATA = "personal_data"
    ZONELESS_TIMESTAMP = "zoneless_timestamp"
    FUTURE_TIMESTAMP = "future_timestamp"
    REPEATED_MESSAGE_ID = "repeated_message_id"

    @property
    def breaks_envelope(self) -> bool:
        """The collector refuses the whole request, so such a sample is sent on its own."""
        return self is Flaw.ZONELESS_TIMESTAMP


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """One Segment message; `detail` names the property or field a flaw is in."""

    message: dict[str, Any]
    flaw: Flaw | None = None
    detail: str = ""


_UNPLANNED_EVENTS = (
    "Live Stream Joined",
    "Red Packet Opened",
    "btn_click",
    "Coupon Center Viewed",
)
_PERSONAL_TEXTS = (
    "13812345678",
    "配送前请联系 139 1234 5678",
    "zhang.wei@example.com",
    "有问题请发邮件 li.na@example.cn",
)
_WRONG_TYPES: dict[str, Any] = {
    STRING: 20240518,
    INTEGER: "3",
    NUMBER: "899.00",
    BOOLEAN: "true",
    DATE_TIME: 1716000000,
    ARRAY: "SKU-100231",
    OBJECT: "浙江省 杭州市",
}


def sendable_events(snapshot: PlanSnapshot, source_name: str) -> list[EventSpec]:
    """Events a source sends: those planned for it (or for no source in particular), not drafts."""
    return [
        e
        for e in snapshot.events
        if e.status != "draft" and (not e.sources or source_name in e.sources)
    ]


def build_batch(
    snapshot: PlanSnapshot,
    rng: Random,
    *,
    source: SourceSpec,
    now: datetime,
    size: int = 20,
    broken_rate: float = DEFAULT_BROKEN_RATE,
    flaws: tuple[Flaw, ...] = tuple(Flaw),
) -> list[Sample]:
    """`size` track calls from a few clients of one source; about `broken_rate` carry a flaw."""
    events = sendable_events(snapshot, source.name)
    if not events:
        return []
    clients = [new_client(source.kind, rng) for _ in range(rng.randint(2, 5))]
    samples: list[Sample] = []
    for _ in range(size):
        flaw = rng.choice(flaws) if rng.random() < broken_rate else None
        client = rng.choice(clients)
        if flaw is Flaw.REPEATED_MESSAGE_ID:
            samples.append(
                _repeat(samples) or _sample(snapshot, rng, events, client, now)
            )
        else:
            samples.append(_sample(snapshot, rng, events, client, now, flaw=flaw))
    return samples


def batch_body(samples: list[Sample], *, now: datetime) -> dict[str, Any]:
    """A `/v1/batch` request body for the samples."""
    return {"batch": [s.message for s in samples], "sentAt": iso_timestamp(now)}


def _repeat(samples: list[Sample]) -> Sample | None:
    """An SDK retry: an earlier clean message sent again, messageId and all."""
    earlier = [s for s in samples if s.flaw is None]
    if not earlier:
        return None
    message = copy.deepcopy(earlier[-1].message)
    return Sample(
        message=message, flaw=Flaw.REPEATED_MESSAGE_ID, detail=message["messageId"]
    )


def _sample(
    snapshot: PlanSnapshot,
    rng: Random,
    events: list[EventSpec],
    client: Client,
    now: datetime,
    *,
    flaw: Flaw | None = None,
) -> Sample:
    event = rng.choice(events)
    properties = event_properties(event, rng, client=client, now=now)
    message: dict[str, Any] = {
        "type": "track",
        "event": event.key,
        "properties": properties,
        "messageId": random_uuid(rng),
        "anonymousId": client.anonymous_id,
        "timestamp": iso_timestamp(now - timedelta(milliseconds=rng.randint(50, 5000))),
        "context": client.context,
    }
    if client.user_id:
        message["userId"] = client.user_id
    detail = _apply_flaw(flaw, message, event, rng, snapshot=snapshot, now=now)
    if flaw is not None and detail is None:
        # The event has nothing this flaw could break (e.g. no free-text property).
        return Sample(message=message)
    return Sample(message=message, flaw=flaw, detail=detail or "")


def _apply_flaw(
    flaw: Flaw | None,
    message: dict[str, Any],
    event: EventSpec,
    rng: Random,
    *,
    snapshot: PlanSnapshot,
    now: datetime,
) -> str | None:
    """Break the message in place the flaw's way; the property or field broken, or None."""
    properties: dict[str, Any] = message["properties"]
    if flaw is Flaw.WRONG_TYPE:
        keys = [a.key for a in event.properties if a.key in properties]
        if not keys:
            return None
        wrong: str = rng.choice(keys)
        properties[wrong] = _WRONG_TYPES[_spec(event, wrong).type]
        return wrong
    if flaw is Flaw.MISSING_REQUIRED:
        required = sorted(a.key for a in event.properties if a.required)
        if not required:
            return None
        missing: str = rng.choice(required)
        properties.pop(missing, None)
        return missing
    if flaw is Flaw.UNPLANNED_EVENT:
        names = [n for n in _UNPLANNED_EVENTS if snapshot.event(n) is None]
        if not names:
            return None
        message["event"] = rng.choice(names)
        return str(message["event"])
    if flaw is Flaw.PERSONAL_DATA:
        return _leak_personal_data(properties, event, rng)
    if flaw is Flaw.ZONELESS_TIMESTAMP:
        message["timestamp"] = now.replace(tzinfo=None).isoformat(timespec="seconds")
        return "timestamp"
    if flaw is Flaw.FUTURE_TIMESTAMP:
        message["timestamp"] = iso_timestamp(now + timedelta(days=rng.randint(30, 400)))
        return "timestamp"
    return None


def _leak_personal_data(
    properties: dict[str, Any], event: EventSpec, rng: Random
) -> str | None:
    """A phone number or e-mail address typed into a free-text property."""
    text = rng.choice(_PERSONAL_TEXTS)
    free = [
        a.key
        for a in event.properties
        if a.property.type == STRING
        and not a.property.enum
        and not a.property.patterns
        and fits(a.property, text)
    ]
    # Prefer a property a person types into over the client's ids.
    preferred = [k for k in free if k not in ("device_id", "session_id")] or free
    if not preferred:
        return None
    chosen: str = rng.choice(preferred)
    properties[chosen] = text
    return chosen


def _spec(event: EventSpec, key: str) -> PropertySpec:
    attached = event.attached(key)
    if attached is None:
        msg = f"{event.key!r} has no property {key!r}."
        raise KeyError(msg)
    return attached.property
