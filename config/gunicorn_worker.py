"""gunicorn's threaded worker, with deadlines that cut slow clients off.

A gthread worker hands each connection to a thread that blocks while it reads the request.
A client that declares a body and stalls, or sends its headers a byte at a time, holds that
thread for as long as it likes, and a handful of them hold every thread. Here the worker's
main loop, which wakes at least once a second, enforces two deadlines per request:

- `read_seconds` after a thread took the connection, the read side is shut: a blocked read
  returns at once with what has arrived, so the application answers a short body (the
  collector with 400 `incomplete_body`) and gunicorn drops a request whose headers never
  ended; the reply still goes out, and a request whose body was read is not disturbed;
- `request_seconds` after, the connection is shut both ways, so a client that stops reading
  its reply cannot hold the thread either.
"""

from __future__ import annotations

import socket
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from gunicorn.workers.gthread import ThreadWorker

from config.env import env_int


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadlines:
    """Seconds a request may take to arrive, and to be answered, before it is cut off."""

    read_seconds: int
    request_seconds: int


def deadlines_from_env() -> Deadlines:
    """WEB_READ_SECONDS (20) and WEB_REQUEST_SECONDS (60); refuses a read longer than both."""
    deadlines = Deadlines(
        read_seconds=env_int("WEB_READ_SECONDS", default=20),
        request_seconds=env_int("WEB_REQUEST_SECONDS", default=60),
    )
    if not 0 < deadlines.read_seconds <= deadlines.request_seconds:
        msg = "Set 0 < WEB_READ_SECONDS <= WEB_REQUEST_SECONDS."
        raise ImproperlyConfigured(msg)
    return deadlines


@dataclass(slots=True)
class _Watch:
    """One request being served: when its reads, then the whole connection, are cut."""

    sock: socket.socket
    client: Any
    read_by: float
    done_by: float
    reads_shut: bool = False


class DeadlineThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gthread, with every request cut off at its deadlines (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadlines = deadlines_from_env()
        # Written by request threads, swept by the main loop; single dict operations only.
        self.watched: dict[int, _Watch] = {}

    def handle(self, conn: Any) -> Any:
        """Serve one request on a connection (a pool thread), watched until it returns."""
        key = self.watch(conn, now=time.monotonic())
        try:
            return super().handle(conn)
        finally:
            self.watched.pop(key, None)

    def watch(self, conn: Any, *, now: float) -> int:
        key = id(conn)
        self.watched[key] = _Watch(
            sock=conn.sock,
            client=conn.client,
            read_by=now + self.deadlines.read_seconds,
            done_by=now + self.deadlines.request_seconds,
        )
        return key

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        super().wait_for_and_dispatch_events(timeout)
        self.cut_off_overdue(time.monotonic())

    def cut_off_overdue(self, now: float) -> None:
        for key, watch in list(self.watched.items()):
            if now >= watch.done_by:
                self.watched.pop(key, None)
                self.log.warning(
                    "Request from %s cut off: no answer in time", watch.client
                )
                _shut(watch.sock, socket.SHUT_RDWR)
            elif now >= watch.read_by and not watch.reads_shut:
                watch.reads_shut = True
                self.log.info("Request from %s stopped reading: too slow", watch.client)
                _shut(watch.sock, socket.SHUT_RD)


def _shut(sock: socket.socket, how: int) -> None:
    # The connection may have ended meanwhile; a closed socket has nothing left to shut.
    with suppress(OSError):
        sock.shutdown(how)
