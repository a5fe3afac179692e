"""The frozen form of a plan: what a published version holds and what governance validates against.

`take_snapshot(plan)` reads the working draft in a fixed number of queries and resolves every
event's effective properties: its own attachments (with their narrowing), its groups' members and
the plan's common properties, merged by key. `snapshot_to_dict` / `snapshot_from_dict` give a
JSON-safe, deterministic form (decimals as exact strings, tuples as lists, sorted by key) that
`PlanVersion.snapshot` stores and that round-trips to an equal snapshot.

`take_snapshot(plan, metrics=True)` also freezes the plan's metrics and their glossary (terms,
qualifiers, periods): what a published version holds. Snapshots stored before metrics existed
load with none, and metrics stored before their tags were frozen load with no tags.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any, TypeVar

from tracking.metrics.catalog import (
    MetricCatalog,
    MetricSpec,
    ModifierSpec,
    PeriodSpec,
    TermSpec,
)
from tracking.metrics.load import load_catalog
from tracking.models import (
    CommonProperty,
    Event,
    EventProperty,
    GroupProperty,
    Property,
    PropertyGroup,
    Source,
    TrackingPlan,
)

SNAPSHOT_FORMAT = 1

ORIGIN_EVENT = "event"
ORIGIN_COMMON = "common"
GROUP_ORIGIN_PREFIX = "group:"


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertySpec:
    """A property with its constraints; `patterns` must all match; bounds are exact decimals."""

    key: str
    type: str
    item_type: str = ""
    display_name: str = ""
    description: str = ""
    privacy_class: str = "none"
    enum: tuple[Any, ...] = ()
    patterns: tuple[str, ...] = ()
    minimum: str | None = None
    maximum: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    examples: tuple[Any, ...] = ()
    fields: tuple[PropertySpec, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachedProperty:
    """A property as an event (or group, or the plan) carries it: required or optional.

    `origin` says where it came from: "event", "group:<key>" or "common"; when several attach
    the same key, the event's own attachment wins, then groups, then common properties, and the
    property is required if any of them requires it.
    """

    property: PropertySpec
    required: bool
    origin: str = ORIGIN_EVENT
    note: str = ""

    @builtins.property  # the field above is named `property`
    def key(self) -> str:
        return self.property.key


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSpec:
    key: str
    display_name: str = ""
    description: str = ""
    trigger: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    owner: str = ""
    status: str = "active"
    tracked_on: str = "client"
    sources: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    properties: tuple[AttachedProperty, ...] = ()

    @property
    def is_deprecated(self) -> bool:
        return self.status == "deprecated"

    def attached(self, key: str) -> AttachedProperty | None:
        return next((p for p in self.properties if p.key == key), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupSpec:
    key: str
    name: str = ""
    description: str = ""
    properties: tuple[AttachedProperty, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSpec:
    """A source by name and kind; write keys are credentials and never enter a snapshot."""

    name: str
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSnapshot:
    key: str
    name: str
    description: str = ""
    event_naming: str = "object_action"
    event_naming_regex: str = ""
    property_naming: str = "snake_case"
    property_naming_regex: str = ""
    additional_properties: str = "allow"
    sources: tuple[SourceSpec, ...] = ()
    properties: tuple[PropertySpec, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    common_properties: tuple[AttachedProperty, ...] = ()
    events: tuple[EventSpec, ...] = ()
    metrics: tuple[MetricSpec, ...] = ()
    terms: tuple[TermSpec, ...] = ()
    modifiers: tuple[ModifierSpec, ...] = ()
    periods: tuple[PeriodSpec, ...] = ()

    def event(self, key: str) -> EventSpec | None:
        return next((e for e in self.events if e.key == key), None)

    @property
    def catalog(self) -> MetricCatalog:
        """The frozen metrics and glossary, as the metric rules read them."""
        return MetricCatalog(
            metrics=self.metrics,
            terms=self.terms,
            modifiers=self.modifiers,
            periods=self.periods,
        )


# --------------------------------------------------------------------------------------------
# Reading the working draft
# --------------------------------------------------------------------------------------------


def take_snapshot(plan: TrackingPlan, *, metrics: bool = False) -> PlanSnapshot:
    """The plan's working draft, frozen; a fixed number of queries whatever the plan's size.

    With `metrics`, the metrics and their glossary too (five more queries), as versions hold them.
    """
    snapshot = _take_tracking_snapshot(plan)
    if not metrics:
        return snapshot
    catalog = load_catalog(plan)
    return replace(
        snapshot,
        metrics=catalog.metrics,
        terms=catalog.terms,
        modifiers=catalog.modifiers,
        periods=catalog.periods,
    )


def _take_tracking_snapshot(plan: TrackingPlan) -> PlanSnapshot:
    library = _load_properties(plan)
    groups = _load_groups(plan, library)
    common = tuple(
        AttachedProperty(
            property=library[c.property_id], required=c.required, origin=ORIGIN_COMMON
        )
        for c in CommonProperty.objects.filter(plan=plan).order_by("property__key")
    )
    return PlanSnapshot(
        key=plan.key,
        name=plan.name,
        description=plan.description,
        event_naming=plan.event_naming,
        event_naming_regex=plan.event_naming_regex,
        property_naming=plan.property_naming,
        property_naming_regex=plan.property_naming_regex,
        additional_properties=plan.additional_properties,
        sources=tuple(
            SourceSpec(name=s.name, kind=s.kind)
            for s in Source.objects.filter(plan=plan).order_by("name")
        ),
        properties=tuple(sorted(library.values(), key=lambda p: p.key)),
        groups=tuple(sorted(groups.values(), key=lambda g: g.key)),
        common_properties=common,
        events=_load_events(plan, library, groups, common),
    )


def _load_properties(plan: TrackingPlan) -> dict[int, PropertySpec]:
    """Top-level properties by id, each with its nested fields resolved."""
    rows = list(Property.objects.filter(plan=plan).order_by("key", "id"))
    children: dict[int | None, list[Property]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)

    def spec(row: Property, depth: int = 0) -> PropertySpec:
        nested = (
            () if depth > 20 else tuple(spec(c, depth + 1) for c in children[row.pk])
        )
        return _property_spec(row, nested)

    return {row.pk: spec(row) for row in children[None]}


def _property_spec(row: Property, nested: tuple[PropertySpec, ...]) -> PropertySpec:
    return PropertySpec(
        key=row.key,
        type=row.type,
        item_type=row.item_type,
        display_name=row.display_name,
        description=row.description,
        privacy_class=row.privacy_class,
        enum=tuple(row.enum or ()),
        patterns=(row.pattern,) if row.pattern else (),
        minimum=_decimal_text(row.minimum),
        maximum=_decimal_text(row.maximum),
        min_length=row.min_length,
        max_length=row.max_length,
        min_items=row.min_items,
        max_items=row.max_items,
        examples=tuple(row.examples or ()),
        fields=nested,
    )


def _load_groups(
    plan: TrackingPlan, library: dict[int, PropertySpec]
) -> dict[int, GroupSpec]:
    members: dict[int, list[AttachedProperty]] = defaultdict(list)
    rows = GroupProperty.objects.filter(group__plan=plan).order_by("position", "id")
    for row in rows.select_related("group"):
        origin = GROUP_ORIGIN_PREFIX + row.group.key
        spec = library.get(row.property_id)
        if spec is not None:
            members[row.group_id].append(
                AttachedProperty(property=spec, required=row.required, origin=origin)
            )
    return {
        g.pk: GroupSpec(
            key=g.key,
            name=g.name,
            description=g.description,
            properties=tuple(sorted(members[g.pk], key=lambda a: a.key)),
        )
        for g in PropertyGroup.objects.filter(plan=plan)
    }


def _load_events(
    plan: TrackingPlan,
    library: dict[int, PropertySpec],
    groups: dict[int, GroupSpec],
    common: tuple[AttachedProperty, ...],
) -> tuple[EventSpec, ...]:
    attachments: dict[int, list[EventProperty]] = defaultdict(list)
    for row in EventProperty.objects.filter(event__plan=plan).order_by(
        "position", "id"
    ):
        attachments[row.event_id].append(row)
    events = (
        Event.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related("tags", "sources", "groups")
        .order_by("key")
    )
    specs = []
    for event in events:
        own = [
            AttachedProperty(
                property=narrow(library[a.property_id], a.constraint_values()),
                required=a.required,
                origin=ORIGIN_EVENT,
                note=a.note,
            )
            for a in attachments[event.pk]
            if a.property_id in library
        ]
        event_groups = sorted(
            (groups[g.pk] for g in event.groups.all()), key=lambda g: g.key
        )
        via_groups = [a for g in event_groups for a in g.properties]
        specs.append(
            EventSpec(
                key=event.key,
                display_name=event.display_name,
                description=event.description,
                trigger=event.trigger,
                category=event.category,
                tags=tuple(sorted(t.name for t in event.tags.all())),
                owner=event.owner.get_username() if event.owner else "",
                status=event.status,
                tracked_on=event.tracked_on,
                sources=tuple(sorted(s.name for s in event.sources.all())),
                groups=tuple(g.key for g in event_groups),
                properties=merge_attachments([*own, *via_groups, *common]),
            )
        )
    return tuple(specs)


# --------------------------------------------------------------------------------------------
# Pure rules: narrowing and merging
# --------------------------------------------------------------------------------------------


def narrow(base: PropertySpec, narrowing: Mapping[str, Any]) -> PropertySpec:
    """The property as one event constrains it: a narrowing only ever tightens."""
    changes: dict[str, Any] = {}
    if narrowing.get("enum"):
        changes["enum"] = tuple(narrowing["enum"])
    if narrowing.get("pattern"):
        changes["patterns"] = (*base.patterns, narrowing["pattern"])
    for name, pick in (("minimum", max), ("maximum", min)):
        value = narrowing.get(name)
        if value is not None:
            current = getattr(base, name)
            bound = (
                Decimal(value)
                if current is None
                else pick(Decimal(current), Decimal(value))
            )
            changes[name] = _decimal_text(bound)
    for name, pick in (
        ("min_length", max),
        ("max_length", min),
        ("min_items", max),
        ("max_items", min),
    ):
        value = narrowing.get(name)
        if value is not None:
            current = getattr(base, name)
            changes[name] = value if current is None else pick(current, value)
    return replace(base, **changes) if changes else base


def merge_attachments(attached: list[AttachedProperty]) -> tuple[AttachedProperty, ...]:
    """One entry per key, sorted; the first origin wins and any origin can make it required."""
    merged: dict[str, AttachedProperty] = {}
    for item in attached:
        first = merged.get(item.key)
        if first is None:
            merged[item.key] = item
        elif item.required and not first.required:
            merged[item.key] = replace(first, required=True)
    return tuple(merged[key] for key in sorted(merged))


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    normal = value.normalize()
    # normalize() turns 100 into 1E+2; keep plain notation for integers.
    return (
        str(normal.quantize(Decimal(1)))
        if normal == normal.to_integral_value()
        else str(normal)
    )


# --------------------------------------------------------------------------------------------
# JSON form
# --------------------------------------------------------------------------------------------


def snapshot_to_dict(snapshot: PlanSnapshot) -> dict[str, Any]:
    """A JSON-safe dict; `snapshot_from_dict` gives back an equal snapshot."""
    data: dict[str, Any] = _to_plain(snapshot)
    data["format"] = SNAPSHOT_FORMAT
    return data


def snapshot_from_dict(data: dict[str, Any]) -> PlanSnapshot:
    # Every attachment of a property repeats it whole in the stored snapshot; equal specs are
    # made one object (they are immutable), which keeps a large plan's snapshot small in a
    # worker's memory.
    intern = _Interner()
    return PlanSnapshot(
        key=data["key"],
        name=data["name"],
        description=data.get("description", ""),
        event_naming=data.get("event_naming", "object_action"),
        event_naming_regex=data.get("event_naming_regex", ""),
        property_naming=data.get("property_naming", "snake_case"),
        property_naming_regex=data.get("property_naming_regex", ""),
        additional_properties=data.get("additional_properties", "allow"),
        sources=tuple(SourceSpec(**s) for s in data.get("sources", ())),
        properties=tuple(_property_from(p, intern) for p in data.get("properties", ())),
        groups=tuple(
            GroupSpec(
                key=g["key"],
                name=g.get("name", ""),
                description=g.get("description", ""),
                properties=tuple(
                    _attached_from(a, intern) for a in g.get("properties", ())
                ),
            )
            for g in data.get("groups", ())
        ),
        common_properties=tuple(
            _attached_from(a, intern) for a in data.get("common_properties", ())
        ),
        events=tuple(_event_from(e, intern) for e in data.get("events", ())),
        metrics=tuple(_metric_from(m) for m in data.get("metrics", ())),
        terms=tuple(TermSpec(**t) for t in data.get("terms", ())),
        modifiers=tuple(ModifierSpec(**m) for m in data.get("modifiers", ())),
        periods=tuple(PeriodSpec(**p) for p in data.get("periods", ())),
    )


def _to_plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_to_plain(v) for v in value]
    return value


T = TypeVar("T")


class _Interner:
    """One object per distinct (hashable) value seen by this instance."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def __call__(self, value: T) -> T:
        try:
            return self._seen.setdefault(value, value)  # type: ignore[no-any-return]
        except TypeError:  # holds a list or dict (an object's example): kept as is
            return value


