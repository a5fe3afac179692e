"""Rendering: the same snapshot always gives the same bytes and ETag, and numbers stay exact."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from decimal import Decimal

import pytest

from tests.tracking.schemas.snapshots import (
    BASE_URL,
    EVERYTHING,
    HOSTILE,
    VERSION,
    event,
    optional,
    plan,
    prop,
)
from tracking.schemas import bundle_schema, etag, event_schema, render
from tracking.snapshot import snapshot_from_dict, snapshot_to_dict


def _bundle_bytes(snapshot):
    return render(bundle_schema(snapshot, version=VERSION, base_url=BASE_URL))


def test_render_sorts_keys_compacts_and_keeps_unicode():
    assert render({"b": [1, "商品"], "a": {"d": None, "c": True}}) == (
        '{"a":{"c":true,"d":null},"b":[1,"商品"]}'.encode()
    )


def test_building_twice_gives_identical_bytes_and_etag():
    snapshot = plan(EVERYTHING, *HOSTILE)
    first, second = _bundle_bytes(snapshot), _bundle_bytes(snapshot)
    assert first == second
    assert etag(first) == etag(second)


def test_order_of_events_and_properties_does_not_change_the_bytes():
    snapshot = plan(EVERYTHING, *HOSTILE)
    shuffled = replace(
        snapshot,
        events=tuple(
            replace(e, properties=tuple(reversed(e.properties)))
            for e in reversed(snapshot.events)
        ),
    )
    assert _bundle_bytes(shuffled) == _bundle_bytes(snapshot)


def test_a_stored_and_reloaded_snapshot_renders_to_the_same_bytes():
    snapshot = plan(EVERYTHING, *HOSTILE)
    stored = json.loads(json.dumps(snapshot_to_dict(snapshot)))
    assert _bundle_bytes(snapshot_from_dict(stored)) == _bundle_bytes(snapshot)


def test_etag_is_the_quoted_sha256_of_the_bytes():
    data = render({"a": 1})
    assert data == b'{"a":1}'
    assert etag(data) == '"' + hashlib.sha256(b'{"a":1}').hexdigest() + '"'


@pytest.mark.parametrize(
    ("bound", "rendered"),
    [
        pytest.param("9007199254740993", b'"maximum":9007199254740993', id="2**53+1"),
        pytest.param(
            "123456789012345678901234567890",
            b'"maximum":123456789012345678901234567890',
            id="thirty-digits",
        ),
        pytest.param(
            "0.1000000000000000055511151231257827",
            b'"maximum":0.1000000000000000055511151231257827',
            id="long-decimal",
        ),
        pytest.param("99.99", b'"maximum":99.99', id="short-decimal"),
        pytest.param("100", b'"maximum":100,', id="integral"),
    ],
)
def test_bounds_survive_exactly_in_the_rendered_bytes(bound, rendered):
    snapshot = plan(event("A", optional(prop("n", "number", maximum=bound))))
    data = render(event_schema(snapshot, "A", version=VERSION, base_url=BASE_URL))
    assert rendered in data


def test_rendered_decimal_reads_back_exactly_with_a_decimal_parser():
    data = render({"maximum": Decimal("0.1000000000000000055511151231257827")})
    assert json.loads(data, parse_float=Decimal) == {
        "maximum": Decimal("0.1000000000000000055511151231257827")
    }


@pytest.mark.parametrize(
    ("value", "error"),
    [
        pytest.param(float("nan"), ValueError, id="nan"),
        pytest.param(float("inf"), ValueError, id="infinity"),
        pytest.param(Decimal("Infinity"), ValueError, id="decimal-infinity"),
        pytest.param({1: "a"}, ValueError, id="non-string-key"),
        pytest.param({1, 2}, TypeError, id="set"),
    ],
)
def test_values_json_cannot_hold_are_refused(value, error):
    with pytest.raises(error):
        render({"x": value})
