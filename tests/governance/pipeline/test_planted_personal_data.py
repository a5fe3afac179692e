"""Personal data planted anywhere in a sample, in any disguise, is stored nowhere readable.

A corpus plants phone, card, ID numbers and addresses in every place a sample can carry text
(event and page names, property keys at any depth, the app version, identifiers, context,
traits, values) in every disguise a client may use (full-width or other digits, dots, spaces,
hyphens, parentheses, `tel:` and `mailto:`, percent-encoding, a Chinese domain, a JSON number),
counts it through `process_batch`, then reads every text and JSON column of every governance
table, and every log line, for any planted value or its digits.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.db import models
from django.test import override_settings

from governance.dead_letters import open_letter, replay_dead_letters
from governance.models import DeadLetterBatch, ViolationCount
from governance.pipeline.process import process_batch
from governance.pipeline.store import record_dead_letter
from governance.pipeline.type_rollup import fold_pending_types
from tests.governance.pipeline.batches import make_batch

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plant:
    """One personal value as a client sends it, and what must never be readable at rest."""

    name: str  # kind-disguise-position, for the report
    value: Any
    needles: tuple[str, ...]


# Personal values, one fresh number or address per plant so that a leak names its plant.
def _phone(n: int) -> str:
    return f"139{n:08d}"


def _card(n: int) -> str:
    body = f"4{n:014d}"
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return body + str(-total % 10)


def _id_number(n: int) -> str:
    body = f"11010519491231{n % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _grouped(digits: str, sizes: tuple[int, ...], separator: str) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start : start + size])
        start += size
    return separator.join(parts)


# Disguises: (name, kind, make) where make(n) -> (value, needles).
Disguise = tuple[str, Callable[[int], tuple[Any, tuple[str, ...]]]]
TEXT_DISGUISES: list[Disguise] = [
    ("phone-plain", lambda n: (_phone(n), (_phone(n),))),
    ("phone-full-width", lambda n: (_phone(n).translate(FULL_WIDTH), (_phone(n),))),
    (
        "phone-arabic-digits",
        lambda n: (_phone(n).translate(ARABIC_INDIC), (_phone(n),)),
    ),
    ("phone-dotted", lambda n: (_grouped(_phone(n), (3, 4, 4), "."), (_phone(n),))),
    ("phone-spaced", lambda n: (_grouped(_phone(n), (3, 4, 4), " "), (_phone(n),))),
    ("phone-dashed", lambda n: (_grouped(_phone(n), (3, 4, 4), "-"), (_phone(n),))),
    (
        "phone-each-digit-spaced",
        lambda n: (" ".join(_phone(n)), (_phone(n),)),
    ),
    (
        "phone-parenthesised",
        lambda n: (f"({_phone(n)[:3]}) {_phone(n)[3:7]}-{_phone(n)[7:]}", (_phone(n),)),
    ),
    (
        "phone-tel",
        lambda n: (f"tel:+86-{_grouped(_phone(n), (3, 4, 4), '-')}", (_phone(n),)),
    ),
    ("phone-percent", lambda n: (f"%2B86{_phone(n)}", (_phone(n),))),
    ("phone-international", lambda n: (f"+44 20 7946 {n:04d}", (f"44207946{n:04d}",))),
    ("email-plain", lambda n: (f"user{n:04d}.z@example.com", (f"user{n:04d}.z",))),
    ("email-percent", lambda n: (f"user{n:04d}.z%40example.com", (f"user{n:04d}.z",))),
    (
        "email-mailto",
        lambda n: (f"mailto:user{n:04d}.z@example.com", (f"user{n:04d}.z",)),
    ),
    (
        "email-full-width-at",
        lambda n: (f"user{n:04d}.z＠example.com", (f"user{n:04d}.z",)),
    ),
    ("email-idn", lambda n: (f"张三{n:04d}@例子.中国", (f"张三{n:04d}",))),
    (
        "email-punycode",
        lambda n: (f"li{n:04d}.s@xn--fsqu00a.xn--fiqs8s", (f"li{n:04d}.s",)),
    ),
    ("card-plain", lambda n: (_card(n), (_card(n),))),
    ("card-spaced", lambda n: (_grouped(_card(n), (4, 4, 4, 4), " "), (_card(n),))),
    ("card-full-width", lambda n: (_card(n).translate(FULL_WIDTH), (_card(n),))),
    ("id-plain", lambda n: (_id_number(n), (_id_number(n),))),
    (
        "id-spaced",
        lambda n: (_grouped(_id_number(n), (6, 8, 4), " "), (_id_number(n),)),
    ),
]
NUMBER_DISGUISES: list[Disguise] = [
    ("phone-json-integer", lambda n: (int(_phone(n)), (_phone(n),))),
    ("phone-json-float", lambda n: (float(_phone(n)), (_phone(n),))),
    ("phone-json-integer-86", lambda n: (int("86" + _phone(n)), (_phone(n),))),
    ("card-json-integer", lambda n: (int(_card(n)), (_card(n),))),
]


def _track(**fields: Any) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Order Completed",
        "anonymousId": "a-1",
        "context": {"app": {"version": "3.2.0"}},
        "properties": {"order_id": "A-1001", "price": 99.5},
        **fields,
    }


def _with_properties(**properties: Any) -> dict[str, Any]:
    message = _track()
    message["properties"].update(properties)
    return message


# Positions: name -> (takes numbers, place(value) -> message).
POSITIONS: dict[str, tuple[bool, Callable[[Any], dict[str, Any]]]] = {
    "event-name": (False, lambda v: _track(event=f"Call {v}")),
    "page-name": (
        False,
        lambda v: {**_track(), "type": "page", "name": f"Contact {v}"},
    ),
    "screen-name": (False, lambda v: {**_track(), "type": "screen", "name": f"{v}"}),
    "property-key": (False, lambda v: _with_properties(**{v: 1})),
    "nested-key": (False, lambda v: _with_properties(extra={"who": {v: "x"}})),
    "app-version": (True, lambda v: _track(context={"app": {"version": v}})),
    "message-id": (False, lambda v: _track(messageId=v)),
    "user-id": (True, lambda v: _track(userId=v)),
    "anonymous-id": (True, lambda v: _track(anonymousId=v)),
    "context-value": (True, lambda v: _track(context={"device": {"name": v}})),
    "context-key": (False, lambda v: _track(context={"device": {v: "iPhone"}})),
    "traits-value": (
        True,
        lambda v: {"type": "identify", "userId": "u-1", "traits": {"contact": v}},
    ),
    "traits-key": (
        False,
        lambda v: {"type": "identify", "userId": "u-1", "traits": {v: True}},
    ),
    "declared-text": (False, lambda v: _with_properties(note=f"call me: {v}")),
    "required-text": (False, lambda v: _with_properties(order_id=v)),
    "number-property": (True, lambda v: _with_properties(price=v)),
    "undeclared-value": (True, lambda v: _with_properties(contact=v)),
    "list-item": (True, lambda v: _with_properties(contacts=["x", v])),
    "nested-value": (True, lambda v: _with_properties(buyer={"contact": {"v": v}})),
}


def _corpus() -> list[tuple[Plant, dict[str, Any]]]:
    corpus = []
    n = 0
    for position, (takes_numbers, place) in POSITIONS.items():
        disguises = TEXT_DISGUISES + (NUMBER_DISGUISES if takes_numbers else [])
        for disguise, make in disguises:
            n += 1
            value, needles = make(n)
            message = place(value)
            message.setdefault("messageId", f"m-{n}")
            corpus.append(
                (
                    Plant(
                        name=f"{disguise} in {position}", value=value, needles=needles
                    ),
                    message,
                )
            )
    return corpus


CORPUS = _corpus()


# What a reader could make of a stored text: as stored, decoded and normalised, and with the
# separators between digits taken out. Written apart from the code under test on purpose.
def _readings(text: str) -> tuple[str, ...]:
    plain = unicodedata.normalize("NFKC", unquote(unquote(text)))
    plain = "".join(
        str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c
        for c in plain
    )
    digits = re.sub(r"(?<=[0-9])[\s.\-/()]+(?=[0-9])", "", plain)
    return (text, plain, digits)


def _stored_texts() -> Iterator[tuple[str, str]]:
    """(table.column, text) for every text and JSON column of every governance table."""
    for model in apps.get_app_config("governance").get_models():
        columns = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model.objects.values(*columns):
            for column, value in row.items():
                text = json.dumps(value, ensure_ascii=False, default=str)
                yield f"{model._meta.db_table}.{column}", text


def _leaks(plants: list[Plant], texts: list[tuple[str, str]]) -> list[str]:
    readings = [(where, _readings(text)) for where, text in texts]
    return [
        f"{plant.name}: {needle!r} readable in {where}"
        for plant in plants
        for needle in plant.needles
        for where, forms in readings
        if any(needle in form for form in forms)
    ]


@pytest.fixture
def every_sample_kept():
    """Keep every sample (the test settings keep one per second), so that every stored form
    is looked at."""
    with override_settings(SAMPLES_PER_BATCH_EVENT=10_000):
        yield


def test_the_corpus_plants_every_disguise_in_every_position():
    numeric = sum(takes for takes, _ in POSITIONS.values())
    expected = len(POSITIONS) * len(TEXT_DISGUISES) + numeric * len(NUMBER_DISGUISES)

    assert (len(POSITIONS), len(TEXT_DISGUISES), len(NUMBER_DISGUISES)) == (19, 22, 4)
    assert len(CORPUS) == expected == 454


def test_no_planted_personal_value_is_readable_in_any_table_or_log(
    source, every_sample_kept, caplog
):
    caplog.set_level(logging.DEBUG)
    messages = [message for _, message in CORPUS]

    for start in range(0, len(messages), 50):
        process_batch(make_batch(source, messages[start : start + 50]))
    fold_pending_types()

    texts = list(_stored_texts())
    texts += [("log", record.getMessage()) for record in caplog.records]
    assert _leaks([plant for plant, _ in CORPUS], texts) == []


# Where a planted value is masked but not counted as a violation: identify calls (their
# traits are personal by design), the fields the plan does not judge (identifiers, context),
# a whole number in a property the plan declares a number (its values are not scanned while
# valid), and a float sent as the app version (which is no version).
def _judged(plant: Plant, message: dict[str, Any]) -> bool:
    position = plant.name.split(" in ")[1]
    number = not isinstance(plant.value, str)
    return not (
        message["type"] == "identify"
        or position.startswith(("message-id", "user-id", "anonymous-id", "context-"))
        or (position == "number-property" and number)
        or (position == "app-version" and isinstance(plant.value, float))
    )


def test_every_planted_personal_value_the_plan_judges_is_counted_as_personal_data(
    source,
):
    judged = [(plant, m) for plant, m in CORPUS if _judged(plant, m)]
    unflagged = []
    for plant, message in judged:
        process_batch(make_batch(source, [message]))
        if not ViolationCount.objects.filter(kind="personal_data").exists():
            unflagged.append(plant.name)
        ViolationCount.objects.all().delete()

    assert len(judged) == 279
    assert unflagged == []


def test_a_dead_letter_of_the_corpus_is_unreadable_at_rest_and_replays_whole(
    source, monkeypatch
):
    batch = make_batch(source, [message for _, message in CORPUS])
    phone = _phone(7)
    letter = record_dead_letter(
        batch,
        error=f"ValueError: {phone} is not a price",
        traceback=f"Traceback…\nValueError: {phone} is not a price",
        attempts=6,
    )
    replayed: list[dict] = []
    monkeypatch.setattr("governance.dead_letters.enqueue_batch", replayed.append)

    texts = list(_stored_texts())
    replay = replay_dead_letters(DeadLetterBatch.objects.all())

    assert _leaks([plant for plant, _ in CORPUS], texts) == []
    assert (replay.replayed, replay.unreadable, replayed) == (1, (), [batch])
    assert open_letter(letter) == batch


def test_a_replayed_dead_letter_of_the_corpus_is_counted_and_masked(
    source, every_sample_kept, monkeypatch
):
    batch = make_batch(source, [message for _, message in CORPUS][:100])
    record_dead_letter(batch, error="OperationalError", traceback="", attempts=6)
    replayed: list[dict] = []
    monkeypatch.setattr("governance.dead_letters.enqueue_batch", replayed.append)
    replay_dead_letters(DeadLetterBatch.objects.all())

    result = process_batch(replayed[0])

    assert (result.samples, result.counted) == (100, 100)
    planted = [plant for plant, _ in CORPUS][:100]
    assert _leaks(planted, list(_stored_texts())) == []


def test_the_reading_of_stored_text_finds_a_disguised_number():
    # The checker itself: a leak written any of these ways is caught.
    needle = _phone(1)
    stored = [
        needle,
        needle.translate(FULL_WIDTH),
        "139.0000.0001",
        "(139) 0000-0001",
        "%31%33%39%30%30%30%30%30%30%30%31",
    ]

    assert [any(needle in form for form in _readings(s)) for s in stored] == [True] * 5
