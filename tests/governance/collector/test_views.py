"""The collector's HTTP contract: Segment's endpoints, auth, limits, errors and the enqueued batch."""

from __future__ import annotations

import base64
import gc
import gzip
import io
import json
from datetime import UTC, datetime
from wsgiref.util import setup_testing_defaults

import orjson
import pytest
import time_machine
from django.core.cache import cache
from kombu.serialization import registry

from config.wsgi import application
from governance.collector import keys
from tests.governance.collector.conftest import basic, error_of, send
from tracking.models import rotate_write_key

TRACK = orjson.dumps(
    {
        "userId": "u-1",
        "event": "Order Completed",
        "properties": {"order_id": "o-1", "total": 42},
        "messageId": "m-1",
        "timestamp": "2025-03-01T08:00:00Z",
    }
)
# Exact on purpose: a 23-digit integer, a decimal no double holds, and Chinese text.
EXACT = (
    '{"userId":"u-1","event":"订单完成","properties":{"order_id":123456789012345678901234,'
    '"total":0.1000000000000000055511151231257827,"城市":"上海","备注":"价格含税"}}'
).encode()
BATCH = orjson.dumps(
    {
        "batch": [
            {"type": "track", "userId": "u-1", "event": "Product Viewed"},
            {"type": "identify", "userId": "u-1", "traits": {"plan": "pro"}},
            {"type": "page", "anonymousId": "a-1", "name": "Home"},
        ],
        "context": {"library": {"name": "analytics-python", "version": "2.3.0"}},
    }
)
SINGLE_BODIES = {
    "track": TRACK,
    "page": b'{"anonymousId": "a-1", "name": "Pricing"}',
    "screen": b'{"userId": "u-1", "name": "Cart"}',
    "identify": b'{"userId": "u-1", "traits": {"email_verified": true}}',
    "group": b'{"userId": "u-1", "groupId": "g-1", "traits": {"seats": 5}}',
    "alias": b'{"userId": "u-2", "previousId": "u-1"}',
}


def assert_rejected(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = error_of(response)
    assert error["code"] == code
    return error


# --- Accepted requests ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "body", "expected_endpoint"),
    [
        *((name, body, name) for name, body in SINGLE_BODIES.items()),
        ("batch", BATCH, "batch"),
        ("import", BATCH, "batch"),
    ],
    ids=[*SINGLE_BODIES, "batch", "import-is-batch"],
)
def test_it_enqueues_each_endpoint_and_answers_success(
    client, source, ingest, endpoint, body, expected_endpoint
):
    received = datetime(2025, 3, 1, 8, 0, 5, tzinfo=UTC)
    with time_machine.travel(received, tick=False):
        response = send(client, endpoint, body, write_key=source.write_key)

    assert response.status_code == 200
    assert response.json() == {"success": True}
    [batch] = ingest.batches()
    assert batch == {
        "batch_id": batch["batch_id"],
        "source_id": source.id,
        "plan_id": source.plan_id,
        "endpoint": expected_endpoint,
        "received_at": "2025-03-01T08:00:05+00:00",
        "body": body.decode(),
    }


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_it_forwards_big_integers_and_chinese_text_unchanged(
    client, source, ingest, gzipped
):
    response = send(client, "track", EXACT, write_key=source.write_key, gzipped=gzipped)

    assert response.status_code == 200
    [batch] = ingest.batches()
    assert batch["body"].encode() == EXACT


