"""A published plan version compiled for the hot path: one `jsonschema-rs` validator per event.

Pure: takes a `PublishedPlan` (snapshot and schema texts), returns a `CompiledPlan`. Validators
are compiled on first use of each event, so a worker with a large plan starts at once and only
pays for the events it actually receives (`compile_all` compiles everything up front, for
measurements). Schema texts are parsed with `Decimal` so that bounds stay exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from tracking.constraints import ARRAY, BOOLEAN, DATE_TIME, INTEGER, NUMBER, OBJECT
from tracking.schemas.build import DATE_TIME_PATTERN, FORBID

if TYPE_CHECKING:
    from tracking.published import PublishedPlan
    from tracking.snapshot import PropertySpec

_UNSCANNED_TYPES = frozenset({DATE_TIME, INTEGER, NUMBER, BOOLEAN})

PERSONAL = "personal"
SENSITIVE = "sensitive"

# Privacy classes by property path, as tuples of keys below `properties` (array items share
# their array's class).
PrivacyMap = dict[tuple[str, ...], str]


@dataclass(frozen=True, slots=True, kw_only=True)
class CompiledEvent:
    key: str
    validator: (
        Any  # jsonschema_rs validator; typed Any because the package ships no stubs
    )
    origins: dict[
        str, str
    ]  # top-level property key -> where it comes from (event, common…)
    known: frozenset[str]  # top-level property keys the plan declares for this event
    privacy: PrivacyMap  # paths classed personal or sensitive
    # Top-level keys the personal-data scan skips in a valid sample: classed personal or
    # sensitive (masked anyway), or whose values the plan fixes or shapes (see `_shaped`).
    scan_skip: frozenset[str]
    classed: frozenset[str]  # top-level keys classed personal or sensitive
    deprecated: bool


@dataclass(slots=True, kw_only=True)
class CompiledPlan:
    plan_id: int
    version_id: int
    number: str
    forbids_additional: bool
    schemas: dict[str, str]
    specs: dict[str, Any]  # event key -> EventSpec
    _events: dict[str, CompiledEvent] = field(default_factory=dict)

    def event(self, key: str) -> CompiledEvent | None:
        """The compiled event, compiling it on first use; None for an unplanned event."""
        compiled = self._events.get(key)
        if compiled is None and key in self.schemas:
            compiled = self._events[key] = _compile_event(self, key)
        return compiled

    def compile_all(self) -> int:
        """Compile every event now; returns how many there are."""
        for key in self.schemas:
            self.event(key)
        return len(self._events)


def compile_plan(published: PublishedPlan) -> CompiledPlan:
    snapshot = published.snapshot
    return CompiledPlan(
        plan_id=published.plan_id,
        version_id=published.version_id,
        number=published.number,
        forbids_additional=snapshot.additional_properties == FORBID,
        schemas=published.event_schemas,
        specs={event.key: event for event in snapshot.events},
    )


def compile_schema(schema: dict[str, Any]) -> Any:
    """A hot-path validator: formats asserted, regular expressions in linear time."""
    return jsonschema_rs.validator_for(
        schema,
        validate_formats=True,
        pattern_options=jsonschema_rs.RegexOptions(),
    )


def without_date_time_patterns(node: Any) -> Any:
    """The schema without the pattern every date-time carries beside `format: date-time`.

    The published schema keeps it for validators that do not assert formats; the hot path
    asserts them, and jsonschema-rs's date-time check is at least as strict as the pattern (a
    test holds it to that), so the pattern only costs memory (a compiled regex per date-time
    property) and time.
    """
    if isinstance(node, list):
        return [without_date_time_patterns(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {k: without_date_time_patterns(v) for k, v in node.items()}
    if result.get("format") == "date-time":
        if result.get("pattern") == DATE_TIME_PATTERN:
            del result["pattern"]
        if "allOf" in result:
            kept = [p for p in result["allOf"] if p != {"pattern": DATE_TIME_PATTERN}]
            if kept:
                result["allOf"] = kept
            else:
                del result["allOf"]
    return result


def _compile_event(plan: CompiledPlan, key: str) -> CompiledEvent:
    schema = without_date_time_patterns(
        json.loads(plan.schemas[key], parse_float=Decimal)
    )
    spec = plan.specs[key]
    closed = plan.forbids_additional
    privacy: PrivacyMap = {}
    for attached in spec.properties:
        _collect_privacy(attached.property, (attached.key,), privacy)
    return CompiledEvent(
        key=key,
        validator=compile_schema(schema),
        origins={a.key: a.origin for a in spec.properties},
        known=frozenset(a.key for a in spec.properties),
        privacy=privacy,
        scan_skip=frozenset(
            a.key
            for a in spec.properties
            if (a.key,) in privacy or _shaped(a.property, closed=closed)
        ),
        classed=frozenset(path[0] for path in privacy if len(path) == 1),
        deprecated=spec.is_deprecated,
    )


def _shaped(spec: PropertySpec, *, closed: bool) -> bool:
    """Whether every value a valid sample can hold here is fixed or shaped by the plan.

    Enums, numbers, flags and date-times cannot carry a phone number or an address the plan
    did not list; neither can a list of them, nor an object made only of them when the plan
    forbids undeclared fields (otherwise any field may come along).
    """
    if spec.type == ARRAY:
        return (
            bool(spec.enum)
            or spec.item_type in _UNSCANNED_TYPES
            or (spec.item_type == OBJECT and _fields_shaped(spec, closed=closed))
        )
    if spec.type == OBJECT:
        return _fields_shaped(spec, closed=closed)
    return bool(spec.enum) or spec.type in _UNSCANNED_TYPES


def _fields_shaped(spec: PropertySpec, *, closed: bool) -> bool:
    # An object without fields stays open in the schema, whatever the policy.
    return (
        closed
        and bool(spec.fields)
        and all(_shaped(field, closed=closed) for field in spec.fields)
    )


def _collect_privacy(
    spec: PropertySpec, path: tuple[str, ...], privacy: PrivacyMap
) -> None:
    if spec.privacy_class in {PERSONAL, SENSITIVE}:
        privacy[path] = spec.privacy_class
        return
    for nested in spec.fields:
        _collect_privacy(nested, (*path, nested.key), privacy)
