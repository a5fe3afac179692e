"""No sample sinks its batch: what cannot be stored as sent is counted, invalid, stored repaired.

Runs on both databases (CI runs the unit layer on PostgreSQL too, which refuses NUL in text);
each case is one poisoned sample among nine valid ones. (A lone surrogate never gets this far:
the collector refuses the request, as no parser reads it as text.)
"""

from __future__ import annotations

import json

import pytest

from governance.dead_letters import replay_dead_letters
from governance.models import (
    DeadLetterBatch,
    LastSeen,
    ObservedType,
    RecentSample,
    ViolationCount,
    WindowCount,
)
from governance.pipeline import process
from governance.pipeline.process import process_batch
from governance.pipeline.storable import MAX_DEPTH
from governance.pipeline.store import record_dead_letter
from tests.governance.pipeline.batches import order, raw_batch

pytestmark = pytest.mark.django_db

NUL = "\\u0000"  # as it travels in JSON text


def nine_valid_and(poisoned_json: str) -> bytes:
    valid = [json.dumps(order(f"m-{n}")) for n in range(9)]
    return ('{"batch": [' + ", ".join([*valid, poisoned_json]) + "]}").encode()


def deep(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


POISONED = {
    "nul-in-the-event-name": (
        '{"type": "track", "event": "Bad' + NUL + 'Event", "anonymousId": "a"}'
    ),
    "nul-in-a-property-value": (
        '{"type": "track", "event": "Order Completed", "anonymousId": "a", '
        '"properties": {"order_id": "A' + NUL + '", "price": 1}}'
    ),
    "nul-in-a-property-key": (
        '{"type": "track", "event": "Order Completed", "anonymousId": "a", '
        '"properties": {"order_id": "A", "price": 1, "k' + NUL + '": 1}}'
    ),
    "nul-in-the-message-id": (
        '{"type": "track", "event": "Order Completed", "anonymousId": "a", '
        '"messageId": "m' + NUL + '", "properties": {"order_id": "A", "price": 1}}'
    ),
    "nul-in-the-app-version": (
        '{"type": "track", "event": "Order Completed", "anonymousId": "a", '
        '"context": {"app": {"version": "3.2' + NUL + '"}}, '
        '"properties": {"order_id": "A", "price": 1}}'
    ),
    "nul-in-a-page-name": '{"type": "page", "name": "Home'
    + NUL
    + '", "anonymousId": "a"}',
    "nul-in-identify-traits": (
        '{"type": "identify", "userId": "u", "traits": {"n' + NUL + '": "' + NUL + '"}}'
    ),
    **{
        f"nested-{levels}-levels": (
            '{"type": "track", "event": "Order Completed", "anonymousId": "a", '
            '"properties": {"order_id": "A", "price": 1, "d": ' + deep(levels) + "}}"
        )
        for levels in (MAX_DEPTH, 255, 600, 1020)
    },
    "nested-context": (
        '{"type": "track", "event": "Order Completed", "anonymousId": "a", '
        '"context": {"x": '
        + deep(400)
        + '}, "properties": {"order_id": "A", "price": 1}}'
    ),
}


def stored_texts() -> list[str]:
    """Every text the pipeline wrote for the sample, across its tables."""
    texts: list[str] = []
    for model, fields in [
        (WindowCount, ["event_name", "app_version"]),
        (ViolationCount, ["event_name", "app_version", "path", "message"]),
        (ObservedType, ["event_name", "path", "app_version"]),
        (LastSeen, ["event_name", "app_version"]),
        (RecentSample, ["event_name", "app_version"]),
    ]:
        for row in model.objects.values_list(*fields):
            texts += [str(value) for value in row]
    for sample in RecentSample.objects.all():
        texts.append(json.dumps(sample.message, ensure_ascii=False))
        texts.append(json.dumps(sample.violations, ensure_ascii=False))
    return texts


@pytest.mark.parametrize("poisoned", POISONED.values(), ids=POISONED.keys())
def test_a_poisoned_sample_is_counted_invalid_and_its_batch_with_it(source, poisoned):
    result = process_batch(raw_batch(source, nine_valid_and(poisoned)))

    assert (result.samples, result.counted) == (10, 10)
    totals = [
        (row.received, row.valid, row.invalid)
        for row in WindowCount.objects.filter(source=source)
    ]
    assert tuple(map(sum, zip(*totals, strict=True))) == (10, 9, 1)
    unstorable = ViolationCount.objects.filter(kind="unstorable")
    assert unstorable.count() >= 1
    assert all(v.message for v in unstorable)
    assert not any("\x00" in text for text in stored_texts())


@pytest.mark.parametrize(
    ("poisoned", "keyword"),
    [
        pytest.param(POISONED["nul-in-the-event-name"], "nul_character", id="nul"),
        pytest.param(POISONED["nested-600-levels"], "too_deep", id="deep"),
    ],
)
def test_the_violation_says_why_and_where(source, poisoned, keyword):
    process_batch(raw_batch(source, nine_valid_and(poisoned)))

    (violation,) = ViolationCount.objects.filter(kind="unstorable")
    assert violation.keyword == keyword
    assert violation.path.startswith(("/event", "/properties/d"))


def test_a_nul_event_name_is_kept_escaped_as_an_unplanned_event(source):
    process_batch(raw_batch(source, nine_valid_and(POISONED["nul-in-the-event-name"])))

    names = set(WindowCount.objects.values_list("event_name", flat=True))
    assert names == {"Order Completed", "Bad\\u0000Event"}


def test_a_sample_the_validator_fails_on_is_counted_invalid_not_raised(
    source, monkeypatch
):
    judge = process.judge

    def failing_on_the_fourth(message, *args, **kwargs):
        if message.get("messageId") == "m-3":
            msg = "boom"
            raise ValueError(msg)
        return judge(message, *args, **kwargs)

    monkeypatch.setattr(process, "judge", failing_on_the_fourth)
    body = '{"batch": [' + ", ".join(json.dumps(order(f"m-{n}")) for n in range(9))
    result = process_batch(raw_batch(source, (body + "]}").encode()))

    assert result.counted == 9
    (violation,) = ViolationCount.objects.all()
    assert (violation.kind, violation.keyword) == ("unstorable", "unjudgeable")
    assert "ValueError" in violation.message


def test_a_dead_letter_of_a_poisoned_batch_is_counted_on_replay(source, monkeypatch):
    batch = raw_batch(source, nine_valid_and(POISONED["nul-in-a-property-key"]))
    letter = record_dead_letter(
        batch,
        error="DataError: \\u0000 cannot be converted to text",
        traceback="tb",
        attempts=6,
    )
    replayed: list[dict] = []
    monkeypatch.setattr(
        "governance.dead_letters.enqueue_batch",
        lambda payload: replayed.append(payload),
    )

    replay = replay_dead_letters(DeadLetterBatch.objects.filter(pk=letter.pk))

    assert (replay.replayed, replay.unreadable) == (1, ())
    result = process_batch(replayed[0])

    assert (result.samples, result.counted) == (10, 10)
