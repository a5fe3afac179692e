"""Typed environment reads refuse malformed values at start."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_required


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
