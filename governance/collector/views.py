"""The collector's endpoints: decode, authenticate, rate-limit, enqueue, answer.

Segment's HTTP Tracking API: POST a message to /v1/<type>, or several to /v1/batch (also
/v1/import). The answer is 200 `{"success": true}` once the broker holds the batch.
Session and auth middleware stay idle here: nothing reads `request.user` or `request.session`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from config.error_reports import hide_in_reports
from governance.collector import decoding, keys, throttle
from governance.collector.enqueue import BrokerUnavailable, enqueue_batch
from governance.collector.responses import (
    ALLOWED_METHODS,
    Rejected,
    accepted,
    preflight,
    rejection,
)
from governance.pipeline.batch import new_batch
from governance.pipeline.cycles import cycles_unchecked
from tracking.published import SourceRef

logger = logging.getLogger(__name__)

# Segment's SDKs back off and retry on 429 and 5xx; these are the seconds they are asked to wait.
RATE_LIMIT_RETRY_AFTER = "1"
UNAVAILABLE_RETRY_AFTER = "5"
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="collector"'}


@csrf_exempt
def collect(request: HttpRequest, endpoint: str) -> HttpResponse:
    if request.method == "OPTIONS":
        return preflight()
    try:
        _accept(request, endpoint)
    except Rejected as rejected:
        logger.info(
            "collector.rejected endpoint=%s status=%s code=%s",
            endpoint,
            rejected.status,
            rejected.code,
        )
        return rejection(rejected)
    except (BrokerUnavailable, keys.CacheUnavailable) as error:
        logger.warning("collector.unavailable error=%s", type(error).__name__)
        msg = "The collector cannot take events right now; retry shortly."
        headers = {"Retry-After": UNAVAILABLE_RETRY_AFTER}
        return rejection(Rejected(503, "unavailable", msg, headers=headers))
    return accepted()


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other path under /v1/: the API's JSON error shape, not Django's page."""
    msg = "No such endpoint; use /v1/track, page, screen, identify, group, alias or batch."
    return rejection(Rejected(404, "not_found", msg))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Counted:
    """A request whose key and body passed: its source, body and number of messages."""

    source: SourceRef
    body: bytes
    events: int


def _accept(request: HttpRequest, endpoint: str) -> None:
    received_at = timezone.now()
    if request.method != "POST":
        msg = f"Use POST, not {request.method}."
        headers = {"Allow": ALLOWED_METHODS}
        raise Rejected(405, "method_not_allowed", msg, headers=headers)
    decoding.check_media_type(request)
    gzipped = decoding.is_gzipped(request.META.get("HTTP_CONTENT_ENCODING", ""))
    write_key = keys.from_authorization(request.META.get("HTTP_AUTHORIZATION", ""))
    # A header key this process has seen active is checked with the rate limit, in one round
    # trip, once the body is counted; any other key is checked before the body is read.
    if write_key is not None and throttle.can_admit_seen(write_key):
        counted = _count_seen(request, endpoint, write_key, gzipped=gzipped)
    else:
        counted = _count_any(request, endpoint, write_key, gzipped=gzipped)
    if not counted.events:
        return  # an empty batch: nothing to hand on
    batch = new_batch(
        source_id=counted.source.source_id,
        plan_id=counted.source.plan_id,
        endpoint=endpoint,
        body=counted.body,
        received_at=received_at,
    )
    enqueue_batch(batch)


def _count_any(
    request: HttpRequest, endpoint: str, write_key: str | None, *, gzipped: bool
) -> _Counted:
    source = _authenticate(write_key) if write_key else None
    body = _read(request, gzipped=gzipped)
    with cycles_unchecked():
        document = decoding.parse(body)
        if source is None:
            source = _authenticate(_body_key(request, document))
        events = _count(endpoint, document, body=body)
        del document  # freed while the collector is paused
    if events:
        _throttle(source.source_id, events=events)
    return _Counted(source=source, body=body, events=events)


def _count_seen(
    request: HttpRequest, endpoint: str, write_key: str, *, gzipped: bool
) -> _Counted:
    try:
        body = _read(request, gzipped=gzipped)
        with cycles_unchecked():
            events = _count(endpoint, decoding.parse(body), body=body)
    except Rejected:
        _authenticate(write_key)  # a refused key is answered before a refused body
        raise
    source = _admit_seen(write_key, events=events)
    return _Counted(source=source, body=body, events=events)


def _body_key(request: HttpRequest, document: Any) -> str | None:
    key = decoding.write_key_in(document)
    if key is not None:
        hide_in_reports(request, key)  # a failed query would show it as a parameter
    return key


def _read(request: HttpRequest, *, gzipped: bool) -> bytes:
    limit = settings.COLLECTOR_MAX_BATCH_BYTES
    return decoding.read_body(request, gzipped=gzipped, limit=limit)


def _count(endpoint: str, document: Any, *, body: bytes) -> int:
    return decoding.count_messages(
        endpoint,
        document,
        body_size=len(body),
        max_event_bytes=settings.COLLECTOR_MAX_EVENT_BYTES,
    )


def _authenticate(write_key: str | None) -> SourceRef:
    if not write_key:
        msg = "Send the write key as the Basic auth username, a Bearer token or `writeKey`."
        raise Rejected(401, "missing_write_key", msg, headers=_CHALLENGE)
    source = keys.source_for(write_key)
    if source is None or not source.is_active:
        logger.info(
            "collector.refused_write_key key_id=%s known=%s",
            keys.key_id(write_key),
            source is not None,
        )
        msg = "This write key is unknown or its source is inactive."
        raise Rejected(401, "invalid_write_key", msg, headers=_CHALLENGE)
    return source


def _admit_seen(write_key: str, *, events: int) -> SourceRef:
    if not events:
        return _authenticate(write_key)
    admission = throttle.admit_seen(write_key, events)
    if admission is None:  # the key's entry changed or expired: resolve it again
        source = _authenticate(write_key)
        _throttle(source.source_id, events=events)
        return source
    if not admission.admitted:
        raise _rate_limited(admission.source.source_id, events=events)
    return admission.source


def _throttle(source_id: int, *, events: int) -> None:
    if not throttle.admit(source_id, events):
        raise _rate_limited(source_id, events=events)


def _rate_limited(source_id: int, *, events: int) -> Rejected:
    logger.info("collector.rate_limited source_id=%s events=%d", source_id, events)
    limit = settings.COLLECTOR_RATE_LIMIT
    msg = f"More than {limit} events per second for this write key; retry shortly."
    headers = {"Retry-After": RATE_LIMIT_RETRY_AFTER}
    return Rejected(429, "rate_limited", msg, details={"limit": limit}, headers=headers)
