"""Credentials from a terminal: `create_token` and `write_key` print only what a shell captures."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import SourceFactory
from tracking.models.tokens import find_usable_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_token_prints_a_working_token_and_nothing_else(engineer):
    printed = run("create_token", engineer.username, "--name", "laptop")

    raw = printed.strip()
    assert printed == f"{raw}\n"
    token = find_usable_token(raw)
    assert token is not None
    assert (token.user, token.name, token.expires_at) == (engineer, "laptop", None)


def test_create_token_can_expire(engineer):
    raw = run("create_token", engineer.username, "--expires-in-days", "30").strip()

    token = find_usable_token(raw)
    assert token is not None and token.expires_at is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["nobody"], "No active user", id="unknown-user"),
        pytest.param(["{engineer}", "--expires-in-days", "0"], "at least 1", id="days"),
    ],
)
def test_create_token_refuses_with_a_reason(engineer, args, message):
    args = [a.format(engineer=engineer.username) for a in args]
    with pytest.raises(CommandError, match=message):
        run("create_token", *args)


@pytest.mark.parametrize("wanted", ["Web Shop", "web shop", "web"])
def test_write_key_finds_a_source_by_name_or_kind(wanted):
    source = SourceFactory(name="Web Shop", kind="web")
    SourceFactory(plan=source.plan, name="iOS App", kind="ios")

    assert run("write_key", source.plan.key, wanted) == f"{source.write_key}\n"


def test_write_key_names_the_sources_when_none_matches():
    source = SourceFactory(name="Web Shop", kind="web")

    with pytest.raises(CommandError, match=r"it has: Web Shop \(web\)"):
        run("write_key", source.plan.key, "android")


def test_write_key_refuses_a_deactivated_source():
    source = SourceFactory(name="Web Shop", kind="web", is_active=False)

    with pytest.raises(CommandError, match="deactivated"):
        run("write_key", source.plan.key, "web")
