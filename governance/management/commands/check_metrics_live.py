"""Report, for each metric of a plan, dependencies that live samples do not back up."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from governance.metric_liveness import metric_liveness
from tracking.models import TrackingPlan


class Command(BaseCommand):
    help = (
        "Warn about metrics whose events were not seen in the last 7 days or whose measures "
        "arrive with the wrong type (exit 1 when there is any warning)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="The plan's key.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, plan: str, format: str, **options: Any) -> None:  # noqa: A002
        row = TrackingPlan.objects.filter(key__iexact=plan).first()
        if row is None:
            msg = f"No plan with the key {plan!r}."
            raise CommandError(msg, returncode=2)
        report = metric_liveness(row, now=timezone.now())
        if format == "json":
            data = {key: [f.as_dict() for f in found] for key, found in report.items()}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            for key, found in report.items():
                for finding in found:
                    self.stdout.write(f"{key}: {finding.code} {finding.message}")
        if any(report.values()):
            raise SystemExit(1)
