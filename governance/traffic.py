"""Realistic Segment track calls for a published plan, a few broken on purpose (pure, seeded).

Everything is drawn from the `random.Random` passed in and from `now`, so a seed gives the same
traffic every time. Values come from the snapshot's property specs: enums, bounds, lengths, simple
patterns (or the property's examples), nested fields and array items. A few samples carry one
`Flaw` each, the kinds of mistakes live apps make.
"""

from __future__ import annotations

import copy
import math
import re
import re._parser as sre_parse
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    """One installed app, browser or service instance sending events."""

    anonymous_id: str
    user_id: str | None
    context: dict[str, Any]
    known: dict[str, str]  # property key -> the value this client would send for it


@dataclass(frozen=True, slots=True, kw_only=True)
class Release:
    version: str
    library: tuple[str, str]  # SDK name and version that release ships with
    weight: int


# Two or three releases live at once per platform; older ones still send a share of traffic.
RELEASES: dict[str, tuple[Release, ...]] = {
    "ios": (
        Release(version="5.10.2", library=("analytics-ios", "4.1.8"), weight=1),
        Release(version="5.11.3", library=("analytics-swift", "1.5.9"), weight=3),
        Release(version="5.12.0", library=("analytics-swift", "1.5.11"), weight=6),
    ),
    "android": (
        Release(version="5.10.2", library=("analytics-android", "4.11.3"), weight=1),
        Release(version="5.11.3", library=("analytics-kotlin", "1.15.0"), weight=3),
        Release(version="5.12.0", library=("analytics-kotlin", "1.16.0"), weight=6),
    ),
    "web": (
        Release(version="3.21.0", library=("analytics.js", "next-1.67.0"), weight=2),
        Release(version="3.22.1", library=("analytics.js", "next-1.70.0"), weight=8),
    ),
    "server": (
        Release(version="1.42.0", library=("analytics-python", "2.3.2"), weight=3),
        Release(version="1.43.2", library=("analytics-python", "2.3.3"), weight=7),
    ),
}
_OS = {
    "ios": ("iOS", ("16.7.8", "17.4.1", "17.5")),
    "android": ("Android", ("12", "13", "14")),
}
_DEVICES = {
    "ios": (("Apple", "iPhone15,2"), ("Apple", "iPhone14,5"), ("Apple", "iPhone16,1")),
    "android": (("Xiaomi", "23049RAD8C"), ("HUAWEI", "ALN-AL00"), ("OPPO", "PHB110")),
}
_CARRIERS = ("中国移动", "中国联通", "中国电信")
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Safari/605.1.15",
)
_PHRASES = (
    "限时特惠",
    "新品推荐",
    "猜你喜欢",
    "会员专享",
    "spring sale",
    "best sellers",
)
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


# --------------------------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------------------------


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
    return {"batch": [s.message for s in samples], "sentAt": _iso(now)}


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
        "messageId": _uuid(rng),
        "anonymousId": client.anonymous_id,
        "timestamp": _iso(now - timedelta(milliseconds=rng.randint(50, 5000))),
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
        key = rng.choice(keys)
        properties[key] = _WRONG_TYPES[_spec(event, key).type]
        return key
    if flaw is Flaw.MISSING_REQUIRED:
        required = sorted(a.key for a in event.properties if a.required)
        key = rng.choice(required) if required else None
        if key is not None:
            properties.pop(key, None)
        return key
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
        message["timestamp"] = _iso(now + timedelta(days=rng.randint(30, 400)))
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
    key = rng.choice(preferred)
    properties[key] = text
    return key


def _spec(event: EventSpec, key: str) -> PropertySpec:
    attached = event.attached(key)
    if attached is None:
        msg = f"{event.key!r} has no property {key!r}."
        raise KeyError(msg)
    return attached.property


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------


def new_client(kind: str, rng: Random) -> Client:
    """A client of a source kind (ios, android, web, server; others send like web), on one of
    its live releases."""
    releases = RELEASES.get(kind, RELEASES["web"])
    release = rng.choices(releases, weights=[r.weight for r in releases])[0]
    signed_in = kind == "server" or rng.random() < 0.6
    user_id = f"u{rng.randint(10_000_000, 99_999_999_999)}" if signed_in else None
    known = {"app_version": release.version, "platform": kind}
    if user_id:
        known["user_id"] = user_id
    context: dict[str, Any] = {
        "library": {"name": release.library[0], "version": release.library[1]},
        "locale": rng.choice(("zh-CN", "zh-CN", "zh-CN", "en-US")),
        "timezone": "Asia/Shanghai",
    }
    if kind != "server":
        known["session_id"] = f"s-{rng.getrandbits(32):08x}"
        known["device_id"] = str(_uuid(rng)).upper()
        context.update(
            _device_context(kind, release, rng, device_id=known["device_id"])
        )
    return Client(
        anonymous_id=_uuid(rng), user_id=user_id, context=context, known=known
    )


