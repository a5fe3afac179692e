"""One batch end to end on the database: counted exactly once, against the version that applies."""

from __future__ import annotations

import gc
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from governance.errors import TransientError
from governance.models import (
    LastSeen,
    ObservedType,
    ProcessedBatch,
    RecentSample,
    ViolationCount,
    WindowCount,
)
from governance.pipeline import process
from governance.pipeline.aggregate import ViolationKey
from governance.pipeline.process import BatchResult, SampleClock, process_batch
from governance.pipeline.type_rollup import fold_pending_types
from governance.pipeline.validators import PlanCache
from tests.factories import SourceFactory
from tests.governance.pipeline.batches import (
    RECEIVED_AT,
    add_event,
    make_batch,
    order,
    raw_batch,
    sample_body,
)
from tracking.publishing import publish_version

pytestmark = pytest.mark.django_db

WINDOW = datetime(2024, 5, 18, 1, 30, tzinfo=UTC)
PHONE = "13812345678"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The worker's plan cache, on a clock that only moves when the test says so."""
    clock = Clock()
    cache = PlanCache(
        refresh_seconds=settings.PIPELINE_PLAN_REFRESH_SECONDS, clock=clock
    )
    monkeypatch.setattr(process, "plan_cache", lambda: cache)
    return clock


def _counts():
    # Observed types reach their counters through pending rows, folded on beat.
    fold_pending_types()
    """Every counter row, comparable across runs."""
    return {
        "windows": sorted(
            WindowCount.objects.values_list(
                "message_type",
                "event_name",
                "app_version",
                "window_start",
                "is_planned",
                "received",
                "valid",
                "invalid",
                "personal",
            )
        ),
        "violations": sorted(
            ViolationCount.objects.values_list(
                "event_name", "app_version", "kind", "keyword", "path", "count"
            )
        ),
        "types": sorted(
            ObservedType.objects.values_list(
                "event_name", "path", "app_version", "json_type", "count"
            )
        ),
        "last_seen": sorted(
            LastSeen.objects.values_list("message_type", "event_name", "app_version")
        ),
        "samples": RecentSample.objects.count(),
    }


def _received(source):
    return sum(
        WindowCount.objects.filter(source=source).values_list("received", flat=True)
    )


# --------------------------------------------------------------------------------------------
# A golden batch
# --------------------------------------------------------------------------------------------


def test_a_mixed_batch_is_counted_key_by_key(source):
    result = process_batch(
        raw_batch(source, sample_body("order_completed__mixed.json"))
    )

    assert result == BatchResult(
        samples=12, counted=11, duplicates=1, already_processed=False
    )
    order_key = ("track", "Order Completed")
    assert _counts()["windows"] == [
        ("identify", "", "3.2.0", WINDOW, True, 1, 1, 0, 0),
        ("page", "首页", "3.2.0", WINDOW, True, 1, 1, 0, 0),
        ("track", "Coupon Entered", "3.2.0", WINDOW, False, 1, 0, 1, 0),
        (*order_key, "3.1.0", WINDOW, True, 1, 1, 0, 0),
        # The sample without a messageId is valid: counted, only never deduplicated.
        (*order_key, "3.2.0", WINDOW, True, 7, 5, 2, 1),
    ]
    assert _counts()["violations"] == [
        ("Coupon Entered", "3.2.0", "unplanned_event", "unplanned", "/event", 1),
        ("Order Completed", "3.2.0", "personal_data", "phone", "/properties/note", 1),
        ("Order Completed", "3.2.0", "schema", "required", "/properties/order_id", 1),
        ("Order Completed", "3.2.0", "schema", "type", "/properties/price", 1),
        (
            "Order Completed",
            "3.2.0",
            "unexpected_property",
            "additionalProperties",
            "/properties/coupon",
            1,
        ),
    ]
    assert list(ProcessedBatch.objects.values_list("samples", "duplicates")) == [
        (12, 1)
    ]


