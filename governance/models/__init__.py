"""Governance models: ingestion marks, accumulated counts and recent samples."""

from governance.models.counts import (
    LastSeen,
    MessageType,
    ObservedType,
    PendingTypes,
    ViolationCount,
    ViolationKind,
    WindowCount,
)
from governance.models.ingest import DeadLetterBatch, ProcessedBatch, SeenMessage
from governance.models.samples import RecentSample

__all__ = [
    "DeadLetterBatch",
    "LastSeen",
    "MessageType",
    "ObservedType",
    "PendingTypes",
    "ProcessedBatch",
    "RecentSample",
    "SeenMessage",
    "ViolationCount",
    "ViolationKind",
    "WindowCount",
]
