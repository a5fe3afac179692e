"""A regression corpus of malformed and hostile requests: every answer is a clean 2xx or 4xx.

Generated here, deterministically, from one realistic batch (`tests/fixtures/hostile/`): the
batch cut at every byte, every envelope field given every wrong type, deep nesting, huge
strings, broken UTF-8, lone surrogates, non-finite numbers, gzip bombs, wrong media types,
oversized bodies, non-object bodies, 20-digit integers, duplicate keys and broken auth.
A 500 would surface here as an exception from the test client.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import logging
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import orjson
import pytest

from config.wsgi import application
from tests.governance.collector.conftest import basic, collector_errors, gzip_bomb

FIXTURE = Path(__file__).parents[2] / "fixtures" / "hostile" / "realistic__batch.json"
# Compact, as SDKs send it (orjson keeps key order, so this is deterministic).
REALISTIC = orjson.dumps(orjson.loads(FIXTURE.read_bytes()))

OK = frozenset({200})
BAD = frozenset({400})
ANSWERS = frozenset({200, 400, 401, 413, 415, 429})
# Forces the exact (standard library) parser, so both parse paths meet each hostile input.
LONG_NUMBER = "12345678901234567890"


@dataclass(frozen=True, kw_only=True)
class Hostile:
    id: str
    body: bytes
    endpoint: str = "batch"
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    authorized: bool = True
    allowed: frozenset[int] = ANSWERS
    code: str | None = None


def _track(**fields: Any) -> dict[str, Any]:
    return {"userId": "u-1", "event": "Order Completed", **fields}


def _batch(*messages: dict[str, Any], **fields: Any) -> bytes:
    return orjson.dumps({"batch": list(messages), **fields})


def truncated() -> list[Hostile]:
    """The realistic batch cut before every byte: never JSON, always 400 malformed_json."""
    return [
        Hostile(
            id=f"cut-at-{n}", body=REALISTIC[:n], allowed=BAD, code="malformed_json"
        )
        for n in range(len(REALISTIC))
    ]


def truncated_gzip() -> list[Hostile]:
    """The gzipped batch cut every few bytes: a damaged stream, 400 malformed_gzip."""
    packed = gzip.compress(REALISTIC, mtime=0)
    return [
        Hostile(
            id=f"gzip-cut-at-{n}",
            body=packed[:n],
            headers={"Content-Encoding": "gzip"},
            allowed=BAD,
            code="malformed_gzip",
        )
        for n in range(0, len(packed), 7)
    ]


_ENVELOPE_FIELDS = (
    "type",
    "event",
    "name",
    "properties",
    "traits",
    "context",
    "integrations",
    "timestamp",
    "sentAt",
    "originalTimestamp",
    "messageId",
    "userId",
    "anonymousId",
)
_WRONG_VALUES: dict[str, Any] = {
    "null": None,
    "true": True,
    "zero": 0,
    "negative": -1,
    "float": 1.5,
    "big-int": 12345678901234567890,
    "empty-string": "",
    "blank-string": "   ",
    "string": "x",
    "empty-array": [],
    "array": [1, "a"],
    "empty-object": {},
    "object": {"a": 1},
    "long-string": "é" * 300,
}


def wrong_types() -> list[Hostile]:
    """Every envelope field with every wrong type, alone on /track and inside a batch."""
    cases = []
    for name in _ENVELOPE_FIELDS:
        for label, value in _WRONG_VALUES.items():
            message = _track(**{name: value})
            cases.append(
                Hostile(
                    id=f"track-{name}-{label}",
                    endpoint="track",
                    body=orjson.dumps(message),
                    allowed=frozenset({200, 400}),
                )
            )
            cases.append(
                Hostile(
                    id=f"batch-{name}-{label}",
                    body=_batch(
                        {**message, "type": "track"} if name != "type" else message
                    ),
                    allowed=frozenset({200, 400}),
                )
            )
    for label, value in _WRONG_VALUES.items():
        for name in ("batch", "context", "integrations", "sentAt"):
            body = orjson.dumps(
                {"batch": [], name: value} if name != "batch" else {name: value}
            )
            cases.append(
                Hostile(
                    id=f"top-{name}-{label}", body=body, allowed=frozenset({200, 400})
                )
            )
    return cases


def deep_nesting() -> list[Hostile]:
    cases = []
    for depth in (255, 300, 1023, 1024, 1025, 10_000):
        arrays = b"[" * depth + b"1" + b"]" * depth
        objects = b'{"a":' * depth + b"1" + b"}" * depth
        for label, inner in (("arrays", arrays), ("objects", objects)):
            for path, number in (("fast", b"1"), ("exact", LONG_NUMBER.encode())):
                nested = inner.replace(b"1", number, 1)
                cases.append(
                    Hostile(
                        id=f"{label}-{depth}-{path}",
                        endpoint="track",
                        body=b'{"event": "Deep", "properties": {"x": ' + nested + b"}}",
                        allowed=frozenset({200, 400}),
                    )
                )
                cases.append(
                    Hostile(
                        id=f"bare-{label}-{depth}-{path}",
                        body=nested,
                        allowed=BAD,
                    )
                )
    # Past the per-event limit, so each message is measured (orjson writes only 254 levels).
    padded = b'{"event": "Deep", "properties": ' + b'{"a":' * 300 + b"1" + b"}" * 301
    cases.append(
        Hostile(
            id="measured-300",
            endpoint="track",
            body=padded + b" " * 40_000,
            allowed=BAD,
        )
    )
    return cases


def huge_strings() -> list[Hostile]:
    return [
        Hostile(
            id="event-name-201",
            endpoint="track",
            body=orjson.dumps(_track(event="E" * 201)),
            allowed=BAD,
            code="invalid_envelope",
        ),
        Hostile(
            id="property-100k",
            endpoint="track",
            body=orjson.dumps(_track(properties={"blob": "x" * 100_000})),
            allowed=frozenset({413}),
            code="message_too_large",
        ),
        Hostile(
            id="property-600k",
            endpoint="track",
            body=orjson.dumps(_track(properties={"blob": "x" * 600_000})),
            allowed=frozenset({413}),
            code="body_too_large",
        ),
        Hostile(
            id="key-100k",
            endpoint="track",
            body=orjson.dumps(_track(properties={"k" * 100_000: 1})),
            allowed=frozenset({413}),
            code="message_too_large",
        ),
        Hostile(
            id="array-50k-ints",
            endpoint="track",
            body=orjson.dumps(_track(properties={"ids": list(range(50_000))})),
            allowed=frozenset({413}),
            code="message_too_large",
        ),
        Hostile(
            id="chinese-30k",
            endpoint="track",
            body=orjson.dumps(_track(properties={"备注": "价格" * 15_000})),
            allowed=frozenset({413}),
            code="message_too_large",
        ),
        Hostile(
            id="message-id-201",
            endpoint="track",
            body=orjson.dumps(_track(messageId="m" * 201)),
            allowed=BAD,
            code="invalid_envelope",
        ),
        Hostile(
            id="timestamp-huge",
            endpoint="track",
            body=orjson.dumps(
                _track(timestamp="2025-03-01T08:00:00" + "9" * 10_000 + "Z")
            ),
            allowed=BAD,
            code="invalid_envelope",
        ),
    ]


_BAD_UTF8 = {
    "lone-continuation": b"\x80",
    "ff": b"\xff",
    "overlong-slash": b"\xc0\xaf",
    "overlong-nul": b"\xc0\x80",
    "cut-two-byte": b"\xc3",
    "cut-three-byte": b"\xe4\xbb",
    "cut-four-byte": b"\xf0\x9f\x98",
    "encoded-surrogate": b"\xed\xa0\x80",
    "beyond-unicode": b"\xf4\x90\x80\x80",
    "latin-1": "café".encode("latin-1"),
}


def invalid_utf8() -> list[Hostile]:
    cases = []
    for label, raw in _BAD_UTF8.items():
        for path, number in (("fast", b"1"), ("exact", LONG_NUMBER.encode())):
            prefix = b'{"event": "A", "properties": {"n": ' + number
            places = {
                "in-value": prefix + b', "s": "x' + raw + b'y"}}',
                "in-key": prefix + b', "' + raw + b'": 1}}',
                "outside-strings": prefix + b"}" + raw + b"}",
            }
            for place, body in places.items():
                cases.append(
                    Hostile(
                        id=f"{label}-{place}-{path}",
                        endpoint="track",
                        body=body,
                        allowed=BAD,
                        code="malformed_json",
                    )
                )
    cases.append(
        Hostile(
            id="utf-16-body",
            endpoint="track",
            body='{"event": "A"}'.encode("utf-16"),
            allowed=BAD,
            code="malformed_json",
        )
    )
    cases.append(
        Hostile(
            id="utf-8-bom",
            endpoint="track",
            body=b'\xef\xbb\xbf{"event": "A"}',
            allowed=frozenset({200, 400}),
        )
    )
    return cases


_SURROGATES = {
    "high": r"\ud800",
    "low": r"\udc00",
    "high-high": r"\ud800\ud800",
    "low-high": r"\udc00\ud800",
    "high-then-letter": r"\ud800\u0041",
    "high-at-end": "x\\ud83d",
    "pair-ok": r"\ud83d\ude00",
}


def surrogates() -> list[Hostile]:
    cases = []
    for label, escape in _SURROGATES.items():
        allowed = OK if label == "pair-ok" else BAD
        for path, number in (("fast", "1"), ("exact", LONG_NUMBER)):
            for place in ("value", "key"):
                text = f'"{escape}": 1' if place == "key" else f'"s": "{escape}"'
                body = f'{{"event": "A", "properties": {{"n": {number}, {text}}}}}'
                cases.append(
                    Hostile(
                        id=f"{label}-in-{place}-{path}",
                        endpoint="track",
                        body=body.encode(),
                        allowed=allowed,
                        code=None if allowed == OK else "malformed_json",
                    )
                )
    return cases


# True: valid JSON and accepted as a property; False: not JSON; None: JSON, may be refused.
_NUMBERS: dict[str, tuple[str, bool | None]] = {
    "nan": ("NaN", False),
    "infinity": ("Infinity", False),
    "minus-infinity": ("-Infinity", False),
    "nan-lower": ("nan", False),
    "1e400": ("1e400", None),
    "minus-1e400": ("-1e400", None),
    "1e-400": ("1e-400", None),
    "huge-exponent": ("1e999999999999", None),
    "5000-digits": ("9" * 5000, None),
    "minus-zero": ("-0", True),
    "20-digits": (LONG_NUMBER, True),
    "minus-20-digits": ("-" + LONG_NUMBER, True),
    "40-digit-decimal": ("0." + "1" * 40, True),
    "leading-zero": ("01", False),
    "trailing-dot": ("1.", False),
    "leading-dot": (".5", False),
    "plus": ("+1", False),
    "hex": ("0x10", False),
}
_NUMBER_PLACES = {
    "property": '{{"event": "A", "properties": {{"n": {}}}}}',
    "user-id": '{{"event": "A", "userId": {}}}',
    "message-id": '{{"event": "A", "messageId": {}}}',
    "timestamp": '{{"event": "A", "timestamp": {}}}',
    "top-level": "{}",
}


def numbers() -> list[Hostile]:
    cases = []
    for label, (number, valid) in _NUMBERS.items():
        for place, template in _NUMBER_PLACES.items():
            if valid is False:
                allowed, code = BAD, "malformed_json"
            elif valid and place == "property":
                allowed, code = OK, None
            else:
                allowed, code = frozenset({200, 400}), None
            cases.append(
                Hostile(
                    id=f"{label}-in-{place}",
                    endpoint="track",
                    body=template.format(number).encode(),
                    allowed=allowed,
                    code=code,
                )
            )
    return cases


def gzip_bombs() -> list[Hostile]:
    zeros = gzip_bomb(64 * 1024 * 1024)
    packed = gzip.compress(REALISTIC, mtime=0)
    wrong_crc = packed[:-8] + bytes([packed[-8] ^ 0xFF]) + packed[-7:]
    gz = {"Content-Encoding": "gzip"}
    return [
        Hostile(id="64-MB-zeros", body=zeros, headers=gz, allowed=frozenset({413})),
        Hostile(
            id="members-of-zeros",
            body=gzip.compress(bytes(200_000), mtime=0) * 5,
            headers=gz,
            allowed=frozenset({413}),
        ),
        Hostile(
            id="gzip-of-gzip-bomb",
            body=gzip.compress(zeros, mtime=0),
            headers=gz,
            allowed=BAD,
            code="malformed_json",
        ),
        Hostile(
            id="wrong-crc",
            body=wrong_crc,
            headers=gz,
            allowed=BAD,
            code="malformed_gzip",
        ),
        Hostile(
            id="plain-json-said-gzip",
            body=REALISTIC,
            headers=gz,
            allowed=BAD,
            code="malformed_gzip",
        ),
        Hostile(
            id="gzip-said-plain",
            body=packed,
            allowed=BAD,
            code="malformed_json",
        ),
        Hostile(
            id="x-gzip", body=packed, headers={"Content-Encoding": "x-gzip"}, allowed=OK
        ),
        Hostile(
            id="zlib-said-gzip",
            body=zlib.compress(REALISTIC),
            headers=gz,
            allowed=BAD,
            code="malformed_gzip",
        ),
    ]


_BAD_MEDIA_TYPES = (
    "",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=----x",
    "text/html",
    "application/jsonp",
    "application/json-seq",
    "application/javascript",
    "application/octet-stream",
    "application/json; charset=latin-1",
    "application/json; charset=utf-16",
    "application/json; charset=utf-8; charset=latin-1",
    "application/json; charset=nonsense",
    "json",
    "/",
    ";",
    "application/" + "j" * 5000,
)


def media_types() -> list[Hostile]:
    cases = [
        Hostile(
            id=f"media-type-{n}",
            body=REALISTIC,
            content_type=media_type,
            allowed=frozenset({415}),
            code="unsupported_media_type",
        )
        for n, media_type in enumerate(_BAD_MEDIA_TYPES)
    ]
    cases += [
        Hostile(
            id=f"encoding-{encoding}",
            body=REALISTIC,
            headers={"Content-Encoding": encoding},
            allowed=frozenset({415}),
            code="unsupported_encoding",
        )
        for encoding in ("br", "deflate", "compress", "gzip, gzip", "zstd", "gzip;q=1")
    ]
    return cases


def oversized() -> list[Hostile]:
    many = [{"type": "track", "event": f"E{n}", "userId": "u-1"} for n in range(20_000)]
    return [
        Hostile(id="600k-batch", body=_batch(*many), allowed=frozenset({413})),
        Hostile(
            id="declared-10MB",
            body=REALISTIC,
            meta={"CONTENT_LENGTH": str(10 * 1024 * 1024)},
            allowed=frozenset({413}),
            code="body_too_large",
        ),
        Hostile(
            id="declared-not-a-number",
            body=REALISTIC,
            meta={"CONTENT_LENGTH": "many"},
            allowed=BAD,
        ),
        Hostile(
            id="10k-empty-objects",
            body=_batch(*({} for _ in range(10_000))),
            allowed=BAD,
            code="invalid_envelope",
        ),
        Hostile(
            id="30k-nulls",
            body=orjson.dumps({"batch": [None] * 30_000}),
            allowed=BAD,
            code="invalid_envelope",
        ),
    ]


_NOT_OBJECTS = {
    "empty": b"",
    "whitespace": b"  \n\t ",
    "array": b"[]",
    "array-of-track": b'[{"event": "A"}]',
    "number": b"1",
    "string": b'"track"',
    "null": b"null",
    "true": b"true",
    "two-objects": b'{"event": "A"}{"event": "B"}',
    "object-then-junk": b'{"event": "A"} x',
    "nul-byte": b'{"event": "A"}\x00',
    "single-quotes": b"{'event': 'A'}",
    "trailing-comma": b'{"event": "A",}',
    "comment": b'{"event": "A" /* hi */}',
    "unquoted-key": b'{event: "A"}',
}


def not_objects() -> list[Hostile]:
    return [
        Hostile(id=f"{label}-{endpoint}", endpoint=endpoint, body=body, allowed=BAD)
        for label, body in _NOT_OBJECTS.items()
        for endpoint in ("track", "batch")
    ]


def duplicate_keys() -> list[Hostile]:
    bodies = {
        "event": (b'{"event": "A", "event": "B"}', "track"),
        "event-then-number": (b'{"event": "A", "event": 1}', "track"),
        "type": (
            b'{"batch": [{"type": "track", "type": "nope", "event": "A"}]}',
            "batch",
        ),
        "batch": (b'{"batch": [{"type": "track", "event": "A"}], "batch": 1}', "batch"),
        "batch-last-good": (b'{"batch": 1, "batch": []}', "batch"),
        "properties": (b'{"event": "A", "properties": {"a": 1, "a": "x"}}', "track"),
        "write-key": (b'{"event": "A", "writeKey": "x", "writeKey": 1}', "track"),
    }
    return [
        Hostile(
            id=f"duplicate-{label}",
            endpoint=endpoint,
            body=body,
            allowed=frozenset({200, 400}),
        )
        for label, (body, endpoint) in bodies.items()
    ]


def bad_auth() -> list[Hostile]:
    track = orjson.dumps(_track())
    headers = {
        "basic-garbage": "Basic !!!",
        "basic-not-utf8": "Basic " + base64.b64encode(b"\xff:").decode(),
        "basic-empty": "Basic ",
        "bearer-huge": "Bearer " + "k" * 10_000,
        "bearer-latin-1": "Bearer clé",
        "digest": 'Digest username="x"',
        "basic-unknown": basic("wk_unknown"),
        "basic-sql": basic("' OR 1=1 --"),
        "basic-65-chars": basic("k" * 65),
        "basic-huge": basic("k" * 6000),
        "basic-only": "Basic",
        "basic-no-colon": "Basic " + base64.b64encode(b"wk_unknown").decode(),
        "basic-bad-padding": basic("wk_unknown")[:-2],
        # WSGI hands header bytes over as Latin-1 characters.
        "basic-latin-1-bytes": "Basic \xff\xfe",
        "bearer-latin-1-bytes": "Bearer \xe9\xff",
        **{
            f"{scheme}-{label}": value
            for label, key in _UNUSABLE_KEYS.items()
            for scheme, value in (("basic", basic(key)), ("bearer", f"Bearer {key}"))
        },
    }
    cases = [
        Hostile(
            id=f"header-{label}",
            endpoint="track",
            body=track,
            headers={"Authorization": value},
            authorized=False,
            allowed=frozenset({401}),
        )
        for label, value in headers.items()
    ]
    for label, value in {**_WRONG_VALUES, **_UNUSABLE_KEYS}.items():
        cases.append(
            Hostile(
                id=f"body-write-key-{label}",
                endpoint="track",
                body=orjson.dumps(_track(writeKey=value)),
                authorized=False,
                allowed=frozenset({401}),
            )
        )
    for label, escape in _SURROGATES.items():
        if label != "pair-ok":
            cases.append(
                Hostile(
                    id=f"body-write-key-surrogate-{label}",
                    endpoint="track",
                    body=b'{"event": "A", "writeKey": "%s"}' % escape.encode(),
                    authorized=False,
                    allowed=BAD,
                    code="malformed_json",
                )
            )
    return cases


# Values that can never be a key: PostgreSQL would refuse the NUL ones in the query (a 500).
_UNUSABLE_KEYS = {
    "nul": "wk\x00",
    "nul-only": "\x00",
    "nul-inside": "abc\x00def",
    "control": "wk\x01",
    "escape": "wk\x1b[0m",
    "delete": "wk\x7f",
    "c1-control": "wk\x85",
    "tab": "wk\t1",
    "newline": "wk\n1",
    "non-ascii": "clé",
    "chinese": "写入密钥",
}


def timestamps() -> list[Hostile]:
    values = (
        "2025-13-01T00:00:00Z",
        "2025-02-30T00:00:00Z",
        "2025-03-01T24:00:00Z",
        "2025-03-01T08:00:60Z",
        "2025-03-01T08:00:99Z",
        "2025-03-01T08:00:00",
        "2025-03-01 08:00:00Z",
        "2025-03-01T08:00:00+25:00",
        "2025-03-01T08:00:00+08:60",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999-23:59",
        "２０２５-03-01T08:00:00Z",
        "1740816000",
        "",
    )
    return [
        Hostile(
            id=f"timestamp-{n}",
            endpoint="track",
            body=orjson.dumps(_track(timestamp=value)),
            allowed=frozenset({200, 400}),
        )
        for n, value in enumerate(values)
    ]


# Every path the collector answers, /v1/import being Segment's alias of /v1/batch.
COLLECTOR_PATHS = (
    "track",
    "page",
    "screen",
    "identify",
    "group",
    "alias",
    "batch",
    "import",
)
_EVERY_PATH_BODIES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "application/json"),
    "deep-arrays": (b"[" * 5000, "application/json"),
    "deep-objects": (b'{"a":' * 5000, "application/json"),
    "deep-closed": (b"[" * 5000 + b"]" * 5000, "application/json"),
    "nul-in-value": (
        b'{"event": "A\\u0000", "userId": "u\\u0000"}',
        "application/json",
    ),
    "nul-in-key": (b'{"event": "A", "traits": {"a\\u0000": 1}}', "application/json"),
    "raw-nul": (b'{"event": "A\x00"}', "application/json"),
    "controls": (b'{"event": "A\\u0001\\u001b\\u007f"}', "application/json"),
    "lone-surrogate": (b'{"event": "\\ud800"}', "application/json"),
    "invalid-utf8": (b'{"event": "\xff"}', "application/json"),
    "huge-number": (b'{"event": "A", "n": 1' + b"0" * 5000 + b"}", "application/json"),
    "duplicate-keys": (b'{"event": "A", "event": "B"}', "application/json"),
    "form": (b"event=A&userId=u", "application/x-www-form-urlencoded"),
    "multipart": (
        b'--x\r\nContent-Disposition: form-data; name="event"\r\n\r\nA\r\n--x--\r\n',
        "multipart/form-data; boundary=x",
    ),
}


def every_path() -> list[Hostile]:
    """A small corpus on every collector path: none may fall through to a 500."""
    return [
        Hostile(
            id=f"{path}-{label}",
            endpoint=path,
            body=body,
            content_type=content_type,
            allowed=frozenset({200, 400, 415}),
        )
        for path in COLLECTOR_PATHS
        for label, (body, content_type) in _EVERY_PATH_BODIES.items()
    ]


CATEGORIES = {
    "truncated": truncated,
    "truncated-gzip": truncated_gzip,
    "wrong-types": wrong_types,
    "deep-nesting": deep_nesting,
    "huge-strings": huge_strings,
    "invalid-utf8": invalid_utf8,
    "surrogates": surrogates,
    "numbers": numbers,
    "gzip-bombs": gzip_bombs,
    "media-types": media_types,
    "oversized": oversized,
    "not-objects": not_objects,
    "duplicate-keys": duplicate_keys,
    "bad-auth": bad_auth,
    "timestamps": timestamps,
    "every-path": every_path,
}


@cache
def corpus(category: str) -> tuple[Hostile, ...]:
    return tuple(CATEGORIES[category]())


def _send(client, case: Hostile, write_key: str):
    headers = dict(case.headers)
    if case.authorized:
        headers.setdefault("Authorization", basic(write_key))
    # `generic` sends the bytes as they are; `post` would re-encode them to a declared charset.
    return client.generic(
        "POST",
        f"/v1/{case.endpoint}",
        data=case.body,
        content_type=case.content_type,
        headers=headers,
        **{"CONTENT_TYPE": case.content_type, **case.meta},
    )


def _problem(case: Hostile, response, enqueued: int) -> str | None:
    status = response.status_code
    if status not in case.allowed or status not in ANSWERS:
        return f"{case.id}: {status} {response.content[:200]!r}"
    if status == 200:
        if response.json() != {"success": True}:
            return f"{case.id}: 200 with {response.content[:200]!r}"
        return None if enqueued <= 1 else f"{case.id}: enqueued {enqueued} batches"
    if enqueued:
        return f"{case.id}: rejected with {status} but enqueued"
    body = orjson.loads(response.content)
    error = body.get("error") if isinstance(body, dict) else None
    if set(body) != {"error"} or set(error or {}) != {"code", "message", "details"}:
        return f"{case.id}: not the error shape: {response.content[:200]!r}"
    if case.code is not None and error["code"] != case.code:
        return f"{case.id}: code {error['code']}, expected {case.code}"
    return None


def test_the_corpus_holds_at_least_500_distinct_requests():
    ids = [case.id for category in CATEGORIES for case in corpus(category)]

    assert len(ids) >= 500
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("category", CATEGORIES)
def test_it_answers_every_hostile_request_cleanly(
    client, source, ingest, caplog, category
):
    # Thousands of rejections: their INFO and WARNING lines only slow the run down.
    caplog.set_level(logging.ERROR, logger="governance.collector")
    caplog.set_level(logging.ERROR, logger="django.request")
    problems = []
    for case in corpus(category):
        response = _send(client, case, source.write_key)
        enqueued = len(ingest.batches())
        problem = _problem(case, response, enqueued)
        if problem:
            problems.append(problem)

    assert problems == []


def test_it_answers_a_content_type_with_an_unknown_rfc_2231_charset_with_415(source):
    # Django parses the header while building the request, before any middleware; the WSGI
    # entry point replaces a header it cannot parse (the test client bypasses that entry).
    body = REALISTIC
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/v1/batch",
        "CONTENT_TYPE": "application/json; charset*=bogus''x",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": "Bearer " + source.write_key,
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    statuses = []

    chunks = application(environ, lambda status, headers: statuses.append(status))

    assert statuses == ["415 Unsupported Media Type"]
    assert json.loads(b"".join(chunks))["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "value",
    [[], ["track"], {}, {"type": "track"}],
    ids=["empty-array", "array", "empty-object", "object"],
)
def test_it_refuses_a_batch_message_typed_by_a_list_or_object(
    client, source, caplog, value
):
    case = Hostile(id="type", body=_batch({"type": value, "event": "A"}))

    response = _send(client, case, source.write_key)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_envelope"
    assert collector_errors(caplog) == []
