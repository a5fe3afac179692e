"""Handing a batch to the broker: the batch serialiser, `enqueue_batch` and its one error.

Kept out of `governance/tasks.py` so that what sends batches (the collector, dead-letter
replays) and what runs them (the workers) share only the task's name and signature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from celery import Celery
from kombu.exceptions import KombuError
from kombu.serialization import registry  # type: ignore[attr-defined]  # not in the stubs
from redis.exceptions import RedisError

from governance.errors import TransientError
from governance.pipeline.batch import BatchPayload
from governance.tasks import process_batch

if TYPE_CHECKING:
    from governance.collector.redis_producer import RedisProducer

# The collector's batches as JSON written by orjson: a 100 KB body is escaped several times
# faster than by the standard library, and non-ASCII text is not escaped at all. The content
# type stays `application/json`, so workers (and any other consumer) decode it with kombu's
# JSON decoder exactly as before; only an encoder is registered.
BATCH_SERIALIZER = "json-orjson"
registry.register(
    BATCH_SERIALIZER,
    encoder=orjson.dumps,
    decoder=None,
    content_type="application/json",
    content_encoding="utf-8",
)
# TRICKY: registering renames the content type for kombu's error messages and enable/disable;
# it is still the "json" that CELERY_ACCEPT_CONTENT names.
registry.type_to_name["application/json"] = "json"

_REDIS_SCHEMES = ("redis://", "rediss://")


class BrokerUnavailable(TransientError):
    """The broker did not take the batch; the collector answers 503."""


def enqueue_batch(batch: BatchPayload) -> None:
    """Hand a batch to the broker durably, or raise BrokerUnavailable at once (no retry loop)."""
    try:
        process_batch.apply_async(
            kwargs={"batch": batch},
            task_id=batch["batch_id"],
            retry=False,
            serializer=BATCH_SERIALIZER,
            # Celery would otherwise build a printable copy of the whole body per request
            # (an option Celery takes that the stubs do not list).
            kwargsrepr=f"{{'batch': {batch['batch_id']}}}",  # type: ignore[call-arg]
            # With a Redis broker, pushed onto the queue without kombu's producer (the same
            # message for the workers, encoded in a fraction of the time); else kombu's pool.
            # It has the one method Celery calls on a producer, `publish`.
            producer=_redis_producer(process_batch.app),  # type: ignore[arg-type]
        )
    except (KombuError, OSError, RedisError) as error:
        raise BrokerUnavailable(str(error)) from error


def _redis_producer(app: Celery) -> RedisProducer | None:
    if not str(app.conf.broker_url or "").startswith(_REDIS_SCHEMES):
        return None
    # TRICKY: imported only when Redis is the broker. kombu's Redis transport, which the
    # producer builds on, needs packages (`packaging`, through Celery's `redis` extra) that
    # the embedded mode neither installs nor needs.
    from governance.collector import redis_producer

    return redis_producer.for_app(app)
