"""The scan's cheap gates never hide a value the personal-data detectors would report.

The detectors are taken without their own gate (`find_without_gate`), which is the same as the
scan's string gate: `find` itself answers through it.
"""

from __future__ import annotations

import random

import pytest

from governance.pipeline.privacy import find, find_without_gate
from governance.pipeline.scan import (
    MAX_STRINGS,
    Spot,
    container_may_hold,
    may_hold,
    spots,
)

# Characters the number detector's boundaries and separators turn on, and a few others.
ALPHABET = "0123456789" * 4 + "+- ._@aZX/:\"'(,"


def _random_values(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(6, 40)))
        for _ in range(count)
    ]


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "+86 138 1234 5678",
        "0086-138-1234-5678",
        "+44 20 7946 0958",
        "11010519491231002X",
        "4111 1111 1111 1111",
        "call me on 13833260596 after 6pm",
        "card:4111111111111111",
        "(+8613812345678)",
        "zhang.san@example.com",
    ],
)
def test_the_gate_lets_through_every_kind_of_personal_value(value):
    assert find(value)
    assert may_hold(value)


@pytest.mark.parametrize(
    "value",
    [
        "ORD-20240501-000123",
        "user13812345678",
        "v10.3.12345678",
        "550e8400-e29b-41d4-a716-446655440000",
        "price 1299.00",
    ],
)
def test_the_gate_stops_digits_that_continue_a_token(value):
    # Regression (speed): order numbers passed the gate and paid for the full detectors.
    assert not find(value)
    assert not may_hold(value)


def test_whatever_the_detectors_find_passes_the_gate():
    values = _random_values(30_000, seed=7)
    flagged = [value for value in values if find_without_gate(value)]

    assert len(flagged) > 100  # the corpus does hold findings
    assert [value for value in flagged if not may_hold(value)] == []
    assert [value for value in flagged if not find(value)] == []


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"note": ["see", {"phone": "13812345678"}]}, id="nested"),
        # In JSON text the newline is written "\n": the number seems glued to an "n".
        pytest.param({"note": "call\n13812345678"}, id="after-an-escaped-newline"),
        pytest.param(["tab\t4111111111111111"], id="after-an-escaped-tab"),
    ],
)
def test_a_container_passes_the_gate_when_any_string_in_it_would(value):
    assert container_may_hold(value)


def test_a_container_without_digits_or_addresses_is_stopped():
    assert not container_may_hold({"sku": "SKU-1", "n": [1, 2], "ok": True})


def test_whatever_the_detectors_find_in_a_container_passes_the_gate():
    values = _random_values(5_000, seed=11)
    escaped = [v.replace("Z", "\n").replace("X", "\t") for v in values]
    flagged = [value for value in escaped if find_without_gate(value)]

    assert flagged
    assert [value for value in flagged if not container_may_hold({"k": [value]})] == []


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"note": "１３８１２３４５６７８"}, id="full-width-digits"),
        pytest.param({"note": "zhang%40example.com"}, id="percent-encoded-at"),
        pytest.param({"note": "138.1234.5678"}, id="dotted"),
        pytest.param({"to": 13812345678}, id="json-number"),
        pytest.param({"１３８１２３４５６７８": 1}, id="full-width-key"),
    ],
)
def test_a_container_passes_the_gate_when_it_holds_a_disguised_value(value):
    assert container_may_hold(value)


def test_a_container_of_chinese_text_without_numbers_is_stopped():
    # Regression (speed): text that is not ASCII is judged in its normal form, not walked.
    assert not container_may_hold({"商品": "夏季（新款）", "规格": ["红色，大号"]})


def test_the_spots_of_a_container_are_its_strings_keys_and_long_numbers():
    value = {"who": {"13812345678": "x"}, "n": [3, 13912345678], "ok": True}

    assert spots(value, ("extra",), {}, depth=1, budget=[MAX_STRINGS]) == [
        Spot(("extra", "who", "13812345678"), "13812345678", True),
        Spot(("extra", "who", "13812345678"), "x", False),
        Spot(("extra", "n", "1"), "13912345678", False),
    ]
