"""A deterministic synthetic plan and a corpus of Segment batch bodies sent against it.

The plan covers every property type and constraint the registry knows, plus common properties
and personal and sensitive ones. The corpus is what mobile SDKs send: batches of track calls
with a little page, screen and identify traffic, UUID message and anonymous ids, a full
`context`, and about one sample in ten broken in one of the ways live traffic breaks.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from tracking.snapshot import (
    ORIGIN_COMMON,
    AttachedProperty,
    EventSpec,
    PlanSnapshot,
    PropertySpec,
    merge_attachments,
)

SEED = 20260115
BASE_TIME = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
DEFECT_RATE = 0.10
DEFECTS = (
    "wrong_type",
    "missing_required",
    "enum_miss",
    "out_of_range",
    "zoneless_date_time",
    "unplanned_event",
    "personal_in_text",
    "repeated_message_id",
)

Maker = Callable[[random.Random], Any]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_NOUNS = _words(
    "cart item product order coupon search banner video article comment review payment "
    "shipping address account profile invite lesson course quiz badge reward wallet ticket "
    "seat flight hotel room booking menu dish store brand category filter sort page feed "
    "story post message chat friend group channel live gift level mission"
)
_OBJECTS = _words(
    "Product Cart Order Coupon Search Banner Video Article Comment Review Payment Account "
    "Profile Invite Lesson Course Quiz Badge Reward Wallet Ticket Flight Hotel Booking Store "
    "Feed Story Post Message Friend Group Channel Gift Level Mission Survey Address Plan "
    "Subscription Notification"
)
_ACTIONS = _words(
    "Viewed Clicked Added Removed Started Completed Shared Submitted Opened Closed Updated "
    "Deleted Saved Liked Followed Purchased Applied Searched Filtered Selected Played "
    "Paused Skipped Rated Redeemed"
)
_WORDS = _words(
    "fast delivery great price red blue large small gift for mum weekend sale new arrival "
    "best seller family pack organic fresh spicy noodle tea coffee phone case running shoes"
)
_CITIES = ("Shanghai", "Beijing", "Shenzhen", "Hangzhou", "Chengdu", "Wuhan")


@dataclass(frozen=True, slots=True, kw_only=True)
class LibraryProperty:
    spec: PropertySpec
    make: Maker  # a value that fits the spec


@dataclass(frozen=True, slots=True, kw_only=True)
class SyntheticPlan:
    snapshot: PlanSnapshot
    makers: dict[
        str, Maker
    ]  # property key -> value maker (event narrowings are not used)
    weights: tuple[float, ...]  # traffic share of each event, in snapshot order


@dataclass(slots=True, kw_only=True)
class Corpus:
    bodies: list[bytes]
    samples: int
    defects: Counter[str] = field(default_factory=Counter)
    message_types: Counter[str] = field(default_factory=Counter)

    @property
    def megabytes(self) -> float:
        return sum(len(b) for b in self.bodies) / 1e6

    def head(self, samples: int) -> Corpus:
        """The first `samples` samples, the last body cut short if need be."""
        bodies, count = [], 0
        for body in self.bodies:
            if count >= samples:
                break
            document = orjson.loads(body)
            size = len(document["batch"])
            if count + size > samples:
                document["batch"] = document["batch"][: samples - count]
                body, size = orjson.dumps(document), samples - count
            bodies.append(body)
            count += size
        return Corpus(bodies=bodies, samples=count)


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


def _word_text(rnd: random.Random) -> str:
    return " ".join(rnd.choices(_WORDS, k=rnd.randint(1, 6)))


def _iso(moment: datetime, *, zone: bool = True) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
    return text + "Z" if zone else text


def _date_time(rnd: random.Random) -> str:
    return _iso(BASE_TIME - timedelta(seconds=rnd.randrange(30 * 86400)))


_ORDER_ITEM = (
    PropertySpec(key="sku", type="string", patterns=("^SKU-[0-9]{6}$",)),
    PropertySpec(key="quantity", type="integer", minimum="1", maximum="99"),
    PropertySpec(key="price", type="number", minimum="0", maximum="99999.99"),
)
_ADDRESS = (
    PropertySpec(key="city", type="string", max_length=40),
    PropertySpec(key="country", type="string", enum=("CN", "HK", "SG", "US")),
    PropertySpec(key="postcode", type="string", patterns=("^[0-9]{6}$",)),
)


def _order_item(rnd: random.Random) -> dict[str, Any]:
    return {
        "sku": f"SKU-{rnd.randrange(10**6):06d}",
        "quantity": rnd.randint(1, 5),
        "price": round(rnd.uniform(1, 999), 2),
    }


def _address(rnd: random.Random) -> dict[str, Any]:
    return {
        "city": rnd.choice(_CITIES),
        "country": rnd.choice(("CN", "CN", "CN", "HK", "SG")),
        "postcode": f"{rnd.randrange(100000, 999999)}",
    }


def _kinds() -> list[tuple[str, Callable[[str, random.Random], LibraryProperty]]]:
    """(role word, builder) for each kind of property; the role ends the property's key."""

    def enum(key: str, rnd: random.Random) -> LibraryProperty:
        values = tuple(rnd.sample(_WORDS, rnd.randint(3, 6)))
        return LibraryProperty(
            spec=PropertySpec(key=key, type="string", enum=values),
            make=lambda r: r.choice(values),
        )

    def code(key: str, rnd: random.Random) -> LibraryProperty:
        return LibraryProperty(
            spec=PropertySpec(
                key=key, type="string", patterns=("^ORD-[0-9]{8}-[0-9]{4}$",)
            ),
            make=lambda r: f"ORD-2026{r.randrange(10**4):04d}-{r.randrange(10**4):04d}",
        )

    def text(key: str, rnd: random.Random) -> LibraryProperty:
        return LibraryProperty(
            spec=PropertySpec(key=key, type="string", min_length=1, max_length=120),
            make=_word_text,
        )

    def count(key: str, rnd: random.Random) -> LibraryProperty:
        top = rnd.choice((10, 100, 1000, 100000))
        return LibraryProperty(
            spec=PropertySpec(key=key, type="integer", minimum="0", maximum=str(top)),
            make=lambda r: r.randint(0, top),
        )

    def amount(key: str, rnd: random.Random) -> LibraryProperty:
        return LibraryProperty(
            spec=PropertySpec(key=key, type="number", minimum="0", maximum="99999.99"),
            make=lambda r: round(r.uniform(0, 5000), 2),
        )

    def flag(key: str, rnd: random.Random) -> LibraryProperty:
        return LibraryProperty(
            spec=PropertySpec(key=key, type="boolean"),
            make=lambda r: r.random() < 0.5,
        )

    def moment(key: str, rnd: random.Random) -> LibraryProperty:
        return LibraryProperty(
            spec=PropertySpec(key=key, type="date-time"), make=_date_time
        )

    def tags(key: str, rnd: random.Random) -> LibraryProperty:
        values = tuple(rnd.sample(_WORDS, 6))
        spec = PropertySpec(
            key=key,
            type="array",
            item_type="string",
            enum=values,
            min_items=1,
            max_items=5,
        )
        return LibraryProperty(
            spec=spec, make=lambda r: r.sample(values, r.randint(1, 3))
        )

    def ids(key: str, rnd: random.Random) -> LibraryProperty:
        spec = PropertySpec(
            key=key, type="array", item_type="integer", minimum="1", maximum="1000000"
        )
        return LibraryProperty(
            spec=spec,
            make=lambda r: [r.randint(1, 10**6) for _ in range(r.randint(0, 4))],
        )

    def items(key: str, rnd: random.Random) -> LibraryProperty:
        spec = PropertySpec(
            key=key, type="array", item_type="object", fields=_ORDER_ITEM, max_items=20
        )
        return LibraryProperty(
            spec=spec,
            make=lambda r: [_order_item(r) for _ in range(r.randint(1, 3))],
        )

    def place(key: str, rnd: random.Random) -> LibraryProperty:
        return LibraryProperty(
            spec=PropertySpec(key=key, type="object", fields=_ADDRESS), make=_address
        )

    return [
        ("type", enum),
        ("status", enum),
        ("code", code),
        ("text", text),
        ("title", text),
        ("count", count),
        ("index", count),
        ("amount", amount),
        ("is_new", flag),
        ("at", moment),
        ("tags", tags),
        ("ids", ids),
        ("items", items),
        ("address", place),
    ]


