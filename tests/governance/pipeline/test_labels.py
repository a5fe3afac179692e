"""Names, keys and versions a sample gives, masked once and remembered."""

from __future__ import annotations

import pytest

from governance.pipeline import labels
from governance.pipeline.labels import Label, label
from governance.pipeline.privacy import PersonalDataKind


@pytest.fixture(autouse=True)
def _empty_memo():
    labels._MEMO.clear()
    yield
    labels._MEMO.clear()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Order Completed", Label("Order Completed", None), id="plain"),
        pytest.param(
            "Call 13807221732",
            Label("Call 138****1732", PersonalDataKind.PHONE),
            id="phone-in-a-name",
        ),
        pytest.param(
            "１３９０７２３７５７０",
            Label("139****7570", PersonalDataKind.PHONE),
            id="full-width-key",
        ),
        pytest.param(
            "4111111111111111",
            Label("**** **** **** 1111", PersonalDataKind.BANK_CARD),
            id="card-as-version",
        ),
    ],
)
def test_a_label_is_masked_where_it_holds_personal_data(text, expected):
    assert label(text) == expected


def test_a_label_is_judged_once():
    first = label("Call 13807221732")

    assert label("Call 13807221732") is first


def test_a_long_text_is_not_remembered():
    # Regression (memory): the memo holds short texts only, however many long ones come.
    label("x" * 300)

    assert labels._MEMO == {}
