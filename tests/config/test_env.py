"""Typed environment reads refuse malformed values at start."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    derived_fernet_key,
    env_bool,
    env_fernet_keys,
    env_int,
    env_list,
    env_required,
)

NEW_KEY = Fernet.generate_key().decode()
OLD_KEY = Fernet.generate_key().decode()


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param("1", True, id="one"),
        pytest.param("TRUE", True, id="upper-true"),
        pytest.param("off", False, id="off"),
        pytest.param("", False, id="empty"),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=not value) is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "yes please")
    with pytest.raises(
        ImproperlyConfigured, match="FLAG='yes please' is not a boolean"
    ):
        env_bool("FLAG", default=False)


def test_env_int_refuses_a_word(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("COUNT", default=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example.com, b.example.com,,")
    assert env_list("HOSTS", default=[]) == ["a.example.com", "b.example.com"]


def test_production_secret_is_required(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        env_required("SECRET_KEY")


def test_fernet_keys_are_read_in_order(monkeypatch):
    monkeypatch.setenv("KEYS", f"{NEW_KEY}, {OLD_KEY}")

    assert env_fernet_keys("KEYS", derive_from=None) == [NEW_KEY, OLD_KEY]


def test_a_malformed_fernet_key_stops_the_process_without_printing_it(monkeypatch):
    monkeypatch.setenv("KEYS", f"{NEW_KEY},secret-but-short")

    with pytest.raises(ImproperlyConfigured, match="KEYS: key 2 is not") as error:
        env_fernet_keys("KEYS", derive_from=None)
    assert "secret-but-short" not in str(error.value)


def test_unset_fernet_keys_are_derived_from_the_secret_given(monkeypatch):
    monkeypatch.delenv("KEYS", raising=False)

    keys = env_fernet_keys("KEYS", derive_from="s3cret")

    assert keys == [derived_fernet_key("s3cret", purpose="KEYS")]
    assert keys != env_fernet_keys("KEYS", derive_from="another")
    Fernet(keys[0])


def test_unset_fernet_keys_are_required_when_nothing_may_be_derived(monkeypatch):
    monkeypatch.delenv("KEYS", raising=False)

    with pytest.raises(ImproperlyConfigured, match="KEYS must be set"):
        env_fernet_keys("KEYS", derive_from=None)
