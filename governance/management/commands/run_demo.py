"""`run_demo`: the embedded demo's processes side by side, stopped together.

A Celery worker (with beat for the periodic jobs), the web server and the traffic generator each
run as a child process in its own process group, so a Ctrl-C in the terminal reaches only this
command, which then stops the children in order: a worker that got the signal twice would stop
cold instead of finishing its batch. If any child exits, the others are stopped too.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from argparse import ArgumentParser
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance.queues import Queue

logger = logging.getLogger(__name__)

# Seconds a child has to stop after SIGTERM before its whole process group is killed.
STOP_GRACE_SECONDS = 20.0
POLL_SECONDS = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Child:
    name: str
    argv: list[str]


class Command(BaseCommand):
    help = (
        "Run the embedded demo: a Celery worker with beat, the web server and the traffic "
        "generator; Ctrl-C stops them all, and so does any of them exiting."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--plan", default="shop-app")
        parser.add_argument(
            "--rate",
            type=float,
            default=20.0,
            help="Events per second of demo traffic.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=20,
            help="Events per request of demo traffic (about; Segment's SDKs send up to 100).",
        )

    def handle(self, *args: object, **options: Any) -> None:
        stop = threading.Event()
        received: list[str] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            received.append(signal.Signals(signum).name)
            stop.set()

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, on_signal)
        running: list[tuple[Child, subprocess.Popen[bytes]]] = []
        try:
            for child in demo_children(**options):
                logger.info("demo.start child=%s", child.name)
                # A session of its own: the terminal's Ctrl-C reaches only this command.
                process = subprocess.Popen(child.argv, start_new_session=True)  # noqa: S603
                running.append((child, process))
            exited = _wait_for_first_exit(running, stop)
        finally:
            _stop_all(running)
        if exited is not None:
            child, code = exited
            msg = f"The {child.name} exited with status {code}; stopped the others."
            raise CommandError(msg)
        self.stdout.write(f"Stopped on {received[0] if received else 'request'}.")


def demo_children(
    *, host: str, port: int, plan: str, rate: float, batch_size: int = 20, **_: Any
) -> list[Child]:
    """The processes of the demo, in start order (the worker first, the traffic last)."""
    python = sys.executable
    manage = str(settings.BASE_DIR / "manage.py")
    # A server listening on every interface is still reached on the loopback address.
    client_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
    queues = f"{Queue.INGEST.value},{Queue.MAINTENANCE.value}"
    schedule = str(settings.VAR_DIR / "celerybeat-schedule")
    worker = [
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--concurrency",
        "1",
        "--loglevel",
        "INFO",
        "--beat",
    ]
    traffic = [manage, "generate_traffic", "--plan", plan, "--rate", str(rate)]
    traffic += ["--batch-size", str(batch_size)]
    return [
        Child(
            name="worker",
            argv=[python, *worker, "--queues", queues, "--schedule", schedule],
        ),
        Child(
            name="web server",
            argv=[
                python,
                manage,
                "runserver",
                "--insecure",
                "--noreload",
                f"{host}:{port}",
            ],
        ),
        Child(
            name="traffic generator",
            argv=[python, *traffic, "--url", f"http://{client_host}:{port}"],
        ),
    ]


def _wait_for_first_exit(
    running: list[tuple[Child, subprocess.Popen[bytes]]], stop: threading.Event
) -> tuple[Child, int] | None:
    """Block until a signal arrives (None) or a child exits (that child and its status)."""
    while not stop.wait(POLL_SECONDS):
        for child, process in running:
            code = process.poll()
            if code is not None:
                logger.error("demo.child_exited child=%s status=%s", child.name, code)
                return child, code
    return None


def _stop_all(running: list[tuple[Child, subprocess.Popen[bytes]]]) -> None:
    """SIGTERM each child, newest first; kill the process groups still there after the grace."""
    for child, process in reversed(running):
        if process.poll() is None:
            logger.info("demo.stop child=%s", child.name)
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child, process in reversed(running):
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            logger.warning("demo.kill child=%s", child.name)
        _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill whatever is left of the child's process group (a worker's pool, for one)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait()