def _personal_properties() -> list[LibraryProperty]:
    return [
        LibraryProperty(
            spec=PropertySpec(
                key="contact_email", type="string", privacy_class="personal"
            ),
            make=lambda r: f"user{r.randrange(10**5)}@example.com",
        ),
        LibraryProperty(
            spec=PropertySpec(
                key="contact_phone", type="string", privacy_class="personal"
            ),
            make=lambda r: f"13{r.randint(5, 9)}{r.randrange(10**8):08d}",
        ),
        LibraryProperty(
            spec=PropertySpec(key="id_card", type="string", privacy_class="sensitive"),
            make=lambda r: f"TOKEN-{r.randrange(10**6):06d}",
        ),
    ]


def _common() -> list[tuple[LibraryProperty, bool]]:
    return [
        (
            LibraryProperty(
                spec=PropertySpec(
                    key="platform", type="string", enum=("ios", "android", "web")
                ),
                make=lambda r: r.choice(("ios", "ios", "android", "web")),
            ),
            True,
        ),
        (
            LibraryProperty(
                spec=PropertySpec(
                    key="session_id", type="string", patterns=("^[0-9a-f]{16}$",)
                ),
                make=lambda r: f"{r.getrandbits(64):016x}",
            ),
            True,
        ),
        (
            LibraryProperty(
                spec=PropertySpec(key="is_logged_in", type="boolean"),
                make=lambda r: r.random() < 0.7,
            ),
            False,
        ),
        (
            LibraryProperty(
                spec=PropertySpec(key="screen_name", type="string", max_length=80),
                make=lambda r: r.choice(("Home", "Cart", "Product Detail", "Search")),
            ),
            False,
        ),
    ]


