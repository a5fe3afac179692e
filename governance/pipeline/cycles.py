"""A pause of Python's cyclic garbage collector around work on one parsed batch.

Shared by the collector (per request) and the workers (per batch); see `cycles_unchecked`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _CollectionPause:
    """One pause of the cyclic garbage collector shared by every thread inside it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._resume = False

    def enter(self) -> None:
        with self._lock:
            if not self._inside:
                self._resume = gc.isenabled()
                gc.disable()
            self._inside += 1

    def leave(self) -> None:
        with self._lock:
            self._inside -= 1
            if not self._inside and self._resume:
                gc.enable()


_PAUSE = _CollectionPause()


@contextmanager
def cycles_unchecked() -> Iterator[None]:
    """Pause the cyclic garbage collector while a parsed body is alive.

    TRICKY: a 100-message batch parses into thousands of dicts and lists. With the collector
    on, young collections scan them as they are made and promote them to older generations
    while a request or a worker's task holds them, and those promotions bring on full
    collections of the whole process: together about a millisecond per batch in the
    collector, a tenth of the instructions of validating it in a worker, for trees that hold
    no cycle and are freed by reference counting. Drop the document inside the block, so it is freed before any
    collection sees it. Threads share one pause; the collector runs again once all have left.
    """
    _PAUSE.enter()
    try:
        yield
    finally:
        _PAUSE.leave()
