"""The web process as production runs it (`config/gunicorn.py`): slow clients stall nobody.

The integration test starts gunicorn with the production settings file on a free port (and
the test settings for Django), holds threads with clients that stall mid-body or mid-headers,
and meanwhile asks for the admin's sign-in page. The unit tests check the deadlines on a pair of
connected sockets and the access log's fields.
"""

from __future__ import annotations

import base64
import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from config.gunicorn_worker import Deadlines, DeadlineThreadWorker, deadlines_from_env
from tests.governance.integration.services import (
    REPO,
    START_TIMEOUT,
    STOP_TIMEOUT,
    free_port,
    wait_for,
)

READ_SECONDS = 3
WRITE_KEY = "wk_Zx81bQ0secret0never0logged"
PRODUCTION = runpy.run_path(str(REPO / "config" / "gunicorn.py"))


@dataclass(frozen=True)
class Web:
    port: int
    log: Path

    def get(self, path: str, *, timeout: float = 10) -> int | None:
        """GET a path; its status, or None when nothing answers in time."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return None
        finally:
            connection.close()

    def stalled(self, start: bytes) -> socket.socket:
        """A client that sends `start` of a request and then nothing more."""
        client = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        client.sendall(start)
        return client


SLOW_BODY = (
    b"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100000\r\n\r\n" + b'{"batch": '
)
SLOW_HEADERS = b"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"


@pytest.fixture
def web(tmp_path) -> Iterator[Web]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # Nothing here queries it: the sign-in page and refused bodies need no rows.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": "web-server-tests-only",
        "WEB_READ_SECONDS": str(READ_SECONDS),
        "WEB_REQUEST_SECONDS": str(READ_SECONDS * 2),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("WEB_CONCURRENCY", "WEB_THREADS", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)  # the production defaults
    log = tmp_path / "web.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py"]
    command += ["--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    web = Web(port=port, log=log)
    try:
        wait_for(
            lambda: web.get("/admin/login/") == 200,
            timeout=START_TIMEOUT,
            what="gunicorn",
        )
        wait_for(lambda: _warm(web), timeout=START_TIMEOUT, what="every worker warm")
        yield web
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=STOP_TIMEOUT)


def _until_closed(client: socket.socket) -> bytes:
    """Everything the server sends before it closes the connection."""
    received = b""
    with client:
        while chunk := client.recv(4096):
            received += chunk
    return received


def _warm(web: Web) -> bool:
    """Whether eight sign-in pages in a row answered fast (each worker rendered one before)."""
    for _ in range(8):
        started = time.monotonic()
        if web.get("/admin/login/") != 200 or time.monotonic() - started > 0.3:
            return False
    return True


@pytest.mark.integration
def test_slow_clients_stall_nobody_and_are_cut_off(web):
    # 14 clients hold 14 of the 16 threads (two workers of eight) by default.
    started = time.monotonic()
    slow = [web.stalled(SLOW_BODY) for _ in range(10)]
    slow += [web.stalled(SLOW_HEADERS) for _ in range(4)]

    slowest, answers = 0.0, set()
    while time.monotonic() - started < READ_SECONDS - 0.5:
        asked = time.monotonic()
        answers.add(web.get("/admin/login/", timeout=5))
        slowest = max(slowest, time.monotonic() - asked)
    cut_after = []
    replies = []
    for client in slow:
        replies.append(_until_closed(client))
        cut_after.append(time.monotonic() - started)

    assert answers == {200}
    assert slowest < 1, f"the sign-in page took {slowest:.2f} s"
    assert all(
        READ_SECONDS - 0.5 < after < READ_SECONDS + 2.5 for after in cut_after
    ), cut_after
    assert [r.split(b"\r\n", 1)[0] for r in replies[:10]] == [
        b"HTTP/1.1 400 Bad Request"
    ] * 10
    assert all(b'"incomplete_body"' in reply for reply in replies[:10])
    assert replies[10:] == [b""] * 4  # headers never ended: dropped


@pytest.mark.integration
def test_the_access_log_leaves_out_the_write_key(web):
    credentials = base64.b64encode(f"{WRITE_KEY}:".encode()).decode()
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
    connection.request(
        "POST",
        f"/v1/track?writeKey={WRITE_KEY}",
        body=b'{"event": "A", "writeKey": "' + WRITE_KEY.encode() + b'"}',
        headers={
            "Authorization": f"Basic {credentials}",
            # Refused before any key is looked up: this database has no tables.
            "Content-Type": "text/html",
            "Referer": f"https://shop.example/?writeKey={WRITE_KEY}",
        },
    )
    status = connection.getresponse().status
    connection.close()

    logged = wait_for(
        lambda: [
            line
            for line in web.log.read_text().splitlines()
            if '"POST /v1/track' in line
        ],
        timeout=5,
        what="the access log line",
    )
    assert status == 415
    assert logged[0].startswith("127.0.0.1 [")
    assert '"POST /v1/track HTTP/1.1" 415' in logged[0]
    text = web.log.read_text()
    assert WRITE_KEY not in text
    assert credentials not in text


def _access_line(environ: dict[str, str]) -> str:
    cfg = Config()
    cfg.set("access_log_format", PRODUCTION["access_log_format"])
    response = SimpleNamespace(status="200 OK", sent=16, headers=[])
    atoms = Logger(cfg).atoms(response, [], environ, timedelta(milliseconds=3))
    return cfg.access_log_format % SafeAtoms(atoms)


def test_the_access_log_format_names_no_user_query_or_referrer():
    credentials = base64.b64encode(f"{WRITE_KEY}:".encode()).decode()
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/v1/track?writeKey={WRITE_KEY}",
        "PATH_INFO": "/v1/track",
        "QUERY_STRING": f"writeKey={WRITE_KEY}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_AUTHORIZATION": f"Basic {credentials}",
        "HTTP_REFERER": f"https://shop.example/?writeKey={WRITE_KEY}",
        "HTTP_USER_AGENT": "analytics-python/2.3",
    }

    line = _access_line(environ)

    assert line.startswith("203.0.113.9 [")
    assert line.endswith(
        '] "POST /v1/track HTTP/1.1" 200 16 3ms "analytics-python/2.3"'
    )


def test_every_production_process_starts_gunicorn_with_this_file():
    procfile = (REPO / "Procfile").read_text()
    dockerfile = (REPO / "Dockerfile").read_text()

    assert "web: gunicorn -c config/gunicorn.py\n" in procfile
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.py"]' in dockerfile


def test_a_worker_takes_no_more_connections_than_it_has_threads():
    # Else a worker whose threads are all held by slow clients parks the next one too.
    assert PRODUCTION["worker_connections"] == PRODUCTION["threads"]
    assert PRODUCTION["worker_class"] == "config.gunicorn_worker.DeadlineThreadWorker"


def _watched(
    deadlines: Deadlines,
) -> tuple[SimpleNamespace, socket.socket, socket.socket]:
    server, client = socket.socketpair()
    worker = SimpleNamespace(
        deadlines=deadlines,
        watched={},
        log=SimpleNamespace(info=lambda *a: None, warning=lambda *a: None),
    )
    DeadlineThreadWorker.watch(
        worker, SimpleNamespace(sock=server, client="peer"), now=100.0
    )
    return worker, server, client


def test_a_request_still_arriving_at_its_read_deadline_stops_being_read():
    worker, server, client = _watched(Deadlines(read_seconds=3, request_seconds=6))

    DeadlineThreadWorker.cut_off_overdue(worker, 102.9)
    server.setblocking(False)
    with pytest.raises(BlockingIOError):
        server.recv(1)  # still open for reading
    DeadlineThreadWorker.cut_off_overdue(worker, 103.0)

    assert server.recv(1) == b""  # a blocked read would return at once
    server.sendall(b"HTTP/1.1 400")  # the answer still goes out
    assert client.recv(100) == b"HTTP/1.1 400"


def test_a_request_unanswered_at_its_request_deadline_is_cut_off_both_ways():
    worker, server, client = _watched(Deadlines(read_seconds=3, request_seconds=6))

    DeadlineThreadWorker.cut_off_overdue(worker, 106.0)

    assert client.recv(1) == b""  # the client sees the end
    with pytest.raises(OSError):
        server.sendall(b"x" * 10)
    assert worker.watched == {}


@pytest.mark.parametrize(
    ("read", "request_", "valid"),
    [
        ("20", "60", True),
        ("0", "60", False),
        ("61", "60", False),
        ("soon", "60", False),
    ],
    ids=["defaults", "zero", "read-past-request", "not-a-number"],
)
def test_the_deadlines_refuse_impossible_values_at_start(
    monkeypatch, read, request_, valid
):
    monkeypatch.setenv("WEB_READ_SECONDS", read)
    monkeypatch.setenv("WEB_REQUEST_SECONDS", request_)

    if valid:
        assert deadlines_from_env() == Deadlines(read_seconds=20, request_seconds=60)
    else:
        with pytest.raises(ImproperlyConfigured):
            deadlines_from_env()
