"""The pipeline's writes: a batch's mark, its dedupe rows and its counts, in one transaction.

Every counter changes through `INSERT … ON CONFLICT … DO UPDATE` adding the batch's increments,
one statement per table per batch (`upserts`), rows sorted by key so that concurrent workers
lock rows in the same order; observed types are appended as pending rows, which `type_rollup`
adds to their counters. Works on PostgreSQL and on SQLite (3.35 or newer, for RETURNING).

Callers run `claim_batch`, `new_message_digests` and `write_fold` inside one
`transaction.atomic()` block: the batch's idempotency mark commits with its counts or not at all.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import connection
from django.utils import timezone

from governance.models import (
    DeadLetterBatch,
    LastSeen,
    PendingTypes,
    ProcessedBatch,
    RecentSample,
    SeenMessage,
    ViolationCount,
    WindowCount,
)
from governance.pipeline import privacy, sealing
from governance.pipeline.aggregate import (
    EXAMPLES_PER_VIOLATION,
    BatchFold,
    ViolationKey,
)
from governance.pipeline.upserts import (
    append,
    insert,
    table_name,
    update_many,
    upsert,
)

logger = logging.getLogger(__name__)

_VIOLATION_KEY = [
    "plan_id",
    "source_id",
    "message_type",
    "event_name",
    "app_version",
    "kind",
    "keyword",
    "path",
]


def message_digest(message_id: str) -> int:
    """A signed 64-bit digest of a client messageId (what the dedupe rows hold)."""
    raw = hashlib.blake2b(message_id.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(raw.digest(), "big", signed=True)


def claim_batch(
    *, batch_id: str, source_id: int, samples: int, duplicates: int, at: datetime
) -> bool:
    """Write the batch's idempotency mark; False if the batch was already counted.

    A concurrent delivery of the same batch waits on the mark's key until this transaction
    ends, then finds it.
    """
    rows = insert(
        ProcessedBatch,
        ["batch_id", "source_id", "samples", "duplicates", "processed_at"],
        [(_uuid(batch_id), source_id, samples, duplicates, _dt(at))],
        conflict=["batch_id"],
        returning="batch_id",
    )
    return bool(rows)


def new_message_digests(
    *, source_id: int, digests: Sequence[int], at: datetime, window: timedelta
) -> set[int]:
    """The digests not seen from this source within `window`; records them as seen now."""
    unique = sorted(set(digests))
    if not unique:
        return set()
    at_db = _dt(at)
    returned = insert(
        SeenMessage,
        ["source_id", "digest", "seen_at"],
        [(source_id, digest, at_db) for digest in unique],
        conflict=["source_id", "digest"],
        action=f"DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE {table_name(SeenMessage)}"
        ".seen_at < %s",
        action_params=[_dt(at - window)],
        returning="digest",
    )
    return {row[0] for row in returned}


def write_fold(*, plan_id: int, source_id: int, fold: BatchFold) -> set[ViolationKey]:
    """Add a folded batch to the counters, top up violation examples, keep recent samples.

    Returns the batch's violations whose rows now hold every example they keep.
    """
    _write_windows(plan_id, source_id, fold)
    complete = _write_violations(plan_id, source_id, fold)
    _write_types(plan_id, fold)
    _write_last_seen(plan_id, source_id, fold)
    _write_samples(plan_id, source_id, fold)
    return complete


def _write_windows(plan_id: int, source_id: int, fold: BatchFold) -> None:
    rows = sorted(
        (
            plan_id,
            source_id,
            key.message_type,
            key.event_name,
            key.app_version,
            _dt(key.window_start),
            counts.planned,
            counts.received,
            counts.valid,
            counts.invalid,
            counts.personal,
        )
        for key, counts in fold.windows.items()
    )
    upsert(
        WindowCount,
        ["plan_id", "source_id", "message_type", "event_name", "app_version"]
        + ["window_start", "is_planned", "received", "valid", "invalid", "personal"],
        rows,
        conflict=["plan_id", "source_id", "message_type", "event_name"]
        + ["app_version", "window_start"],
        add=["received", "valid", "invalid", "personal"],
        replace=["is_planned"],
    )


def _write_violations(
    plan_id: int, source_id: int, fold: BatchFold
) -> set[ViolationKey]:
    at = _dt(fold.at)
    rows = sorted(
        (plan_id, source_id, k.message_type, k.event_name, k.app_version, k.kind)
        + (k.keyword, k.path, tally.count, tally.message, at, at, _json([]), 0)
        for k, tally in fold.violations.items()
    )
    returned = upsert(
        ViolationCount,
        [*_VIOLATION_KEY, "count", "message", "first_seen", "last_seen"]
        + ["examples", "example_count"],
        rows,
        conflict=["plan_id", "source_id", *_VIOLATION_KEY[2:]],
        add=["count"],
        replace=["message"],
        greatest=["last_seen"],
        least=["first_seen"],
        returning="id, example_count, " + ", ".join(_VIOLATION_KEY[2:]),
    )
    # RETURNING promises no order: match rows back by their key.
    wanting: dict[int, tuple[ViolationKey, list[dict[str, Any]]]] = {}
    complete = set()
    for row_id, count, *values in returned:
        key = ViolationKey(*values)
        tally = fold.violations[key]
        if count >= EXAMPLES_PER_VIOLATION:
            complete.add(key)
        elif tally.examples:
            wanting[row_id] = (key, tally.examples)
    return complete | _top_up_examples(wanting)


def _top_up_examples(
    wanting: dict[int, tuple[ViolationKey, list[dict[str, Any]]]],
) -> set[ViolationKey]:
    # TRICKY: the upsert above holds these rows' locks until the transaction ends, so this
    # read-append-write cannot race another worker. It happens only until a row has its five.
    if not wanting:
        return set()
    current = dict(
        ViolationCount.objects.filter(id__in=wanting).values_list("id", "examples")
    )
    field = ViolationCount._meta.get_field("examples")
    rows = []
    complete = set()
    for row_id, (key, new) in sorted(wanting.items()):
        examples = (list(current.get(row_id) or []) + new)[:EXAMPLES_PER_VIOLATION]
        rows.append(
            (field.get_db_prep_value(examples, connection), len(examples), row_id)
        )
        if len(examples) >= EXAMPLES_PER_VIOLATION:
            complete.add(key)
    update_many(ViolationCount, ["examples", "example_count"], rows)
    return complete


def _write_types(plan_id: int, fold: BatchFold) -> None:
    # Appended, not upserted: `type_rollup` adds them to ObservedType (see PendingTypes).
    at = _dt(fold.at)
    rows = [
        (plan_id, key.event_name, key.app_version, _pairs_json(key.pairs), count, at)
        for key, count in fold.shapes.items()
    ]
    append(
        PendingTypes,
        ["plan_id", "event_name", "app_version", "pairs", "count", "seen_at"],
        rows,
    )


def _pairs_json(pairs: tuple[tuple[str, str], ...]) -> str:
    return orjson.dumps(pairs).decode()


def _write_last_seen(plan_id: int, source_id: int, fold: BatchFold) -> None:
    at = _dt(fold.at)
    rows = sorted(
        (plan_id, source_id, key.message_type, key.event_name, at, at, version)
        for key, version in fold.last_seen.items()
    )
    upsert(
        LastSeen,
        ["plan_id", "source_id", "message_type", "event_name", "first_seen"]
        + ["last_seen", "app_version"],
        rows,
        conflict=["plan_id", "source_id", "message_type", "event_name"],
        latest="last_seen",
        replace_if_latest=["app_version"],
    )


def _write_samples(plan_id: int, source_id: int, fold: BatchFold) -> None:
    RecentSample.objects.bulk_create(
        RecentSample(
            plan_id=plan_id,
            source_id=source_id,
            message_type=row.verdict.message_type,
            event_name=row.verdict.event_name,
            app_version=row.verdict.app_version,
            is_valid=row.verdict.valid,
            received_at=fold.at,
            message=row.message,
            violations=[
                {
                    "kind": v.kind,
                    "keyword": v.keyword,
                    "path": v.path,
                    "message": v.message,
                }
                for v in row.verdict.violations
            ],
        )
        for row in fold.samples
    )


def record_dead_letter(
    batch: dict[str, Any], *, error: str, traceback: str, attempts: int
) -> DeadLetterBatch:
    """Keep a batch that failed for good, whole but sealed, for listing and replay.

    Only its metadata is readable: the batch is sealed with DEAD_LETTER_KEYS, and the error
    and traceback (which may quote a value) are masked.
    """
    letter, _ = DeadLetterBatch.objects.update_or_create(
        batch_id=batch["batch_id"],
        defaults={
            "source_id": batch.get("source_id"),
            "endpoint": str(batch.get("endpoint", ""))[:16],
            "received_at": _received_at(batch.get("received_at")),
            "body_size": len(str(batch.get("body", ""))),
            "sealed_payload": sealing.seal(batch, keys=settings.DEAD_LETTER_KEYS),
            # Masked first, cut after: a cut must never leave part of a number unmasked.
            "error": privacy.mask_text(error)[:500],
            "traceback": privacy.mask_text(traceback)[-20000:],
            "attempts": attempts,
            "failed_at": timezone.now(),
            "replayed_at": None,
        },
    )
    return letter


def _received_at(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _dt(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _uuid(value: str) -> Any:
    field = ProcessedBatch._meta.get_field("batch_id")
    return field.get_db_prep_value(uuid.UUID(value), connection)


def _json(value: Any) -> Any:
    return connection.ops.adapt_json_value(value, None)
