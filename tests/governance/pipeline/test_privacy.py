"""Personal-data detection and masking: each kind, checksums, free text and hostile input."""

from __future__ import annotations

import time

import pytest

from governance.pipeline.privacy import (
    Finding,
    PersonalDataKind,
    detect,
    detect_number,
    find,
    is_bank_card,
    is_id_number,
    mask,
    mask_number,
    mask_text,
)

PHONE = PersonalDataKind.PHONE
EMAIL = PersonalDataKind.EMAIL
ID_NUMBER = PersonalDataKind.ID_NUMBER
BANK_CARD = PersonalDataKind.BANK_CARD

VALID_ID = "11010519491231002X"
VALID_ID_WRONG_CHECK = "110105194912310021"
# Passes both the ID checksum and Luhn: an ID number comes first.
ID_ALSO_LUHN_VALID = "440305199003071156"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        pytest.param("13812345678", PHONE, id="cn-mobile"),
        pytest.param("19912345678", PHONE, id="cn-mobile-199"),
        pytest.param("+8613812345678", PHONE, id="cn-mobile-plus86"),
        pytest.param("+86 138 1234 5678", PHONE, id="cn-mobile-plus86-spaced"),
        pytest.param("0086-138-1234-5678", PHONE, id="cn-mobile-0086-hyphenated"),
        pytest.param("138 1234 5678", PHONE, id="cn-mobile-spaced"),
        pytest.param("+14155552671", PHONE, id="e164-us"),
        pytest.param("+44 20 7946 0958", PHONE, id="e164-uk-spaced"),
        pytest.param("zhang.san@example.com", EMAIL, id="email"),
        pytest.param("a+tag@mail.example.co.uk", EMAIL, id="email-plus-subdomains"),
        pytest.param("12345678@qq.com", EMAIL, id="email-digits-local-part"),
        pytest.param(VALID_ID, ID_NUMBER, id="id-number-check-x"),
        pytest.param("11010519491231002x", ID_NUMBER, id="id-number-lowercase-x"),
        pytest.param(ID_ALSO_LUHN_VALID, ID_NUMBER, id="id-number-also-luhn-valid"),
        pytest.param("4111111111111111", BANK_CARD, id="card-visa"),
        pytest.param("4111 1111 1111 1111", BANK_CARD, id="card-visa-spaced"),
        pytest.param("5555-5555-5555-4444", BANK_CARD, id="card-mastercard-hyphenated"),
        pytest.param("2223000048400011", BANK_CARD, id="card-mastercard-2-series"),
        pytest.param("378282246310005", BANK_CARD, id="card-amex-15"),
        pytest.param("6222020200112345679", BANK_CARD, id="card-unionpay-19"),
        pytest.param("622202020011234569", BANK_CARD, id="card-18-digits-not-an-id"),
    ],
)
def test_detects_a_whole_value_that_looks_like_personal_data(value, kind):
    assert detect(value) == kind


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("ORD-20240501-000123", id="order-id"),
        pytest.param("20240501000123", id="order-number-date-prefix"),
        pytest.param("2024-05-01T10:00:00Z", id="timestamp-rfc3339"),
        pytest.param("2024-05-01 10:00:00", id="timestamp-spaced"),
        pytest.param("1714567890", id="unix-seconds"),
        pytest.param("1714567890123", id="unix-milliseconds"),
        pytest.param("550e8400-e29b-41d4-a716-446655440000", id="uuid"),
        pytest.param("12345678-1234-1234-1234-123456789012", id="uuid-all-digits"),
        pytest.param("1299.00", id="price"),
        pytest.param("13812345678.50", id="price-phone-shaped"),
        pytest.param("10.3.1", id="app-version"),
        pytest.param("12345678901", id="11-digits-starting-12"),
        pytest.param("10012345678", id="11-digits-starting-10"),
        pytest.param("138123456789", id="12-digits-starting-138"),
        pytest.param("4111111111111112", id="16-digits-failing-luhn"),
        pytest.param(VALID_ID_WRONG_CHECK, id="id-number-wrong-check-digit"),
        pytest.param("11010519491331002X", id="id-number-month-13"),
        pytest.param("+0123456789", id="e164-leading-zero"),
        pytest.param("+1234567", id="e164-too-short"),
        pytest.param("+1234567890123456", id="e164-too-long"),
        pytest.param("user13812345678", id="digits-glued-to-letters"),
        pytest.param("not an email@", id="at-sign-without-domain"),
        pytest.param("a@localhost", id="email-without-dot"),
        pytest.param("a..b@example.com", id="email-double-dot"),
        pytest.param("a@example.c0m", id="email-digit-in-tld"),
        pytest.param("139.226.10.180", id="ipv4-address-phone-shaped"),
        pytest.param("2024/05/18 10:00", id="date-with-slashes"),
        pytest.param("10.3.12.5678", id="four-part-version"),
        pytest.param(
            "a１３８１２３４５６７８", id="full-width-digits-glued-to-letters"
        ),
        pytest.param("", id="empty"),
        pytest.param("你好，世界", id="chinese-text"),
    ],
)
def test_finds_nothing_in_values_that_only_look_numeric(value):
    assert find(value) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(VALID_ID, True, id="valid"),
        pytest.param(VALID_ID_WRONG_CHECK, False, id="wrong-check-digit"),
        pytest.param("11010519490230002X", False, id="february-30"),
        pytest.param("11010518991231002X", False, id="born-before-1900"),
        pytest.param("1101051949123100", False, id="too-short"),
    ],
)
def test_id_number_needs_checksum_and_birth_date(value, expected):
    assert is_id_number(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("4111111111111111", True, id="luhn-valid"),
        pytest.param("4111111111111112", False, id="luhn-invalid"),
        pytest.param("1111111111111117", False, id="luhn-valid-without-card-prefix"),
        pytest.param("411111111111", False, id="too-short"),
        pytest.param("４１１１１１１１１１１１１１１１", False, id="fullwidth-digits"),
    ],
)
def test_bank_card_needs_luhn_and_a_network_prefix(value, expected):
    assert is_bank_card(value) is expected


