"""The demo's admin login."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("demo_login", stdout=out)
    return out.getvalue()


def test_prints_a_login_that_works_and_resets_it_on_each_run():
    first = re.search(r"admin / (\S+)", run()).group(1)
    second = re.search(r"admin / (\S+)", run()).group(1)
    assert first != second
    # Sign-ins are counted per address (django-axes), so they come with a request.
    request = RequestFactory().post("/admin/login/")
    assert authenticate(request, username="admin", password=first) is None
    user = authenticate(request, username="admin", password=second)
    assert user is not None and user.is_superuser
