"""The loader that reads a plan's rows for the checks, in a fixed number of queries."""

from __future__ import annotations

from tracking.checks.rows import (
    AttachmentRow,
    EventRow,
    GroupRow,
    NamingPolicy,
    PlanRows,
    PropertyRow,
)
from tracking.constraints import Constraints
from tracking.models import (
    CommonProperty,
    Event,
    EventProperty,
    GroupProperty,
    Property,
    PropertyGroup,
    TrackingPlan,
)


def load_plan_rows(plan: TrackingPlan) -> PlanRows:
    """Everything the checks read, in seven queries however large the plan is."""
    properties = _load_properties(plan)
    constraints = {p.id: p.constraints for p in properties}
    return PlanRows(
        plan_id=plan.pk,
        plan_key=plan.key,
        event_naming=NamingPolicy(
            convention=plan.event_naming,
            regex=plan.event_naming_regex,
            label=str(plan.get_event_naming_display()),
        ),
        property_naming=NamingPolicy(
            convention=plan.property_naming,
            regex=plan.property_naming_regex,
            label=str(plan.get_property_naming_display()),
        ),
        events=_load_events(plan),
        properties=properties,
        groups=_load_groups(plan),
        attachments=_load_attachments(plan, constraints),
        common_property_ids=frozenset(
            CommonProperty.objects.filter(plan=plan).values_list(
                "property_id", flat=True
            )
        ),
    )


def _load_properties(plan: TrackingPlan) -> tuple[PropertyRow, ...]:
    by_id = {p.pk: p for p in Property.objects.filter(plan=plan).order_by("id")}
    loaded = [_property_row(p, by_id) for p in by_id.values()]
    return tuple(sorted(loaded, key=lambda p: (p.path, p.id)))


def _property_row(prop: Property, by_id: dict[int, Property]) -> PropertyRow:
    lineage = _lineage(prop, by_id)
    return PropertyRow(
        id=prop.pk,
        key=prop.key,
        path=".".join(by_id[i].key for i in reversed(lineage)),
        parent_id=prop.parent_id,
        display_name=prop.display_name,
        description=prop.description,
        privacy_class=prop.privacy_class,
        examples=prop.examples,
        constraints=prop.constraints(),
        ancestor_ids=lineage[1:],
    )


def _lineage(prop: Property, by_id: dict[int, Property]) -> tuple[int, ...]:
    """The property's id, its parent's, and so on up to the top level (cycle-safe)."""
    ids = [prop.pk]
    parent_id = prop.parent_id
    while parent_id is not None and parent_id in by_id and parent_id not in ids:
        ids.append(parent_id)
        parent_id = by_id[parent_id].parent_id
    return tuple(ids)


def _load_events(plan: TrackingPlan) -> tuple[EventRow, ...]:
    group_ids: dict[int, list[int]] = {}
    links = Event.groups.through.objects.filter(event__plan=plan).order_by(
        "propertygroup_id"
    )
    for event_id, group_id in links.values_list("event_id", "propertygroup_id"):
        group_ids.setdefault(event_id, []).append(group_id)
    return tuple(
        EventRow(
            id=e.pk,
            key=e.key,
            display_name=e.display_name,
            description=e.description,
            trigger=e.trigger,
            status=e.status,
            owner_id=e.owner_id,
            group_ids=tuple(group_ids.get(e.pk, ())),
        )
        for e in Event.objects.filter(plan=plan).order_by("key", "id")
    )


def _load_groups(plan: TrackingPlan) -> tuple[GroupRow, ...]:
    members: dict[int, list[int]] = {}
    links = GroupProperty.objects.filter(group__plan=plan).order_by("position", "id")
    for group_id, property_id in links.values_list("group_id", "property_id"):
        members.setdefault(group_id, []).append(property_id)
    return tuple(
        GroupRow(
            id=g.pk, key=g.key, name=g.name, property_ids=tuple(members.get(g.pk, ()))
        )
        for g in PropertyGroup.objects.filter(plan=plan).order_by("key", "id")
    )


def _load_attachments(
    plan: TrackingPlan, constraints: dict[int, Constraints]
) -> tuple[AttachmentRow, ...]:
    rows = EventProperty.objects.filter(event__plan=plan).order_by(
        "event_id", "position", "id"
    )
    return tuple(
        AttachmentRow(
            event_id=a.event_id,
            property_id=a.property_id,
            required=a.required,
            narrowing=_narrowing(a, constraints.get(a.property_id)),
        )
        for a in rows
    )


def _narrowing(attachment: EventProperty, base: Constraints | None) -> Constraints:
    # TRICKY: `attachment.narrowing()` would fetch the property once per row; the type comes
    # from the already loaded property instead.
    return Constraints(
        type=base.type if base else "",
        item_type=base.item_type if base else "",
        **attachment.constraint_values(),
    )