def test_finds_a_phone_inside_free_text_with_its_span():
    assert find("call me at 13812345678") == [Finding(kind=PHONE, start=11, end=22)]


def test_finds_findings_inside_chinese_text_with_character_spans():
    value = "我的手机是13812345678，邮箱是zhang.san@example.cn。"

    assert find(value) == [
        Finding(kind=PHONE, start=5, end=16),
        Finding(kind=EMAIL, start=20, end=40),
    ]


def test_finds_two_numbers_written_side_by_side():
    assert find("13812345678 13912345678") == [
        Finding(kind=PHONE, start=0, end=11),
        Finding(kind=PHONE, start=12, end=23),
    ]


def test_an_email_with_a_phone_shaped_local_part_is_one_finding():
    assert find("13812345678@163.com") == [Finding(kind=EMAIL, start=0, end=19)]


def test_an_email_ending_a_sentence_leaves_the_full_stop_out():
    assert find("write to a@example.com.") == [Finding(kind=EMAIL, start=9, end=22)]


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        pytest.param("13812345678", PHONE, "138****5678", id="phone"),
        pytest.param("138-1234-5678", PHONE, "138****5678", id="phone-grouped"),
        pytest.param("+86 138 1234 5678", PHONE, "+86 138****5678", id="phone-plus86"),
        pytest.param("+8613812345678", PHONE, "+86138****5678", id="phone-plus86-bare"),
        pytest.param("0086-13812345678", PHONE, "0086-138****5678", id="phone-0086"),
        pytest.param("+44 20 7946 0958", PHONE, "+442*****0958", id="phone-e164"),
        pytest.param("alice@example.com", EMAIL, "a***@example.com", id="email"),
        pytest.param("a@example.com", EMAIL, "a***@example.com", id="email-one-char"),
        pytest.param(VALID_ID, ID_NUMBER, "110***********002X", id="id-number"),
        pytest.param("4111111111111111", BANK_CARD, "**** **** **** 1111", id="card"),
        pytest.param(
            "6222 0202 0011 2345 679",
            BANK_CARD,
            "**** **** **** 5679",
            id="card-19-spaced",
        ),
    ],
)
def test_masks_keep_only_the_agreed_characters(value, kind, expected):
    assert mask(value, kind) == expected


def test_mask_text_masks_every_finding_and_keeps_the_rest():
    value = "Call 13812345678 or write to alice@example.com today."

    assert mask_text(value) == "Call 138****5678 or write to a***@example.com today."


def test_mask_text_keeps_chinese_text_around_findings():
    value = "身份证11010519491231002X，卡号4111 1111 1111 1111。"

    assert mask_text(value) == "身份证110***********002X，卡号**** **** **** 1111。"