def test_observed_types_of_a_batch_are_counted_per_path_and_type(source):
    process_batch(raw_batch(source, sample_body("order_completed__mixed.json")))

    assert [row for row in _counts()["types"] if row[0] == "Order Completed"] == [
        ("Order Completed", "/properties/coupon", "3.2.0", "string", 1),
        ("Order Completed", "/properties/note", "3.2.0", "string", 2),
        ("Order Completed", "/properties/order_id", "3.1.0", "string", 1),
        ("Order Completed", "/properties/order_id", "3.2.0", "string", 6),
        ("Order Completed", "/properties/phone", "3.2.0", "string", 1),
        ("Order Completed", "/properties/price", "3.1.0", "integer", 1),
        ("Order Completed", "/properties/price", "3.2.0", "integer", 4),
        ("Order Completed", "/properties/price", "3.2.0", "number", 2),
        ("Order Completed", "/properties/price", "3.2.0", "string", 1),
    ]


def test_a_batch_parsed_exactly_is_counted_and_its_samples_keep_every_digit(source):
    # A UUID messageId ("550e8400…") alone sends the body through the exact parse, which
    # turns every non-integer into a Decimal; the JSON columns must still take the samples.
    result = process_batch(
        raw_batch(source, sample_body("order_completed__exact_numbers.json"))
    )

    assert result == BatchResult(
        samples=2, counted=2, duplicates=0, already_processed=False
    )
    assert sorted(
        (sample["messageId"][:8], sample["properties"])
        for sample in RecentSample.objects.values_list("message", flat=True)
    ) == [
        (
            "550e8400",
            {
                "order_id": "DD-20240518-001",
                "price": 99.5,
                "points": 18446744073709551617,
            },
        ),
        (
            "6ba7b810",
            {"order_id": "DD-20240518-002", "price": "0.10000000000000000001"},
        ),
    ]


# --------------------------------------------------------------------------------------------
# Exactly once
# --------------------------------------------------------------------------------------------


def test_a_redelivered_batch_changes_no_count(source):
    batch = make_batch(source, [order("m-1"), order("m-2", price=-1), order(None)])
    first = process_batch(batch)
    counted = _counts()

    again = process_batch(batch)

    assert first == BatchResult(
        samples=3, counted=3, duplicates=0, already_processed=False
    )
    assert again == BatchResult(
        samples=3, counted=0, duplicates=0, already_processed=True
    )
    assert _counts() == counted
    assert ProcessedBatch.objects.count() == 1


def test_a_message_id_repeated_in_a_later_batch_is_counted_once(source):
    process_batch(make_batch(source, [order("m-1"), order("m-2")]))

    result = process_batch(
        make_batch(
            source,
            [order("m-2"), order("m-3")],
            received_at=RECEIVED_AT + timedelta(minutes=1),
        )
    )

    assert (result.counted, result.duplicates) == (1, 1)
    assert _received(source) == 3


def test_a_message_id_repeated_within_a_batch_is_counted_once(source):
    result = process_batch(
        make_batch(source, [order("m-1"), order("m-1", price=-1), order("m-1")])
    )

    assert (result.counted, result.duplicates) == (1, 2)
    # The first copy is the one counted: it is valid.
    assert list(WindowCount.objects.values_list("received", "valid", "invalid")) == [
        (1, 1, 0)
    ]
    assert ViolationCount.objects.count() == 0


def test_samples_without_a_message_id_are_all_counted(source):
    result = process_batch(make_batch(source, [order(None), order(None)]))

    assert (result.counted, result.duplicates) == (2, 0)


def test_a_sample_without_a_message_id_is_valid_and_counted_again_in_a_later_batch(
    source,
):
    process_batch(make_batch(source, [order(None)]))
    process_batch(make_batch(source, [order(None)]))

    (window,) = WindowCount.objects.filter(event_name="Order Completed")
    assert (window.received, window.valid, window.invalid) == (2, 2, 0)
    assert not ViolationCount.objects.exists()


def test_the_same_message_id_from_another_source_is_counted_again(source):
    other = SourceFactory(plan=source.plan, name="Android")
    process_batch(make_batch(source, [order("m-1")]))

    assert process_batch(make_batch(other, [order("m-1")])).counted == 1


