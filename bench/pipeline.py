"""Throughput of the live-sample pipeline beside raw JSON parsing of the same corpus.

    python bench/pipeline.py [--quick] [--samples N] [--skip-footprint]

Generates a deterministic corpus (a synthetic 60-event plan, Segment batch bodies of 100
messages, about one in ten broken), pins itself to one core and prints events per second for:
1. parsing, validation and in-memory aggregation (target >= 0.7x raw parsing),
2. the whole worker path, `process_batch` on real rows (target >= 0.5x), with the time of each
   step and the cost of deduplication,
4. a worker with a 2,000-event plan: compile time (< 5 s) and memory (< 300 MB).
The database is a throwaway SQLite file, or PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import sys
import time

import environment

FULL_SAMPLES = 200_000
QUICK_SAMPLES = 2_000
DEDUPE_SAMPLES = 20_000


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a small smoke run (< 30 s), not pinned"
    )
    parser.add_argument("--samples", type=int, help="corpus size (default 200,000)")
    parser.add_argument("--skip-footprint", action="store_true", help="skip stage 4")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    # A smoke run only checks that everything runs: it may use every core it gets.
    core = None if args.quick else environment.pin_to_one_core()
    var_dir = environment.configure()
    # Django is configured: the project's modules (and the bench's that use them) load now.
    import throughput
    from corpus import build_corpus, synthetic_plan
    from fixtures import delete_fixture, publish_fixture
    from footprint import measure_footprint, print_footprint
    from report import print_table

    from governance.pipeline.validators import plan_cache

    samples = args.samples or (QUICK_SAMPLES if args.quick else FULL_SAMPLES)
    started = time.perf_counter()
    plan = synthetic_plan()
    corpus = build_corpus(plan, samples=samples)
    print(environment.machine())
    pinned = f"pinned to CPU {core}" if core is not None else "not pinned (--quick)"
    print(f"{environment.database_label()}; this process {pinned}")
    print(
        f"Corpus: {corpus.samples:,} samples in {len(corpus.bodies):,} bodies "
        f"({corpus.megabytes:.1f} MB), {len(plan.snapshot.events)} events; "
        f"broken on purpose: {sum(corpus.defects.values()):,} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(corpus.defects.items()))})"
    )
    fixture = publish_fixture(plan.snapshot, sources=3)
    missed: list[str] = []
    try:
        compiled = plan_cache().for_source(fixture.source_ids[0])
        assert compiled is not None  # noqa: S101 - just published
        compiled.compile_all()
        base = throughput.baseline(corpus)
        rows = throughput.in_memory(corpus, compiled)
        rows += throughput.parse_alternatives(corpus)
        rows += throughput.validator_references(
            corpus,
            compiled,
            compiled_samples=500 if args.quick else 5_000,
            per_call_samples=10 if args.quick else 300,
        )
        missed += print_table("1. Validation and in-memory aggregation", base, rows)

        if throughput.tolerate_decimals_in_json_fields():
            print(
                "\nWORKAROUND: process_batch raises TypeError storing Decimal values in "
                "JSON fields;\nthe benchmark gave ViolationCount.examples and "
                "RecentSample.message DjangoJSONEncoder."
            )
        worker, steps, totals = throughput.worker_path(corpus, fixture)
        head = corpus.head(min(DEDUPE_SAMPLES, corpus.samples // 4))
        variants = throughput.dedupe_variants(head, fixture)
        missed += print_table("2. Worker path on real rows", base, [worker, *variants])
        _print_steps(steps, worker.seconds, worker.events, totals)
    finally:
        delete_fixture(fixture)

    if not args.skip_footprint:
        result = measure_footprint(var_dir, events=200 if args.quick else 2000)
        print_footprint(result)
        if not result.passed:
            missed.append("4. compile time or memory")
    print(f"\nDone in {time.perf_counter() - started:.0f} s.", end=" ")
    print(f"Missed targets: {', '.join(missed)}" if missed else "All targets met.")


def _print_steps(
    steps: dict[str, float], total: float, events: int, totals: dict[str, int]
) -> None:
    print("\n  where the worker path's time goes:")
    for name, seconds in sorted(steps.items(), key=lambda item: -item[1]):
        print(
            f"    {name:<46} {seconds:7.2f} s {100 * seconds / total:5.1f} % "
            f"{1e6 * seconds / events:7.1f} us/event"
        )
    print(
        f"  counted {totals['counted']:,}, duplicates dropped {totals['duplicates']:,}; "
        f"rows: {totals['seen_rows']:,} seen-message marks, "
        f"{totals['window_rows']:,} window counts, "
        f"{totals['sample_rows']:,} recent samples, "
        f"{totals['type_rows']:,} observed types from "
        f"{totals['pending_folded']:,} pending rows in {totals['folds']:,} folds"
    )


if __name__ == "__main__":
    sys.exit(main())
