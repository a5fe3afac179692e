"""Put dead-letter batches back on the ingest queue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.dead_letters import (
    BrokerUnavailable,
    pending_dead_letters,
    replay_dead_letters,
)


class Command(BaseCommand):
    help = "Re-enqueue batches that failed for good (each keeps its id: no double counting)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=0, help="At most this many batches (0: all)."
        )
        parser.add_argument(
            "--list", action="store_true", help="Only list the pending batches."
        )

    def handle(self, *args: Any, limit: int, list: bool, **options: Any) -> None:  # noqa: A002
        letters = pending_dead_letters()
        if limit:
            letters = letters[:limit]
        if list:
            for letter in letters:
                self.stdout.write(
                    f"{letter.batch_id}  {letter.failed_at:%Y-%m-%d %H:%M:%S}  "
                    f"attempts={letter.attempts}  {letter.error}"
                )
            return
        try:
            replay = replay_dead_letters(letters)
        except BrokerUnavailable as error:
            msg = f"The broker did not take the batches: {error}"
            raise CommandError(msg) from error
        self.stdout.write(self.style.SUCCESS(f"Replayed {replay.replayed} batch(es)."))
        for batch_id in replay.unreadable:
            self.stderr.write(
                f"{batch_id}: no key in DEAD_LETTER_KEYS opens this batch; it stays "
                "pending until its key is configured again or the purge removes it."
            )
        if replay.unreadable:
            msg = f"{len(replay.unreadable)} batch(es) could not be opened."
            raise CommandError(msg)
