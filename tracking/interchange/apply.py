"""Writing a parsed plan document to the database: a dry run, and the atomic apply.

Both run the same writer inside one transaction: every row it would write is checked with the
model's own `full_clean()` (naming conventions, key collisions after folding, constraints), and a
row that fails is reported with the file's row or path. The dry run always rolls back; the apply
commits only when the file has no errors and no row was rejected, so it is all or nothing.
Matching is by exact key: a row whose key differs only in case or separators is a new row, and
the model rejects it as a collision.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from tracking.interchange.document import ParseResult
from tracking.interchange.event_writer import DocumentWriter, Progress
from tracking.interchange.plan_writer import NewPlan
from tracking.interchange.report import ImportReport
from tracking.models import TrackingPlan

logger = logging.getLogger(__name__)

__all__ = ["NewPlan", "Progress", "apply_import", "plan_import"]


def plan_import(
    plan: TrackingPlan | None, parsed: ParseResult, *, create: NewPlan | None = None
) -> ImportReport:
    """Dry run: what `apply_import` would create, change, remove and reject. Writes nothing."""
    return _run(plan, parsed, create=create, commit=False, by=None, progress=None)


def apply_import(
    plan: TrackingPlan | None,
    parsed: ParseResult,
    *,
    create: NewPlan | None = None,
    by: User | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the document in one transaction; nothing is written unless all of it can be.

    `report.applied` says whether it was written. Pass `plan=None` with `create` to import into
    a new plan. `progress(done, total)` is called after each event.
    """
    return _run(plan, parsed, create=create, commit=True, by=by, progress=progress)


def _run(
    plan: TrackingPlan | None,
    parsed: ParseResult,
    *,
    create: NewPlan | None,
    commit: bool,
    by: User | None,
    progress: Progress | None,
) -> ImportReport:
    if (plan is None) == (create is None):
        msg = "Give either an existing plan or a NewPlan to create, not both."
        raise ValueError(msg)
    plan_key = plan.key if plan is not None else create.key  # type: ignore[union-attr]
    writer = DocumentWriter(parsed.document, by=by, progress=progress)
    with transaction.atomic():
        try:
            writer.write(plan, create)
        except IntegrityError as exc:
            # full_clean() checks every constraint first; this is a race with another writer.
            writer.reject("plan", plan_key, (str(exc),))
        applied = commit and parsed.ok and not writer.rejected
        if not applied:
            transaction.set_rollback(True)
    logger.info(
        "interchange.import",
        extra={
            "plan": plan_key,
            "format": parsed.format,
            "applied": applied,
            "changes": len(writer.changes),
        },
    )
    return ImportReport(
        plan_key=plan_key,
        format=parsed.format,
        changes=tuple(writer.changes),
        problems=(*parsed.problems, *writer.log.problems),
        unchanged=writer.unchanged,
        applied=applied,
    )
