"""Sign-in lockout: wrong passwords lock one username out from one address for a while.

The admin login and `POST /api/v1/tokens` (HTTP Basic) share the count, with the shipped
settings (5 failures, 15 minutes), counted for real by django-axes in the test database.
"""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
LIMIT = 5
ATTACKER, COLLEAGUE = "203.0.113.9", "198.51.100.7"
LOCKED = (
    "Too many failed sign-ins for this account from your address. Try again in "
    "15 minutes."
)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The API's rate limits count in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db):
    return UserFactory(username="pm", is_staff=True, is_superuser=True)


def admin_login(username: str, password: str, *, address: str = ATTACKER, **headers):
    return Client(REMOTE_ADDR=address).post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        **headers,
    )


def token_request(username: str, password: str, *, address: str = ATTACKER):
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/tokens",
        {"name": "laptop"},
        format="json",
        HTTP_AUTHORIZATION=f"Basic {pair}",
    )


def test_admin_login_locks_the_username_out_at_the_fifth_wrong_password(staff):
    answers = [admin_login("pm", "wrong").status_code for _ in range(LIMIT)]

    locked = admin_login("pm", PASSWORD)

    assert answers == [200] * (LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    html = locked.content.decode()
    assert f'<p class="errornote" role="alert">{LOCKED}</p>' in html
    assert "_auth_user_id" not in locked.wsgi_request.session


def test_lockout_page_speaks_chinese(staff):
    for _ in range(LIMIT - 1):
        admin_login("pm", "wrong")

    locked = admin_login("pm", "wrong", HTTP_ACCEPT_LANGUAGE="zh-hans")

    html = locked.content.decode()
    assert "此账户从您的地址登录失败次数过多。请在 15 分钟后重试。" in html
    assert "返回登录页面" in html


@pytest.mark.parametrize(
    ("username", "address"),
    [
        pytest.param("pm", COLLEAGUE, id="same-user-another-address"),
        pytest.param("qa", ATTACKER, id="another-user-same-address"),
    ],
)
def test_lockout_keeps_everyone_else_signing_in(staff, username, address):
    UserFactory(username="qa", is_staff=True)
    for _ in range(LIMIT):
        admin_login("pm", "wrong")

    response = admin_login(username, PASSWORD, address=address)

    assert (response.status_code, response.url) == (302, "/admin/")


def test_lockout_ends_after_the_cool_off(staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            admin_login("pm", "wrong")
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        still = admin_login("pm", PASSWORD)
    with time_machine.travel(start + timedelta(minutes=14 + 16), tick=False):
        after = admin_login("pm", PASSWORD)

    # A sign-in while locked out counts as a failure and starts the cool-off again.
    assert (still.status_code, after.status_code) == (429, 302)


def test_a_success_clears_the_earlier_failures(staff):
    for _ in range(LIMIT - 1):
        admin_login("pm", "wrong")
    admin_login("pm", PASSWORD)

    answers = [admin_login("pm", "wrong").status_code for _ in range(LIMIT - 1)]

    assert answers == [200] * (LIMIT - 1)


def test_token_creation_locks_out_like_the_admin_login(staff):
    answers = [token_request("pm", "wrong").status_code for _ in range(LIMIT)]

    locked = token_request("pm", PASSWORD)

    assert answers == [401] * (LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert locked.json() == {
        "error": {
            "code": "locked_out",
            "message": LOCKED,
            "details": {"retry_after": 900},
        }
    }


def test_admin_and_api_share_the_count(staff):
    for _ in range(LIMIT - 1):
        token_request("pm", "wrong")

    response = admin_login("pm", "wrong")

    assert response.status_code == 429


def test_a_locked_out_username_still_gets_a_token_from_another_address(staff):
    for _ in range(LIMIT):
        token_request("pm", "wrong")

    response = token_request("pm", PASSWORD, address=COLLEAGUE)

    assert response.status_code == 201
