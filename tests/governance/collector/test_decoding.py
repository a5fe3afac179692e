"""Body decoding: gzip inflated under a hard cap, members in sequence, damage refused."""

from __future__ import annotations

import gc
import gzip
import tracemalloc
import zlib

import orjson
import pytest

from governance.collector.decoding import gunzip, parse
from governance.collector.responses import Rejected
from governance.pipeline.cycles import cycles_unchecked
from tests.governance.collector.conftest import gzip_bomb

LIMIT = 64 * 1024
BOMB = gzip_bomb(64 * 1024 * 1024)


def test_it_inflates_a_body_up_to_the_limit():
    body = b"x" * LIMIT

    assert gunzip(gzip.compress(body, mtime=0), limit=LIMIT) == body


def test_it_inflates_members_one_after_another():
    data = gzip.compress(b'{"batch": ', mtime=0) + gzip.compress(b"[]}", mtime=0)

    assert gunzip(data, limit=LIMIT) == b'{"batch": []}'


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(gzip.compress(b"x" * (LIMIT + 1), mtime=0), id="one-byte-over"),
        pytest.param(BOMB, id="64-MB-of-zeros"),
        pytest.param(
            gzip.compress(b"x" * LIMIT, mtime=0) * 2, id="members-add-up-over"
        ),
    ],
)
def test_rejects_inflating_past_the_limit(data):
    with pytest.raises(Rejected) as raised:
        gunzip(data, limit=LIMIT)

    assert (raised.value.status, raised.value.code) == (413, "body_too_large")
    assert raised.value.details == {"limit": LIMIT}


def test_it_holds_no_more_than_the_input_and_the_limit_while_inflating_a_bomb():
    tracemalloc.start()
    try:
        with pytest.raises(Rejected):
            gunzip(BOMB, limit=LIMIT)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # The unconsumed input is copied once per step; the output never passes LIMIT + 1.
    assert peak < len(BOMB) + 4 * LIMIT


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(gzip.compress(b"{}", mtime=0)[:10], id="header-only"),
        pytest.param(gzip.compress(b"{}", mtime=0)[:-4], id="no-length-trailer"),
        pytest.param(b"\x1f\x8b\x08\x00garbage", id="garbage-after-magic"),
        pytest.param(zlib.compress(b"{}"), id="zlib-not-gzip"),
        pytest.param(gzip.compress(b"{}", mtime=0) + b"\x00\x00", id="trailing-zeros"),
    ],
)
def test_rejects_a_damaged_stream(data):
    with pytest.raises(Rejected) as raised:
        gunzip(data, limit=LIMIT)

    assert (raised.value.status, raised.value.code) == (400, "malformed_gzip")


# --- The cyclic collector, paused while a parsed body is alive -----------------------------


@pytest.fixture
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_it_pauses_the_cycle_collector_while_a_body_is_parsed(collector_on):
    with cycles_unchecked():
        paused = not gc.isenabled()

    assert paused
    assert gc.isenabled()


def test_it_resumes_the_cycle_collector_when_the_body_is_refused(collector_on):
    with pytest.raises(Rejected), cycles_unchecked():
        parse(b"{")

    assert gc.isenabled()


def test_it_resumes_the_collector_only_when_the_last_thread_leaves(collector_on):
    first, second = cycles_unchecked(), cycles_unchecked()
    first.__enter__()
    second.__enter__()

    first.__exit__(None, None, None)
    still_paused = not gc.isenabled()
    second.__exit__(None, None, None)

    assert still_paused
    assert gc.isenabled()


def test_it_leaves_a_collector_that_was_off_off(collector_on):
    gc.disable()

    with cycles_unchecked():
        pass

    assert not gc.isenabled()


def test_a_parsed_body_freed_inside_the_pause_costs_no_collection(collector_on):
    body = orjson.dumps({"batch": [{"type": "track", "event": "A"}] * 5_000})
    gc.collect()
    collections = []
    gc.callbacks.append(lambda phase, info: collections.append(phase))
    try:
        with cycles_unchecked():
            assert len(parse(body)["batch"]) == 5_000
        parse(
            b"{}"
        )  # an allocation after the pause: young objects left would be collected
    finally:
        gc.callbacks.pop()

    assert collections == []
