"""One batch end to end: parse, judge every sample, then count it exactly once.

Validation runs before the transaction (it only needs the compiled plan); the transaction holds
the batch's mark, the dedupe rows and every counter, so a batch is counted whole or not at all,
and a redelivered batch finds its mark and changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from governance.errors import TransientError
from governance.models import ProcessedBatch
from governance.pipeline import aggregate, storable, store, wire
from governance.pipeline.aggregate import ViolationKey
from governance.pipeline.batch import BatchPayload
from governance.pipeline.compiled import CompiledPlan
from governance.pipeline.cycles import cycles_unchecked
from governance.pipeline.masking import masked_message
from governance.pipeline.storable import Repair
from governance.pipeline.validate import SkewLimits, Verdict, judge, unjudgeable
from governance.pipeline.validators import plan_cache

logger = logging.getLogger(__name__)


class SampleClock:
    """At most one recent sample per key (source, event, validity) per interval, per process.

    QA reads the last few samples of each event; at high traffic, keeping more only costs
    masking and rows the purge deletes again. A sample not kept is still counted.
    """

    def __init__(
        self, *, interval: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._last: dict[tuple[Any, ...], float] = {}

    def admits(self, key: tuple[Any, ...]) -> bool:
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self._interval:
            return False
        if len(self._last) > 100_000:
            self._last.clear()
        self._last[key] = now
        return True


class ExampleLedger:
    """Violation rows known to hold all their examples, per process, forgotten every so often.

    A row keeps its first few masked examples; once it has them, masking more samples for it
    is wasted work. Forgetting (every `ttl` seconds) bounds memory and lets a row that was
    deleted and made again get examples.
    """

    def __init__(
        self, *, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._since = clock()
        self._complete: set[tuple[Any, ...]] = set()

    def has_examples(self, scope: tuple[int, int], key: ViolationKey) -> bool:
        return (*scope, *key) in self._complete

    def clear(self) -> None:
        self._complete.clear()
        self._since = self._clock()

    def add(self, scope: tuple[int, int], keys: set[ViolationKey]) -> None:
        now = self._clock()
        if now - self._since > self._ttl or len(self._complete) > 100_000:
            self._complete.clear()
            self._since = now
        self._complete.update((*scope, *key) for key in keys)


_sample_clock = SampleClock(interval=settings.SAMPLES_INTERVAL_SECONDS)
_examples = ExampleLedger(ttl=600)


def example_ledger() -> ExampleLedger:
    """This process's ledger of violation rows that have all their examples."""
    return _examples


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    samples: int
    counted: int
    duplicates: int
    already_processed: bool


def process_batch(batch: BatchPayload) -> BatchResult:
    """Validate and count a batch. Raises TransientError when the database is briefly away."""
    received_at = datetime.fromisoformat(batch["received_at"])
    plan = plan_cache().for_source(batch["source_id"])
    with cycles_unchecked():
        # The collector checked every envelope before it answered 200.
        parsed = wire.messages_of(
            batch["endpoint"],
            wire.parse_json(batch["body"].encode("utf-8")),
            checked=True,
        )
        stored = storable.storable_messages(parsed, body=batch["body"])
        messages = [message for message, _ in stored]
        repairs = [repaired for _, repaired in stored]
        del parsed, stored
        verdicts = judge_all(messages, plan, received_at=received_at, repairs=repairs)
        try:
            result = _count_once(batch, messages, verdicts, plan, received_at)
        except (OperationalError, InterfaceError) as error:
            raise TransientError(str(error)) from error
        del messages, verdicts  # freed by reference counting, before the collector runs
    logger.info(
        "pipeline.batch batch_id=%s samples=%s counted=%s duplicates=%s redelivered=%s",
        batch["batch_id"],
        result.samples,
        result.counted,
        result.duplicates,
        result.already_processed,
    )
    return result