def test_it_enqueues_json_that_workers_accept(client, source, ingest, settings):
    response = send(client, "track", EXACT, write_key=source.write_key)

    assert response.status_code == 200
    message = ingest.queue.get(block=False)
    message.ack()
    assert message.content_type == "application/json"
    assert (
        registry.name_to_type[settings.CELERY_ACCEPT_CONTENT[0]] == "application/json"
    )
    _args, kwargs, _embed = json.loads(message.body)
    assert kwargs["batch"]["body"].encode() == EXACT


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "Application/JSON",
        "text/plain",
        "text/plain;charset=UTF-8",
    ],
)
def test_it_accepts_json_and_browser_plain_text(client, source, ingest, content_type):
    response = send(
        client, "track", TRACK, write_key=source.write_key, content_type=content_type
    )

    assert response.status_code == 200
    assert len(ingest.batches()) == 1


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(lambda key: basic(key), id="basic-username"),
        pytest.param(
            lambda key: "Basic " + base64.b64encode(key.encode()).decode(),
            id="basic-without-colon",
        ),
        pytest.param(lambda key: f"Bearer {key}", id="bearer"),
        pytest.param(lambda key: f"bearer   {key}  ", id="bearer-lowercase-spaced"),
    ],
)
def test_it_reads_the_write_key_from_the_authorization_header(
    client, source, ingest, authorization
):
    headers = {"Authorization": authorization(source.write_key)}

    response = send(client, "track", TRACK, headers=headers)

    assert response.status_code == 200
    assert [b["source_id"] for b in ingest.batches()] == [source.id]


def test_it_reads_the_write_key_from_the_body_for_browsers(client, source, ingest):
    body = orjson.dumps({**orjson.loads(BATCH), "writeKey": source.write_key})

    response = send(client, "batch", body, content_type="text/plain")

    assert response.status_code == 200
    assert [b["source_id"] for b in ingest.batches()] == [source.id]


def test_it_prefers_the_header_key_over_the_body_key(client, source, ingest):
    body = orjson.dumps({**orjson.loads(TRACK), "writeKey": "someone-else"})

    response = send(client, "track", body, write_key=source.write_key)

    assert response.status_code == 200


def test_it_answers_an_empty_batch_without_enqueuing(client, source, ingest):
    response = send(client, "batch", b'{"batch": []}', write_key=source.write_key)

    assert response.status_code == 200
    assert ingest.batches() == []


def test_it_accepts_a_trailing_slash(client, source, ingest):
    response = client.post(
        "/v1/track/",
        data=TRACK,
        content_type="application/json",
        headers={"Authorization": basic(source.write_key)},
    )

    assert response.status_code == 200


def test_it_runs_no_query_once_the_key_is_cached(
    client, source, ingest, django_assert_num_queries, either_cache
):
    assert send(client, "track", TRACK, write_key=source.write_key).status_code == 200

    with django_assert_num_queries(0):
        response = send(client, "batch", BATCH, write_key=source.write_key)

    assert response.status_code == 200
    assert len(ingest.batches()) == 2


def test_it_leaves_sessions_and_cookies_alone(client, source, ingest):
    response = send(client, "track", TRACK, write_key=source.write_key)

    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")


# --- gzip ----------------------------------------------------------------------------------


def test_it_accepts_gzip_and_forwards_the_inflated_body(client, source, ingest):
    response = send(client, "batch", BATCH, write_key=source.write_key, gzipped=True)

    assert response.status_code == 200
    assert [b["body"] for b in ingest.batches()] == [BATCH.decode()]


def test_rejects_a_gzip_bomb_with_413(client, source, ingest, settings):
    bomb = gzip.compress(b" " * (settings.COLLECTOR_MAX_BATCH_BYTES * 20), mtime=0)
    assert len(bomb) < 20_000

    response = send(
        client,
        "batch",
        bomb,
        write_key=source.write_key,
        headers={"Content-Encoding": "gzip"},
    )

    error = assert_rejected(response, 413, "body_too_large")
    assert error["details"] == {"limit": settings.COLLECTOR_MAX_BATCH_BYTES}
    assert ingest.batches() == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(gzip.compress(TRACK, mtime=0)[:-9], id="truncated"),
        pytest.param(b"not gzip at all", id="not-gzip"),
        pytest.param(b"", id="empty"),
        pytest.param(gzip.compress(TRACK, mtime=0) + b"junk", id="trailing-junk"),
    ],
)
def test_rejects_a_broken_gzip_stream(client, source, body):
    response = send(
        client,
        "track",
        body,
        write_key=source.write_key,
        headers={"Content-Encoding": "gzip"},
    )

    assert_rejected(response, 400, "malformed_gzip")


