"""Celery tasks: thin wrappers whose policy sits in the decorator; the work is in the pipeline."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from celery import Task, shared_task
from django.conf import settings
from kombu.exceptions import KombuError
from kombu.serialization import registry  # type: ignore[attr-defined]  # not in the stubs
from redis.exceptions import RedisError

from governance.collector import redis_producer
from governance.errors import TransientError
from governance.pipeline import maintenance, process, store, type_rollup
from governance.pipeline.batch import BatchPayload

logger = logging.getLogger(__name__)


# The collector's batches as JSON written by orjson: a 100 KB body is escaped several times
# faster than by the standard library, and non-ASCII text is not escaped at all. The content
# type stays `application/json`, so workers (and any other consumer) decode it with kombu's
# JSON decoder exactly as before; only an encoder is registered.
_BATCH_SERIALIZER = "json-orjson"
registry.register(
    _BATCH_SERIALIZER,
    encoder=orjson.dumps,
    decoder=None,
    content_type="application/json",
    content_encoding="utf-8",
)
# TRICKY: registering renames the content type for kombu's error messages and enable/disable;
# it is still the "json" that CELERY_ACCEPT_CONTENT names.
registry.type_to_name["application/json"] = "json"


class BrokerUnavailable(TransientError):
    """The broker did not take the batch; the collector answers 503."""


class IngestTask(Task[Any, Any]):
    """Writes a dead letter for a batch that failed for good, so nothing accepted is dropped."""

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        batch = kwargs.get("batch") or (args[0] if args else None)
        if not isinstance(batch, dict):
            logger.error("ingest.unreadable_failed_task task_id=%s", task_id)
            return
        store.record_dead_letter(
            batch,
            error=f"{type(exc).__name__}: {exc}",
            traceback=str(einfo),
            attempts=self.request.retries + 1,
        )
        logger.error(
            "ingest.dead_letter batch_id=%s error=%s", batch.get("batch_id"), type(exc)
        )


@shared_task(
    base=IngestTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TransientError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=settings.INGEST_MAX_RETRIES,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=180,
)
def process_batch(self: Task[Any, Any], batch: BatchPayload) -> None:
    process.process_batch(batch)


def enqueue_batch(batch: BatchPayload) -> None:
    """Hand a batch to the broker durably, or raise BrokerUnavailable at once (no retry loop)."""
    try:
        process_batch.apply_async(
            kwargs={"batch": batch},
            task_id=batch["batch_id"],
            retry=False,
            serializer=_BATCH_SERIALIZER,
            # Celery would otherwise build a printable copy of the whole body per request
            # (an option Celery takes that the stubs do not list).
            kwargsrepr=f"{{'batch': {batch['batch_id']}}}",  # type: ignore[call-arg]
            # With a Redis broker, pushed onto the queue without kombu's producer (the same
            # message for the workers, encoded in a fraction of the time); else kombu's pool.
            # It has the one method Celery calls on a producer, `publish`.
            producer=redis_producer.for_app(process_batch.app),  # type: ignore[arg-type]
        )
    except (KombuError, OSError, RedisError) as error:
        raise BrokerUnavailable(str(error)) from error


@shared_task(ignore_result=True, time_limit=600)
def purge_ingest_state() -> None:
    maintenance.purge()


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def fold_observed_types() -> None:
    type_rollup.fold_pending_types()