@pytest.mark.parametrize(
    ("later", "counted"),
    [
        pytest.param(timedelta(hours=23), 0, id="within-the-window"),
        pytest.param(
            timedelta(seconds=settings.DEDUPE_WINDOW_SECONDS, microseconds=1),
            1,
            id="older-than-the-window",
        ),
    ],
)
def test_a_message_id_older_than_the_dedupe_window_counts_again(source, later, counted):
    process_batch(make_batch(source, [order("m-1")]))

    result = process_batch(
        make_batch(source, [order("m-1")], received_at=RECEIVED_AT + later)
    )

    assert result.counted == counted
    assert _received(source) == 1 + counted


# --------------------------------------------------------------------------------------------
# Counts across batches
# --------------------------------------------------------------------------------------------


def test_counts_add_up_across_batches(source):
    process_batch(make_batch(source, [order("m-1"), order("m-2", price="x")]))
    process_batch(
        make_batch(
            source,
            [order("m-3", price="y"), order("m-4", version="3.3.0")],
            received_at=RECEIVED_AT + timedelta(minutes=2),
        )
    )
    process_batch(
        make_batch(
            source,
            [order("m-5", price="z")],
            received_at=RECEIVED_AT + timedelta(minutes=5),
        )
    )

    counts = _counts()
    later = datetime(2024, 5, 18, 1, 35, tzinfo=UTC)
    order_key = ("track", "Order Completed")
    assert counts["windows"] == [
        (*order_key, "3.2.0", WINDOW, True, 3, 1, 2, 0),
        (*order_key, "3.2.0", later, True, 1, 0, 1, 0),
        (*order_key, "3.3.0", WINDOW, True, 1, 1, 0, 0),
    ]
    assert counts["violations"] == [
        ("Order Completed", "3.2.0", "schema", "type", "/properties/price", 3),
    ]
    assert counts["types"] == [
        ("Order Completed", "/properties/order_id", "3.2.0", "string", 4),
        ("Order Completed", "/properties/order_id", "3.3.0", "string", 1),
        ("Order Completed", "/properties/price", "3.2.0", "number", 1),
        ("Order Completed", "/properties/price", "3.2.0", "string", 3),
        ("Order Completed", "/properties/price", "3.3.0", "number", 1),
    ]


def test_once_a_violation_has_its_examples_later_samples_of_it_are_not_masked(
    source, monkeypatch
):
    process_batch(make_batch(source, [order(f"m-{n}", price=-n - 1) for n in range(5)]))
    masked = []

    def counting(message, privacy):
        masked.append(message["messageId"])
        return {"messageId": message["messageId"]}

    monkeypatch.setattr(process, "masked_message", counting)
    monkeypatch.setattr(settings, "SAMPLES_PER_BATCH_EVENT", 0)
    process_batch(
        make_batch(source, [order(f"m-{n}", price=-n - 1) for n in range(5, 9)])
    )

    row = ViolationCount.objects.get()
    assert (row.count, row.example_count) == (9, 5)
    assert [e["messageId"] for e in row.examples] == ["m-0", "m-1", "m-2", "m-3", "m-4"]
    assert masked == []


def test_a_process_that_forgot_which_rows_are_full_still_keeps_five_examples(source):
    process_batch(make_batch(source, [order(f"m-{n}", price=-n - 1) for n in range(5)]))
    process.example_ledger().clear()

    process_batch(make_batch(source, [order("m-5", price=-6)]))

    row = ViolationCount.objects.get()
    assert (row.count, row.example_count) == (6, 5)
    assert [e["messageId"] for e in row.examples] == ["m-0", "m-1", "m-2", "m-3", "m-4"]


def test_the_example_ledger_forgets_after_its_time_to_live():
    now = [0.0]
    ledger = process.ExampleLedger(ttl=600, clock=lambda: now[0])
    key = ViolationKey("track", "Order Completed", "3.2.0", "schema", "type", "/p")
    ledger.add((1, 1), {key})
    known = ledger.has_examples((1, 1), key), ledger.has_examples((1, 2), key)

    now[0] = 601.0
    ledger.add((1, 1), set())

    assert known == (True, False)
    assert ledger.has_examples((1, 1), key) is False


