"""Stage 4: a worker with a large plan: time to compile every validator, and its memory.

    python bench/footprint.py [--events 2000]

(`bench/pipeline.py` runs this too.) The plan is published to the benchmark database; a fresh
child process, importing what a worker imports, loads the version, compiles every event's
validator and reports its time and resident memory, so nothing of the parent is counted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import environment

COMPILE_TARGET_SECONDS = 5.0
RSS_TARGET_MB = 300.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Footprint:
    events: int
    properties: int
    render_seconds: float  # publish time, in the parent: rendering every schema
    load_seconds: float  # the worker's query and snapshot parsing
    compile_seconds: float  # compile_plan + compile_all
    rss_before_mb: float  # the worker after django.setup() and its imports
    rss_loaded_mb: float  # ... with the version loaded (snapshot and schema texts)
    rss_after_mb: float  # ... and every validator compiled
    peak_rss_mb: float

    @property
    def passed(self) -> bool:
        return (
            self.compile_seconds < COMPILE_TARGET_SECONDS
            and self.peak_rss_mb < RSS_TARGET_MB
        )


def measure_footprint(var_dir: Path, *, events: int) -> Footprint:
    """Publish a plan of `events` events, then compile it in a fresh child process."""
    from corpus import synthetic_plan
    from fixtures import delete_fixture, publish_fixture

    plan = synthetic_plan(events=events, properties=max(150, events // 3))
    fixture = publish_fixture(plan.snapshot)
    try:
        child = subprocess.run(  # noqa: S603 - our own interpreter and script
            [
                sys.executable,
                __file__,
                "--child",
                "--var-dir",
                str(var_dir),
                "--version-id",
                str(fixture.version_id),
            ],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
    finally:
        delete_fixture(fixture)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    return Footprint(
        events=result["events"],
        properties=sum(len(e.properties) for e in plan.snapshot.events),
        render_seconds=fixture.render_seconds,
        **{k: v for k, v in result.items() if k != "events"},
    )


def _child(var_dir: str, version_id: int) -> None:
    import psutil

    environment.configure(var_dir=var_dir, migrate=False)
    import governance.tasks  # noqa: F401 - what a worker process has loaded
    from governance.pipeline.compiled import compile_plan
    from tracking.published import load_version

    rss = psutil.Process().memory_info
    before = rss().rss / 2**20
    start = time.perf_counter()
    published = load_version(version_id)
    loaded = time.perf_counter()
    assert published is not None  # noqa: S101 - the parent just created it
    rss_loaded = rss().rss / 2**20
    events = compile_plan(published).compile_all()
    done = time.perf_counter()
    result = {
        "events": events,
        "load_seconds": loaded - start,
        "compile_seconds": done - loaded,
        "rss_before_mb": before,
        "rss_loaded_mb": rss_loaded,
        "rss_after_mb": rss().rss / 2**20,
        "peak_rss_mb": environment.peak_rss_mb(),
    }
    print(json.dumps(result))


def print_footprint(result: Footprint) -> None:
    print(
        f"\n4. Freshness and footprint: {result.events} events, "
        f"{result.properties} property attachments"
    )
    print(f"  render schemas (publish time, parent)   {result.render_seconds:8.2f} s")
    print(f"  load version (worker: query + snapshot) {result.load_seconds:8.2f} s")
    print(
        f"  compile all validators                  {result.compile_seconds:8.2f} s"
        f"   target < {COMPILE_TARGET_SECONDS:.0f} s: "
        f"{'pass' if result.compile_seconds < COMPILE_TARGET_SECONDS else 'MISS'}"
    )
    print(f"  worker RSS after setup and imports      {result.rss_before_mb:8.1f} MB")
    print(f"  worker RSS with the version loaded      {result.rss_loaded_mb:8.1f} MB")
    print(f"  worker RSS with the plan compiled       {result.rss_after_mb:8.1f} MB")
    print(
        f"  worker peak RSS                         {result.peak_rss_mb:8.1f} MB"
        f"   target < {RSS_TARGET_MB:.0f} MB: "
        f"{'pass' if result.peak_rss_mb < RSS_TARGET_MB else 'MISS'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    parser.add_argument("--version-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.child:
        _child(args.var_dir, args.version_id)
        return
    environment.pin_to_one_core()
    var_dir = environment.configure()
    print(environment.machine())
    print(environment.database_label())
    print_footprint(measure_footprint(var_dir, events=args.events))


if __name__ == "__main__":
    main()
