"""The live plan as the pipeline sees it: which source a write key names, and which version applies.

Governance reads published versions only through this module and `tracking.snapshot`, so the
collector and the workers never depend on the registry's tables directly. Each function costs
one query; callers cache the answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracking.models import PlanVersion, Source
from tracking.snapshot import PlanSnapshot, snapshot_from_dict


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRef:
    """What the collector needs to know about a write key's source."""

    source_id: int
    plan_id: int
    name: str
    kind: str
    is_active: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishedPlan:
    """One published version: its snapshot and its schemas, rendered at publish time."""

    plan_id: int
    version_id: int
    number: str
    snapshot: PlanSnapshot
    event_schemas: dict[str, str]  # event key -> schema text, exact numbers as written


def source_for_write_key(write_key: str) -> SourceRef | None:
    """The source a write key belongs to, active or not; None if no source has it."""
    row = (
        Source.objects.filter(write_key=write_key)
        .values("id", "plan_id", "name", "kind", "is_active")
        .first()
    )
    if row is None:
        return None
    return SourceRef(
        source_id=row["id"],
        plan_id=row["plan_id"],
        name=row["name"],
        kind=row["kind"],
        is_active=row["is_active"],
    )


def applicable_version_id(source_id: int) -> int | None:
    """The version a source's events are validated against: its pinned one, else the latest.

    None when the source is gone or its plan has never been published.
    """
    row = (
        Source.objects.filter(id=source_id)
        .values("pinned_version_id", "plan_id")
        .first()
    )
    if row is None:
        return None
    if row["pinned_version_id"] is not None:
        return row["pinned_version_id"]
    latest = (
        PlanVersion.objects.filter(plan_id=row["plan_id"])
        .order_by("-major", "-minor", "-patch")
        .values_list("id", flat=True)
        .first()
    )
    return latest


def load_version(version_id: int) -> PublishedPlan | None:
    """A published version with its snapshot and schemas; None if it no longer exists."""
    version = (
        PlanVersion.objects.filter(id=version_id)
        .only("id", "plan_id", "number", "snapshot", "event_schemas")
        .first()
    )
    if version is None:
        return None
    return PublishedPlan(
        plan_id=version.plan_id,
        version_id=version.id,
        number=version.number,
        snapshot=snapshot_from_dict(version.snapshot),
        event_schemas=dict(version.event_schemas),
    )
