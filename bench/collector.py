"""The collector under a bounded local load, and how soon a sample's counts can be read.

    python bench/collector.py [--quick] [--clients 1,2,4] [--seconds 20] [--steady-events 300]

Starts its own Redis on a free port (the embedded broker when redis-server is missing), the
real app under gunicorn (runserver when gunicorn is not installed) pinned to one core, and
client processes on the other cores posting uncompressed batch bodies of 100 events with a
valid write key, each in a closed loop, for each client count in turn. Prints events/s, its
ratio to raw parsing of the same bodies (target >= 0.3x) and p50/p99 latency (target p99 <
50 ms), and the server's CPU time per request (what one busy core would take, less sensitive
to the machine's other load). Then, with a Celery worker (`-Q ingest --concurrency 1`) under
a steady paced load, posts a probe sample every second and polls WindowCount until its count
is visible (target: within 5 s of its 200).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import environment

if TYPE_CHECKING:
    from corpus import Corpus
    from load import Requests, Target
    from services import Services

LATENCY_TARGET = 0.050
RATIO_TARGET = 0.3
FRESHNESS_TARGET = 5.0
EVENTS_PER_BODY = 100
NO_RATE_LIMIT = str(10**9)  # the throttle still runs on every request but never refuses


@dataclass(frozen=True, slots=True, kw_only=True)
class Setup:
    var_dir: Path
    broker: str  # a redis:// URL, or embedded://
    server_cores: set[int]
    client_cores: set[int]
    web: subprocess.Popen[bytes] | None = (
        None  # the collector's process, for its CPU time
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument(
        "--clients", default="1,2,4", help="client process counts to run, in turn"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="per client count")
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument(
        "--steady-events", type=int, default=300, help="events/s while probing"
    )
    parser.add_argument("--probes", type=int, default=20, help="one per second")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.probes = "1,2", 3.0, 3
    args.client_counts = [int(n) for n in args.clients.split(",")]
    return args


def _cores() -> tuple[set[int], set[int]]:
    """(the server's core, the clients' cores); the same single core on a one-CPU machine."""
    available = sorted(os.sched_getaffinity(0))
    return {available[0]}, set(available[1:]) or {available[0]}


def main() -> None:
    args = _arguments()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    server_cores, client_cores = _cores()
    os.sched_setaffinity(0, client_cores)
    var_dir = environment.state_folder()
    from services import Services, start_redis

    services = Services(folder=var_dir, env={})
    try:
        broker = start_redis(services)
        services.env = _service_env(var_dir, broker)
        # This process reads the same settings as the services it starts.
        os.environ.update(services.env)
        environment.configure(var_dir=var_dir)
        setup = Setup(
            var_dir=var_dir,
            broker=broker or "embedded://",
            server_cores=server_cores,
            client_cores=client_cores,
        )
        _run(args, setup, services)
    except Exception:
        for name, _ in services.started:
            print(f"----- {name} log (end) -----\n{services.log(name)}")
        raise
    finally:
        services.stop_all()


def _service_env(var_dir: Path, broker: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        VAR_DIR=str(var_dir),
        PYTHONPATH=str(environment.ROOT),
        COLLECTOR_RATE_LIMIT=NO_RATE_LIMIT,
        LOG_LEVEL="WARNING",
    )
    if broker:
        env.update(REDIS_URL=broker, CELERY_BROKER_URL=broker)
    return env


def _run(args: argparse.Namespace, setup: Setup, services: Services) -> None:
    import throughput
    from corpus import build_corpus, synthetic_plan
    from fixtures import delete_fixture, publish_fixture
    from load import Target
    from services import start_web

    plan = synthetic_plan()
    corpus = build_corpus(plan, samples=2_000 if args.quick else 20_000, start=_now())
    fixture = publish_fixture(plan.snapshot)
    try:
        base = throughput.baseline(corpus)
        port, server = start_web(
            services,
            workers=args.web_workers,
            threads=args.web_threads,
            cores=setup.server_cores,
        )
        target = Target(port=port, write_key=fixture.write_key)
        setup = replace(setup, web=dict(services.started)["web"])
        _warm_up(target, corpus)
        print(environment.machine())
        print(f"{environment.database_label()}, broker {setup.broker}")
        print(f"Server: {server} on CPU {sorted(setup.server_cores)}")
        print(f"Clients: closed loops on CPU {sorted(setup.client_cores)}")
        print(f"Corpus: {corpus.samples:,} samples in {len(corpus.bodies)} bodies")
        print("\n3. Collector under load")
        print(f"  raw parse (orjson.loads, this process) {base.rate:>9,.0f} events/s")
        for clients in args.client_counts:
            seen, cpu = _load(target, corpus, setup, clients=clients, args=args)
            _print_load(seen, args.seconds, base.rate, clients, cpu_per_request=cpu)
        _freshness(args, setup, services, target, fixture.plan_id, corpus)
    finally:
        delete_fixture(fixture)


def _warm_up(target: Target, corpus: Corpus, requests: int = 50) -> None:
    """A few requests first: the server's first ones import modules and open connections,
    which no measurement should count."""
    from load import post

    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
    for body in corpus.bodies[:requests]:
        post(connection, target, body)
    connection.close()


def _now() -> datetime:
    return datetime.now(UTC)


def _load(
    target: Target,
    corpus: Corpus,
    setup: Setup,
    *,
    clients: int,
    args: argparse.Namespace,
) -> tuple[Requests, float | None]:
    """What the clients saw in the measured window, and the server's CPU seconds per request
    over the whole run (None where the platform cannot tell)."""
    from django.db import connections
    from load import run_clients
    from services import cpu_seconds

    connections.close_all()  # the clients are forked: they must not share a connection
    warmup = 1.0 if args.quick else 2.0
    cpu_before = cpu_seconds(setup.web) if setup.web else None
    started = time.time()
    seen = run_clients(
        target,
        corpus.bodies,
        clients=clients,
        seconds=args.seconds + warmup,
        events_per_body=EVENTS_PER_BODY,
        cores=setup.client_cores,
    )
    cpu_after = cpu_seconds(setup.web) if setup.web else None
    answered = sum(seen.statuses.values())
    cpu = None
    if cpu_before is not None and cpu_after is not None and answered:
        cpu = (cpu_after - cpu_before) / answered
    return seen.window(started + warmup, started + warmup + args.seconds), cpu


def _print_load(
    seen: Requests,
    seconds: float,
    baseline: float,
    clients: int,
    *,
    cpu_per_request: float | None,
) -> None:
    rate = seen.events() / seconds
    ratio = rate / baseline
    p50, p99 = seen.percentile(0.50), seen.percentile(0.99)
    ratio_ok = "pass" if ratio >= RATIO_TARGET else "MISS"
    latency_ok = "pass" if p99 < LATENCY_TARGET else "MISS"
    print(
        f"  {clients} client(s): {rate:>9,.0f} events/s {ratio:6.3f}x ({ratio_ok}), "
        f"p50 {1000 * p50:6.1f} ms, p99 {1000 * p99:6.1f} ms ({latency_ok}), "
        f"answers {dict(sorted(seen.statuses.items()))}"
    )
    if cpu_per_request:
        # Less sensitive to the machine's other load than the closed-loop rate above.
        per_core = EVENTS_PER_BODY / cpu_per_request
        print(
            f"    server CPU {1000 * cpu_per_request:.2f} ms per request: "
            f"{per_core:,.0f} events/s per core busy, {per_core / baseline:.3f}x parse"
        )


# --------------------------------------------------------------------------------------------
# Freshness: 200 -> count visible
# --------------------------------------------------------------------------------------------


def _probe_body(name: str) -> bytes:
    import orjson

    message = {
        "type": "track",
        "event": name,
        "messageId": str(uuid.uuid4()),
        "anonymousId": str(uuid.uuid4()),
        "timestamp": _now().isoformat().replace("+00:00", "Z"),
        "properties": {},
    }
    return orjson.dumps({"batch": [message]})


def _steady(target: Target, bodies: list[bytes], *, seconds: float, rate: int) -> None:
    """One paced client (a child process): a body every 100/rate s; prints what it got."""
    from load import run_clients

    seen = run_clients(
        target,
        bodies,
        clients=1,
        seconds=seconds,
        events_per_body=EVENTS_PER_BODY,
        interval=EVENTS_PER_BODY / rate,
    )
    print(
        f"  steady load: {seen.events() / seconds:,.0f} events/s accepted, "
        f"answers {dict(sorted(seen.statuses.items()))}"
    )


def _freshness(
    args: argparse.Namespace,
    setup: Setup,
    services: Services,
    target: Target,
    plan_id: int,
    corpus: Corpus,
) -> None:
    from django.db import connections
    from load import post
    from services import empty_broker, queued, start_worker, wait_for

    print(
        f"\n4b. Freshness at a steady {args.steady_events} events/s "
        "(Celery worker, -Q ingest --concurrency 1)"
    )
    empty_broker(setup.broker, setup.var_dir)
    start_worker(services)
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
    first = f"Bench Probe {uuid.uuid4().hex[:8]}"
    post(connection, target, _probe_body(first))
    wait_for(lambda: bool(_visible(plan_id, [first])), what="the worker's first count")

    connections.close_all()  # the paced client is forked
    background = multiprocessing.get_context("fork").Process(
        target=_steady,
        args=(target, corpus.bodies),
        kwargs={"seconds": args.probes + 1.0, "rate": args.steady_events},
    )
    background.start()
    delays = _probe(connection, target, plan_id, probes=args.probes)
    background.join()
    backlog = queued(setup.broker, setup.var_dir)
    _print_freshness(delays, backlog)
    print(f"  samples counted by the worker in this phase: {_counted(plan_id):,}")


def _probe(
    connection: http.client.HTTPConnection, target: Target, plan_id: int, *, probes: int
) -> list[float]:
    """Post a probe a second; poll every 20 ms until each one's count is visible."""
    from load import post

    pending: dict[str, float] = {}
    delays: list[float] = []
    next_probe = time.monotonic()
    sent = 0
    deadline = time.monotonic() + probes + 30
    while (sent < probes or pending) and time.monotonic() < deadline:
        if sent < probes and time.monotonic() >= next_probe:
            name = f"Bench Probe {uuid.uuid4().hex[:8]}"
            if post(connection, target, _probe_body(name)) == 200:
                pending[name] = time.monotonic()
            sent += 1
            next_probe += 1.0
        for name in _visible(plan_id, list(pending)):
            delays.append(time.monotonic() - pending.pop(name))
        time.sleep(0.02)
    return delays + [float("inf")] * len(pending)


def _visible(plan_id: int, names: list[str]) -> list[str]:
    from governance.models import WindowCount

    if not names:
        return []
    return list(
        WindowCount.objects.filter(plan_id=plan_id, event_name__in=names)
        .values_list("event_name", flat=True)
        .distinct()
    )


def _counted(plan_id: int) -> int:
    from django.db.models import Sum

    from governance.models import WindowCount

    total = WindowCount.objects.filter(plan_id=plan_id).aggregate(n=Sum("received"))
    return int(total["n"] or 0)


def _print_freshness(delays: list[float], backlog: int) -> None:
    delays = sorted(delays)
    if not delays:
        print("  no probe was accepted")
        return
    worst = delays[-1]
    verdict = "pass" if worst < FRESHNESS_TARGET else "MISS"
    print(
        f"  {len(delays)} probes: 200 -> count visible p50 "
        f"{delays[len(delays) // 2]:.2f} s, max {worst:.2f} s "
        f"(target < {FRESHNESS_TARGET:.0f} s: {verdict}); "
        f"batches still queued at the end: {backlog}"
    )


if __name__ == "__main__":
    main()
