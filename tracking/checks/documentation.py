"""Documentation checks: what a reader of the plan needs to know and cannot find."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tracking.checks.findings import Finding, Severity
from tracking.checks.rows import EventRow, PlanRows


def event_documentation_findings(rows: PlanRows) -> list[Finding]:
    """Events without a description, trigger, display name or owner.

    Deprecated events are left alone: they are on their way out of the plan.
    """
    findings = []
    for event in rows.events:
        if event.is_deprecated:
            continue
        findings.extend(_event_gaps(event))
    return findings


def property_documentation_findings(rows: PlanRows) -> list[Finding]:
    """Properties, nested fields included, without a description."""
    return [
        Finding(
            severity=Severity.WARNING,
            code="property_missing_description",
            object_type="property",
            object_key=prop.path,
            object_id=prop.id,
            message=_(
                "“%s” has no description: say what it holds, in which unit or format."
            )
            % prop.path,
        )
        for prop in rows.properties
        if not prop.description.strip()
    ]


def _event_gaps(event: EventRow) -> list[Finding]:
    gaps = [
        (
            not event.description.strip(),
            "event_missing_description",
            _("“%s” has no description: say what the user or system did."),
        ),
        (
            not event.trigger.strip(),
            "event_missing_trigger",
            _(
                "“%s” has no trigger: say exactly when it fires, e.g. when the page has "
                "finished loading."
            ),
        ),
        (
            not event.display_name.strip(),
            "event_missing_display_name",
            _("“%s” has no display name for people to read in reports."),
        ),
        (
            event.owner_id is None,
            "event_without_owner",
            _("“%s” has no owner to ask about it or to tell when it breaks."),
        ),
    ]
    return [
        Finding(
            severity=Severity.WARNING,
            code=code,
            object_type="event",
            object_key=event.key,
            object_id=event.id,
            message=message % event.key,
        )
        for missing, code, message in gaps
        if missing
    ]
