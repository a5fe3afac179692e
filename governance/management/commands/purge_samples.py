"""Run the periodic purge now: expired dedupe rows and marks, old and surplus samples, and
dead letters past their retention."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from governance.pipeline.maintenance import purge


class Command(BaseCommand):
    help = (
        "Delete expired dedupe rows, old batch marks, old or surplus recent samples and "
        "dead letters older than DEAD_LETTER_RETENTION_DAYS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge()
        for kind, count in deleted.items():
            self.stdout.write(f"{kind}: {count}")
