"""The embedded mode under sustained load: the demo's own processes, kept up with or not.

Runs `manage.py run_demo` (a Celery worker with beat, the web server, the traffic generator)
on a new SQLite database and the embedded broker, at a fixed rate, and every few seconds
reads how many batch files wait in the broker and how many events the counts hold. A probe
(one unplanned event of its own name) is posted each round and timed from the collector's 200
to its count. The same run with kombu's stock filesystem transport is the baseline, measured
beside it in the same invocation.

    .venv/bin/python bench/embedded.py                        # 10 minutes, then a 1-minute baseline
    .venv/bin/python bench/embedded.py --seconds 60 --baseline-seconds 30   # a quick look
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from environment import ROOT, machine, state_folder
from services import free_port, wait_for

ROUND_SECONDS = 5.0
PROBE_TIMEOUT = 60.0

# The baseline: kombu's own filesystem transport, as this service used it before.
KOMBU_FILESYSTEM_SETTINGS = """
from config.settings.base import *  # noqa: F403

CELERY_BROKER_URL = "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(VAR_DIR / "broker"),
    "data_folder_out": str(VAR_DIR / "broker"),
    "processed_folder": str(VAR_DIR / "broker" / "processed"),
    "control_folder": str(VAR_DIR / "broker" / "control"),
    "store_processed": False,
}
for _folder in ("processed", "control"):
    (VAR_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)
"""


@dataclass
class Run:
    name: str
    seconds: float
    counted_start: int = 0
    counted_end: int = 0
    queued: list[int] = field(default_factory=list)
    probes: list[float] = field(default_factory=list)
    lost_probes: int = 0
    elapsed: float = 0.0
    leftover_processes: int = 0

    @property
    def counted_per_second(self) -> float:
        return (
            (self.counted_end - self.counted_start) / self.elapsed
            if self.elapsed
            else 0
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--baseline-seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()
    print(
        f"# Embedded mode at {args.rate:.0f} events/s, batches of about {args.batch_size}"
    )
    print(f"# {machine()}")
    runs = [measure("embedded broker", args.seconds, args=args, settings=None)]
    if args.baseline_seconds > 0:
        runs.append(
            measure(
                "kombu filesystem",
                args.baseline_seconds,
                args=args,
                settings=KOMBU_FILESYSTEM_SETTINGS,
            )
        )
    report(runs, rate=args.rate)


def measure(
    name: str, seconds: float, *, args: argparse.Namespace, settings: str | None
) -> Run:
    folder = state_folder()
    env = {**os.environ, "VAR_DIR": str(folder), "LOG_LEVEL": "WARNING"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env.pop("DATABASE_URL", None)
    if settings is not None:
        (folder / "bench_settings.py").write_text(settings)
        env["PYTHONPATH"] = f"{folder}{os.pathsep}{ROOT}"
        env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--no-input"], ["load_demo"]):
        subprocess.run(  # noqa: S603 - fixed commands
            [*manage, *command], env=env, cwd=ROOT, check=True, capture_output=True
        )
    port = free_port()
    demo_command = [*manage, "run_demo", "--port", str(port), "--rate", str(args.rate)]
    demo_command += ["--batch-size", str(args.batch_size)]
    with (folder / "demo.log").open("wb") as log:
        demo = subprocess.Popen(  # noqa: S603 - fixed command
            demo_command,
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    run = Run(name=name, seconds=seconds)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(url), what="the web server")
        _observe(run, folder=folder, url=url)
    finally:
        run.leftover_processes = _stop(demo)
    return run


def _observe(run: Run, *, folder: Path, url: str) -> None:
    database = folder / "db.sqlite3"
    write_key = _write_key(database)
    started = time.monotonic()
    run.counted_start = _counted(database)
    round_number = 0
    while time.monotonic() - started < run.seconds:
        round_number += 1
        latency = _probe(url, write_key, database, f"Bench Probe {round_number}")
        if latency is None:
            run.lost_probes += 1
        else:
            run.probes.append(latency)
        run.queued.append(_queued(folder / "broker"))
        time.sleep(max(0.0, ROUND_SECONDS - (latency or 0.0)))
    run.elapsed = time.monotonic() - started
    run.counted_end = _counted(database)


def _probe(url: str, write_key: str, database: Path, event: str) -> float | None:
    """Seconds from the collector's 200 to the probe's count; None if never counted."""
    body = json.dumps(
        {"event": event, "anonymousId": "bench", "messageId": str(uuid.uuid4())}
    ).encode()
    token = base64.b64encode(f"{write_key}:".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - a loopback URL of ours
        f"{url}/v1/track",
        data=body,
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        assert answer.status == 200, answer.status  # noqa: S101 - a benchmark's sanity check
    accepted = time.monotonic()
    while time.monotonic() - accepted < PROBE_TIMEOUT:
        if _probe_counted(database, event):
            return time.monotonic() - accepted
        time.sleep(0.05)
    return None


def _write_key(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT write_key FROM tracking_source WHERE is_active ORDER BY id LIMIT 1"
        ).fetchone()
    return str(row[0])


def _counted(database: Path) -> int:
    with sqlite3.connect(database, timeout=30) as connection:
        row = connection.execute(
            "SELECT coalesce(sum(received), 0) FROM governance_windowcount"
        ).fetchone()
    return int(row[0])


def _probe_counted(database: Path, event: str) -> bool:
    with sqlite3.connect(database, timeout=30) as connection:
        row = connection.execute(
            "SELECT 1 FROM governance_windowcount WHERE event_name = ?", (event,)
        ).fetchone()
    return row is not None


def _queued(broker: Path) -> int:
    return sum(1 for _ in broker.glob("*.ingest.msg"))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/admin/login/", timeout=2):  # noqa: S310
            return True
    except OSError:
        return False


def _stop(demo: subprocess.Popen[bytes]) -> int:
    """SIGINT as a terminal's Ctrl-C would; returns how many of its processes were left."""
    demo.send_signal(signal.SIGINT)
    try:
        demo.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(demo.pid, signal.SIGKILL)
        demo.wait()
    return sum(1 for pid in _pids() if _group_of(pid) == demo.pid)


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def report(runs: list[Run], *, rate: float) -> None:
    print()
    print(
        f"{'broker':<18} {'seconds':>7} {'counted/s':>10} {'of rate':>8} "
        f"{'queue first/max/last':>21} {'probe p50':>10} {'p95':>7} {'max':>7} {'lost':>5}"
    )
    for run in runs:
        probes = sorted(run.probes) or [float("nan")]
        p95 = probes[min(len(probes) - 1, int(len(probes) * 0.95))]
        queue = (
            f"{run.queued[0]}/{max(run.queued)}/{run.queued[-1]}" if run.queued else "-"
        )
        print(
            f"{run.name:<18} {run.elapsed:>7.0f} {run.counted_per_second:>10.0f} "
            f"{run.counted_per_second / rate:>8.2f} {queue:>21} "
            f"{statistics.median(probes):>9.2f}s {p95:>6.2f}s {probes[-1]:>6.2f}s "
            f"{run.lost_probes:>5}"
        )
    if len(runs) == 2 and runs[1].counted_per_second:
        ratio = runs[0].counted_per_second / runs[1].counted_per_second
        print(f"\nCounted events/s, embedded broker / kombu filesystem: {ratio:.2f}x")
    for run in runs:
        if run.leftover_processes:
            print(f"{run.name}: {run.leftover_processes} process(es) left after Ctrl-C")


if __name__ == "__main__":
    main()