def _device_context(
    kind: str, release: Release, rng: Random, *, device_id: str
) -> dict[str, Any]:
    if kind not in _OS:
        return {"userAgent": rng.choice(_USER_AGENTS)}
    os_name, os_versions = _OS[kind]
    manufacturer, model = rng.choice(_DEVICES[kind])
    return {
        "app": {
            "name": "商城",
            "version": release.version,
            "build": release.version.replace(".", ""),
            "namespace": "com.example.shopapp",
        },
        "os": {"name": os_name, "version": rng.choice(os_versions)},
        "device": {
            "id": device_id,
            "manufacturer": manufacturer,
            "model": model,
            "type": kind,
        },
        "network": {"wifi": rng.random() < 0.6, "carrier": rng.choice(_CARRIERS)},
    }


# --------------------------------------------------------------------------------------------
# Values from property specs
# --------------------------------------------------------------------------------------------


def event_properties(
    event: EventSpec, rng: Random, *, client: Client, now: datetime
) -> dict[str, Any]:
    """Valid properties for one event: every required one and most optional ones."""
    properties: dict[str, Any] = {}
    for attached in event.properties:
        if not attached.required and rng.random() < 0.3:
            continue
        spec = attached.property
        known = client.known.get(spec.key)
        if known is not None and fits(spec, known):
            properties[spec.key] = known
            continue
        if spec.key in ("device_id", "session_id") and not attached.required:
            continue  # a client without one (a server) leaves it out
        value = value_for(spec, rng, now=now)
        if value is not None:
            properties[spec.key] = value
        elif attached.required and spec.examples:
            properties[spec.key] = spec.examples[0]
    return properties


def value_for(spec: PropertySpec, rng: Random, *, now: datetime) -> Any:
    """A value that satisfies the spec; None when none can be made (an unsupported pattern
    and no fitting example)."""
    if spec.type == ARRAY:
        return _array(spec, rng, now=now)
    return _scalar(spec.type, spec, rng, now=now)


def _scalar(type_: str, spec: PropertySpec, rng: Random, *, now: datetime) -> Any:
    if type_ == OBJECT:
        return _object(spec, rng, now=now)
    if spec.enum:
        return rng.choice(spec.enum)
    if type_ == BOOLEAN:
        return rng.random() < 0.5
    if type_ == INTEGER:
        return _integer(spec, rng)
    if type_ == NUMBER:
        return _number(spec, rng)
    if type_ == DATE_TIME:
        return _iso(now - timedelta(seconds=rng.randint(0, 30 * 86400)))
    return _string(spec, rng)


def _object(spec: PropertySpec, rng: Random, *, now: datetime) -> Any:
    if not spec.fields:
        examples = [e for e in spec.examples if isinstance(e, dict)]
        return copy.deepcopy(rng.choice(examples)) if examples else {}
    values = {f.key: value_for(f, rng, now=now) for f in spec.fields}
    return {k: v for k, v in values.items() if v is not None}


def _array(spec: PropertySpec, rng: Random, *, now: datetime) -> Any:
    low = spec.min_items or 0
    high = spec.max_items if spec.max_items is not None else low + 3
    count = rng.randint(min(max(low, 1), high), min(high, max(low, 1) + 2))
    if spec.enum and count <= len(spec.enum):
        return rng.sample(list(spec.enum), count)
    items = [_scalar(spec.item_type, spec, rng, now=now) for _ in range(count)]
    return None if any(i is None for i in items) else items


def _integer(spec: PropertySpec, rng: Random) -> int:
    low = math.ceil(Decimal(spec.minimum)) if spec.minimum is not None else 0
    high = math.floor(Decimal(spec.maximum)) if spec.maximum is not None else None
    examples = [e for e in spec.examples if type(e) is int and fits(spec, e)]
    if examples and rng.random() < 0.7:
        return int(rng.choice(examples))
    typical = max([low + 100, *(2 * e for e in examples)])
    return rng.randint(low, typical if high is None else min(high, typical))


