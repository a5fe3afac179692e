"""Stages 1 and 2: events per second through the pipeline, in memory and down to the database.

Every figure is for the same corpus as the raw-parse baseline (`orjson.loads` of each body),
measured in the same process on the same core.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import jsonschema
import orjson
from corpus import BASE_TIME, Corpus, without_message_ids
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from fixtures import PublishedFixture
from report import Measurement, measure

from governance.models import (
    ObservedType,
    RecentSample,
    SeenMessage,
    ViolationCount,
    WindowCount,
)
from governance.pipeline import aggregate, process, store, type_rollup, wire
from governance.pipeline.batch import BatchPayload, new_batch
from governance.pipeline.compiled import CompiledPlan
from governance.pipeline.cycles import cycles_unchecked
from governance.pipeline.masking import masked_message
from governance.pipeline.validate import Verdict
from governance.pipeline.validators import plan_cache

BATCH = "batch"
UNPARSED_SAMPLES = 20_000
JSONSCHEMA_COMPILED_SAMPLES = 5_000
JSONSCHEMA_PER_CALL_SAMPLES = 300


def baseline(corpus: Corpus, *, repeat: int = 3) -> Measurement:
    """Raw parsing alone, the fastest of `repeat` passes (each row also pairs its own)."""
    row = measure(
        "raw parse: orjson.loads (baseline)",
        corpus.bodies,
        orjson.loads,
        events=corpus.samples,
        repeat=repeat,
    )
    return replace(row, baseline_seconds=row.seconds)


# --------------------------------------------------------------------------------------------
# Stage 1: in memory
# --------------------------------------------------------------------------------------------


def _masker(plan: CompiledPlan) -> Callable[[Verdict, dict[str, Any]], dict[str, Any]]:
    # What process_batch hands to fold: mask by the event's privacy classes, if planned.
    def mask(verdict: Verdict, message: dict[str, Any]) -> dict[str, Any]:
        event = plan.event(verdict.event_name) if verdict.planned else None
        return masked_message(message, event.privacy if event else {})

    return mask


def in_memory(corpus: Corpus, plan: CompiledPlan) -> list[Measurement]:
    """Stage 1, built up step by step: each row adds one step to the one above it."""
    at = BASE_TIME
    mask = _masker(plan)
    # The same sampling of recent samples as process_batch (one per key per interval).
    clock = process.SampleClock(interval=settings.SAMPLES_INTERVAL_SECONDS)

    def parse(body: bytes) -> list[dict[str, Any]]:
        # As a worker does: the collector already checked every envelope.
        return wire.messages_of(BATCH, wire.parse_json(body), checked=True)

    def judged(body: bytes) -> list[Verdict]:
        return process.judge_all(parse(body), plan, received_at=at)

    def folded(body: bytes) -> aggregate.BatchFold:
        # With the cycle collector paused, as process_batch runs.
        with cycles_unchecked():
            messages = parse(body)
            verdicts = process.judge_all(messages, plan, received_at=at)
            return aggregate.fold(
                zip(verdicts, messages, strict=True),
                at=at,
                mask=mask,
                samples_per_event=settings.SAMPLES_PER_BATCH_EVENT,
                keep_sample=lambda verdict: clock.admits(
                    (0, verdict.event_name, verdict.valid)
                ),
            )

    n = corpus.samples
    bodies = corpus.bodies
    steps: list[tuple[str, Callable[[bytes], object]]] = [
        ("  wire.parse_json", wire.parse_json),
        ("  wire.parse_json + messages_of", parse),
        ("  ... + judge (jsonschema-rs, privacy scan)", judged),
    ]
    rows = [
        measure(name, bodies, step, events=n, baseline=orjson.loads)
        for name, step in steps
    ]
    rows.append(
        measure(
            "1. validation + aggregation: ... + fold with masking",
            bodies,
            folded,
            events=n,
            baseline=orjson.loads,
            target=0.7,
        )
    )
    rows.append(_without_parsing(corpus.head(min(n, UNPARSED_SAMPLES)), folded, parse))
    return rows


def _without_parsing(
    head: Corpus,
    folded: Callable[[bytes], object],
    parse: Callable[[bytes], list[dict[str, Any]]],
) -> Measurement:
    """Judge and fold alone, on messages parsed beforehand: stage 1 less the parsing.

    The difference of two timings over the same bodies (with and without parsing), so that
    both run on freshly parsed objects as a worker does; a subset, timed apart.
    """
    with_parse = measure("", head.bodies, folded, events=head.samples)
    parse_only = measure("", head.bodies, parse, events=head.samples)
    return Measurement(
        name="  (ref) judge + fold alone (stage 1 less the parsing)",
        events=head.samples,
        seconds=with_parse.seconds - parse_only.seconds,
        baseline_seconds=None,
        target=None,
        note=f"{head.samples:,} samples: stage 1 minus parse + messages_of",
    )


def parse_alternatives(corpus: Corpus) -> list[Measurement]:
    """Why wire.parse_json costs what it costs: how often it takes the exact path."""
    # The pre-check parse_json runs before choosing orjson or the exact stdlib parse.
    inexact = getattr(wire, "_MAYBE_INEXACT", None)
    exact = sum(1 for b in corpus.bodies if inexact and inexact.search(b))
    n = corpus.samples

    def stdlib(body: bytes) -> object:
        return json.loads(body.decode("utf-8"), parse_float=Decimal)

    return [
        measure(
            "  (ref) json.loads(parse_float=Decimal)",
            corpus.bodies,
            stdlib,
            events=n,
            baseline=orjson.loads,
            note=f"wire.parse_json took this exact path for {exact} of "
            f"{len(corpus.bodies)} bodies",
        ),
    ]


def tracked_properties(body: bytes) -> Iterator[tuple[str, dict[str, Any]]]:
    """Event name and properties of each track message of a batch body, parsed by orjson."""
    for message in orjson.loads(body)["batch"]:
        if message["type"] == "track" and isinstance(message.get("properties"), dict):
            yield message["event"], message["properties"]


def validator_references(
    corpus: Corpus,
    plan: CompiledPlan,
    *,
    compiled_samples: int = JSONSCHEMA_COMPILED_SAMPLES,
    per_call_samples: int = JSONSCHEMA_PER_CALL_SAMPLES,
) -> list[Measurement]:
    """orjson + schema validation only, with jsonschema-rs and with pure-Python jsonschema."""
    schemas = {
        key: json.loads(text, parse_float=Decimal) for key, text in plan.schemas.items()
    }
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    compiled = {
        key: jsonschema.Draft202012Validator(schema, format_checker=checker)
        for key, schema in schemas.items()
    }

    def fast(body: bytes) -> None:
        for name, properties in tracked_properties(body):
            event = plan.event(name)
            if event is not None and not event.validator.is_valid(properties):
                list(event.validator.iter_errors(properties))

    def reference(body: bytes) -> None:
        for name, properties in tracked_properties(body):
            validator = compiled.get(name)
            if validator is not None and not validator.is_valid(properties):
                list(validator.iter_errors(properties))

    def per_call(body: bytes) -> None:
        for name, properties in tracked_properties(body):
            if name in schemas:
                with suppress(jsonschema.ValidationError):
                    jsonschema.validate(
                        properties, schemas[name], format_checker=checker
                    )

    subset = corpus.head(compiled_samples)
    tiny = corpus.head(per_call_samples)
    return [
        measure(
            "  (ref) orjson + jsonschema-rs validation only",
            corpus.bodies,
            fast,
            events=corpus.samples,
            baseline=orjson.loads,
        ),
        measure(
            "  (ref) orjson + jsonschema Draft202012Validator, compiled",
            subset.bodies,
            reference,
            events=subset.samples,
            baseline=orjson.loads,
        ),
        measure(
            "  (ref) orjson + jsonschema.validate per call",
            tiny.bodies,
            per_call,
            events=tiny.samples,
            baseline=orjson.loads,
        ),
    ]


# --------------------------------------------------------------------------------------------
# Stage 2: the worker path on real rows
# --------------------------------------------------------------------------------------------


def tolerate_decimals_in_json_fields() -> bool:
    """Let stored examples and samples hold Decimals if masking leaves any; True if it does.

    TRICKY: wire.parse_json reads numbers exactly (Decimal) when a body may hold an inexact
    one; if a masked message still carries a Decimal, the JSON fields' default encoder refuses
    it and process_batch raises TypeError. The benchmark then gives those two fields Django's
    encoder so the worker path can be measured at all, and says so.
    """
    masked = masked_message(
        {"type": "track", "event": "E", "properties": {"n": Decimal("0.1")}}, {}
    )
    fields = [
        ViolationCount._meta.get_field("examples"),
        RecentSample._meta.get_field("message"),
    ]
    try:
        for field in fields:
            field.get_db_prep_save([masked], connection)
    except TypeError:
        for field in fields:
            field.encoder = DjangoJSONEncoder
        return True
    return False


class StepClock:
    """Seconds spent in named functions of the pipeline while `timing()` is active."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()

    def _wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start

        return timed

    @contextmanager
    def timing(self) -> Iterator[None]:
        targets = [
            (wire, "parse_json", "parse (wire.parse_json)"),
            (wire, "messages_of", "envelopes (wire.messages_of)"),
            (process, "judge_all", "judge (process.judge_all)"),
            (store, "claim_batch", "batch mark (store.claim_batch)"),
            (store, "new_message_digests", "dedupe (store.new_message_digests)"),
            (aggregate, "fold", "fold + masking (aggregate.fold)"),
            (store, "write_fold", "upserts (store.write_fold)"),
            (
                type_rollup,
                "fold_pending_types",
                "observed types fold (type_rollup, on beat)",
            ),
        ]
        originals = [
            (module, name, getattr(module, name)) for module, name, _ in targets
        ]
        for module, name, label in targets:
            setattr(module, name, self._wrap(label, getattr(module, name)))
        # TRICKY: transaction.atomic calls connection.commit(); an instance attribute shadows it.
        connection.commit = self._wrap("commit", connection.commit)  # type: ignore[method-assign]
        try:
            yield
        finally:
            for module, name, original in originals:
                setattr(module, name, original)
            del connection.commit


