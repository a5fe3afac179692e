"""Consistency checks: one key, one type across the plan; nothing defined and left unused."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tracking.checks.findings import Finding, Severity
from tracking.checks.rows import PlanRows, PropertyRow
from tracking.naming import fold_key


def type_conflict_findings(rows: PlanRows) -> list[Finding]:
    """One finding per folded key that carries different types in different places.

    Top-level keys are unique, so conflicts are between nested fields of different objects,
    or between a nested field and the top-level property of the same key.
    """
    by_key: dict[str, list[PropertyRow]] = {}
    for prop in rows.properties:
        by_key.setdefault(fold_key(prop.key), []).append(prop)
    findings = []
    for props in by_key.values():
        if len({_type_label(p) for p in props}) < 2:
            continue
        props = sorted(props, key=lambda p: (p.path, p.id))
        findings.append(
            Finding(
                severity=Severity.ERROR,
                code="property_type_conflict",
                object_type="property",
                object_key=props[0].path,
                object_id=props[0].id,
                message=_(
                    "“%(key)s” has a different type in different places: %(places)s. "
                    "Give it one type everywhere, or rename the fields that mean "
                    "something else."
                )
                % {
                    "key": props[0].key,
                    "places": ", ".join(f"{p.path} ({_type_label(p)})" for p in props),
                },
            )
        )
    return findings


def unused_property_findings(rows: PlanRows) -> list[Finding]:
    """Top-level properties no event, group or the common set uses."""
    used = {a.property_id for a in rows.attachments} | set(rows.common_property_ids)
    used.update(pid for group in rows.groups for pid in group.property_ids)
    return [
        Finding(
            severity=Severity.INFO,
            code="unused_property",
            object_type="property",
            object_key=prop.path,
            object_id=prop.id,
            message=_(
                "“%s” is attached to no event or group and is not a common property. "
                "Attach it, or remove it from the plan."
            )
            % prop.path,
        )
        for prop in rows.properties
        if prop.is_top_level and prop.id not in used
    ]


def event_without_properties_findings(rows: PlanRows) -> list[Finding]:
    """Active events that carry nothing but the common properties."""
    direct = {a.event_id for a in rows.attachments}
    filled_groups = {group.id for group in rows.groups if group.property_ids}
    return [
        Finding(
            severity=Severity.INFO,
            code="event_without_properties",
            object_type="event",
            object_key=event.key,
            object_id=event.id,
            message=_(
                "“%s” carries no properties besides the common ones. If it needs none, "
                "ignore this."
            )
            % event.key,
        )
        for event in rows.events
        if event.is_active
        and event.id not in direct
        and not filled_groups.intersection(event.group_ids)
    ]


def group_findings(rows: PlanRows) -> list[Finding]:
    """Groups without properties, and groups no event uses."""
    attached = {gid for event in rows.events for gid in event.group_ids}
    findings = []
    for group in rows.groups:
        if not group.property_ids:
            findings.append(
                _group_finding(
                    group.key,
                    group.id,
                    Severity.WARNING,
                    "empty_group",
                    _("The group “%s” has no properties: add some, or remove it."),
                )
            )
        if group.id not in attached:
            findings.append(
                _group_finding(
                    group.key,
                    group.id,
                    Severity.INFO,
                    "unused_group",
                    _("The group “%s” is attached to no event."),
                )
            )
    return findings


def _group_finding(
    key: str, group_id: int, severity: Severity, code: str, message: str
) -> Finding:
    return Finding(
        severity=severity,
        code=code,
        object_type="group",
        object_key=key,
        object_id=group_id,
        message=message % key,
    )


def _type_label(prop: PropertyRow) -> str:
    c = prop.constraints
    return f"{c.type}[{c.item_type}]" if c.item_type else c.type
