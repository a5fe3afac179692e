"""API throttle rates come from the environment and are refused at start when malformed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import _env_rate


@pytest.mark.parametrize("raw", ["20/minute", "5000/hour", "1/s", " 100/day "])
def test_rate_accepts_drf_spellings(monkeypatch, raw):
    monkeypatch.setenv("RATE", raw)

    assert _env_rate("RATE", "1/hour") == raw.strip()


@pytest.mark.parametrize("raw", ["20 per minute", "0/minute", "20/fortnight", ""])
def test_rate_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("RATE", raw)

    with pytest.raises(ImproperlyConfigured, match="is not a rate like 5000/hour"):
        _env_rate("RATE", "1/hour")