def _number(spec: PropertySpec, rng: Random) -> float:
    low = float(spec.minimum) if spec.minimum is not None else 0.0
    high = float(spec.maximum) if spec.maximum is not None else None
    examples = [e for e in spec.examples if type(e) in (int, float) and fits(spec, e)]
    if examples and rng.random() < 0.5:
        return float(rng.choice(examples))
    typical = max([low + 1000.0, *(3.0 * e for e in examples)])
    top = typical if high is None else min(high, typical)
    value = round(rng.uniform(low, top), 2)
    return min(max(value, low), top)


def _string(spec: PropertySpec, rng: Random) -> Any:
    if spec.patterns:
        made = from_pattern(spec.patterns[0], rng)
        if made is not None and fits(spec, made):
            return made
        examples = [e for e in spec.examples if isinstance(e, str) and fits(spec, e)]
        return rng.choice(examples) if examples else None
    varied = [_vary(e, rng) for e in spec.examples if isinstance(e, str)]
    candidates = [v for v in varied if fits(spec, v)]
    if not candidates:
        candidates = [p for p in _PHRASES if fits(spec, p)]
    if candidates:
        return rng.choice(candidates)
    token = f"{spec.key}-{rng.getrandbits(32):08x}"
    token = token.ljust(spec.min_length or 0, "x")
    return token[: spec.max_length] if spec.max_length is not None else token


def _vary(example: str, rng: Random) -> str:
    """The example with its digits redrawn: another id or URL of the same shape."""
    return "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in example)


def fits(spec: PropertySpec, value: Any) -> bool:
    """Whether a scalar value meets the spec's enum, patterns, lengths and bounds."""
    if spec.enum and value not in spec.enum:
        return False
    if isinstance(value, str):
        if spec.min_length is not None and len(value) < spec.min_length:
            return False
        if spec.max_length is not None and len(value) > spec.max_length:
            return False
        return all(re.search(p, value) for p in spec.patterns)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if spec.minimum is not None and Decimal(str(value)) < Decimal(spec.minimum):
            return False
        if spec.maximum is not None and Decimal(str(value)) > Decimal(spec.maximum):
            return False
    return True


# --------------------------------------------------------------------------------------------
# Strings from patterns
# --------------------------------------------------------------------------------------------

_WORD = string.ascii_letters + string.digits + "_"
_CATEGORIES = {
    sre_parse.CATEGORY_DIGIT: string.digits,
    sre_parse.CATEGORY_WORD: _WORD,
    sre_parse.CATEGORY_SPACE: " ",
}
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}


class _Unsupported(Exception):
    """A construct this generator does not produce (negation, look-around, back-reference)."""


def from_pattern(pattern: str, rng: Random) -> str | None:
    """A string the pattern matches, or None for negated classes, look-arounds and the like.

    Callers check the result against every constraint and fall back to the examples.
    """
    try:
        return "".join(_emit(list(sre_parse.parse(pattern)), rng))
    except (re.error, _Unsupported):
        return None


def _emit(items: list[Any], rng: Random) -> list[str]:
    out: list[str] = []
    for op, av in items:
        if op == sre_parse.LITERAL:
            out.append(chr(av))
        elif op == sre_parse.ANY:
            out.append(rng.choice(_WORD))
        elif op == sre_parse.IN:
            out.append(_one_of(av, rng))
        elif op in _REPEATS:
            low, high, body = av
            for _ in range(rng.randint(low, min(high, low + 3))):
                out.extend(_emit(list(body), rng))
        elif op == sre_parse.SUBPATTERN:
            out.extend(_emit(list(av[-1]), rng))
        elif op == sre_parse.BRANCH:
            out.extend(_emit(list(rng.choice(av[1])), rng))
        elif op != sre_parse.AT:  # anchors produce nothing
            raise _Unsupported(str(op))
    return out


def _one_of(members: list[Any], rng: Random) -> str:
    """One character of a class such as [A-Z0-9_] or [\\d.]."""
    if any(op == sre_parse.NEGATE for op, _ in members):
        msg = "negated class"
        raise _Unsupported(msg)
    op, av = rng.choice(members)
    if op == sre_parse.LITERAL:
        return chr(av)
    if op == sre_parse.RANGE:
        return chr(rng.randint(av[0], av[1]))
    if op == sre_parse.CATEGORY and av in _CATEGORIES:
        return rng.choice(_CATEGORIES[av])
    raise _Unsupported(str(op))


# --------------------------------------------------------------------------------------------


def _uuid(rng: Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _iso(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