def judge_all(
    messages: list[dict[str, Any]],
    plan: CompiledPlan | None,
    *,
    received_at: datetime,
    repairs: list[tuple[Repair, ...]] | None = None,
) -> list[Verdict]:
    """A verdict per message; one the validator fails on is judged invalid, not raised."""
    limits = SkewLimits(
        max_future=timedelta(seconds=settings.PIPELINE_MAX_FUTURE_SECONDS),
        max_past=timedelta(seconds=settings.PIPELINE_MAX_PAST_SECONDS),
    )
    if repairs is None:
        return [_judged(m, (), plan, received_at, limits) for m in messages]
    return [
        _judged(m, r, plan, received_at, limits)
        for m, r in zip(messages, repairs, strict=True)
    ]


def _judged(
    message: dict[str, Any],
    repairs: tuple[Repair, ...],
    plan: CompiledPlan | None,
    received_at: datetime,
    limits: SkewLimits,
) -> Verdict:
    try:
        return judge(
            message, plan, received_at=received_at, limits=limits, repairs=repairs
        )
    # TRICKY: deliberately broad. One sample the validator cannot take (a case no repair
    # foresaw) must not keep the rest of its batch from being counted: it is counted as
    # invalid, saying so, and the failure is logged (its type only, never the sample).
    except Exception as error:  # noqa: BLE001
        logger.error("pipeline.unjudgeable_sample error=%s", type(error).__name__)
        return unjudgeable(message, plan, reason=type(error).__name__)


def _count_once(
    batch: BatchPayload,
    messages: list[dict[str, Any]],
    verdicts: list[Verdict],
    plan: CompiledPlan | None,
    received_at: datetime,
) -> BatchResult:
    source_id = batch["source_id"]
    scope = (batch["plan_id"], source_id)
    digests = [_digest(v) for v in verdicts]
    with transaction.atomic():
        claimed = store.claim_batch(
            batch_id=batch["batch_id"],
            source_id=source_id,
            samples=len(messages),
            duplicates=0,
            at=received_at,
        )
        if not claimed:
            return BatchResult(
                samples=len(messages), counted=0, duplicates=0, already_processed=True
            )
        fresh = store.new_message_digests(
            source_id=source_id,
            digests=[d for d in digests if d is not None],
            at=received_at,
            window=timedelta(seconds=settings.DEDUPE_WINDOW_SECONDS),
        )
        kept = list(_first_fresh(verdicts, messages, digests, fresh))
        fold = aggregate.fold(
            kept,
            at=received_at,
            mask=lambda verdict, message: _mask(verdict, message, plan),
            samples_per_event=settings.SAMPLES_PER_BATCH_EVENT,
            keep_sample=lambda verdict: _sample_clock.admits(
                (source_id, verdict.event_name, verdict.valid)
            ),
            has_examples=lambda key: _examples.has_examples(scope, key),
        )
        complete = store.write_fold(
            plan_id=batch["plan_id"], source_id=source_id, fold=fold
        )
        duplicates = len(messages) - len(kept)
        if duplicates:
            ProcessedBatch.objects.filter(batch_id=batch["batch_id"]).update(
                duplicates=duplicates
            )
    # Only once committed: a rolled-back top-up must not be remembered.
    _examples.add(scope, complete)
    return BatchResult(
        samples=len(messages),
        counted=len(kept),
        duplicates=duplicates,
        already_processed=False,
    )


def _digest(verdict: Verdict) -> int | None:
    message_id = verdict.message_id
    return store.message_digest(message_id) if message_id else None


def _first_fresh(
    verdicts: list[Verdict],
    messages: list[dict[str, Any]],
    digests: list[int | None],
    fresh: set[int],
) -> Any:
    """Samples to count: those without a messageId, and the first of each fresh messageId."""
    taken: set[int] = set()
    for verdict, message, digest in zip(verdicts, messages, digests, strict=True):
        if digest is None:
            yield verdict, message
        elif digest in fresh and digest not in taken:
            taken.add(digest)
            yield verdict, message


def _mask(
    verdict: Verdict, message: dict[str, Any], plan: CompiledPlan | None
) -> dict[str, Any]:
    event = plan.event(verdict.event_name) if plan and verdict.planned else None
    return masked_message(message, event.privacy if event else {})