def _library(rnd: random.Random, size: int) -> list[LibraryProperty]:
    kinds = _kinds()
    library = _personal_properties()
    keys = {p.spec.key for p in library}
    while len(library) < size:
        role, build = kinds[len(library) % len(kinds)]
        key = f"{rnd.choice(_NOUNS)}_{role}"
        if key in keys:
            continue
        keys.add(key)
        library.append(build(key, rnd))
    return library


def _event_names(count: int) -> list[str]:
    names = [f"{o} {a}" for a in _ACTIONS for o in _OBJECTS]
    rounds = 1
    while len(names) < count:
        rounds += 1
        names += [f"{o} {a} {rounds}" for a in _ACTIONS for o in _OBJECTS]
    return names[:count]


def synthetic_plan(
    *, events: int = 60, properties: int = 150, seed: int = SEED
) -> SyntheticPlan:
    """A plan of `events` events with 5-25 properties each, drawn from `properties` of all kinds."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    library = _library(rnd, properties)
    common = [
        AttachedProperty(property=p.spec, required=req, origin=ORIGIN_COMMON)
        for p, req in _common()
    ]
    makers = {p.spec.key: p.make for p in library}
    makers.update({p.spec.key: p.make for p, _ in _common()})
    names = _event_names(events)
    rnd.shuffle(names)
    specs = []
    for name in names:
        chosen = rnd.sample(library, rnd.randint(5, 25))
        own = [
            AttachedProperty(property=p.spec, required=rnd.random() < 0.4)
            for p in chosen
        ]
        specs.append(EventSpec(key=name, properties=merge_attachments([*own, *common])))
    snapshot = PlanSnapshot(
        key="bench-shop",
        name="Bench Shop",
        common_properties=tuple(common),
        events=tuple(sorted(specs, key=lambda e: e.key)),
    )
    weights = tuple(1 / (rank + 1) ** 0.8 for rank in range(events))
    return SyntheticPlan(snapshot=snapshot, makers=makers, weights=weights)


# --------------------------------------------------------------------------------------------
# The samples
# --------------------------------------------------------------------------------------------


def _uuid(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


def _context(rnd: random.Random) -> dict[str, Any]:
    ios = rnd.random() < 0.6
    return {
        "app": {
            "name": "Shop",
            "version": rnd.choice(("3.2.0", "3.2.1", "3.3.0")),
            "build": rnd.choice(("3200", "3210", "3300")),
            "namespace": "com.example.shop",
        },
        "device": {
            "id": _uuid(rnd),
            "manufacturer": "Apple" if ios else "Xiaomi",
            "model": "iPhone15,2" if ios else "23049RAD8C",
            "type": "ios" if ios else "android",
        },
        "library": {
            "name": "analytics-ios" if ios else "analytics-android",
            "version": "4.1.8" if ios else "4.11.3",
        },
        "locale": "zh-CN",
        "network": {"wifi": rnd.random() < 0.7, "carrier": "China Mobile"},
        "os": {"name": "iOS" if ios else "Android", "version": "17.4" if ios else "14"},
        "screen": {"width": 390, "height": 844},
        "timezone": "Asia/Shanghai",
        "ip": f"203.0.113.{rnd.randrange(1, 255)}",
    }


def _envelope(rnd: random.Random, kind: str, at: datetime) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": kind,
        "messageId": _uuid(rnd),
        "anonymousId": _uuid(rnd),
        "timestamp": _iso(at - timedelta(milliseconds=rnd.randrange(300_000))),
        "context": _context(rnd),
        "integrations": {},
    }
    if rnd.random() < 0.6:
        message["userId"] = f"user_{rnd.randrange(10**7)}"
    return message


def _properties(
    rnd: random.Random, event: EventSpec, makers: dict[str, Maker]
) -> dict[str, Any]:
    return {
        a.key: makers[a.key](rnd)
        for a in event.properties
        if a.required or rnd.random() < 0.6
    }


def _track(
    rnd: random.Random, plan: SyntheticPlan, at: datetime
) -> tuple[dict[str, Any], EventSpec]:
    event = rnd.choices(plan.snapshot.events, weights=plan.weights)[0]
    message = _envelope(rnd, "track", at)
    message["event"] = event.key
    message["properties"] = _properties(rnd, event, plan.makers)
    return message, event


def _other(rnd: random.Random, kind: str, at: datetime) -> dict[str, Any]:
    message = _envelope(rnd, kind, at)
    if kind == "identify":
        message["userId"] = f"user_{rnd.randrange(10**7)}"
        message["traits"] = {
            "email": f"user{rnd.randrange(10**5)}@example.com",
            "plan": rnd.choice(("free", "pro")),
        }
        return message
    screen = rnd.choice(("Home", "Cart", "Product Detail", "Search", "Checkout"))
    message["name"] = screen
    message["properties"] = {"path": "/" + screen.lower().replace(" ", "-")}
    if kind == "page":
        message["properties"]["title"] = f"{screen} | Shop"
        message["properties"]["referrer"] = "https://www.example.com/"
    return message


# Each returns True when it could break this sample; False sends it to the next one tried.


def _break_wrong_type(
    rnd: random.Random, message: dict[str, Any], event: EventSpec
) -> bool:
    props = message["properties"]
    key = rnd.choice(list(props))
    value = props[key]
    props[key] = (
        str(value) if isinstance(value, bool | int | float) else rnd.randint(1, 99)
    )
    return True


def _break_missing_required(
    rnd: random.Random, message: dict[str, Any], event: EventSpec
) -> bool:
    required = [a.key for a in event.properties if a.required]
    if not required:
        return False
    message["properties"].pop(rnd.choice(required), None)
    return True


def _first(
    event: EventSpec, message: dict[str, Any], test: Callable[[PropertySpec], bool]
) -> str | None:
    for attached in event.properties:
        if attached.key in message["properties"] and test(attached.property):
            return attached.key
    return None


def _break_enum(rnd: random.Random, message: dict[str, Any], event: EventSpec) -> bool:
    key = _first(event, message, lambda p: bool(p.enum) and p.type == "string")
    if key is None:
        return False
    message["properties"][key] = "unknown_" + rnd.choice(_WORDS)
    return True


def _break_range(rnd: random.Random, message: dict[str, Any], event: EventSpec) -> bool:
    key = _first(event, message, lambda p: p.type in {"integer", "number"})
    if key is None:
        return False
    message["properties"][key] = rnd.choice((-1, 10**7))
    return True


def _break_zone(rnd: random.Random, message: dict[str, Any], event: EventSpec) -> bool:
    key = _first(event, message, lambda p: p.type == "date-time")
    if key is None:
        return False
    message["properties"][key] = _iso(BASE_TIME, zone=False)
    return True


def _break_text(rnd: random.Random, message: dict[str, Any], event: EventSpec) -> bool:
    key = _first(event, message, lambda p: p.type == "string" and p.max_length == 120)
    if key is None:
        return False
    personal = rnd.choice(
        (
            f"call me on 13{rnd.randint(5, 9)}{rnd.randrange(10**8):08d} after 6pm",
            f"send the invoice to buyer{rnd.randrange(10**4)}@example.com please",
        )
    )
    message["properties"][key] = personal
    return True


_BREAKERS = {
    "wrong_type": _break_wrong_type,
    "missing_required": _break_missing_required,
    "enum_miss": _break_enum,
    "out_of_range": _break_range,
    "zoneless_date_time": _break_zone,
    "personal_in_text": _break_text,
}


def _defective(
    rnd: random.Random,
    plan: SyntheticPlan,
    at: datetime,
    recent: list[dict[str, Any]],
) -> tuple[dict[str, Any], str]:
    defect = rnd.choice(DEFECTS)
    if defect == "repeated_message_id" and recent:
        # An SDK retry: the same message, sent again in a later batch.
        return orjson.loads(orjson.dumps(rnd.choice(recent))), defect
    message, event = _track(rnd, plan, at)
    if defect == "unplanned_event":
        message["event"] = f"{rnd.choice(_OBJECTS)} Teleported"
        return message, defect
    breaker = _BREAKERS.get(defect, _break_wrong_type)
    if not message["properties"] or not breaker(rnd, message, event):
        defect = "wrong_type" if message["properties"] else "unplanned_event"
        if defect == "wrong_type":
            _break_wrong_type(rnd, message, event)
        else:
            message["event"] = f"{rnd.choice(_OBJECTS)} Teleported"
    return message, defect


def build_corpus(
    plan: SyntheticPlan,
    *,
    samples: int,
    batch_size: int = 100,
    seed: int = SEED,
    start: datetime = BASE_TIME,
) -> Corpus:
    """`samples` messages as batch bodies of `batch_size`, the same bytes for the same seed."""
    rnd = random.Random(seed + 1)  # noqa: S311 - reproducible data, not secrets
    corpus = Corpus(bodies=[], samples=0)
    recent: list[dict[str, Any]] = []
    while corpus.samples < samples:
        at = start + timedelta(milliseconds=100 * len(corpus.bodies))
        size = min(batch_size, samples - corpus.samples)
        batch = [_message(rnd, plan, at, recent, corpus) for _ in range(size)]
        recent = (recent + batch)[-500:]
        body = {"batch": batch, "sentAt": _iso(at)}
        corpus.bodies.append(orjson.dumps(body))
        corpus.samples += size
    return corpus


def _message(
    rnd: random.Random,
    plan: SyntheticPlan,
    at: datetime,
    recent: list[dict[str, Any]],
    corpus: Corpus,
) -> dict[str, Any]:
    roll = rnd.random()
    if roll < DEFECT_RATE:
        message, defect = _defective(rnd, plan, at, recent)
        corpus.defects[defect] += 1
    elif roll < DEFECT_RATE + 0.08:
        kind = rnd.choice(("page", "page", "screen", "identify"))
        message = _other(rnd, kind, at)
    else:
        message, _ = _track(rnd, plan, at)
    corpus.message_types[message["type"]] += 1
    return message


def without_message_ids(body: bytes) -> bytes:
    """The same batch with every messageId removed (what deduplication then skips)."""
    document = orjson.loads(body)
    document["batch"] = [
        {k: v for k, v in m.items() if k != "messageId"} for m in document["batch"]
    ]
    return orjson.dumps(document)
