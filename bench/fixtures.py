"""Real rows for a benchmark: a plan, its sources and a published version of a synthetic snapshot.

The version is written directly from the snapshot (schemas rendered the way publishing renders
them), so a benchmark needs no editing rows and no user.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from tracking.models import PlanVersion, Source, TrackingPlan
from tracking.publishing import render_schemas, snapshot_hash
from tracking.snapshot import PlanSnapshot, snapshot_to_dict

VERSION = "1.0.0"


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishedFixture:
    plan_id: int
    version_id: int
    write_key: str
    source_ids: tuple[int, ...]
    render_seconds: float  # rendering the schemas, as publishing does


def publish_fixture(snapshot: PlanSnapshot, *, sources: int = 1) -> PublishedFixture:
    """A new plan (unique key) with `sources` sources and `snapshot` published as 1.0.0."""
    plan = TrackingPlan.objects.create(
        key=f"bench-{uuid.uuid4().hex[:12]}", name=snapshot.name
    )
    created = [
        Source.objects.create(plan=plan, name=f"Bench source {n}", kind="ios")
        for n in range(sources)
    ]
    start = time.perf_counter()
    bundle, schemas = render_schemas(snapshot, version=VERSION)
    rendered = time.perf_counter() - start
    version = PlanVersion.objects.create(
        plan=plan,
        number=VERSION,
        bump="major",
        snapshot=snapshot_to_dict(snapshot),
        snapshot_hash=snapshot_hash(snapshot),
        bundle=bundle,
        event_schemas=schemas,
        diff={},
    )
    return PublishedFixture(
        plan_id=plan.pk,
        version_id=version.pk,
        write_key=created[0].write_key,
        source_ids=tuple(s.pk for s in created),
        render_seconds=rendered,
    )


def delete_fixture(fixture: PublishedFixture) -> None:
    """Remove the plan and, by cascade, every count, mark and sample written for it."""
    Source.objects.filter(plan_id=fixture.plan_id).update(pinned_version=None)
    TrackingPlan.objects.filter(pk=fixture.plan_id).delete()
