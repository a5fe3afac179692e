"""Real services as child processes: a Redis server, Celery workers and the collector."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import redis
from django.conf import settings

REPO = Path(__file__).resolve().parents[3]
# How long a service may take to start, and a worker to finish its task on SIGTERM.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
POLL_INTERVAL = 0.05

T = TypeVar("T")
S = TypeVar("S", bound="Service")


def wait_for(
    probe: Callable[[], T],
    *,
    timeout: float,
    what: str,
    interval: float = POLL_INTERVAL,
) -> T:
    """Call `probe` until it returns something truthy and return that; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            msg = f"Gave up after {timeout:.0f} s waiting for {what} (last: {value!r})."
            raise AssertionError(msg)
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """A DATABASE_URL naming the database the test process is connected to."""
    name = str(settings_dict["NAME"])
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{name}"
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{quote(name, safe='')}"


def service_env(
    *, database: str, broker: str, var_dir: Path, **extra: str
) -> dict[str, str]:
    """The environment of a worker or collector process: one database, one Redis."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database,
        REDIS_URL=broker,
        CELERY_BROKER_URL=broker,
        # A batch taken by a killed worker goes back to the queue after this many seconds.
        CELERY_VISIBILITY_TIMEOUT="5",
        PIPELINE_PLAN_REFRESH_SECONDS="1",
        SECRET_KEY="integration-tests-only",
        # The test process opens the dead letters the workers seal.
        DEAD_LETTER_KEYS=",".join(settings.DEAD_LETTER_KEYS),
        VAR_DIR=str(var_dir),
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _end_group(process: subprocess.Popen[bytes], *, sig: int) -> None:
    """Send `sig` to the process group a service was started in (its own session)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return


@dataclass
class RedisServer:
    """A throwaway redis-server: no snapshots, no append-only file, its own port and folder."""

    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        command += [
            "--dir",
            str(self.folder),
            "--logfile",
            str(self.folder / "redis.log"),
        ]
        self.process = subprocess.Popen(command, start_new_session=True)  # noqa: S603
        wait_for(
            self.answers, timeout=START_TIMEOUT, what="redis-server to answer PING"
        )

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def queued(self) -> int:
        """Messages waiting in the ingest queue or taken and not yet acknowledged."""
        client = self.client()
        waiting = sum(int(client.llen(key)) for key in client.keys("ingest*"))
        return waiting + int(client.hlen("unacked"))

    def taken_unacknowledged(self) -> int:
        """Messages a worker took and has not acknowledged (kombu's ack emulation)."""
        return int(self.client().hlen("unacked"))

    def unacknowledged_older_than(self, seconds: float) -> bool:
        """Whether every unacknowledged message was taken more than `seconds` ago.

        Only then does a starting worker put them back in the queue: kombu restores on start,
        then only every hundred seconds or so.
        """
        newest = self.client().zrange("unacked_index", -1, -1, withscores=True)
        return not newest or time.time() - float(newest[0][1]) > seconds


@dataclass
class Service:
    """A child process started in its own session, with its output in a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    ended: bool = False  # SIGTERM or SIGKILL sent on purpose

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def ready(self) -> bool:
        """Whether it takes work yet; fails at once if the process has exited."""
        if not self.alive():
            msg = f"{self.name} exited:\n{self.log_text()}"
            raise AssertionError(msg)
        return self._ready()

    def _ready(self) -> bool:
        # Celery logs "<name>@<host> ready." once it consumes from its queues.
        return " ready." in self.log_text()

    def terminate(self) -> None:
        """SIGTERM once: a worker finishes its task, acknowledges it and exits."""
        if self.alive() and not self.ended:
            self.process.terminate()
            self.ended = True

    def stop(self) -> None:
        """SIGTERM, then SIGKILL for whatever is left after STOP_TIMEOUT."""
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=STOP_TIMEOUT)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group at once: no warm shutdown, nothing acknowledged."""
        self.ended = True
        _end_group(self.process, sig=signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)


@dataclass(kw_only=True)
class Collector(Service):
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(
        self, endpoint: str, body: bytes, *, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        """POST to /v1/<endpoint>; (status, lower-cased headers, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "POST", f"/v1/{endpoint}", body=body, headers=dict(headers)
            )
            response = connection.getresponse()
            answer = response.read()
            found = {name.lower(): value for name, value in response.getheaders()}
            return response.status, found, answer
        finally:
            connection.close()

    def _ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False


@dataclass
class Services:
    """Starts workers and collectors for one test and stops every one of them after it."""

    env: dict[str, str]
    folder: Path
    started: list[Service] = field(default_factory=list)

    def worker(
        self, *, concurrency: int = 1, wait: bool = True, beat: bool = False
    ) -> Service:
        """A Celery worker on the ingest and maintenance queues (ready, unless `wait=False`),
        with beat inside it if asked, as the embedded demo runs it."""
        name = f"worker{len(self.started) + 1}"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
        command += ["-Q", "ingest,maintenance", "--concurrency", str(concurrency)]
        command += ["--pool", "prefork", "-l", "INFO", "-n", f"{name}@%h"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if beat:
            command += ["-B", "--schedule", str(self.folder / f"{name}-schedule")]
        worker = Service(
            name=name, process=self._spawn(name, command), log=self._log(name)
        )
        return self._started(worker, wait=wait)

    def collector(self, *, wait: bool = True) -> Collector:
        """The real app under `manage.py runserver` on a free port (listening, unless told)."""
        name = f"collector{len(self.started) + 1}"
        port = free_port()
        command = [sys.executable, "manage.py", "runserver", "--noreload"]
        command += ["--skip-checks", f"127.0.0.1:{port}"]
        collector = Collector(
            name=name,
            process=self._spawn(name, command),
            log=self._log(name),
            port=port,
        )
        return self._started(collector, wait=wait)

    def wait_ready(self) -> None:
        """Wait until every service started so far, and not stopped since, takes work."""
        for service in self.started:
            if not service.ended:
                wait_for(service.ready, timeout=START_TIMEOUT, what=service.name)

    def stop_all(self) -> None:
        """SIGTERM to every service at once (their shutdowns overlap), then stop each."""
        for service in self.started:
            service.terminate()
        for service in self.started:
            service.stop()

    def logs(self) -> str:
        return "\n".join(f"----- {s.name} -----\n{s.log_text()}" for s in self.started)

    def _log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        with self._log(name).open("wb") as out:
            return subprocess.Popen(  # noqa: S603
                command,
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _started(self, service: S, *, wait: bool) -> S:
        self.started.append(service)
        if wait:
            wait_for(service.ready, timeout=START_TIMEOUT, what=service.name)
        return service
