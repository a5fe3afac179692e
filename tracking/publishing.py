"""Publishing the working draft as an immutable version, and the review flow that guards it.

A version stores its generated schemas as rendered text: what was published is served byte for
byte, whatever later happens to the generator or to the public base URL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.checks import run_plan_checks
from tracking.checks.findings import Finding, Severity
from tracking.diff import PlanDiff, diff_snapshots, next_version
from tracking.errors import (
    ApprovalRequired,
    ApproverIsAuthor,
    DraftChangedSinceApproval,
    InvalidTransition,
    NothingToPublish,
    NotTheAuthor,
    PublishRefused,
    VersionNotFound,
)
from tracking.models import TrackingPlan
from tracking.models.members import SEE_ALL_PLANS
from tracking.models.versions import (
    ChangeRequest,
    ChangeStatus,
    PlanVersion,
    ReviewComment,
)
from tracking.schemas import bundle_schema, event_schemas, render
from tracking.snapshot import (
    PlanSnapshot,
    snapshot_from_dict,
    snapshot_to_dict,
    take_snapshot,
)

LATEST = "latest"


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishPreview:
    """What publishing the draft now would do: shown to the PM before they confirm."""

    previous: str | None
    number: str | None
    diff: PlanDiff
    blocking: tuple[Finding, ...]
    approval_needed: bool

    @property
    def can_publish(self) -> bool:
        return not self.blocking and self.number is not None


def snapshot_hash(snapshot: PlanSnapshot) -> str:
    """A content hash of the snapshot's canonical JSON (sorted keys, UTF-8)."""
    text = json.dumps(snapshot_to_dict(snapshot), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def latest_version(plan: TrackingPlan) -> PlanVersion | None:
    return plan.versions.order_by("-major", "-minor", "-patch").first()


def resolve_version(plan: TrackingPlan, ref: str) -> PlanVersion:
    """The version named `ref` ("1.2.0") or the latest one ("latest"); raises VersionNotFound."""
    version = (
        latest_version(plan)
        if ref == LATEST
        else plan.versions.filter(number=ref).first()
    )
    if version is None:
        raise VersionNotFound(
            _("Plan “%(plan)s” has no version “%(ref)s”.")
            % {"plan": plan.key, "ref": ref}
        )
    return version


def version_snapshot(version: PlanVersion) -> PlanSnapshot:
    return snapshot_from_dict(version.snapshot)


def diff_versions(plan: TrackingPlan, old_ref: str, new_ref: str) -> PlanDiff:
    """The diff between two versions; "draft" names the working draft."""
    old = _resolve_snapshot(plan, old_ref)
    new = _resolve_snapshot(plan, new_ref)
    return diff_snapshots(old, new)


def preview_publish(plan: TrackingPlan) -> PublishPreview:
    previous = latest_version(plan)
    draft = take_snapshot(plan, metrics=True)
    diff = diff_snapshots(version_snapshot(previous) if previous else None, draft)
    number = None
    if diff.bump is not None:
        number = next_version(previous.number if previous else None, diff)
    return PublishPreview(
        previous=previous.number if previous else None,
        number=number,
        diff=diff,
        blocking=_blocking_findings(plan),
        approval_needed=plan.requires_approval,
    )


def publish_version(
    plan: TrackingPlan,
    *,
    author: User | None,
    note: str = "",
    change_request: ChangeRequest | None = None,
) -> PlanVersion:
    """Freeze the draft as the next version.

    Raises PublishRefused when plan checks report errors, ApprovalRequired or
    DraftChangedSinceApproval when the plan requires an approved change request and the draft
    is not what was approved, and NothingToPublish when nothing changed since the last version.
    """
    with transaction.atomic():
        # Serialise publishes of one plan so two cannot claim the same number.
        plan = TrackingPlan.objects.select_for_update().get(pk=plan.pk)
        blocking = _blocking_findings(plan)
        if blocking:
            raise PublishRefused(
                _("The plan checks report %d error(s); fix them before publishing.")
                % len(blocking),
                details=[f.as_dict() for f in blocking],
            )
        draft = take_snapshot(plan, metrics=True)
        content_hash = snapshot_hash(draft)
        _check_approval(plan, change_request, content_hash)
        previous = latest_version(plan)
        diff = diff_snapshots(version_snapshot(previous) if previous else None, draft)
        if diff.bump is None:
            raise NothingToPublish(_("The draft is identical to the latest version."))
        number = next_version(previous.number if previous else None, diff)
        bundle, event_schemas = render_schemas(draft, version=number)
        version = PlanVersion.objects.create(
            plan=plan,
            number=number,
            bundle=bundle,
            event_schemas=event_schemas,
            bump=diff.bump,
            is_breaking=diff.is_breaking,
            note=note,
            snapshot=snapshot_to_dict(draft),
            snapshot_hash=content_hash,
            diff=diff.as_dict(),
            author=author,
        )
        if change_request is not None:
            change_request.status = ChangeStatus.PUBLISHED
            change_request.published_version = version
            change_request.save(
                update_fields=["status", "published_version", "updated_at"]
            )
        return version


def render_schemas(
    snapshot: PlanSnapshot, *, version: str
) -> tuple[str, dict[str, str]]:
    """The bundle and each event's schema, rendered as the text a version keeps."""
    base_url = settings.PUBLIC_BASE_URL
    bundle = render(
        bundle_schema(snapshot, version=version, base_url=base_url)
    ).decode()
    events = {
        key: render(schema).decode()
        for key, schema in event_schemas(
            snapshot, version=version, base_url=base_url
        ).items()
    }
    return bundle, events


def bundle_bytes(version: PlanVersion) -> bytes:
    return version.bundle.encode()


def event_schema_bytes(version: PlanVersion, event_key: str) -> bytes | None:
    text = version.event_schemas.get(event_key)
    return None if text is None else text.encode()


# --------------------------------------------------------------------------------------------
# Review flow: draft → in review → approved (or changes requested) → published
# --------------------------------------------------------------------------------------------


def open_change_request(
    plan: TrackingPlan, *, author: User, title: str, description: str = ""
) -> ChangeRequest:
    return ChangeRequest.objects.create(
        plan=plan, author=author, title=title, description=description
    )


def may_act_as_author(change_request: ChangeRequest, user: User) -> bool:
    """Whether the user may submit or withdraw it: its author, or an admin of every plan."""
    return change_request.author_id == user.pk or user.has_perm(SEE_ALL_PLANS)


def submit_for_review(change_request: ChangeRequest, *, by: User) -> ChangeRequest:
    """Send it for review; only its author (or an admin) may. Raises NotTheAuthor."""
    _require_author(change_request, by)
    _require_status(change_request, {ChangeStatus.DRAFT, ChangeStatus.REJECTED})
    change_request.status = ChangeStatus.IN_REVIEW
    change_request.submitted_at = timezone.now()
    change_request.save(update_fields=["status", "submitted_at", "updated_at"])
    return change_request


def approve_change_request(
    change_request: ChangeRequest, *, by: User, comment: str = ""
) -> ChangeRequest:
    """Approve the draft as it is now; the approver cannot be the author."""
    _require_status(change_request, {ChangeStatus.IN_REVIEW})
    if change_request.author_id == by.pk:
        raise ApproverIsAuthor(_("The author of a change request cannot approve it."))
    return _decide(change_request, by=by, status=ChangeStatus.APPROVED, comment=comment)


def request_changes(
    change_request: ChangeRequest, *, by: User, comment: str
) -> ChangeRequest:
    _require_status(change_request, {ChangeStatus.IN_REVIEW, ChangeStatus.APPROVED})
    return _decide(change_request, by=by, status=ChangeStatus.REJECTED, comment=comment)


def withdraw_change_request(
    change_request: ChangeRequest, *, by: User
) -> ChangeRequest:
    """Withdraw it for good; only its author (or an admin) may. Raises NotTheAuthor."""
    _require_author(change_request, by)
    _require_status(
        change_request,
        {
            ChangeStatus.DRAFT,
            ChangeStatus.IN_REVIEW,
            ChangeStatus.APPROVED,
            ChangeStatus.REJECTED,
        },
    )
    change_request.status = ChangeStatus.WITHDRAWN
    change_request.save(update_fields=["status", "updated_at"])
    return change_request


def add_comment(change_request: ChangeRequest, *, by: User, body: str) -> ReviewComment:
    return ReviewComment.objects.create(
        change_request=change_request, author=by, body=body
    )


def _require_author(change_request: ChangeRequest, user: User) -> None:
    if not may_act_as_author(change_request, user):
        raise NotTheAuthor(
            _(
                "Only the author of a change request, or an admin, can submit or "
                "withdraw it; reviewers approve it or request changes."
            )
        )


def _decide(
    change_request: ChangeRequest, *, by: User, status: str, comment: str
) -> ChangeRequest:
    with transaction.atomic():
        change_request.status = status
        change_request.reviewer = by
        change_request.decided_at = timezone.now()
        change_request.approved_hash = (
            snapshot_hash(take_snapshot(change_request.plan, metrics=True))
            if status == ChangeStatus.APPROVED
            else ""
        )
        change_request.save()
        if comment:
            add_comment(change_request, by=by, body=comment)
    return change_request


def _check_approval(
    plan: TrackingPlan, change_request: ChangeRequest | None, content_hash: str
) -> None:
    if change_request is None:
        if plan.requires_approval:
            raise ApprovalRequired(
                _("This plan requires an approved change request before publishing.")
            )
        return
    if (
        change_request.plan_id != plan.pk
        or change_request.status != ChangeStatus.APPROVED
    ):
        raise ApprovalRequired(_("The change request is not approved."))
    if change_request.approved_hash != content_hash:
        raise DraftChangedSinceApproval(
            _("The draft changed after it was approved; ask for another review.")
        )


def _require_status(change_request: ChangeRequest, allowed: set[str]) -> None:
    if change_request.status not in allowed:
        raise InvalidTransition(
            _("A change request that is “%s” cannot do that.")
            % change_request.get_status_display()
        )


def _blocking_findings(plan: TrackingPlan) -> tuple[Finding, ...]:
    return tuple(f for f in run_plan_checks(plan) if f.severity == Severity.ERROR)


def _resolve_snapshot(plan: TrackingPlan, ref: str) -> PlanSnapshot:
    if ref == "draft":
        return take_snapshot(plan, metrics=True)
    return version_snapshot(resolve_version(plan, ref))
