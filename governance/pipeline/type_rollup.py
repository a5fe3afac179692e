"""Pending observed types added to `ObservedType`: claimed, summed, upserted and deleted at once.

I/O. Batches append their observed types as `PendingTypes` rows (one per event, app version and
set of paths and types); this folds them into the per-path counters. Claiming deletes the rows
in the same transaction as the upsert that adds them, so each is added exactly once, and
concurrent runs skip each other's rows on PostgreSQL (`FOR UPDATE SKIP LOCKED`) or wait for the
write lock on SQLite. Runs on beat (`fold_observed_types`) every
`PIPELINE_TYPES_FOLD_SECONDS`: observed types lag the window counts by about that much.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from django.db import connection, transaction

from governance.models import ObservedType, PendingTypes
from governance.pipeline.upserts import table_name, upsert

CLAIM = 5_000  # pending rows per transaction
MAX_ROUNDS = 20  # transactions per call: a large backlog is left to the next run


def fold_pending_types(*, claim: int = CLAIM, max_rounds: int = MAX_ROUNDS) -> int:
    """Add pending observed types to ObservedType; returns how many pending rows it folded."""
    folded = 0
    for _ in range(max_rounds):
        with transaction.atomic():
            rows = _claim(claim)
            _add(rows)
        folded += len(rows)
        if len(rows) < claim:
            break
    return folded


def _claim(limit: int) -> list[tuple[Any, ...]]:
    table = table_name(PendingTypes)
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    # Identifiers come from model metadata; the limit is a parameter.
    sql = (
        f"DELETE FROM {table} WHERE id IN "  # noqa: S608
        f"(SELECT id FROM {table} ORDER BY id LIMIT %s{lock}) "
        "RETURNING plan_id, event_name, app_version, pairs, count, seen_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _add(rows: list[tuple[Any, ...]]) -> None:
    # Equal shapes (same plan, event, app version and paths) first: real traffic repeats a
    # few shapes per event, so most rows merge before their pairs are decoded.
    shapes: dict[tuple[Any, ...], list[Any]] = {}
    for plan_id, event_name, app_version, pairs, count, seen_at in rows:
        moment = _moment(seen_at)
        shape = shapes.get((plan_id, event_name, app_version, pairs))
        if shape is None:
            shapes[plan_id, event_name, app_version, pairs] = [count, moment, moment]
        else:
            shape[0] += count
            shape[1] = min(shape[1], moment)
            shape[2] = max(shape[2], moment)
    # Then per path and type, each with its own first and last moment.
    totals: dict[tuple[Any, ...], list[Any]] = {}
    for (plan_id, event_name, app_version, pairs), (
        count,
        first,
        last,
    ) in shapes.items():
        for path, json_type in orjson.loads(pairs):
            key = (plan_id, event_name, path, app_version, json_type)
            total = totals.get(key)
            if total is None:
                totals[key] = [count, first, last]
            else:
                total[0] += count
                total[1] = min(total[1], first)
                total[2] = max(total[2], last)
    adapted: dict[
        datetime, Any
    ] = {}  # a few distinct moments (one per batch) per claim
    upserted = [
        (*key, count, _db(first, adapted), _db(last, adapted))
        for key, (count, first, last) in totals.items()
    ]
    # Sorted by key, as every upsert of the pipeline: concurrent runs lock rows in one order.
    upserted.sort()
    upsert(
        ObservedType,
        ["plan_id", "event_name", "path", "app_version", "json_type", "count"]
        + ["first_seen", "last_seen"],
        upserted,
        conflict=["plan_id", "event_name", "path", "app_version", "json_type"],
        add=["count"],
        greatest=["last_seen"],
        least=["first_seen"],
    )


def _moment(value: datetime) -> datetime:
    # What the driver returns for a datetime column: an aware datetime on PostgreSQL, a naive
    # UTC one on SQLite (through the converter Django registers for the column's type).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _db(value: datetime, adapted: dict[datetime, Any]) -> Any:
    found = adapted.get(value)
    if found is None:
        found = adapted[value] = connection.ops.adapt_datetimefield_value(value)
    return found
