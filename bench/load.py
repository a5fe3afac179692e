"""Client processes posting batch bodies to the collector, as SDKs do, with their latencies.

Each client keeps one HTTP/1.1 connection and posts the next body when the previous answer
arrives (a closed loop), or at a fixed pace. Bodies are inherited by fork, not copied per call.
"""

from __future__ import annotations

import base64
import http.client
import multiprocessing
import os
import time
from collections import Counter
from dataclasses import dataclass, field

_BODIES: list[bytes] = []


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    port: int
    write_key: str
    path: str = "/v1/batch"

    def headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.write_key}:".encode()).decode()
        return {"Content-Type": "application/json", "Authorization": f"Basic {token}"}


@dataclass(slots=True, kw_only=True)
class Requests:
    """What clients saw: (start, seconds, events) of each 200, and a count per status."""

    accepted: list[tuple[float, float, int]] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def window(self, start: float, end: float) -> Requests:
        kept = [r for r in self.accepted if start <= r[0] and r[0] + r[1] <= end]
        return Requests(accepted=kept, statuses=self.statuses)

    def events(self) -> int:
        return sum(r[2] for r in self.accepted)

    def percentile(self, fraction: float) -> float:
        latencies = sorted(r[1] for r in self.accepted)
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))]


def post(connection: http.client.HTTPConnection, target: Target, body: bytes) -> int:
    connection.request("POST", target.path, body, target.headers())
    response = connection.getresponse()
    response.read()
    if response.will_close:
        connection.close()
    return response.status


def _client(
    target: Target,
    *,
    offset: int,
    until: float,
    interval: float,
    events_per_body: int,
    results: multiprocessing.Queue[Requests],
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
    seen = Requests()
    index = offset
    next_send = time.time()
    while time.time() < until:
        if interval:
            time.sleep(max(0.0, next_send - time.time()))
            next_send += interval
        body = _BODIES[index % len(_BODIES)]
        index += 1
        started = time.time()
        clock = time.perf_counter()
        try:
            status = post(connection, target, body)
        except OSError:
            connection.close()
            status = 0
        seen.statuses[status] += 1
        if status == 200:
            seen.accepted.append(
                (started, time.perf_counter() - clock, events_per_body)
            )
    connection.close()
    results.put(seen)


def run_clients(
    target: Target,
    bodies: list[bytes],
    *,
    clients: int,
    seconds: float,
    events_per_body: int,
    cores: set[int] | None = None,
    interval: float = 0.0,
) -> Requests:
    """Run `clients` processes for `seconds`; each posts in a closed loop, or every `interval`."""
    _BODIES[:] = bodies
    context = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[Requests] = context.Queue()
    until = time.time() + seconds
    processes = [
        context.Process(
            target=_run_pinned,
            args=(cores, target),
            kwargs={
                "offset": n * len(bodies) // clients,
                "until": until,
                "interval": interval,
                "events_per_body": events_per_body,
                "results": results,
            },
        )
        for n in range(clients)
    ]
    for process in processes:
        process.start()
    merged = Requests()
    for _ in processes:
        part = results.get(timeout=seconds + 120)
        merged.accepted += part.accepted
        merged.statuses.update(part.statuses)
    for process in processes:
        process.join()
    return merged


def _run_pinned(cores: set[int] | None, target: Target, **kwargs: object) -> None:
    if cores:
        os.sched_setaffinity(0, cores)
    _client(target, **kwargs)  # type: ignore[arg-type]
