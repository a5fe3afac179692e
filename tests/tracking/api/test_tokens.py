"""API tokens: shown once, stored hashed, refused once revoked or expired, use recorded cheaply."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import UserFactory
from tracking.models import ApiToken, issue_token, revoke_token


def _get_plans(api, header):
    return api.get("/api/v1/plans", HTTP_AUTHORIZATION=header)


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_token_authenticates_with_either_keyword(api, engineer, keyword):
    _token, raw = issue_token(engineer, name="ci")

    response = _get_plans(api, f"{keyword} {raw}")

    assert response.status_code == 200


def test_created_token_is_shown_once_and_stored_only_as_a_digest(as_user, engineer):
    api = as_user(engineer)

    created = api.post("/api/v1/tokens", {"name": "ci"})
    raw = created.json()["token"]
    shown_again = api.get(f"/api/v1/tokens/{created.json()['id']}").json()

    row = ApiToken.objects.get()
    assert created.status_code == 201
    assert row.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(row.prefix) and len(row.prefix) == 12
    assert raw not in {row.name, row.prefix, row.digest}
    assert "token" not in shown_again
    assert shown_again["prefix"] == row.prefix


def test_token_created_through_the_api_works(as_user, api, engineer):
    raw = as_user(engineer).post("/api/v1/tokens", {"name": "ci"}).json()["token"]
    api.force_authenticate(None)

    assert _get_plans(api, f"Bearer {raw}").status_code == 200


def test_revoked_token_is_refused_with_401(api, engineer):
    token, raw = issue_token(engineer, name="ci")
    revoke_token(token)

    response = _get_plans(api, f"Bearer {raw}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_expired_token_is_refused_with_401(api, engineer):
    _token, raw = issue_token(
        engineer, name="ci", expires_at=timezone.now() + timedelta(days=1)
    )

    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = _get_plans(api, f"Bearer {raw}")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Bearer tpg_unknown", id="unknown-token"),
        pytest.param("Bearer", id="keyword-without-token"),
        pytest.param("Bearer two parts", id="token-with-a-space"),
    ],
)
def test_bad_credentials_are_refused_with_401(api, db, header):
    response = _get_plans(api, header)

    assert response.status_code == 401
    assert response.json()["error"]["code"] in {
        "invalid_token",
        "malformed_token_header",
    }


def test_token_of_a_deactivated_user_is_refused(api, engineer):
    _token, raw = issue_token(engineer, name="ci")
    engineer.is_active = False
    engineer.save()

    assert _get_plans(api, f"Bearer {raw}").status_code == 401


def test_use_is_recorded_at_most_once_a_minute(api, engineer):
    token, raw = issue_token(engineer, name="ci")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        _get_plans(api, f"Bearer {raw}")
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        _get_plans(api, f"Bearer {raw}")
    token.refresh_from_db()
    first_use = token.last_used_at
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        _get_plans(api, f"Bearer {raw}")
    token.refresh_from_db()

    assert first_use == start
    assert token.last_used_at == start + timedelta(minutes=2)


def test_deleting_a_token_revokes_it_and_keeps_the_row(as_user, api, engineer):
    token, raw = issue_token(engineer, name="ci")

    response = as_user(engineer).delete(f"/api/v1/tokens/{token.pk}")
    api.force_authenticate(None)

    token.refresh_from_db()
    assert response.status_code == 204
    assert token.revoked_at is not None
    assert _get_plans(api, f"Bearer {raw}").status_code == 401


def test_a_user_sees_and_revokes_only_their_own_tokens(as_user, engineer):
    theirs, _raw = issue_token(UserFactory(), name="theirs")
    mine, _raw = issue_token(engineer, name="mine")
    api = as_user(engineer)

    listed = [t["name"] for t in api.get("/api/v1/tokens").json()["results"]]

    assert listed == ["mine"]
    assert api.get(f"/api/v1/tokens/{theirs.pk}").status_code == 404
    assert api.delete(f"/api/v1/tokens/{theirs.pk}").status_code == 404


def test_expiry_in_the_past_is_refused(as_user, engineer):
    response = as_user(engineer).post(
        "/api/v1/tokens",
        {"name": "ci", "expires_at": "2000-01-01T00:00:00Z"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "expires_at": ["Choose a time in the future."]
    }


# --- A token from a terminal: the password works on POST /tokens and nowhere else -----------

PASSWORD = "correct horse battery staple"


def _basic(username: str, password: str = PASSWORD) -> str:
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    return f"Basic {pair}"


def test_a_password_creates_a_token_that_then_works(api, engineer):
    created = api.post(
        "/api/v1/tokens",
        {"name": "laptop"},
        format="json",
        HTTP_AUTHORIZATION=_basic(engineer.username),
    )

    assert created.status_code == 201
    assert _get_plans(api, f"Bearer {created.json()['token']}").status_code == 200
    assert ApiToken.objects.get().user == engineer


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("get", "/api/v1/plans", id="read-plans"),
        pytest.param("get", "/api/v1/tokens", id="list-tokens"),
        pytest.param("post", "/api/v1/plans", id="write-elsewhere"),
    ],
)
def test_a_password_is_refused_anywhere_but_token_creation(api, engineer, method, path):
    response = getattr(api, method)(
        path, {}, format="json", HTTP_AUTHORIZATION=_basic(engineer.username)
    )

    assert response.status_code == 401
    assert "error" in response.json()


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(_basic("nobody"), id="unknown-user"),
        pytest.param("Basic bm90LWJhc2U2NA===", id="not-base64"),
    ],
)
def test_a_wrong_password_creates_nothing(api, engineer, header):
    response = api.post(
        "/api/v1/tokens", {"name": "x"}, format="json", HTTP_AUTHORIZATION=header
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert not ApiToken.objects.exists()


def test_a_wrong_password_of_a_real_user_creates_nothing(api, engineer):
    response = api.post(
        "/api/v1/tokens",
        {"name": "x"},
        format="json",
        HTTP_AUTHORIZATION=_basic(engineer.username, "wrong"),
    )

    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_an_inactive_user_cannot_create_a_token_with_a_password(api, engineer):
    engineer.is_active = False
    engineer.save()

    response = api.post(
        "/api/v1/tokens",
        {"name": "x"},
        format="json",
        HTTP_AUTHORIZATION=_basic(engineer.username),
    )

    assert response.status_code == 401
