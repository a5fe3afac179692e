"""`create_token`: issue an API token for a user from a terminal and print only the token."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracking.models import issue_token


class Command(BaseCommand):
    help = (
        "Issue an API token for a user and print it (only it, so a shell can capture it: "
        "TOKEN=$(python manage.py create_token admin)). The token is shown only now."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="Whose token it is.")
        parser.add_argument("--name", default="terminal", help="What the token is for.")
        parser.add_argument(
            "--expires-in-days",
            type=int,
            default=None,
            help="Days until the token stops working (default: never).",
        )

    def handle(self, *args: object, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            msg = f"No active user is called {options['username']!r}."
            raise CommandError(msg)
        days = options["expires_in_days"]
        if days is not None and days < 1:
            msg = "--expires-in-days must be at least 1."
            raise CommandError(msg)
        expires_at = timezone.now() + timedelta(days=days) if days else None
        _, raw = issue_token(user, name=options["name"], expires_at=expires_at)
        self.stdout.write(raw)
