"""Collector fixtures: a source, a private cache per test, the ingest queue read back, requests."""

from __future__ import annotations

import base64
import gzip
import logging
import shutil
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
from django.test import Client
from kombu.simple import SimpleQueue

from config.celery import app as celery_app
from governance.collector import keys
from governance.pipeline.batch import BatchPayload
from governance.queues import Queue
from tests.factories import SourceFactory
from tests.governance.integration.services import RedisServer, free_port

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _private_cache(settings, request, monkeypatch):
    """A fresh in-process cache per test: no Redis, and no key or bucket left by another test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"collector-{request.node.nodeid}",
        }
    }
    # Nor a key another test's requests made this process see active.
    monkeypatch.setattr(keys, "_seen_active", {})


@pytest.fixture(scope="session")
def _redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(port=free_port(), folder=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(_redis_server, settings):
    """The shared cache in a real, empty Redis, as in production; yields a client to it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_server.url,
        }
    }
    client = _redis_server.client()
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(params=["local-memory", "redis"])
def either_cache(request) -> None:
    """Each shared cache the collector runs with: local memory (embedded mode), and Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")


def collector_errors(caplog) -> list[str]:
    """What the collector logged at ERROR during the test: bodies it could not classify."""
    return [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.levelno >= logging.ERROR and r.name.startswith("governance.collector")
    ]


@pytest.fixture(autouse=True)
def _no_swallowed_errors(caplog, request):
    """The collector answers 400 to a body that broke its decoding, but a test still fails."""
    yield
    if request.node.get_closest_marker("xfail") is None:
        assert collector_errors(caplog) == []


@pytest.fixture
def source(db):
    return SourceFactory(name="Web")


@dataclass
class IngestQueue:
    """The broker's ingest queue, read back: what the workers would receive."""

    queue: SimpleQueue
    seen: list[BatchPayload] = field(default_factory=list)

    def batches(self) -> list[BatchPayload]:
        """Every batch enqueued since the last call, in order."""
        found = []
        while True:
            try:
                message = self.queue.get(block=False)
            except SimpleQueue.Empty:
                return found
            message.ack()
            assert message.headers["task"] == "governance.tasks.process_batch"
            _args, kwargs, _embed = message.decode()
            found.append(kwargs["batch"])


@pytest.fixture
def ingest() -> Iterator[IngestQueue]:
    with celery_app.connection_for_write() as connection:
        queue = connection.SimpleQueue(Queue.INGEST.value)
        queue.clear()
        yield IngestQueue(queue)
        queue.clear()
        queue.close()


@pytest.fixture
def broker_down(monkeypatch):
    """The broker is a Redis nobody listens on; kombu is told not to retry the connection."""
    monkeypatch.setitem(celery_app.conf, "broker_url", UNREACHABLE_BROKER)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {"max_retries": 0})
    # TRICKY: Celery keeps its connection and producer pools; without dropping them the
    # memory broker of earlier tests would keep taking the batches.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes as gzip, compressed a megabyte at a time so no test holds them all."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1024 * 1024)
    parts = [deflater.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join([*parts, deflater.flush()])


def basic(write_key: str) -> str:
    """The Authorization header Segment's SDKs send: the key as username, no password."""
    return "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()


def send(
    client: Client,
    endpoint: str,
    body: bytes,
    *,
    write_key: str | None = None,
    content_type: str = "application/json",
    gzipped: bool = False,
    headers: dict[str, str] | None = None,
    **extra: Any,
):
    """POST a raw body to /v1/<endpoint> as an SDK would."""
    all_headers = dict(headers or {})
    if write_key is not None:
        all_headers.setdefault("Authorization", basic(write_key))
    if gzipped:
        body = gzip.compress(body, mtime=0)
        all_headers.setdefault("Content-Encoding", "gzip")
    # The test client leaves out Content-Type when the body is empty; an SDK would not.
    extra.setdefault("CONTENT_TYPE", content_type)
    return client.post(
        f"/v1/{endpoint}",
        data=body,
        content_type=content_type,
        headers=all_headers,
        **extra,
    )


def error_of(response) -> dict[str, Any]:
    """The `error` object of a collector answer, after checking the shape is the API's."""
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


@pytest.fixture
def redis_commands(monkeypatch) -> Callable[[], list[bytes]]:
    """Call to start recording the commands sent to Redis; returns the list they land in."""

    def record() -> list[bytes]:
        sent: list[bytes] = []
        original = redis.connection.Connection.send_packed_command

        def counting(connection: Any, command: Any, *args: Any, **kwargs: Any) -> Any:
            sent.append(command)
            return original(connection, command, *args, **kwargs)

        monkeypatch.setattr(
            redis.connection.Connection, "send_packed_command", counting
        )
        return sent

    return record
