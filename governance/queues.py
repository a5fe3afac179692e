"""The Celery queues, one name each; routing and workers refer to them through this enum."""

from __future__ import annotations

from enum import StrEnum


class Queue(StrEnum):
    INGEST = "ingest"
    ALERTS = "alerts"
    REPORTS = "reports"
    MAINTENANCE = "maintenance"
