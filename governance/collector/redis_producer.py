"""Celery's task messages written straight onto a Redis broker's queue, without kombu's producer.

Celery still builds each message (headers, properties, routing) and calls `publish` as it
would on kombu's producer; this producer then does what kombu's producer and Redis transport
do: serialise the body, encode it as the channel says (base64), wrap it in kombu's envelope
and LPUSH it onto the queue. Two costs go: kombu encodes the envelope, body included, with
the standard library's JSON (about half a millisecond for a 100-event batch) and builds a new
Redis client per message. Workers read the same message: the same keys and values, as JSON
with other spacing.

Anything but the plain case (a named exchange, a priority, compression, an expiry, a retry,
a header value kombu's encoder would tag or write differently) goes through kombu's own
producer, and so does every broker that is not Redis.
"""

from __future__ import annotations

import math
import threading
import uuid
import weakref
from collections.abc import Iterable
from typing import Any, cast

import orjson
from celery import Celery
from kombu import Connection
from kombu.common import maybe_declare
from kombu.connection import ConnectionPool
from kombu.entity import maybe_delivery_mode
from kombu.serialization import dumps
from kombu.transport import redis as redis_transport

# Producer.publish's own arguments; every other keyword is a message property.
_PUBLISH_ARGUMENTS = frozenset(
    {
        "routing_key",
        "delivery_mode",
        "mandatory",
        "immediate",
        "priority",
        "content_type",
        "content_encoding",
        "serializer",
        "headers",
        "compression",
        "exchange",
        "retry",
        "retry_policy",
        "declare",
        "expiration",
        "timeout",
        "confirm_timeout",
    }
)
# Arguments that change the message or its delivery; any of them set means kombu publishes.
_NOT_PLAIN = ("priority", "content_type", "compression", "expiration", "retry")

_lock = threading.Lock()
# By Celery's connection pool: a new broker URL, or a fork, gives Celery a new pool, and so a
# new producer here (Celery's configuration is slow to read, tens of microseconds a setting).
_producers: weakref.WeakKeyDictionary[Any, RedisProducer | None] = (
    weakref.WeakKeyDictionary()
)


class RedisProducer:
    """Takes Celery's `publish` call and LPUSHes the message kombu's Redis transport would."""

    def __init__(
        self, app: Celery, connection: Connection, channel: redis_transport.Channel
    ) -> None:
        self.app = app
        # Celery calls `connection._reraise_as_library_errors()` around `publish`, so Redis's
        # errors reach the caller as kombu's, as with kombu's producer.
        self.connection = connection
        self._channel = channel
        self._client = channel.client

    def publish(self, body: Any, **options: Any) -> None:
        message = self._message(body, options)
        if message is None:
            with self.app.producer_or_acquire() as producer:
                producer.publish(body, **options)
            return
        self._declare(options.get("declare") or ())
        self._client.lpush(options["routing_key"], message)

    def _message(self, body: Any, options: dict[str, Any]) -> bytes | None:
        """kombu's envelope as JSON, or None when only kombu's producer may send it."""
        routing_key = options.get("routing_key")
        if (
            options.get("exchange") != ""
            or not routing_key
            or not options.get("serializer")
            or any(options.get(name) for name in _NOT_PLAIN)
            or any(
                getattr(queue, "expires", None)
                for queue in options.get("declare") or ()
            )
        ):
            return None
        content_type, content_encoding, data = dumps(
            body, serializer=options["serializer"]
        )
        # The stubs want bytes; kombu encodes the text serialisers return as well.
        encoded, body_encoding = self._channel.encode_body(
            data,  # type: ignore[arg-type]
            self._channel.body_encoding,
        )
        properties = {
            name: value
            for name, value in options.items()
            if name not in _PUBLISH_ARGUMENTS
        }
        properties.update(
            delivery_mode=maybe_delivery_mode(options.get("delivery_mode")),
            delivery_info={"exchange": "", "routing_key": routing_key},
            priority=self._channel.default_priority,
            body_encoding=body_encoding,
            delivery_tag=str(uuid.uuid4()),
        )
        headers = options.get("headers") or {}
        # TRICKY: kombu's encoder tags dates, UUIDs, decimals and bytes, and writes NaN, where
        # orjson would write plain values or null: a message holding any such value, or a
        # number orjson cannot write, is left to kombu.
        if not (_plain(headers) and _plain(properties)):
            return None
        envelope = {
            "body": encoded,
            "content-encoding": content_encoding,
            "content-type": content_type,
            "headers": headers,
            "properties": properties,
        }
        try:
            return orjson.dumps(envelope)
        except orjson.JSONEncodeError:
            return None

    def _declare(self, entities: Iterable[Any]) -> None:
        # Cached per connection, as kombu's producer does: a round trip the first time only.
        for entity in entities:
            maybe_declare(entity, self._channel)


def _plain(value: Any) -> bool:
    """Whether `value` is JSON that orjson and kombu's encoder write alike."""
    if value is None or isinstance(value, str | int):  # bool is an int
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(map(_plain, value))
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    return False


def for_app(app: Celery) -> RedisProducer | None:
    """The producer for the app's broker when that is Redis; None for any other broker.

    Connects on first use; raises what kombu raises when Redis cannot be reached then (and
    tries again on the next call).
    """
    # The stubs call it a ProducerPool; Celery's `app.pool` is the broker's connection pool.
    pool = cast(ConnectionPool, app.pool)
    try:
        return _producers[pool]
    except KeyError:
        pass
    with _lock:
        if pool not in _producers:
            _producers[pool] = _connect(app, pool.connection)
        return _producers[pool]


def _connect(app: Celery, template: Connection) -> RedisProducer | None:
    # Exactly kombu's Redis transport: Sentinel and other subclasses keep kombu's producer.
    if type(template.transport) is not redis_transport.Transport:
        return None
    connection = template.clone()
    try:
        channel = connection.default_channel
        if not isinstance(channel, redis_transport.Channel):
            connection.release()
            return None
        return RedisProducer(app, connection, channel)
    except BaseException:
        connection.release()
        raise