# --- Authentication ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Basic !!!not-base64"}, id="basic-not-base64"),
        pytest.param({"Authorization": basic("")}, id="basic-empty-username"),
        pytest.param({"Authorization": "Bearer"}, id="bearer-empty"),
        pytest.param({"Authorization": "Digest abc"}, id="other-scheme"),
    ],
)
def test_rejects_a_request_without_a_usable_write_key(client, db, ingest, headers):
    response = send(client, "track", TRACK, headers=headers)

    assert_rejected(response, 401, "missing_write_key")
    assert response["WWW-Authenticate"] == 'Basic realm="collector"'
    assert ingest.batches() == []


@pytest.mark.parametrize(
    "write_key",
    ["unknown-key", "x" * 65, "ключ-密钥"],
    ids=["unknown", "longer-than-any-key", "non-ascii"],
)
def test_rejects_an_unknown_write_key(client, db, ingest, write_key):
    response = send(
        client, "track", TRACK, headers={"Authorization": f"Bearer {write_key}"}
    )

    assert_rejected(response, 401, "invalid_write_key")


def test_rejects_an_unknown_write_key_in_the_body(client, db):
    body = orjson.dumps({**orjson.loads(TRACK), "writeKey": "unknown-key"})

    response = send(client, "track", body)

    assert_rejected(response, 401, "invalid_write_key")


def test_rejects_an_inactive_source(client, source, ingest):
    source.is_active = False
    source.save()

    response = send(client, "track", TRACK, write_key=source.write_key)

    assert_rejected(response, 401, "invalid_write_key")
    assert ingest.batches() == []


def test_rejects_the_old_key_at_once_after_rotation(client, source, ingest):
    old_key = source.write_key
    assert send(client, "track", TRACK, write_key=old_key).status_code == 200

    new_key = rotate_write_key(source)

    assert_rejected(
        send(client, "track", TRACK, write_key=old_key), 401, "invalid_write_key"
    )
    assert send(client, "track", TRACK, write_key=new_key).status_code == 200


def test_rejects_a_cached_key_at_once_after_deactivation(client, source):
    assert send(client, "track", TRACK, write_key=source.write_key).status_code == 200

    source.is_active = False
    source.save(update_fields=["is_active"])

    response = send(client, "track", TRACK, write_key=source.write_key)
    assert_rejected(response, 401, "invalid_write_key")


def test_rejects_a_cached_key_at_once_after_its_source_is_deleted(client, source):
    write_key = source.write_key
    assert send(client, "track", TRACK, write_key=write_key).status_code == 200

    source.delete()

    assert_rejected(
        send(client, "track", TRACK, write_key=write_key), 401, "invalid_write_key"
    )


# --- Media type, method, CORS --------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/json; charset=latin-1",
        "text/plain; charset=utf-16",
    ],
    ids=["none", "form", "multipart", "xml", "json-latin-1", "text-utf-16"],
)
def test_rejects_other_media_types_with_415(client, source, content_type):
    response = send(
        client, "track", TRACK, write_key=source.write_key, content_type=content_type
    )

    assert_rejected(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("encoding", ["br", "deflate", "gzip, gzip", "compress"])
def test_rejects_other_content_encodings_with_415(client, source, encoding):
    response = send(
        client,
        "track",
        TRACK,
        write_key=source.write_key,
        headers={"Content-Encoding": encoding},
    )

    assert_rejected(response, 415, "unsupported_encoding")


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "head"])
def test_rejects_methods_other_than_post_with_405(client, method):
    response = getattr(client, method)("/v1/track")

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"
    if method != "head":
        assert error_of(response)["code"] == "method_not_allowed"


