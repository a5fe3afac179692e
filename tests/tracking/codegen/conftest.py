"""The demo plan's snapshot, shared by the tests of this package."""

from __future__ import annotations

from tests.tracking.schemas.snapshots import demo_snapshot

__all__ = ["demo_snapshot"]
