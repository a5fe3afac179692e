"""Realistic Segment track calls for a published plan, a few broken on purpose (pure, seeded).

Everything is drawn from the `random.Random` passed in and from `now`, so a seed gives the same
traffic every time. Values come from the snapshot's property specs: enums, bounds, lengths, simple
patterns (or the property's examples), nested fields and array items. A few samples carry one
`Flaw` each, the kinds of mistakes live apps make.
"""

from __future__ import annotations

from governance.traffic.batches import (
    DEFAULT_BROKEN_RATE,
    Flaw,
    Sample,
    batch_body,
    build_batch,
    sendable_events,
)
from governance.traffic.clients import RELEASES, Client, Release, new_client
from governance.traffic.values import (
    event_properties,
    fits,
    from_pattern,
    value_for,
)

__all__ = [
    "DEFAULT_BROKEN_RATE",
    "RELEASES",
    "Client",
    "Flaw",
    "Release",
    "Sample",
    "batch_body",
    "build_batch",
    "event_properties",
    "fits",
    "from_pattern",
    "new_client",
    "sendable_events",
    "value_for",
]