def _payloads(
    corpus: Corpus, fixture: PublishedFixture, *, source_id: int
) -> list[tuple[bytes, BatchPayload]]:
    """(body, the task's payload for it) per body, received 100 ms apart."""
    return [
        (
            body,
            new_batch(
                source_id=source_id,
                plan_id=fixture.plan_id,
                endpoint=BATCH,
                body=body,
                received_at=BASE_TIME + timedelta(milliseconds=100 * index),
            ),
        )
        for index, body in enumerate(corpus.bodies)
    ]


def _parse_body(pair: tuple[bytes, BatchPayload]) -> object:
    return orjson.loads(pair[0])


def worker_path(
    corpus: Corpus, fixture: PublishedFixture
) -> tuple[Measurement, Counter[str], dict[str, int]]:
    """Stage 2: process_batch on every body, with the seconds spent in each step."""
    source_id = fixture.source_ids[0]
    payloads = _payloads(corpus, fixture, source_id=source_id)
    compiled = plan_cache().for_source(source_id)
    if compiled is not None:
        compiled.compile_all()  # a worker at steady state has compiled what it receives
    totals: Counter[str] = Counter()
    next_fold = [time.perf_counter() + settings.PIPELINE_TYPES_FOLD_SECONDS]

    def run(pair: tuple[bytes, BatchPayload]) -> None:
        result = process.process_batch(pair[1])
        totals["counted"] += result.counted
        totals["duplicates"] += result.duplicates
        # Observed types reach ObservedType through pending rows that beat folds every
        # PIPELINE_TYPES_FOLD_SECONDS on the same workers: their cost belongs to this path.
        totals["batches"] += 1
        now = time.perf_counter()
        if now >= next_fold[0] or totals["batches"] == len(payloads):
            totals["pending_folded"] += type_rollup.fold_pending_types()
            totals["folds"] += 1
            next_fold[0] = now + settings.PIPELINE_TYPES_FOLD_SECONDS

    clock = StepClock()
    with clock.timing():
        row = measure(
            "2. worker path: process_batch (dedupe + upserts)",
            payloads,
            run,
            events=corpus.samples,
            baseline=_parse_body,
            target=0.5,
        )
    totals["seen_rows"] = SeenMessage.objects.filter(source_id=source_id).count()
    totals["window_rows"] = WindowCount.objects.filter(source_id=source_id).count()
    totals["sample_rows"] = RecentSample.objects.filter(source_id=source_id).count()
    totals["type_rows"] = ObservedType.objects.filter(plan_id=fixture.plan_id).count()
    clock.seconds["other (digests, transaction, bookkeeping)"] = row.seconds - sum(
        clock.seconds.values()
    )
    return row, clock.seconds, dict(totals)


def dedupe_variants(corpus: Corpus, fixture: PublishedFixture) -> list[Measurement]:
    """The same batches with and without messageIds, each from a source with no history."""
    stripped = Corpus(
        bodies=[without_message_ids(b) for b in corpus.bodies], samples=corpus.samples
    )
    rows = []
    for label, variant, source_id in (
        ("with messageIds (deduplicated)", corpus, fixture.source_ids[1]),
        ("without messageIds (nothing to dedupe)", stripped, fixture.source_ids[2]),
    ):
        plan_cache().for_source(source_id)
        rows.append(
            measure(
                f"  process_batch {label}",
                _payloads(variant, fixture, source_id=source_id),
                lambda pair: process.process_batch(pair[1]),
                events=variant.samples,
                baseline=_parse_body,
            )
        )
    return rows
