"""Seal every dead letter kept whole so far, mask its error and traceback, empty its payload.

TRICKY: in its own migration (its own transaction on PostgreSQL), between adding the columns
and dropping the old one: rows changed in a transaction that also alters their table can stop
the ALTER ("pending trigger events").
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db import migrations

from governance.pipeline import privacy, sealing


def seal_letters(apps, schema_editor):
    letters = apps.get_model("governance", "DeadLetterBatch")
    for letter in letters.objects.filter(sealed_payload="").iterator(chunk_size=100):
        batch = letter.payload
        letter.sealed_payload = sealing.seal(batch, keys=settings.DEAD_LETTER_KEYS)
        letter.endpoint = str(batch.get("endpoint", ""))[:16]
        letter.received_at = _moment(batch.get("received_at"))
        letter.body_size = len(str(batch.get("body", "")))
        letter.error = privacy.mask_text(letter.error)[:500]
        letter.traceback = privacy.mask_text(letter.traceback)[-20000:]
        letter.payload = {}
        letter.save(
            update_fields=[
                "sealed_payload",
                "endpoint",
                "received_at",
                "body_size",
                "error",
                "traceback",
                "payload",
            ]
        )


def open_letters(apps, schema_editor):
    letters = apps.get_model("governance", "DeadLetterBatch")
    for letter in letters.objects.exclude(sealed_payload="").iterator(chunk_size=100):
        try:
            letter.payload = sealing.unseal(
                letter.sealed_payload, keys=settings.DEAD_LETTER_KEYS
            )
        except sealing.UnreadableLetter:
            continue  # left empty: no configured key opens it
        letter.save(update_fields=["payload"])


def _moment(value):
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0003_dead_letter_sealed"),
    ]

    operations = [
        migrations.RunPython(seal_letters, open_letters),
    ]
