"""Personal-data detection in keys, display names and example values."""

from __future__ import annotations

import pytest

from tracking.checks.privacy import personal_term, personal_value_kind


@pytest.mark.parametrize(
    ("text", "term"),
    [
        pytest.param("client_ip", "ip", id="ip-word"),
        pytest.param("ip_address", "ip", id="ip-address"),
        pytest.param("clientIP", "ip", id="camel-acronym"),
        pytest.param("IPAddress", "ip", id="pascal-acronym"),
        pytest.param("ipaddress", "ipaddress", id="run-together"),
        pytest.param("ipv4", "ipv", id="ipv4"),
        pytest.param("userEmail", "email", id="camel-email"),
        pytest.param("e_mail", "mail", id="e-mail"),
        pytest.param("mobile_phone", "mobile", id="mobile"),
        pytest.param("tel", "tel", id="tel"),
        pytest.param("id_card", "id_card", id="id-card-phrase"),
        pytest.param("buyer_id_number", "id_number", id="id-number-phrase"),
        pytest.param("realName", "real_name", id="real-name-camel"),
        pytest.param("bank_card_no", "bank_card", id="bank-card"),
        pytest.param("passport", "passport", id="passport"),
        pytest.param("home_addr", "addr", id="addr"),
        pytest.param("birthday", "birthday", id="birthday"),
        pytest.param("Phone number", "phone", id="display-name"),
        pytest.param("手机号", "手机", id="hanzi-mobile"),
        pytest.param("用户身份证", "身份证", id="hanzi-id-card"),
        pytest.param("收货地址", "地址", id="hanzi-address"),
        pytest.param("zip", None, id="zip"),
        pytest.param("zip_code", None, id="zip-code"),
        pytest.param("shipping_fee", None, id="shipping"),
        pytest.param("tip_amount", None, id="tip"),
        pytest.param("hotel_name", None, id="hotel"),
        pytest.param("card_type", None, id="card-alone"),
        pytest.param("product_name", None, id="name-alone"),
        pytest.param("user_id", None, id="pseudonymous-id"),
        pytest.param("商品名称", None, id="hanzi-product-name"),
    ],
)
def test_personal_term(text, term):
    assert personal_term(text) == term


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        pytest.param("alice@example.com", "email", id="email"),
        pytest.param(
            "Contact: bob.smith+shop@mail.example.cn", "email", id="email-in-text"
        ),
        pytest.param("13800138000", "mobile", id="cn-mobile"),
        pytest.param(13912345678, "mobile", id="cn-mobile-as-number"),
        pytest.param("+14155552671", "e164", id="e164"),
        pytest.param("+8613800138000", "e164", id="cn-mobile-in-e164"),
        pytest.param("+86 138-0013-8000", "mobile", id="cn-mobile-spaced"),
        pytest.param("192.168.1.20", "ipv4", id="ipv4"),
        pytest.param(["SKU-1", "alice@example.com"], "email", id="inside-a-list"),
        pytest.param({"contact": "13800138000"}, "mobile", id="inside-an-object"),
        pytest.param("12800138000", None, id="not-a-mobile-prefix"),
        pytest.param("1380013800012", None, id="longer-number"),
        pytest.param("8.2.0", None, id="version"),
        pytest.param("256.1.1.1", None, id="not-an-ip"),
        pytest.param("order@", None, id="half-an-email"),
        pytest.param(True, None, id="boolean"),
        pytest.param(19.99, None, id="price"),
    ],
)
def test_personal_value_kind(value, kind):
    assert personal_value_kind(value) == kind
