"""The plan's shared property definitions, rebuilt from formats where each event defines its own.

Segment, Iglu and spreadsheets describe a property again on every event that carries it. A plan
defines each property once and lets an event narrow it, so the shared definition is the loosest
one the events use (the union of their enums, the lowest minimum …) and each event keeps what it
tightens as a narrowing: `narrow(shared, narrowing)` gives back the event's own definition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tracking import naming
from tracking.interchange.document import (
    AttachmentDoc,
    EventDoc,
    PlanDocument,
    PlanSettings,
    ProblemLog,
    PropertyDoc,
)

_PRIVACY_ORDER = ("none", "personal", "sensitive")
_EVENT_CONVENTIONS = (naming.OBJECT_ACTION, naming.SNAKE_CASE, naming.CAMEL_CASE)
_PROPERTY_CONVENTIONS = (naming.SNAKE_CASE, naming.CAMEL_CASE, naming.OBJECT_ACTION)
_LOWER_BOUNDS = ("minimum", "min_length", "min_items")
_UPPER_BOUNDS = ("maximum", "max_length", "max_items")


@dataclass(frozen=True, slots=True, kw_only=True)
class InlineProperty:
    """A property as one event defines it."""

    definition: PropertyDoc
    required: bool
    note: str | None = None  # what it means on this event, when the format says so
    where: str = ""
    row: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InlineEvent:
    """An event with its properties defined inline; `event.properties` is left empty."""

    event: EventDoc
    properties: tuple[InlineProperty, ...] = field(default=())


def build_document(
    events: Sequence[InlineEvent], *, plan: PlanSettings, log: ProblemLog
) -> PlanDocument:
    """A flattened document: one shared definition per property key, events narrowing it.

    The naming conventions, unless given, are the built-in ones all keys already follow; a
    plan created by the import gets them.
    """
    events = _without_duplicates(events, log)
    uses: dict[str, list[tuple[str, InlineProperty]]] = {}
    for inline in events:
        for prop in inline.properties:
            uses.setdefault(prop.definition.key, []).append((inline.event.key, prop))
    shared = {key: _shared(key, found, log) for key, found in uses.items()}
    conventions = {
        "event_naming": plan.event_naming
        or _convention([e.event.key for e in events], _EVENT_CONVENTIONS),
        "property_naming": plan.property_naming
        or _convention(_keys(shared.values()), _PROPERTY_CONVENTIONS),
    }
    return PlanDocument(
        plan=replace(plan, **conventions),
        properties=tuple(shared.values()),
        events=tuple(
            replace(
                inline.event,
                properties=tuple(
                    _attachment(shared[p.definition.key], p, log)
                    for p in inline.properties
                ),
            )
            for inline in events
        ),
    )


def _convention(keys: list[str], candidates: tuple[str, ...]) -> str | None:
    """The built-in naming convention every key follows, if there is one."""
    if not keys:
        return None
    return next(
        (c for c in candidates if all(naming.follows_convention(k, c) for k in keys)),
        None,
    )


def _keys(properties: Iterable[PropertyDoc]) -> list[str]:
    return [k for p in properties for k in (p.key, *_keys(p.fields))]


def _without_duplicates(
    events: Sequence[InlineEvent], log: ProblemLog
) -> list[InlineEvent]:
    seen: dict[str, InlineEvent] = {}
    for inline in events:
        first = seen.get(inline.event.key)
        if first is None:
            seen[inline.event.key] = inline
            continue
        log.error(
            inline.event.where,
            _("The event “%(key)s” is defined twice (first at %(first)s).")
            % {"key": inline.event.key, "first": first.event.where},
            row=inline.event.row,
        )
    return list(seen.values())


def _shared(
    key: str, found: list[tuple[str, InlineProperty]], log: ProblemLog
) -> PropertyDoc:
    first_event, first = found[0]
    base = first.definition
    for event_key, use in found[1:]:
        other = use.definition
        if (other.type, other.item_type) != (base.type, base.item_type):
            log.error(
                use.where,
                _(
                    "“%(key)s” is %(type)s on “%(event)s” but %(first_type)s on "
                    "“%(first_event)s”; a plan defines each property once, with one type."
                )
                % {
                    "key": key,
                    "type": _type_label(other),
                    "event": event_key,
                    "first_type": _type_label(base),
                    "first_event": first_event,
                },
                row=use.row,
            )
    definitions = [
        use.definition
        for _event, use in found
        if (use.definition.type, use.definition.item_type)
        == (base.type, base.item_type)
    ]
    return _loosest(definitions, log, nested=False)


def _loosest(
    definitions: list[PropertyDoc], log: ProblemLog, *, nested: bool
) -> PropertyDoc:
    """The loosest definition of one key; for nested fields, which cannot be narrowed per
    event, a difference between the definitions is reported."""
    base = definitions[0]
    merged = replace(
        base,
        display_name=_first_given(definitions, "display_name", log),
        description=_first_given(definitions, "description", log, report=nested),
        privacy_class=_strictest_privacy(definitions),
        enum=_enum_union(definitions),
        patterns=_common_first_pattern(definitions),
        examples=_examples_union(definitions),
        fields=_merged_fields(definitions, log),
        **_loosest_bounds(definitions),
    )
    if nested:
        differing = [d for d in definitions if _constraints(d) != _constraints(merged)]
        for definition in differing:
            log.unsupported(
                definition.where,
                _(
                    "This nested field is defined differently on different events; a plan "
                    "holds one definition of it, so the loosest is kept."
                ),
            )
    return merged


def _attachment(
    shared: PropertyDoc, use: InlineProperty, log: ProblemLog
) -> AttachmentDoc:
    own = use.definition
    patterns = list(own.patterns)
    if shared.patterns and patterns[:1] == list(shared.patterns):
        patterns = patterns[1:]
    if len(patterns) > 1:
        log.unsupported(
            use.where,
            _(
                "An event can add one pattern to a property; only “%s” is kept for this event."
            )
            % patterns[0],
            row=use.row,
        )
    comparable = (own.type, own.item_type) == (shared.type, shared.item_type)
    narrowing: dict[str, Any] = {}
    if comparable:
        narrowing = {
            name: getattr(own, name)
            for name in (*_LOWER_BOUNDS, *_UPPER_BOUNDS)
            if getattr(own, name) != getattr(shared, name)
        }
        if own.enum != shared.enum:
            narrowing["enum"] = own.enum
        narrowing["pattern"] = patterns[0] if patterns else ""
    note = use.note
    if not note and own.description not in (None, shared.description):
        note = own.description
    return AttachmentDoc(
        key=own.key,
        required=use.required,
        note=note,
        where=use.where,
        row=use.row,
        **narrowing,
    )


def _first_given(
    definitions: list[PropertyDoc], name: str, log: ProblemLog, *, report: bool = True
) -> Any:
    values = [getattr(d, name) for d in definitions if getattr(d, name) is not None]
    if not values:
        return None
    if report:
        for definition in definitions:
            value = getattr(definition, name)
            if value is not None and value != values[0]:
                log.unsupported(
                    definition.where,
                    _(
                        "“%(value)s” differs from “%(kept)s” given elsewhere; a plan "
                        "property has one %(what)s, so “%(kept)s” is kept."
                    )
                    % {"value": value, "kept": values[0], "what": _field_label(name)},
                )
    return values[0]


def _strictest_privacy(definitions: list[PropertyDoc]) -> str | None:
    given = [d.privacy_class for d in definitions if d.privacy_class in _PRIVACY_ORDER]
    if not given:
        return None
    return max(given, key=_PRIVACY_ORDER.index)


def _enum_union(definitions: list[PropertyDoc]) -> tuple[Any, ...]:
    if not all(d.enum for d in definitions):
        return ()
    return _unique([v for d in definitions for v in d.enum])


def _common_first_pattern(definitions: list[PropertyDoc]) -> tuple[str, ...]:
    firsts = {d.patterns[0] if d.patterns else "" for d in definitions}
    if len(firsts) == 1 and "" not in firsts:
        return (firsts.pop(),)
    return ()


def _examples_union(definitions: list[PropertyDoc]) -> tuple[Any, ...] | None:
    given = [d.examples for d in definitions if d.examples is not None]
    if not given:
        return None
    return _unique([v for examples in given for v in examples])


def _loosest_bounds(definitions: list[PropertyDoc]) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for names, pick in ((_LOWER_BOUNDS, min), (_UPPER_BOUNDS, max)):
        for name in names:
            values = [getattr(d, name) for d in definitions]
            bounds[name] = (
                None if any(v is None for v in values) else _pick(values, pick)
            )
    return bounds


def _pick(values: list[Any], pick: Callable[..., Any]) -> Any:
    if isinstance(values[0], str):
        return pick(values, key=Decimal)
    return pick(values)


def _merged_fields(
    definitions: list[PropertyDoc], log: ProblemLog
) -> tuple[PropertyDoc, ...]:
    by_key: dict[str, list[PropertyDoc]] = {}
    for definition in definitions:
        for nested in definition.fields:
            by_key.setdefault(nested.key, []).append(nested)
    merged = []
    for versions in by_key.values():
        same_type = [
            v
            for v in versions
            if (v.type, v.item_type) == (versions[0].type, versions[0].item_type)
        ]
        for other in versions:
            if other not in same_type:
                log.error(
                    other.where,
                    _(
                        "This nested field has another type here than on other events; a "
                        "plan defines it once, with one type."
                    ),
                )
        merged.append(_loosest(same_type, log, nested=True))
    return tuple(merged)


def _constraints(definition: PropertyDoc) -> tuple[Any, ...]:
    return (
        definition.enum,
        definition.patterns,
        *(getattr(definition, n) for n in (*_LOWER_BOUNDS, *_UPPER_BOUNDS)),
    )


def _unique(values: list[Any]) -> tuple[Any, ...]:
    # JSON values can be lists or dicts, which do not hash: compare by equality.
    kept: list[Any] = []
    for value in values:
        if not any(value == k and type(value) is type(k) for k in kept):
            kept.append(value)
    return tuple(kept)


def _type_label(definition: PropertyDoc) -> str:
    if definition.item_type:
        return f"{definition.type} of {definition.item_type}"
    return definition.type


def _field_label(name: str) -> str:
    return {"display_name": _("display name"), "description": _("description")}.get(
        name, name
    )
