"""Hostile plan files for every import format, dry run and real: a 4xx or a refused report.

Each file is the demo plan's own export, spoiled: NUL in its text (PostgreSQL cannot store it,
SQLite can, so only a check before the write keeps the two alike), deep nesting, numbers JSON
or the database cannot hold, broken XML, truncation. Nothing may answer 500 or be applied.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

import pytest

from tracking.interchange import CSV, FORMATS, IGLU, NATIVE, SEGMENT, XLSX, export
from tracking.models import Event

# Exhaustive: run by `make test` and CI, not by plain pytest.
pytestmark = pytest.mark.slow

P = "/api/v1/plans/shop-app"
Spoil = Callable[[bytes], bytes]


def _in_json(old: bytes, new: bytes) -> Spoil:
    """Replace the first `old` in a JSON file, or in each JSON member of a zip."""

    def spoil(data: bytes) -> bytes:
        return _each_member(data, lambda member: member.replace(old, new, 1))

    return spoil


def _each_member(data: bytes, change: Spoil) -> bytes:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return change(data)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w") as zipped,
    ):
        for info in source.infolist():
            zipped.writestr(info, change(source.read(info)))
    return out.getvalue()


def _deep(data: bytes) -> bytes:
    return b"[" * 100_000 + data + b"]" * 100_000


def _value_replaced(value: bytes) -> Spoil:
    """Every `"description": "…"` value (JSON formats) made `value`."""

    def spoil(data: bytes) -> bytes:
        def change(member: bytes) -> bytes:
            head, found, tail = member.partition(b'"description": "')
            if not found:
                return member
            return head + b'"description": ' + value + tail.split(b'"', 1)[1]

        return _each_member(data, change)

    return spoil


JSON_SPOILS: dict[str, Spoil] = {
    "nul-in-description": _value_replaced(b'"Cart\\u0000"'),
    "nul-in-a-key": _in_json(b'"description"', b'"descr\\u0000iption"'),
    "lone-surrogate": _value_replaced(b'"\\ud800"'),
    "nan": _value_replaced(b"NaN"),
    "infinity": _value_replaced(b"1e400"),
    "5000-digits": _value_replaced(b"1" + b"0" * 5000),
    "deep-nesting": _deep,
    "deep-in-a-value": _value_replaced(b"[" * 5000 + b"1" + b"]" * 5000),
}
SHEET_SPOILS: dict[str, dict[str, Spoil]] = {
    CSV: {
        "raw-nul": lambda data: data.replace(b"\n", b"\x00\n", 2),
        "nul-in-a-quoted-cell": lambda data: data.replace(b",", b',"a\x00b",', 1),
        "utf-16": lambda data: data.decode().encode("utf-16"),
        "lone-quote": lambda data: data + b'"\n',
    },
    XLSX: {
        "xml-char-ref-nul": lambda data: _each_member(
            data, lambda m: m.replace(b"</t>", b"&#0;</t>", 1)
        ),
        "xml-entity-bomb": lambda data: _each_member(
            data,
            lambda m: m.replace(
                b"?>",
                b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
                1,
            ),
        ),
        "not-xml": lambda data: _each_member(data, lambda m: m[: len(m) // 2]),
    },
}
COMMON_SPOILS: dict[str, Spoil] = {
    "truncated": lambda data: data[: len(data) // 2],
    "garbage": lambda data: bytes(range(256)) * 10,
    "nul-bytes": lambda data: bytes(4096),
}


def cases() -> list[tuple[str, str, Spoil]]:
    found = []
    for format_name in FORMATS:
        spoils = dict(COMMON_SPOILS)
        if format_name == CSV:
            del spoils["truncated"]  # fewer rows are still a CSV file
        if format_name in (NATIVE, SEGMENT, IGLU):
            spoils |= JSON_SPOILS
        spoils |= SHEET_SPOILS.get(format_name, {})
        found += [(format_name, label, spoil) for label, spoil in spoils.items()]
    return found


@pytest.fixture(scope="session")
def exported(demo_snapshot) -> dict[str, bytes]:
    return {name: export(name, demo_snapshot) for name in FORMATS}


@pytest.mark.parametrize(
    ("format_name", "label", "spoil"),
    cases(),
    ids=[f"{f}-{label}" for f, label, _ in cases()],
)
@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_a_hostile_file_is_refused_and_nothing_is_written(
    as_user, editor, plan, exported, format_name, label, spoil, dry_run
):
    data = spoil(exported[format_name])

    response = as_user(editor).generic(
        "POST",
        f"{P}/import/{format_name}?dry_run={dry_run}",
        data,
        content_type="application/octet-stream",
    )

    assert response.status_code in {200, 400, 409, 413}, response.content[:300]
    body = json.loads(response.content)
    report = body["error"]["details"] if response.status_code == 409 else body
    if response.status_code in {200, 409}:
        assert report["can_apply"] is False, report
        assert report["applied"] is False
    else:
        assert set(body["error"]) == {"code", "message", "details"}
    assert not Event.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("format_name", [NATIVE, SEGMENT, CSV])
def test_a_nul_in_a_file_is_named_in_the_report(
    as_user, editor, plan, exported, format_name
):
    spoil = (
        SHEET_SPOILS[CSV]["nul-in-a-quoted-cell"]
        if format_name == CSV
        else JSON_SPOILS["nul-in-description"]
    )

    response = as_user(editor).generic(
        "POST",
        f"{P}/import/{format_name}",
        spoil(exported[format_name]),
        content_type="application/octet-stream",
    )

    messages = [p["message"] for p in response.json()["problems"]]
    assert any("NUL" in message for message in messages), messages
