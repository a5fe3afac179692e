"""Bulk `INSERT … ON CONFLICT` statements for the pipeline's counters, per database.

I/O. One call writes all of a batch's rows for one table. The SQL differs by backend because
the generic form (one multi-row `VALUES` list with a parameter per value) is what cost the most
at a thousand rows per batch:

- PostgreSQL gets every row in one JSON parameter, expanded by `json_populate_recordset` into
  records of the table's type: the statement text stays the same whatever the row count, and
  binding is one string (a multi-row `VALUES` list cost a parameter per value to bind and a
  new plan per row count);
- SQLite runs a one-row statement prepared once over all rows (`executemany`) when nothing
  comes back, and a multi-row statement otherwise, both with its own `?` placeholders on the
  driver's connection (Django's wrapper rewrites `%s` with a regular expression over the whole
  statement text on every call).

Rows keep the order they are given in (callers sort them by key, so concurrent workers lock
rows in the same order). Identifiers come from model metadata; every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from django.db import connection
from django.db.models import Model

_CHUNK = 400  # rows per multi-row statement on SQLite (below its variable limit)


def upsert(
    model: type[Model],
    columns: list[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    conflict: list[str],
    add: Iterable[str] = (),
    replace: Iterable[str] = (),
    greatest: Iterable[str] = (),
    least: Iterable[str] = (),
    latest: str | None = None,
    replace_if_latest: Iterable[str] = (),
    returning: str | None = None,
) -> list[tuple[Any, ...]]:
    """Insert rows, or fold each into the row it conflicts with as the keywords say.

    `add` sums, `replace` overwrites, `greatest`/`least` keep the later/earlier value (a batch
    processed late never moves first or last seen back), `latest` keeps the later moment and
    `replace_if_latest` the values that came with it.
    """
    table = table_name(model)
    sets = [f"{c} = {table}.{c} + EXCLUDED.{c}" for c in add]
    sets += [f"{c} = EXCLUDED.{c}" for c in replace]
    sets += [
        f"{c} = CASE WHEN EXCLUDED.{c} > {table}.{c} THEN EXCLUDED.{c} ELSE {table}.{c} END"
        for c in greatest
    ]
    sets += [
        f"{c} = CASE WHEN EXCLUDED.{c} < {table}.{c} THEN EXCLUDED.{c} ELSE {table}.{c} END"
        for c in least
    ]
    if latest:
        newer = f"EXCLUDED.{latest} >= {table}.{latest}"
        sets += [
            f"{c} = CASE WHEN {newer} THEN EXCLUDED.{c} ELSE {table}.{c} END"
            for c in replace_if_latest
        ]
        sets.append(
            f"{latest} = CASE WHEN {newer} THEN EXCLUDED.{latest} ELSE {table}.{latest} END"
        )
    action = f"DO UPDATE SET {', '.join(sets)}" if sets else "DO NOTHING"
    return insert(
        model, columns, rows, conflict=conflict, action=action, returning=returning
    )


def insert(
    model: type[Model],
    columns: list[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    conflict: list[str],
    action: str = "DO NOTHING",
    action_params: Sequence[Any] = (),
    returning: str | None = None,
) -> list[tuple[Any, ...]]:
    """`INSERT … ON CONFLICT (conflict) action [RETURNING returning]` for every row.

    `action` may hold `%s` placeholders, filled from `action_params` (the same for every row).
    """
    if not rows:
        return []
    head = f"INSERT INTO {table_name(model)} ({', '.join(columns)}) "
    tail = f" ON CONFLICT ({', '.join(conflict)}) {action}"
    tail += f" RETURNING {returning}" if returning else ""
    if connection.vendor == "postgresql":
        return _recordset(model, columns, rows, head, tail, action_params, returning)
    return _sqlite(head, tail, rows, len(columns), action_params, returning)


def append(
    model: type[Model], columns: list[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """A plain `INSERT` of every row (a table without unique keys: nothing can conflict)."""
    if not rows:
        return
    head = f"INSERT INTO {table_name(model)} ({', '.join(columns)}) "
    if connection.vendor == "postgresql":
        _recordset(model, columns, rows, head, "", (), None)
    else:
        _sqlite(head, "", rows, len(columns), (), None)


def update_many(
    model: type[Model], columns: list[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """`UPDATE … SET columns WHERE id = …` for each row of (*values, id), one statement."""
    if not rows:
        return
    sets = ", ".join(f"{c} = %s" for c in columns)
    # Identifiers come from model metadata; every value is a parameter.
    sql = f"UPDATE {table_name(model)} SET {sets} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def table_name(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _recordset(
    model: type[Model],
    columns: list[str],
    rows: Sequence[tuple[Any, ...]],
    head: str,
    tail: str,
    action_params: Sequence[Any],
    returning: str | None,
) -> list[tuple[Any, ...]]:
    # TRICKY: the rows travel as one JSON document that the server expands into records of
    # the table's own type, in order. Arrays per column (unnest) were bound as text array
    # literals, escaped element by element in Python: slower than the insert itself for
    # strings holding quotes.
    table = table_name(model)
    names = ", ".join(columns)
    sql = (
        f"{head}SELECT {names} FROM json_populate_recordset(NULL::{table}, %s::json)"  # noqa: S608
        f"{tail}"
    )
    document = orjson.dumps(
        [dict(zip(columns, row, strict=True)) for row in rows], default=_plain
    ).decode()
    with connection.cursor() as cursor:
        cursor.execute(sql, [document, *action_params])
        return cursor.fetchall() if returning else []


def _plain(value: Any) -> Any:
    # A JSON column's value arrives wrapped for the driver (psycopg's Jsonb): unwrap it.
    wrapped = getattr(value, "obj", None)
    if wrapped is not None:
        return wrapped
    msg = f"Cannot send {type(value).__name__} in a row."
    raise TypeError(msg)


def _sqlite(
    head: str,
    tail: str,
    rows: Sequence[tuple[Any, ...]],
    width: int,
    action_params: Sequence[Any],
    returning: str | None,
) -> list[tuple[Any, ...]]:
    placeholder = "(" + ", ".join(["?"] * width) + ")"
    tail = tail.replace("%s", "?")
    connection.ensure_connection()
    driver = connection.connection
    with connection.wrap_database_errors:
        if not returning:
            sql = f"{head}VALUES {placeholder}{tail}"
            driver.executemany(sql, [(*row, *action_params) for row in rows])
            _log(sql, len(rows))
            return []
        result: list[tuple[Any, ...]] = []
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            sql = f"{head}VALUES {', '.join([placeholder] * len(chunk))}{tail}"
            params = [value for row in chunk for value in row]
            result += driver.execute(sql, [*params, *action_params]).fetchall()
            _log(sql, 1)
        return result


def _log(sql: str, times: int) -> None:
    # Statements on the driver's connection still show where Django's own would (the debug
    # query log, `CaptureQueriesContext`), as one entry per call like Django's `executemany`.
    if connection.queries_logged:
        connection.queries_log.append({"sql": f"{times} times: {sql}", "time": "0.000"})
