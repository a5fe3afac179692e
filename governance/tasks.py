"""Celery tasks: thin wrappers whose policy sits in the decorator; the work is in the pipeline."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from governance.errors import TransientError
from governance.pipeline import maintenance, process, store, type_rollup
from governance.pipeline.batch import BatchPayload
from governance.queues import Queue

logger = logging.getLogger(__name__)


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
    queue=Queue.INGEST.value,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TransientError,),
    retry_backoff=True,
    retry_backoff_max=settings.INGEST_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.INGEST_MAX_RETRIES,
    ignore_result=True,
    soft_time_limit=settings.INGEST_SOFT_TIME_LIMIT,
    time_limit=settings.INGEST_TIME_LIMIT,
)
def process_batch(self: Task[Any, Any], batch: BatchPayload) -> None:
    process.process_batch(batch)


# Maintenance is idempotent and runs again on the next beat anyway: a database that is briefly
# away is retried a few times soon, then left to the next run.
_DATABASE_AWAY = (TransientError, OperationalError, InterfaceError)


@shared_task(
    queue=Queue.MAINTENANCE.value,
    ignore_result=True,
    soft_time_limit=540,
    time_limit=600,
    autoretry_for=_DATABASE_AWAY,
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=3,
)
def purge_ingest_state() -> None:
    maintenance.purge()


@shared_task(
    queue=Queue.MAINTENANCE.value,
    ignore_result=True,
    # Beat sends it every few seconds: a fold that waits longer than that is superseded.
    expires=60,
    soft_time_limit=120,
    time_limit=180,
    autoretry_for=_DATABASE_AWAY,
    retry_backoff=True,
    retry_backoff_max=10,
    retry_jitter=True,
    max_retries=3,
)
def fold_observed_types() -> None:
    type_rollup.fold_pending_types()
