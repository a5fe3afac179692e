"""`generate_traffic`: send realistic Segment batches for a plan's published events to a collector."""

from __future__ import annotations

import base64
import json
import logging
import random
import signal
import threading
import time
import urllib.error
import urllib.request
from argparse import ArgumentParser
from collections import Counter
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.traffic import Sample, batch_body, build_batch
from tracking.models import Source, TrackingPlan
from tracking.published import PublishedPlan, applicable_version_id, load_version
from tracking.snapshot import SourceSpec

logger = logging.getLogger(__name__)

# Apps send most of the traffic; the order service only what happens on the server.
KIND_WEIGHTS = {"ios": 4, "android": 4, "web": 3, "mini_program": 2, "server": 1}
REQUEST_TIMEOUT = 5.0
MAX_ATTEMPTS = 6
MAX_BACKOFF = 30.0
REFRESH_SECONDS = 60.0
PROGRESS_SECONDS = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Sender:
    """An active source of the plan: its write key and the version it is validated against."""

    source: SourceSpec
    write_key: str
    published: PublishedPlan


class Command(BaseCommand):
    help = (
        "Send realistic Segment batches for a plan's published events to the collector, "
        "with each active source's write key; a few samples are broken on purpose."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--plan", default="shop-app", help="The plan's key.")
        parser.add_argument(
            "--rate", type=float, default=20.0, help="Events per second."
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=0.0,
            help="Seconds to run; 0 (the default) runs until SIGINT or SIGTERM.",
        )
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--batch-size", type=int, default=20)

    def handle(self, *args: object, **options: Any) -> None:
        if options["rate"] <= 0 or options["batch_size"] < 1:
            msg = "--rate must be positive and --batch-size at least 1."
            raise CommandError(msg)
        self.plan_key: str = options["plan"]
        self.base_url = options["url"].rstrip("/")
        self.stop = threading.Event()
        self.counts: Counter[str] = Counter()
        self.reload_senders = False
        senders = load_senders(self.plan_key)
        duration = options["duration"]
        self.deadline = time.monotonic() + duration if duration > 0 else None
        previous = _on_stop_signals(self.stop)
        try:
            rng = random.Random(options["seed"])  # noqa: S311 - test traffic, not secrets
            self.run(senders, rng=rng, options=options)
        finally:
            _restore(previous)
        self.stdout.write(
            "Sent {sent} events ({broken} broken on purpose): {accepted} accepted, "
            "{refused_as_meant} refused as meant, {refused} refused, {dropped} dropped "
            "after retries.".format(**self._totals())
        )

    def run(
        self, senders: list[Sender], *, rng: random.Random, options: dict[str, Any]
    ) -> None:
        rate, size = options["rate"], options["batch_size"]
        next_send = refreshed = reported = time.monotonic()
        logger.info(
            "traffic.start plan=%s url=%s sources=%d rate=%.1f",
            self.plan_key,
            self.base_url,
            len(senders),
            rate,
        )
        while not self._should_stop():
            weights = [KIND_WEIGHTS.get(s.source.kind, 1) for s in senders]
            sender = rng.choices(senders, weights=weights)[0]
            count = max(1, size + rng.randint(-size // 4, size // 4))
            samples = build_batch(
                sender.published.snapshot,
                rng,
                source=sender.source,
                now=timezone.now(),
                size=count,
            )
            self.send(sender, samples)
            now = time.monotonic()
            # Keys may have been rotated and versions published while we run.
            if self.reload_senders or now - refreshed > REFRESH_SECONDS:
                senders, refreshed = load_senders(self.plan_key), now
                self.reload_senders = False
            if now - reported > PROGRESS_SECONDS:
                logger.info("traffic.progress %s", _fields(self._totals()))
                reported = now
            next_send = max(next_send + count / rate, now)
            self._wait(next_send - now)

    def send(self, sender: Sender, samples: list[Sample]) -> None:
        """The batch in one request; samples the collector would refuse as a whole, alone."""
        self.counts["broken"] += sum(1 for s in samples if s.flaw)
        batched: list[Sample] = []
        alone: list[Sample] = []
        for sample in samples:
            breaks = sample.flaw is not None and sample.flaw.breaks_envelope
            (alone if breaks else batched).append(sample)
        if batched:
            body = batch_body(batched, now=timezone.now())
            self._count(self._post(sender, "batch", body), events=len(batched))
        for sample in alone:
            status = self._post(sender, sample.message["type"], sample.message)
            self._count(status, events=1, expected=400)

    def _count(self, status: int | None, *, events: int, expected: int = 200) -> None:
        self.counts["sent"] += events
        if status is None:
            self.counts["dropped"] += events
        elif status == 200:
            self.counts["accepted"] += events
        elif status == expected:
            self.counts["refused_as_meant"] += events
        else:
            self.counts["refused"] += events
            self.reload_senders = self.reload_senders or status in (401, 403)

    def _post(self, sender: Sender, endpoint: str, body: dict[str, Any]) -> int | None:
        """The collector's final status, retried with backoff; None if never delivered."""
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        url = f"{self.base_url}/v1/{endpoint}"
        delay = 0.5
        for attempt in range(1, MAX_ATTEMPTS + 1):
            status, reason, retry_after = _request(url, sender.write_key, data)
            if status is not None and status < 500 and status != 429:
                if status != 200:
                    logger.info(
                        "traffic.refused source=%r endpoint=%s status=%d reason=%s",
                        sender.source.name,
                        endpoint,
                        status,
                        reason,
                    )
                return status
            delay = min(max(delay, retry_after or 0.0), MAX_BACKOFF)
            logger.warning(
                "traffic.retry source=%r endpoint=%s attempt=%d status=%s reason=%s "
                "next_in=%.1fs",
                sender.source.name,
                endpoint,
                attempt,
                status,
                reason,
                delay,
            )
            if attempt == MAX_ATTEMPTS or not self._wait(delay):
                break
            delay *= 2
        logger.error(
            "traffic.dropped source=%r endpoint=%s", sender.source.name, endpoint
        )
        return None

    def _wait(self, seconds: float) -> bool:
        """Sleep unless stopped or past the deadline; False if the run should end."""
        if self.deadline is not None:
            seconds = min(seconds, self.deadline - time.monotonic())
        if seconds > 0:
            self.stop.wait(seconds)
        return not self._should_stop()

    def _should_stop(self) -> bool:
        past = self.deadline is not None and time.monotonic() >= self.deadline
        return past or self.stop.is_set()

    def _totals(self) -> dict[str, int]:
        names = ("sent", "broken", "accepted", "refused_as_meant", "refused", "dropped")
        return {name: self.counts[name] for name in names}


def load_senders(plan_key: str) -> list[Sender]:
    """The plan's active sources with the published version each is validated against."""
    if not TrackingPlan.objects.filter(key=plan_key).exists():
        msg = f"There is no tracking plan {plan_key!r} (run `manage.py load_demo`)."
        raise CommandError(msg)
    versions: dict[int, PublishedPlan | None] = {}
    senders = []
    for source in Source.objects.filter(plan__key=plan_key, is_active=True).order_by(
        "name"
    ):
        version_id = applicable_version_id(source.pk)
        if version_id is None:
            continue
        if version_id not in versions:
            versions[version_id] = load_version(version_id)
        published = versions[version_id]
        if published is not None:
            senders.append(
                Sender(
                    source=SourceSpec(name=source.name, kind=source.kind),
                    write_key=source.write_key,
                    published=published,
                )
            )
    if not senders:
        msg = f"The plan {plan_key!r} has no active source with a published version."
        raise CommandError(msg)
    return senders


def _request(
    url: str, write_key: str, data: bytes
) -> tuple[int | None, str, float | None]:
    """(status or None, a short reason, Retry-After seconds) of one POST."""
    token = base64.b64encode(f"{write_key}:".encode()).decode("ascii")
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's --url
        url,
        data=data,
        method="POST",
        headers={
            "Authorization": f"Basic {token}",
            "Content-Type": "application/json",
            "User-Agent": "tracking-plan-governance-traffic/1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            return response.status, "ok", None
    except urllib.error.HTTPError as error:
        return error.code, _error_code(error), _retry_after(error)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, type(reason).__name__, None


def _error_code(error: urllib.error.HTTPError) -> str:
    """The collector's stable error code, if the body has one."""
    try:
        document = json.loads(error.read(4096) or b"{}")
    except (ValueError, OSError):
        return error.reason or ""
    code = document.get("error", {}) if isinstance(document, dict) else {}
    return str(code.get("code", "")) if isinstance(code, dict) else ""


def _retry_after(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After", "") if error.headers else ""
    return float(value) if value.strip().isdigit() else None


def _fields(values: dict[str, int]) -> str:
    return " ".join(f"{name}={value}" for name, value in values.items())


def _on_stop_signals(stop: threading.Event) -> dict[int, Any]:
    """Set `stop` on SIGINT and SIGTERM (main thread only); the previous handlers."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def handler(signum: int, frame: FrameType | None) -> None:
        logger.info("traffic.stopping signal=%s", signal.Signals(signum).name)
        stop.set()

    return {
        signum: signal.signal(signum, handler)
        for signum in (signal.SIGINT, signal.SIGTERM)
    }


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)
