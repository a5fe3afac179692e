"""`write_key`: print a source's write key, for a terminal or a script on the server."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tracking.models import Source


class Command(BaseCommand):
    help = (
        "Print the write key of a plan's source, found by its name or kind "
        "(WRITE_KEY=$(python manage.py write_key shop-app web))."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("plan", help="The plan's key, e.g. shop-app.")
        parser.add_argument(
            "source", help='The source\'s name ("Web Shop") or kind (web, ios, ...).'
        )

    def handle(self, *args: object, **options: Any) -> None:
        sources = Source.objects.filter(plan__key__iexact=options["plan"])
        wanted = options["source"]
        found = list(sources.filter(name__iexact=wanted)) or list(
            sources.filter(kind__iexact=wanted)
        )
        if len(found) != 1:
            names = ", ".join(sorted(f"{s.name} ({s.kind})" for s in sources)) or "none"
            problem = "No source" if not found else "More than one source"
            msg = f"{problem} of plan {options['plan']!r} matches {wanted!r}; it has: {names}."
            raise CommandError(msg)
        (source,) = found
        if not source.is_active:
            msg = f"{source.name} is deactivated; the collector refuses its key."
            raise CommandError(msg)
        self.stdout.write(source.write_key)
