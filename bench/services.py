"""The processes a collector benchmark starts: its own Redis, the web server and a Celery worker.

Each runs in its own session and is stopped through its process group, so nothing the
benchmark did not start is touched. Logs go to files in the benchmark's state folder.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from environment import ROOT

START_TIMEOUT = 60.0
REDIS_SERVER = Path("/usr/bin/redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    check: Callable[[], bool], *, what: str, timeout: float = START_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    msg = f"Gave up waiting for {what} after {timeout:.0f} s."
    raise TimeoutError(msg)


@dataclass
class Services:
    """Started processes, stopped in reverse order; `env` is what every process gets."""

    folder: Path
    env: dict[str, str]
    started: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def spawn(
        self, name: str, command: list[str], *, cores: set[int] | None = None
    ) -> subprocess.Popen[bytes]:
        def pin() -> None:
            if cores:
                os.sched_setaffinity(0, cores)

        with (self.folder / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed commands, no shell
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=pin,  # only sets the CPU affinity
            )
        self.started.append((name, process))
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        """SIGTERM to the process's own group (it and its forks), then SIGKILL if it lingers."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.started = [(n, p) for n, p in self.started if p is not process]

    def stop_all(self) -> None:
        for _, process in reversed(self.started):
            self.stop(process)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def start_redis(services: Services) -> str | None:
    """A throwaway redis-server on a free port; its URL, or None when Redis is not installed."""
    if not REDIS_SERVER.exists():
        return None
    port = free_port()
    command = [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", str(services.folder)]
    services.spawn("redis", command)
    url = f"redis://127.0.0.1:{port}/0"

    def answers() -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    wait_for(answers, what="redis-server")
    return url


def has_gunicorn() -> bool:
    return importlib.util.find_spec("gunicorn") is not None


def start_web(
    services: Services, *, workers: int, threads: int, cores: set[int] | None
) -> tuple[int, str]:
    """The real app on a free port, under gunicorn if installed; (port, server description)."""
    port = free_port()
    if has_gunicorn():
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        command += ["--worker-class", "gthread", "--threads", str(threads)]
        command += ["--keep-alive", "30", "--log-level", "warning"]
        described = f"gunicorn, {workers} worker(s) x {threads} thread(s)"
    else:
        command = [sys.executable, "manage.py", "runserver", "--noreload"]
        command += ["--skip-checks", f"127.0.0.1:{port}"]
        described = "manage.py runserver --noreload (gunicorn is not installed)"
    services.spawn("web", command, cores=cores)
    wait_for(lambda: _answers(port), what="the web server")
    return port, described


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/v1/batch")
        return connection.getresponse().status > 0
    except OSError:
        return False
    finally:
        connection.close()


def cpu_seconds(process: subprocess.Popen[bytes]) -> float | None:
    """CPU time (user + system) used so far by a process and its direct children (gunicorn's
    workers); None where /proc cannot tell (not Linux)."""
    pids = [process.pid]
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
        pids += [int(pid) for pid in children.split()]
        return sum(_cpu_of(pid) for pid in pids)
    except (OSError, ValueError, IndexError):
        return None


def _cpu_of(pid: int) -> float:
    # Fields after the command name: utime and stime are the 12th and 13th (clock ticks).
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_worker(services: Services) -> subprocess.Popen[bytes]:
    """A Celery worker on the ingest queue, one process, as the issue's freshness check runs it."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    command += ["-Q", "ingest", "--concurrency", "1", "-l", "WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return services.spawn("worker", command)


def empty_broker(broker_url: str, var_dir: Path) -> None:
    """Drop every queued batch, so the worker starts from an empty queue."""
    if broker_url.startswith("redis://"):
        import redis

        # TRICKY: only the queue's list; FLUSHALL would also drop kombu's queue bindings, and
        # batches published before a worker declares them again are silently lost.
        redis.Redis.from_url(broker_url).delete("ingest")
        return
    broker = var_dir / "broker"
    for path in broker.glob("*.msg"):
        path.unlink()
    shutil.rmtree(broker / "processed", ignore_errors=True)
    (broker / "processed").mkdir(parents=True, exist_ok=True)


def queued(broker_url: str, var_dir: Path) -> int:
    if broker_url.startswith("redis://"):
        import redis

        return int(redis.Redis.from_url(broker_url).llen("ingest"))
    return sum(1 for _ in (var_dir / "broker").glob("*.msg"))
