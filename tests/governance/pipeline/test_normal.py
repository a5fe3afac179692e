"""The normal form personal data is looked for in, and the digits of JSON numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance.pipeline.normal import is_plain, mapped, normal_form, number_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("１３８１２３４５６７８", "13812345678", id="full-width-digits"),
        pytest.param("zhang%40example.com", "zhang@example.com", id="percent-at"),
        pytest.param("zhang%2540example.com", "zhang@example.com", id="percent-twice"),
        pytest.param(
            "zhang％40example.com", "zhang@example.com", id="full-width-percent"
        ),
        pytest.param("zhang＠example.com", "zhang@example.com", id="full-width-at"),
        pytest.param("١٣٨١٢٣٤٥٦٧٨", "13812345678", id="arabic-indic-digits"),
        pytest.param("电话：１３８", "电话:138", id="full-width-colon-in-chinese"),
        pytest.param("%E5%BC%A0%E4%B8%89", "张三", id="percent-encoded-utf-8"),
        pytest.param("100%", "100%", id="a-lone-percent-sign"),
    ],
)
def test_the_normal_form_undoes_each_disguise(text, expected):
    assert normal_form(text) == expected


def test_plain_ascii_is_its_own_normal_form_without_a_copy():
    # Regression (speed): every string of every sample passes here.
    text = "Order Completed 13812345678"

    assert is_plain(text)
    assert normal_form(text) is text


def test_the_mapped_form_says_where_each_character_came_from():
    text, starts, ends = mapped("a%40１b")

    assert text == "a@1b"
    assert (starts, ends) == ([0, 1, 4, 5], [1, 4, 5, 6])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(13812345678, "13812345678", id="integer"),
        pytest.param(-13812345678, "13812345678", id="negative-integer"),
        pytest.param(13812345678.0, "13812345678", id="whole-float"),
        pytest.param(Decimal("13812345678.00"), "13812345678", id="whole-decimal"),
        pytest.param(4111111111111111, "4111111111111111", id="card-digits"),
        pytest.param(1234567, None, id="seven-digits"),
        pytest.param(13812345678.5, None, id="fraction"),
        pytest.param(2**70, None, id="past-19-digits"),
        pytest.param(Decimal("1e1000000"), None, id="huge-exponent"),
        pytest.param(Decimal("NaN"), None, id="not-a-number"),
        pytest.param(True, None, id="boolean"),
        pytest.param("13812345678", None, id="text-is-no-number"),
    ],
)
def test_number_text_gives_the_digits_of_long_whole_numbers_only(value, expected):
    assert number_text(value) == expected