def _property_from(data: dict[str, Any], intern: _Interner) -> PropertySpec:
    tuples = {"enum", "patterns", "examples"}
    values: dict[str, Any] = {
        k: (tuple(v) if k in tuples else v) for k, v in data.items() if k != "fields"
    }
    return intern(
        PropertySpec(
            **values,
            fields=tuple(_property_from(f, intern) for f in data.get("fields", ())),
        )
    )


def _attached_from(data: dict[str, Any], intern: _Interner) -> AttachedProperty:
    return intern(
        AttachedProperty(
            property=_property_from(data["property"], intern),
            required=data["required"],
            origin=data.get("origin", ORIGIN_EVENT),
            note=data.get("note", ""),
        )
    )


def _metric_from(data: dict[str, Any]) -> MetricSpec:
    # Metrics frozen before their tags were part of the spec have no "tags": none.
    return MetricSpec(**{**data, "tags": tuple(data.get("tags", ()))})


def _event_from(data: dict[str, Any], intern: _Interner) -> EventSpec:
    tuples = {"tags", "sources", "groups"}
    values: dict[str, Any] = {
        k: (tuple(v) if k in tuples else v)
        for k, v in data.items()
        if k != "properties"
    }
    properties = tuple(_attached_from(a, intern) for a in data.get("properties", ()))
    return EventSpec(**values, properties=properties)
