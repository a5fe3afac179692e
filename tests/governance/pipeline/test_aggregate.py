"""Folding a batch in memory: windows, counts per key, capped examples and samples, lazy masking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from governance.pipeline.aggregate import (
    EXAMPLES_PER_VIOLATION,
    SeenKey,
    ShapeKey,
    ViolationKey,
    WindowCounts,
    WindowKey,
    fold,
    window_start,
)
from governance.pipeline.validate import Verdict, Violation

AT = datetime(2024, 5, 18, 1, 32, 17, 123456, tzinfo=UTC)
WINDOW = datetime(2024, 5, 18, 1, 30, tzinfo=UTC)

TYPE_ERROR = Violation(
    kind="schema", keyword="type", path="/properties/price", message="not a number"
)
SKEW = Violation(
    kind="clock_skew", keyword="future", path="/timestamp", message="30 min ahead"
)
PERSONAL = Violation(
    kind="personal_data", keyword="phone", path="/properties/note", message="a phone"
)


def _verdict(
    event_name="Order Completed",
    *,
    violations=(),
    valid=None,
    app_version="3.2.0",
    message_type="track",
    planned=True,
    types=(),
):
    return Verdict(
        message_type=message_type,
        event_name=event_name,
        app_version=app_version,
        message_id=None,
        planned=planned,
        valid=not violations if valid is None else valid,
        violations=tuple(violations),
        personal_findings=sum(1 for v in violations if v.kind == "personal_data"),
        types=tuple(types),
    )


class CountingMask:
    """A stand-in for `masking.masked_message` that records which messages it masked."""

    def __init__(self):
        self.masked: list[dict] = []

    def __call__(self, verdict, message):
        self.masked.append(message)
        return {"masked": message["n"]}


def _fold(verdicts, *, samples_per_event=3, mask=None, has_examples=None):
    return fold(
        [(verdict, {"n": n}) for n, verdict in enumerate(verdicts)],
        at=AT,
        mask=mask or CountingMask(),
        samples_per_event=samples_per_event,
        has_examples=has_examples,
    )


def _key(**fields):
    return ViolationKey(
        **{
            "message_type": "track",
            "event_name": "Order Completed",
            "app_version": "3.2.0",
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(
            datetime(2024, 5, 18, 1, 0, tzinfo=UTC),
            datetime(2024, 5, 18, 1, 0, tzinfo=UTC),
            id="on-the-boundary",
        ),
        pytest.param(
            datetime(2024, 5, 18, 1, 4, 59, 999999, tzinfo=UTC),
            datetime(2024, 5, 18, 1, 0, tzinfo=UTC),
            id="last-microsecond",
        ),
        pytest.param(
            datetime(2024, 5, 18, 1, 5, tzinfo=UTC),
            datetime(2024, 5, 18, 1, 5, tzinfo=UTC),
            id="next-window",
        ),
        pytest.param(
            datetime(2024, 5, 18, 23, 59, 59, tzinfo=UTC),
            datetime(2024, 5, 18, 23, 55, tzinfo=UTC),
            id="end-of-day",
        ),
        pytest.param(
            datetime(2024, 5, 18, 9, 37, tzinfo=timezone(timedelta(hours=8))),
            datetime(2024, 5, 18, 9, 35, tzinfo=timezone(timedelta(hours=8))),
            id="keeps-the-zone",
        ),
    ],
)
def test_window_start_is_the_start_of_the_five_minute_window(moment, expected):
    start = window_start(moment)

    assert start == expected
    assert start.tzinfo == moment.tzinfo


def test_an_empty_batch_folds_to_nothing():
    result = _fold([])

    assert (result.windows, result.violations, result.shapes) == ({}, {}, {})
    assert (result.last_seen, result.samples, result.at) == ({}, [], AT)


def test_counts_are_folded_per_type_event_app_version_and_window():
    result = _fold(
        [
            _verdict(),
            _verdict(violations=[TYPE_ERROR]),
            _verdict(violations=[PERSONAL], valid=True),
            _verdict(app_version="3.1.0"),
            _verdict("Home", message_type="page"),
            _verdict("Coupon Entered", violations=[SKEW], valid=False, planned=False),
        ]
    )

    def window(event_name, app_version="3.2.0", message_type="track"):
        return WindowKey(
            message_type=message_type,
            event_name=event_name,
            app_version=app_version,
            window_start=WINDOW,
        )

    assert result.windows == {
        window("Order Completed"): WindowCounts(
            planned=True, received=3, valid=2, invalid=1, personal=1
        ),
        window("Order Completed", "3.1.0"): WindowCounts(
            planned=True, received=1, valid=1, invalid=0, personal=0
        ),
        window("Home", message_type="page"): WindowCounts(
            planned=True, received=1, valid=1, invalid=0, personal=0
        ),
        window("Coupon Entered"): WindowCounts(
            planned=False, received=1, valid=0, invalid=1, personal=0
        ),
    }


def test_violations_are_counted_per_key_with_the_latest_message():
    later = Violation(
        kind="schema", keyword="type", path="/properties/price", message="a string"
    )
    result = _fold(
        [
            _verdict(violations=[TYPE_ERROR, SKEW]),
            _verdict(violations=[later]),
            _verdict(violations=[TYPE_ERROR], app_version="3.1.0"),
        ]
    )

    assert {k: (t.count, t.message) for k, t in result.violations.items()} == {
        _key(kind="schema", keyword="type", path="/properties/price"): (2, "a string"),
        _key(kind="clock_skew", keyword="future", path="/timestamp"): (
            1,
            "30 min ahead",
        ),
        _key(
            kind="schema",
            keyword="type",
            path="/properties/price",
            app_version="3.1.0",
        ): (1, "not a number"),
    }


def test_examples_are_capped_at_five_per_violation():
    result = _fold([_verdict(violations=[TYPE_ERROR])] * 8)

    tally = result.violations[
        _key(kind="schema", keyword="type", path="/properties/price")
    ]
    assert EXAMPLES_PER_VIOLATION == 5
    assert tally.count == 8
    assert tally.examples == [{"masked": n} for n in range(5)]


def test_no_example_is_masked_for_a_violation_whose_row_has_all_of_them():
    # Regression: every batch masked five examples per violation that the store then threw
    # away, once the row had its five.
    full = _key(kind="schema", keyword="type", path="/properties/price")
    mask = CountingMask()

    result = _fold(
        [_verdict(violations=[TYPE_ERROR])] * 4,
        samples_per_event=0,
        mask=mask,
        has_examples=lambda key: key == full,
    )

    assert result.violations[full].count == 4
    assert result.violations[full].examples == []
    assert mask.masked == []


@pytest.mark.parametrize(
    ("samples_per_event", "expected"),
    [
        pytest.param(0, [], id="none"),
        pytest.param(
            2,
            [("A", True, 0), ("A", False, 1), ("A", True, 2), ("B", True, 4)]
            + [("A", False, 5)],
            id="two",
        ),
    ],
)
def test_samples_are_capped_per_event_and_validity(samples_per_event, expected):
    verdicts = [
        _verdict("A"),
        _verdict("A", violations=[TYPE_ERROR]),
        _verdict("A"),
        _verdict("A"),
        _verdict("B"),
        _verdict("A", violations=[TYPE_ERROR]),
        _verdict("A", violations=[SKEW], valid=False),
        _verdict("A", violations=[TYPE_ERROR]),
    ]

    result = _fold(verdicts, samples_per_event=samples_per_event)

    assert [
        (row.verdict.event_name, row.verdict.valid, row.message["masked"])
        for row in result.samples
    ] == expected


def test_mask_is_called_once_per_kept_message_and_never_for_the_rest():
    mask = CountingMask()
    verdicts = [_verdict(violations=[TYPE_ERROR, SKEW])] * 7 + [_verdict()] * 4

    result = _fold(verdicts, samples_per_event=2, mask=mask)

    # Five examples of each violation (messages 0-4), of which two are also the invalid
    # samples; two valid samples (messages 7 and 8); nothing else is masked.
    assert [m["n"] for m in mask.masked] == [0, 1, 2, 3, 4, 7, 8]
    assert [row.message for row in result.samples] == [
        {"masked": 0},
        {"masked": 1},
        {"masked": 7},
        {"masked": 8},
    ]


def test_mask_is_not_called_for_a_batch_of_valid_samples_beyond_the_sample_cap():
    mask = CountingMask()

    _fold([_verdict()] * 50, samples_per_event=3, mask=mask)

    assert [m["n"] for m in mask.masked] == [0, 1, 2]


def test_observed_types_are_counted_per_event_app_version_and_shape():
    price_number = ("/properties/price", "number")
    sku = ("/properties/sku", "string")
    result = _fold(
        [
            _verdict(types=[price_number, sku]),
            _verdict(types=[price_number]),
            _verdict(types=[price_number, sku]),
            _verdict(types=[("/properties/price", "string")]),
            _verdict(types=[price_number], app_version="3.1.0"),
        ]
    )

    def key(*pairs, app_version="3.2.0"):
        return ShapeKey(
            event_name="Order Completed", app_version=app_version, pairs=pairs
        )

    assert result.shapes == {
        key(price_number, sku): 2,
        key(price_number): 1,
        key(("/properties/price", "string")): 1,
        key(price_number, app_version="3.1.0"): 1,
    }


def test_last_seen_holds_the_app_version_of_the_last_sample_of_each_event():
    result = _fold(
        [
            _verdict(app_version="3.1.0"),
            _verdict(app_version="3.2.0"),
            _verdict("Home", message_type="page", app_version="3.0.0"),
        ]
    )

    assert result.last_seen == {
        SeenKey(message_type="track", event_name="Order Completed"): "3.2.0",
        SeenKey(message_type="page", event_name="Home"): "3.0.0",
    }