def test_violation_examples_are_topped_up_to_exactly_five_across_batches(source):
    for first in (0, 3, 6):
        process_batch(
            make_batch(
                source, [order(f"m-{first + n}", price=-n - 1) for n in range(3)]
            )
        )

    row = ViolationCount.objects.get()
    assert (row.count, row.example_count) == (9, 5)
    assert [e["messageId"] for e in row.examples] == ["m-0", "m-1", "m-2", "m-3", "m-4"]


def test_last_seen_keeps_the_latest_app_version(source):
    process_batch(make_batch(source, [order("m-1", version="3.1.0")]))
    process_batch(
        make_batch(
            source,
            [order("m-2", version="3.2.0")],
            received_at=RECEIVED_AT + timedelta(minutes=2),
        )
    )
    process_batch(
        make_batch(
            source,
            [order("m-3", version="3.0.0")],
            received_at=RECEIVED_AT + timedelta(minutes=1),
        )
    )

    assert list(
        LastSeen.objects.values_list("first_seen", "last_seen", "app_version")
    ) == [(RECEIVED_AT, RECEIVED_AT + timedelta(minutes=2), "3.2.0")]


def test_recent_samples_keep_a_few_per_event_and_validity_from_each_batch(source):
    messages = [order(f"v-{n}") for n in range(5)] + [
        order(f"i-{n}", price=-1) for n in range(5)
    ]

    process_batch(make_batch(source, messages))

    per_batch = settings.SAMPLES_PER_BATCH_EVENT
    assert sorted(RecentSample.objects.values_list("is_valid", flat=True)) == (
        [False] * per_batch + [True] * per_batch
    )


def _stored_text():
    return json.dumps(
        [
            list(ViolationCount.objects.values_list("message", "examples")),
            list(RecentSample.objects.values_list("message", "violations")),
        ],
        ensure_ascii=False,
    )


def _phone_digits_in(text):
    """Runs of 7 digits of PHONE found in the text (a mask shows at most 4 in a row)."""
    return [PHONE[i : i + 7] for i in range(5) if PHONE[i : i + 7] in text]


def test_no_stored_message_or_example_holds_a_phone_number(source):
    messages = [
        order("m-1", note=f"请回电 {PHONE}"),
        order("m-2", phone=PHONE),
        order("m-3", price=PHONE),
        order("m-4", order_id=f"订单 {PHONE}"),
        order("m-5", contact=PHONE),
        {**order("m-6"), "userId": PHONE},
        {**order("m-7", price=-1), "context": {"device": {"name": PHONE}}},
    ]

    process_batch(make_batch(source, messages))

    stored = _stored_text()
    assert "138****5678" in stored
    assert _phone_digits_in(stored) == []


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(order("m-1", order_id=int(PHONE)), id="wrong-type-property"),
        pytest.param({**order("m-1", price=-1), "userId": int(PHONE)}, id="user-id"),
    ],
)
def test_no_stored_example_holds_a_phone_sent_as_a_number(source, message):
    process_batch(make_batch(source, [message]))

    assert _phone_digits_in(_stored_text()) == []


# --------------------------------------------------------------------------------------------
# Which version applies
# --------------------------------------------------------------------------------------------


def _coupon_entered(message_id):
    return {
        "type": "track",
        "event": "Coupon Entered",
        "messageId": message_id,
        "anonymousId": "a-1",
        "properties": {"coupon": "SPRING"},
    }


def _kinds(source):
    return sorted(
        ViolationCount.objects.filter(source=source).values_list("kind", "message")
    )