def test_it_answers_a_cors_preflight(client, db):
    response = client.options(
        "/v1/batch",
        headers={
            "Origin": "https://shop.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == (
        "Authorization, Content-Type, Content-Encoding"
    )


def test_it_allows_any_origin_on_errors_too(client, db):
    response = send(client, "track", TRACK)

    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == "Retry-After"


@pytest.mark.parametrize(
    "path", ["/v1/", "/v1/nope", "/v1/track/extra", "/v1/v1/track"]
)
def test_it_answers_unknown_v1_paths_with_a_json_404(client, db, path):
    response = client.post(path, data=TRACK, content_type="application/json")

    assert_rejected(response, 404, "not_found")


# --- Body and message limits ---------------------------------------------------------------


def test_rejects_a_body_over_the_batch_limit(client, source, settings, ingest):
    settings.COLLECTOR_MAX_BATCH_BYTES = len(BATCH) - 1

    response = send(client, "batch", BATCH, write_key=source.write_key)

    error = assert_rejected(response, 413, "body_too_large")
    assert error["details"] == {"limit": len(BATCH) - 1}
    assert ingest.batches() == []


def test_rejects_a_declared_length_over_the_limit_before_reading(client, source):
    response = send(
        client, "batch", BATCH, write_key=source.write_key, CONTENT_LENGTH="10000000"
    )

    assert_rejected(response, 413, "body_too_large")


class _CutOff(io.BytesIO):
    """A request body whose client went away after the first bytes."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell():
            raise ConnectionResetError
        return super().read(10)


@pytest.mark.parametrize(
    "stream",
    [
        pytest.param(io.BytesIO(BATCH[:10]), id="ended-early"),
        pytest.param(_CutOff(BATCH), id="connection-reset"),
    ],
)
def test_rejects_a_body_shorter_than_its_content_length(db, ingest, stream):
    # What the web server hands on when it stops reading a slow client, or the client left.
    # The test client cannot send it (its payload refuses reads past its end); without a
    # header key the body is read first (a key is looked up in the body).
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/v1/batch",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "100000",
        "wsgi.input": stream,
    }
    setup_testing_defaults(environ)
    statuses = []

    chunks = application(environ, lambda status, headers: statuses.append(status))

    assert statuses == ["400 Bad Request"]
    assert json.loads(b"".join(chunks))["error"] == {
        "code": "incomplete_body",
        "message": "The body ended before the 100000 bytes its Content-Length declares.",
        "details": {"declared": 100000},
    }
    assert ingest.batches() == []


def test_it_accepts_a_body_exactly_at_the_batch_limit(client, source, settings, ingest):
    settings.COLLECTOR_MAX_BATCH_BYTES = len(BATCH)

    response = send(client, "batch", BATCH, write_key=source.write_key, gzipped=True)

    assert response.status_code == 200


def test_rejects_one_message_over_the_event_limit(client, source, settings, ingest):
    settings.COLLECTOR_MAX_EVENT_BYTES = 1024
    big = {"type": "track", "event": "Big", "properties": {"blob": "x" * 1100}}
    small = {"type": "track", "event": "Small"}
    body = orjson.dumps({"batch": [small, small, big, small]})

    response = send(client, "batch", body, write_key=source.write_key)

    error = assert_rejected(response, 413, "message_too_large")
    assert error["details"] == {"index": 2, "limit": 1024}
    assert ingest.batches() == []


def test_it_accepts_many_small_messages_over_the_event_limit_together(
    client, source, settings, ingest
):
    settings.COLLECTOR_MAX_EVENT_BYTES = 1024
    body = orjson.dumps(
        {"batch": [{"type": "track", "event": f"E{i}"} for i in range(100)]}
    )
    assert len(body) > 1024

    response = send(client, "batch", body, write_key=source.write_key)

    assert response.status_code == 200


def test_rejects_a_message_the_batch_context_takes_over_the_event_limit(
    client, source, settings, ingest
):
    settings.COLLECTOR_MAX_EVENT_BYTES = 1024
    small = {"type": "track", "event": "Small", "properties": {"n": 1}}
    body = orjson.dumps(
        {"batch": [small, {**small, "context": {}}], "context": {"blob": "x" * 1000}}
    )

    response = send(client, "batch", body, write_key=source.write_key)

    error = assert_rejected(response, 413, "message_too_large")
    assert error["details"] == {"index": 0, "limit": 1024}
    assert ingest.batches() == []


def test_rejects_a_batch_message_nested_deeper_than_can_be_measured(
    client, source, settings
):
    settings.COLLECTOR_MAX_EVENT_BYTES = 1024
    deep = b'{"type":"track","event":"Deep","properties":' + b'{"a":' * 300 + b"1"
    body = b'{"batch":[{"type":"page"},' + deep + b"}" * 301 + b"]}" + b" " * 1024

    response = send(client, "batch", body, write_key=source.write_key)

    error = assert_rejected(response, 400, "invalid_envelope")
    assert error["details"] == {"index": 1}


def test_rejects_a_message_nested_deeper_than_can_be_measured(client, source, settings):
    settings.COLLECTOR_MAX_EVENT_BYTES = 1024
    deep = b'{"event": "Deep", "properties": ' + b'{"a":' * 300 + b"1" + b"}" * 301
    body = deep + b" " * 1024

    response = send(client, "track", body, write_key=source.write_key)

    assert_rejected(response, 400, "invalid_envelope")


# --- Malformed bodies ----------------------------------------------------------------------


def test_rejects_malformed_json_with_its_byte_position(client, source):
    response = send(client, "track", b'{"event": "A",, }', write_key=source.write_key)

    error = assert_rejected(response, 400, "malformed_json")
    assert error["details"] == {"position": 14}
    assert "byte 14" in error["message"]


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("track", b"[]"),
        ("track", b'{"properties": {}}'),
        ("track", b'{"event": "A", "properties": []}'),
        ("batch", b'{"batch": {}}'),
        ("batch", b'{"batch": [1]}'),
        ("batch", b'{"batch": [{"type": "click"}]}'),
    ],
    ids=[
        "not-an-object",
        "track-without-event",
        "properties-not-object",
        "batch-not-array",
        "batch-item-not-object",
        "unknown-type",
    ],
)
def test_rejects_an_invalid_envelope(client, source, ingest, endpoint, body):
    response = send(client, endpoint, body, write_key=source.write_key)

    assert_rejected(response, 400, "invalid_envelope")
    assert ingest.batches() == []


def test_it_checks_the_key_before_the_body(client, db):
    response = send(client, "track", b"{", headers={"Authorization": "Bearer unknown"})

    assert_rejected(response, 401, "invalid_write_key")


# --- Rate limit and broker -----------------------------------------------------------------


def test_rejects_events_over_the_rate_limit_with_retry_after(
    client, source, settings, ingest, either_cache
):
    settings.COLLECTOR_RATE_LIMIT = 4
    with time_machine.travel(datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC), tick=False):
        first = send(client, "batch", BATCH, write_key=source.write_key)
        second = send(client, "batch", BATCH, write_key=source.write_key)

    assert first.status_code == 200
    error = assert_rejected(second, 429, "rate_limited")
    assert error["details"] == {"limit": 4}
    assert second["Retry-After"] == "1"
    assert len(ingest.batches()) == 1


def test_it_counts_the_rate_limit_per_source(client, source, settings, ingest):
    other = type(source).objects.create(plan=source.plan, name="iOS", kind="ios")
    settings.COLLECTOR_RATE_LIMIT = 3
    with time_machine.travel(datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC), tick=False):
        answers = [
            send(client, "batch", BATCH, write_key=key).status_code
            for key in (source.write_key, other.write_key)
        ]

    assert answers == [200, 200]


def test_it_answers_503_with_retry_after_when_the_broker_is_down(
    client, source, broker_down
):
    response = send(client, "track", TRACK, write_key=source.write_key)

    assert_rejected(response, 503, "unavailable")
    assert response["Retry-After"] == "5"


# --- A key seen active: checked with the rate limit once the body is counted (Redis) -------


@pytest.fixture
def seen_key(client, source, settings, redis_cache, ingest):
    """The source's key after two requests: looked up and cached, then read back as active."""
    settings.COLLECTOR_RATE_LIMIT = 1000
    for _ in range(2):
        assert (
            send(client, "batch", BATCH, write_key=source.write_key).status_code == 200
        )
    assert len(ingest.batches()) == 2
    return source.write_key


def test_it_accepts_a_seen_key_in_one_round_trip_to_the_cache(
    client, source, seen_key, ingest, redis_commands
):
    # The first such request also loads the script into Redis.
    assert send(client, "batch", BATCH, write_key=seen_key).status_code == 200
    ingest.batches()
    sent = redis_commands()
    response = send(client, "batch", BATCH, write_key=seen_key)

    assert response.status_code == 200
    assert len(sent) == 1
    [batch] = ingest.batches()
    assert (batch["source_id"], batch["plan_id"]) == (source.id, source.plan_id)


def test_it_counts_a_seen_keys_events_in_its_sources_bucket(
    client, source, seen_key, redis_cache
):
    with time_machine.travel(datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC), tick=False):
        for _ in range(2):
            assert send(client, "batch", BATCH, write_key=seen_key).status_code == 200

    [bucket] = redis_cache.keys(f"*collector:rate:{source.id}:1740816000")
    assert redis_cache.get(bucket) == b"6"


