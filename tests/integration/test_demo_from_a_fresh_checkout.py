"""The README's run command, as a new user runs it: a fresh copy, `make demo`, its `curl` calls.

The copy gets its own virtualenv with the runtime packages of the lock only (no test tools, so a
runtime import that only a test tool brings in fails here), its own SQLite database and embedded
broker. The README's shell blocks that call `curl` run as written, on the demo's port; a wrapper
makes each `curl` fail on an HTTP error.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.integration,
    # The run command is embedded (SQLite) whatever the tests' database: once per CI run.
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")),
        reason="the demo runs on SQLite; proven in the SQLite pass",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 600.0
COUNTED_WITHIN = 10.0
LOGIN = re.compile(r"admin login: (\S+) / (\S+)")


@dataclass
class Demo:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    password: str = ""

    @property
    def database(self) -> Path:
        return self.folder / "var" / "db.sqlite3"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def shell(self, script: str) -> str:
        """Run README text in bash in the copy, on the demo's port, failing on HTTP errors."""
        script = script.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}")
        prelude = 'set -euo pipefail\ncurl() { command curl --silent --show-error --fail-with-body "$@"; echo; }\n'
        done = subprocess.run(  # noqa: S603 - README text, run on purpose
            ["/bin/bash", "-c", prelude + script],  # noqa: S607
            cwd=self.folder,
            env={**clean_env(), "ADMIN_PASSWORD": self.password},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (script, done.stdout, done.stderr)
        return done.stdout


def clean_env() -> dict[str, str]:
    """What a new user's shell has: none of the test run's settings."""
    keep = (
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "TMPDIR",
        "XDG_CACHE_HOME",
        "UV_CACHE_DIR",
    )
    env = {name: os.environ[name] for name in keep if name in os.environ}
    for pip_setting in [name for name in os.environ if name.startswith("PIP_")]:
        env[pip_setting] = os.environ[pip_setting]
    return env


def copy_checkout(target: Path) -> None:
    """The files a clone would have, with any change not yet committed (no venv, no var/)."""
    listed = subprocess.run(  # noqa: S603
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], object], *, timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    msg = f"Gave up waiting for {what} after {timeout:.0f} s."
    raise AssertionError(msg)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
            return True
    except OSError:
        return False


def query(database: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(database, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def readme_shell_blocks(*, containing: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [block for block in blocks if containing in block]


def processes_of(folder: Path) -> list[str]:
    """Command lines of live processes started from the copy (its virtualenv or its files)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        command = raw.replace(b"\0", b" ").decode(errors="replace")
        if str(folder) in command and state != "Z":
            found.append(f"{pid}: {command}")
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("fresh") / "checkout"
    copy_checkout(folder)
    port = free_port()
    log = folder.parent / "demo.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            ["make", "demo", f"PORT={port}"],  # noqa: S607 - the README's command
            cwd=folder,
            env=clean_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
            # A terminal of its own: SIGINT to the group is the user's Ctrl-C.
            start_new_session=True,
        )
    started = Demo(folder=folder, port=port, process=process, log=log)
    try:
        found = wait_for(
            lambda: LOGIN.search(started.output()) or process.poll() is not None,
            timeout=START_TIMEOUT,
            what="the demo's admin login",
        )
        assert isinstance(found, re.Match), started.output()[-4000:]
        started.password = found.group(2)
        wait_for(
            lambda: answers(f"http://127.0.0.1:{port}/admin/login/"),
            timeout=120,
            what="the admin to answer",
        )
        yield started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def received(
    demo: Demo, *, event: str | None = None, app_version: str | None = None
) -> int:
    sql = "SELECT coalesce(sum(received), 0), coalesce(sum(valid), 0) FROM governance_windowcount"
    conditions, params = [], []
    if event is not None:
        conditions.append("event_name = ?")
        params.append(event)
    if app_version is not None:
        conditions.append("app_version = ?")
        params.append(app_version)
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    (row,) = query(demo.database, sql, *params)
    return int(row[0])


@contextmanager
def traffic_paused(demo: Demo) -> Iterator[None]:
    """The demo's traffic generator stopped (SIGSTOP) and what it sent counted, then resumed."""
    (generator,) = [
        int(line.split(":", 1)[0])
        for line in processes_of(demo.folder)
        if "generate_traffic" in line
    ]
    os.kill(generator, signal.SIGSTOP)
    try:
        wait_for(
            lambda: not queued(demo) and settled(demo),
            timeout=30,
            what="the traffic sent before the pause to be counted",
        )
        yield
    finally:
        os.kill(generator, signal.SIGCONT)


def queued(demo: Demo) -> int:
    return len(list((demo.folder / "var" / "broker").glob("*.ingest.msg")))


def settled(demo: Demo) -> bool:
    before = received(demo)
    time.sleep(1.0)
    return received(demo) == before


def totals(demo: Demo) -> tuple[int, int, int]:
    """(received, valid, violations) of Product Viewed with no app version."""
    ((got, valid),) = query(
        demo.database,
        "SELECT coalesce(sum(received), 0), coalesce(sum(valid), 0) "
        "FROM governance_windowcount "
        "WHERE event_name = 'Product Viewed' AND app_version = ''",
    )
    ((violations,),) = query(
        demo.database,
        "SELECT coalesce(sum(count), 0) FROM governance_violationcount "
        "WHERE event_name = 'Product Viewed' AND app_version = ''",
    )
    return int(got), int(valid), int(violations)


def test_the_readme_sample_is_answered_200_and_counted_valid_within_seconds(demo):
    (block,) = readme_shell_blocks(containing="/v1/track")
    with traffic_paused(demo):
        # The README's sample carries no context, so it is counted under no app version.
        got, valid, violations = totals(demo)

        answer = demo.shell(block)
        sent_at = time.monotonic()

        assert answer.strip() == '{"success":true}'
        wait_for(
            lambda: totals(demo)[0] == got + 1,
            timeout=COUNTED_WITHIN,
            what="the README's sample to be counted",
        )
        assert time.monotonic() - sent_at < COUNTED_WITHIN
        # Valid, though it has no messageId.
        assert totals(demo) == (got + 1, valid + 1, violations)


def test_the_traffic_generators_samples_are_counted(demo):
    before = received(demo)

    wait_for(
        lambda: received(demo) >= before + 100,
        timeout=60,
        what="a hundred more demo samples counted",
    )
    waiting = list((demo.folder / "var" / "broker").glob("*.ingest.msg"))
    assert len(waiting) < 20, "the embedded worker keeps up with the demo's traffic"


def test_every_api_call_of_the_readme_works_with_a_token_got_from_the_terminal(demo):
    (tokens,) = readme_shell_blocks(containing="/api/v1/tokens")
    (calls,) = readme_shell_blocks(containing='H="Authorization: Bearer $TOKEN"')

    # Any answer other than 2xx fails the script (curl --fail-with-body, set -e).
    output = demo.shell(tokens + calls)

    assert '"token":' in output
    assert output.count("\n") >= calls.count("curl ")


def test_ctrl_c_stops_every_process_of_the_demo(demo):
    os.killpg(demo.process.pid, signal.SIGINT)
    demo.process.wait(timeout=60)

    left = wait_for(
        lambda: not processes_of(demo.folder) or None,
        timeout=30,
        what="every process of the demo to exit",
    )
    assert left, processes_of(demo.folder)
    assert "Stopped on SIGINT" in demo.output()