def test_a_newly_published_version_takes_effect_after_the_refresh_interval(
    source, shop, clock
):
    process_batch(make_batch(source, [_coupon_entered("c-1")]))
    add_event(shop, "Coupon Entered", required="coupon")
    publish_version(shop, author=None)

    clock.now += settings.PIPELINE_PLAN_REFRESH_SECONDS - 0.001
    process_batch(make_batch(source, [_coupon_entered("c-2")]))
    counted_before = list(ViolationCount.objects.values_list("count", flat=True))
    clock.now += 0.001
    process_batch(make_batch(source, [_coupon_entered("c-3")]))

    assert counted_before == [2]
    assert list(
        WindowCount.objects.values_list("event_name", "received", "valid", "invalid")
    ) == [("Coupon Entered", 3, 1, 2)]
    assert _kinds(source) == [
        ("unplanned_event", "The event is not in version 1.0.0 of the plan.")
    ]


def test_a_source_pinned_to_an_older_version_is_validated_against_it(
    source, shop, clock
):
    pinned = shop.versions.get()
    add_event(shop, "Coupon Entered", required="coupon")
    publish_version(shop, author=None)
    latest_source = SourceFactory(plan=shop, name="Web")
    source.pinned_version = pinned
    source.save()

    process_batch(make_batch(source, [_coupon_entered("c-1")]))
    process_batch(make_batch(latest_source, [_coupon_entered("c-1")]))

    assert _kinds(source) == [
        ("unplanned_event", "The event is not in version 1.0.0 of the plan.")
    ]
    assert _kinds(latest_source) == []


def test_before_any_version_is_published_every_track_call_is_unplanned(clock):
    source = SourceFactory()

    process_batch(make_batch(source, [order("m-1")]))

    assert _kinds(source) == [
        ("unplanned_event", "The event is not in any published version of the plan.")
    ]
    assert list(WindowCount.objects.values_list("is_planned", "invalid")) == [
        (False, 1)
    ]


# --------------------------------------------------------------------------------------------
# Cost and failures
# --------------------------------------------------------------------------------------------


def _mixed(size, prefix):
    kinds = [
        {},
        {"price": -1},
        {"order_id": 7},
        {"note": f"call {PHONE}"},
    ]
    return [order(f"{prefix}-{n}", **kinds[n % len(kinds)]) for n in range(size)]


def test_the_queries_of_a_batch_do_not_grow_with_its_size(
    source, clock, django_assert_num_queries
):
    big = SourceFactory(plan=source.plan, name="Big")
    process.plan_cache().for_source(source.id)
    process.plan_cache().for_source(big.id)

    with CaptureQueriesContext(connection) as small_batch:
        process_batch(make_batch(source, _mixed(10, "s")))
    with django_assert_num_queries(len(small_batch)):
        process_batch(make_batch(big, _mixed(200, "b")))

    # Savepoint, mark, dedupe, windows, violations, examples read, one examples update for
    # every violation row wanting examples, types, last seen, samples, release.
    assert len(small_batch) == 11


@pytest.fixture
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_a_database_outage_is_a_transient_error_and_counts_nothing(
    source, monkeypatch, collector_on
):
    def unavailable(**kwargs):
        message = "could not connect to server"
        raise OperationalError(message)

    monkeypatch.setattr(process.store, "new_message_digests", unavailable)

    with pytest.raises(TransientError):
        process_batch(make_batch(source, [order("m-1")]))

    assert ProcessedBatch.objects.count() == 0
    assert _counts()["windows"] == []
    assert gc.isenabled()  # the pause around the batch ended with it


def test_the_cycle_collector_is_paused_while_a_batch_is_worked_on(
    source, monkeypatch, collector_on
):
    seen = []
    judge_all = process.judge_all

    def judging(*args, **kwargs):
        seen.append(gc.isenabled())
        return judge_all(*args, **kwargs)

    monkeypatch.setattr(process, "judge_all", judging)

    process_batch(make_batch(source, [order("m-1")]))

    assert seen == [False]
    assert gc.isenabled()


def test_the_sample_clock_keeps_one_sample_per_key_per_interval():
    now = [100.0]
    clock = SampleClock(interval=1, clock=lambda: now[0])
    key = (1, "Order Completed", True)

    kept = [
        clock.admits(key),
        clock.admits(key),
        clock.admits((1, "Order Completed", False)),
    ]
    now[0] += 1.0
    kept.append(clock.admits(key))

    assert kept == [True, False, True, True]
