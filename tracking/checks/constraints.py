"""Constraint checks: rows that bypassed the edit forms (imports, scripts) and contradict themselves."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracking.checks.findings import Finding, Severity
from tracking.checks.privacy import personal_value_kind
from tracking.checks.rows import PlanRows, PropertyRow
from tracking.constraints import constraint_errors, narrowing_errors, value_errors


def property_constraint_findings(rows: PlanRows) -> list[Finding]:
    """Properties whose constraints do not fit their type or each other."""
    findings = []
    for prop in rows.properties:
        problems = _flatten(constraint_errors(prop.constraints))
        if problems:
            findings.append(
                Finding(
                    severity=Severity.ERROR,
                    code="property_invalid_constraints",
                    object_type="property",
                    object_key=prop.path,
                    object_id=prop.id,
                    message=_("The constraints of “%(key)s” do not hold: %(problems)s")
                    % {"key": prop.path, "problems": problems},
                )
            )
    return findings


def property_example_findings(rows: PlanRows) -> list[Finding]:
    """Examples that break their property's constraints (checked once the constraints hold)."""
    findings = []
    for prop in rows.properties:
        if constraint_errors(prop.constraints):
            continue
        message = _example_problem(prop)
        if message:
            findings.append(
                Finding(
                    severity=Severity.WARNING,
                    code="property_invalid_example",
                    object_type="property",
                    object_key=prop.path,
                    object_id=prop.id,
                    message=message,
                )
            )
    return findings


def narrowing_findings(rows: PlanRows) -> list[Finding]:
    """Event attachments that loosen or contradict the shared property they narrow."""
    by_id = rows.property_by_id()
    events = {event.id: event for event in rows.events}
    findings = []
    for attachment in rows.attachments:
        prop = by_id.get(attachment.property_id)
        event = events.get(attachment.event_id)
        if prop is None or event is None:
            continue
        problems = _flatten(narrowing_errors(prop.constraints, attachment.narrowing))
        if problems:
            findings.append(
                Finding(
                    severity=Severity.ERROR,
                    code="event_property_invalid_narrowing",
                    object_type="event",
                    object_key=event.key,
                    object_id=event.id,
                    message=_(
                        "“%(event)s” narrows “%(key)s” in a way the shared property does "
                        "not allow: %(problems)s"
                    )
                    % {"event": event.key, "key": prop.path, "problems": problems},
                )
            )
    return findings


def _example_problem(prop: PropertyRow) -> str | None:
    if not prop.examples:
        return None
    if not isinstance(prop.examples, list):
        return _("The examples of “%s” are not a JSON list.") % prop.path
    wrong = [e for e in prop.examples if value_errors(e, prop.constraints)]
    if not wrong:
        return None
    # TRICKY: the constraint messages quote the value; personal values are never shown.
    if prop.is_classed_personal or personal_value_kind(prop.examples):
        return ngettext(
            "%(count)d example of “%(key)s” does not satisfy its constraints.",
            "%(count)d examples of “%(key)s” do not satisfy its constraints.",
            len(wrong),
        ) % {"count": len(wrong), "key": prop.path}
    problems = " ".join(p for e in wrong for p in value_errors(e, prop.constraints))
    return _("Examples of “%(key)s” do not satisfy its constraints: %(problems)s") % {
        "key": prop.path,
        "problems": problems,
    }


def _flatten(errors: dict[str, list[str]]) -> str:
    return " ".join(message for messages in errors.values() for message in messages)
