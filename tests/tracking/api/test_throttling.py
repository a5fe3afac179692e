"""The anonymous rate counts calls refused for missing or wrong credentials, per address.

DRF throttles only after authentication, so these calls used to be answered 401 forever.
The rates here are set low through the settings; the shipped ones are 60/minute and 5000/hour.
"""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

from tracking.models import issue_token

ANON_RATE = 3
ATTACKER, COLLEAGUE = "203.0.113.9", "198.51.100.7"


@pytest.fixture(autouse=True)
def _low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": f"{ANON_RATE}/minute", "user": "5/minute"},
    }


def _basic(username: str, password: str) -> str:
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    return f"Basic {pair}"


# Each refused call, as (method, path, Authorization header).
REFUSED = {
    "no-credentials": ("get", "/api/v1/plans", None),
    "unknown-token": ("get", "/api/v1/plans", "Bearer not-a-token"),
    "malformed-token-header": ("get", "/api/v1/plans", "Bearer two words"),
    "password-outside-token-creation": ("get", "/api/v1/plans", _basic("qa", "x")),
    "wrong-password-for-a-token": ("post", "/api/v1/tokens", _basic("qa", "wrong")),
}


@pytest.mark.parametrize("call", list(REFUSED.values()), ids=list(REFUSED))
def test_refused_calls_are_answered_429_once_over_the_anonymous_rate(db, qa, call):
    method, path, authorization = call
    client = APIClient(REMOTE_ADDR=ATTACKER)
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    def send():
        return getattr(client, method)(path, {"name": "x"}, format="json", **headers)

    answers = [send().status_code for _ in range(ANON_RATE)]
    throttled = send()

    assert answers == [401] * ANON_RATE
    assert throttled.status_code == 429
    error = throttled.json()["error"]
    assert error["code"] == "throttled"
    assert error["details"]["retry_after"] == int(throttled["Retry-After"]) > 0


def test_the_count_is_per_address(db):
    for _ in range(ANON_RATE + 1):
        APIClient(REMOTE_ADDR=ATTACKER).get("/api/v1/plans")

    response = APIClient(REMOTE_ADDR=COLLEAGUE).get("/api/v1/plans")

    assert response.status_code == 401


def test_a_forged_forwarded_for_does_not_reset_the_count(db):
    for n in range(ANON_RATE):
        APIClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").get(
            "/api/v1/plans"
        )

    response = APIClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="10.0.0.99").get(
        "/api/v1/plans"
    )

    assert response.status_code == 429


def test_a_valid_token_from_that_address_is_held_to_the_user_rate_only(db, viewer):
    for _ in range(ANON_RATE + 1):
        APIClient(REMOTE_ADDR=ATTACKER).get("/api/v1/plans")
    _token, raw = issue_token(viewer, name="laptop")
    client = APIClient(REMOTE_ADDR=ATTACKER, HTTP_AUTHORIZATION=f"Bearer {raw}")

    answers = [client.get("/api/v1/plans").status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]