def test_it_rate_limits_a_seen_key(client, seen_key, settings, ingest):
    settings.COLLECTOR_RATE_LIMIT = 4
    with time_machine.travel(datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC), tick=False):
        first = send(client, "batch", BATCH, write_key=seen_key)
        second = send(client, "batch", BATCH, write_key=seen_key)

    assert first.status_code == 200
    error = assert_rejected(second, 429, "rate_limited")
    assert error["details"] == {"limit": 4}
    assert second["Retry-After"] == "1"
    assert len(ingest.batches()) == 1


def test_rejects_a_seen_key_at_once_after_rotation(client, source, seen_key, ingest):
    new_key = rotate_write_key(source)

    response = send(client, "batch", BATCH, write_key=seen_key)

    assert_rejected(response, 401, "invalid_write_key")
    assert ingest.batches() == []
    assert send(client, "batch", BATCH, write_key=new_key).status_code == 200


def test_rejects_a_seen_key_at_once_after_deactivation(
    client, source, seen_key, ingest
):
    source.is_active = False
    source.save(update_fields=["is_active"])

    response = send(client, "batch", BATCH, write_key=seen_key)

    assert_rejected(response, 401, "invalid_write_key")
    assert ingest.batches() == []


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [("track", b"{"), ("batch", b'{"batch": [1]}'), ("batch", b'{"batch": []}')],
    ids=["malformed", "invalid-envelope", "empty-batch"],
)
def test_rejects_a_rotated_seen_key_before_its_body(
    client, source, seen_key, endpoint, body
):
    rotate_write_key(source)

    response = send(client, endpoint, body, write_key=seen_key)

    assert_rejected(response, 401, "invalid_write_key")


