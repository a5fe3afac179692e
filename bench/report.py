"""Timing a stage over a corpus beside raw parsing of the same bodies, and printing the table.

Two ratios per stage. "x parse" divides by the baseline row: `orjson.loads` of every body in a
tight loop, the fastest of three passes; targets are judged on it. "x paired" divides by parsing
timed body by body right before the stage runs on that body: both then see the same machine
(other processes, CPU frequency), which keeps the ratio honest on a busy machine, but the
paired parse also runs with the caches the stage left cold, so it is the kinder figure.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurement:
    name: str
    events: int
    seconds: float
    baseline_seconds: float | None = None  # parsing the same bodies, paired
    target: float | None = None  # the smallest acceptable ratio to the baseline
    note: str = ""

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def paired_ratio(self) -> float | None:
        """Events/s as a fraction of the paired parse's; None when none was paired."""
        if self.baseline_seconds is None or not self.seconds:
            return None
        return self.baseline_seconds / self.seconds

    def ratio_to(self, baseline: Measurement) -> float:
        return self.rate / baseline.rate if baseline.rate else 0.0

    def passed(self, baseline: Measurement) -> bool:
        return self.target is None or self.ratio_to(baseline) >= self.target


def measure(
    name: str,
    items: Iterable[T],
    work: Callable[[T], object],
    *,
    events: int,
    baseline: Callable[[T], object] | None = None,
    repeat: int = 1,
    target: float | None = None,
    note: str = "",
) -> Measurement:
    """Run `work` on every item (`repeat` passes, the fastest kept), `baseline` paired with it.

    Results are dropped as soon as they are made, as a worker drops a batch once it is counted:
    keeping them all alive would make the garbage collector's passes grow with the corpus.
    """
    items = list(items)
    best, best_baseline = float("inf"), None
    clock = time.perf_counter
    for _ in range(repeat):
        gc.collect()
        spent = parsed = 0.0
        for item in items:
            if baseline is not None:
                start = clock()
                baseline(item)
                parsed += clock() - start
            start = clock()
            work(item)
            spent += clock() - start
        if spent < best:
            best, best_baseline = spent, (parsed if baseline is not None else None)
    return Measurement(
        name=name,
        events=events,
        seconds=best,
        baseline_seconds=best_baseline,
        target=target,
        note=note,
    )


def print_table(
    title: str, baseline: Measurement, rows: list[Measurement]
) -> list[str]:
    """Print the baseline and the rows; returns the names of rows that missed their target."""
    print(f"\n{title}")
    header = (
        f"{'stage':<56} {'events':>7} {'seconds':>8} {'events/s':>9} "
        f"{'x parse':>8} {'x paired':>9}  target"
    )
    print(header)
    print("-" * (len(header) + 14))
    missed = []
    for row in [baseline, *rows]:
        verdict = ""
        if row.target is not None:
            passed = row.passed(baseline)
            verdict = f">= {row.target:.2f} {'pass' if passed else 'MISS'}"
            if not passed:
                missed.append(row.name)
        paired = row.paired_ratio
        shown = f"{paired:>8.3f}x" if paired is not None and row is not baseline else ""
        print(
            f"{row.name:<56} {row.events:>7} {row.seconds:>8.2f} {row.rate:>9,.0f} "
            f"{row.ratio_to(baseline):>7.3f}x {shown:>9}  {verdict}"
        )
        if row.note:
            print(f"{'':<4}{row.note}")
    return missed