def test_mask_text_leaves_a_value_without_findings_unchanged():
    value = "ORD-20240501-000123 shipped in app 10.3.1"

    assert mask_text(value) == value


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("1@" * 51_200, id="digit-at-alternating"),
        pytest.param("1" * 51_200 + "@" * 51_200, id="digits-then-ats"),
        pytest.param("1" * 102_400, id="digits-only"),
        pytest.param("1 " * 51_200, id="spaced-digits"),
        pytest.param("a" * 102_400 + "@", id="long-local-part"),
        pytest.param("a@" + "a." * 51_200, id="long-dotted-domain"),
    ],
)
def test_hostile_input_is_scanned_in_bounded_time(value):
    # Catches a catastrophic (super-linear) pattern, which would take minutes, not a speed
    # regression: the bound is loose on purpose, speed is measured in bench/.
    started = time.perf_counter()
    findings = find(value)
    elapsed = time.perf_counter() - started

    assert findings == []
    assert elapsed < 1.0


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        pytest.param("138.1234.5678", PHONE, id="phone-dotted"),
        pytest.param("(138) 1234-5678", PHONE, id="phone-parenthesised"),
        pytest.param("+86 (138) 1234 5678", PHONE, id="phone-plus86-parenthesised"),
        pytest.param("138 - 1234 - 5678", PHONE, id="phone-spaced-hyphens"),
        pytest.param("138/1234/5678", PHONE, id="phone-slashed"),
        pytest.param("1 3 8 1 2 3 4 5 6 7 8", PHONE, id="phone-each-digit-spaced"),
        pytest.param("8613812345678", PHONE, id="phone-86-without-plus"),
        pytest.param("tel:+86-138-1234-5678", PHONE, id="phone-tel-uri"),
        pytest.param("１３８１２３４５６７８", PHONE, id="phone-full-width"),
        pytest.param(
            "１３８－１２３４－５６７８", PHONE, id="phone-full-width-hyphens"
        ),
        pytest.param("١٣٨١٢٣٤٥٦٧٨", PHONE, id="phone-arabic-indic-digits"),
        pytest.param("%2B8613812345678", PHONE, id="phone-percent-encoded-plus"),
        pytest.param("tel%3A13812345678", PHONE, id="phone-percent-encoded-tel"),
        pytest.param("zhang%40example.com", EMAIL, id="email-percent-encoded-at"),
        pytest.param("zhang％40example.com", EMAIL, id="email-full-width-percent"),
        pytest.param("zhang＠example.com", EMAIL, id="email-full-width-at"),
        pytest.param("mailto:zhang@example.com", EMAIL, id="email-mailto"),
        pytest.param("张三@例子.中国", EMAIL, id="email-idn"),
        pytest.param("user@bücher.de", EMAIL, id="email-idn-domain"),
        pytest.param("li@xn--fsqu00a.xn--fiqs8s", EMAIL, id="email-punycode"),
        pytest.param(
            "４１１１ １１１１ １１１１ １１１１", BANK_CARD, id="card-full-width"
        ),
        pytest.param("4111.1111.1111.1111", BANK_CARD, id="card-dotted"),
        pytest.param("110105 19491231 002X", ID_NUMBER, id="id-number-spaced"),
    ],
)
def test_detects_personal_data_in_any_disguise(value, kind):
    assert detect(value) == kind


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            "呼叫１３８１２３４５６７８，谢谢", "呼叫138****5678，谢谢", id="full-width"
        ),
        pytest.param("mail zhang%40example.com", "mail z***@example.com", id="percent"),
        pytest.param("写信给 张三@例子.中国。", "写信给 张***@例子.中国。", id="idn"),
        # Chinese text glued to an address in Chinese is taken for its local part.
        pytest.param("写信给张三@例子.中国。", "写***@例子.中国。", id="idn-glued"),
        pytest.param(
            "Call (138) 1234-5678 now", "Call 138****5678 now", id="parentheses"
        ),
        pytest.param(
            "zhang%2540example.com", "z***@example.com", id="percent-twice-normal-form"
        ),
    ],
)
def test_mask_text_masks_a_disguised_finding_and_keeps_the_text_around_it(
    value, expected
):
    assert mask_text(value) == expected


def test_mask_text_leaves_a_disguised_looking_value_without_findings_as_sent():
    value = "订单（大）：ORD-２０２４０５０１-000123 100%"

    assert mask_text(value) == value


@pytest.mark.parametrize(
    ("value", "kind", "masked"),
    [
        pytest.param(13812345678, PHONE, "138****5678", id="phone"),
        pytest.param(13812345678.0, PHONE, "138****5678", id="phone-float"),
        pytest.param(-13812345678, PHONE, "138****5678", id="phone-negative"),
        pytest.param(4111111111111111, BANK_CARD, "**** **** **** 1111", id="card"),
        pytest.param(440305199003071156, ID_NUMBER, "440***********1156", id="id"),
        pytest.param(1714567890123, None, None, id="millisecond-timestamp"),
        pytest.param(99, None, None, id="small"),
    ],
)
def test_a_json_number_is_judged_by_its_digits(value, kind, masked):
    assert (detect_number(value), mask_number(value)) == (kind, masked)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("1( " * 34_000, id="digit-parenthesis-space"),
        pytest.param("1." * 51_200, id="dotted-digits"),
        pytest.param("1 - " * 25_600, id="spaced-hyphens"),
        pytest.param("１" * 102_400, id="full-width-digits"),
        pytest.param("%31" * 34_000, id="percent-encoded-digits"),
        pytest.param("张@" * 51_200, id="wide-at-alternating"),
        pytest.param("张" * 102_400 + "@", id="long-wide-local-part"),
    ],
)
def test_hostile_disguised_input_is_scanned_and_masked_in_bounded_time(value):
    # Catches a catastrophic (super-linear) pattern, not a speed regression (see bench/).
    started = time.perf_counter()
    mask_text(value)
    elapsed = time.perf_counter() - started

    assert elapsed < 2.0