def test_it_rejects_a_broken_body_with_a_seen_key(client, seen_key):
    response = send(client, "track", b"{", write_key=seen_key)

    assert_rejected(response, 400, "malformed_json")


def test_it_still_counts_when_the_seen_entry_expired(
    client, source, seen_key, redis_cache, ingest
):
    with time_machine.travel(datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC), tick=False):
        assert send(client, "batch", BATCH, write_key=seen_key).status_code == 200
        cache.delete(keys.cache_key(seen_key))
        assert send(client, "batch", BATCH, write_key=seen_key).status_code == 200
        assert send(client, "batch", BATCH, write_key=seen_key).status_code == 200

    [bucket] = redis_cache.keys(f"*collector:rate:{source.id}:1740816000")
    assert redis_cache.get(bucket) == b"9"
    assert len(ingest.batches()) == 3


def test_it_answers_503_for_a_seen_key_when_the_cache_is_down(
    client, seen_key, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = send(client, "batch", BATCH, write_key=seen_key)

    assert_rejected(response, 503, "unavailable")


@pytest.mark.parametrize("endpoint", ["batch", "track"])
def test_it_leaves_the_cycle_collector_running(client, source, ingest, endpoint):
    assert gc.isenabled()

    answers = [
        send(client, endpoint, body, write_key=source.write_key).status_code
        for body in (BATCH if endpoint == "batch" else TRACK, b"{")
    ]

    assert answers == [200, 400]
    assert gc.isenabled()
