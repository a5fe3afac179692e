"""Pass 2 rules for metrics over events: atomic, derived, cumulative and conversion definitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tracking.metrics.catalog import (
    ATOMIC,
    DERIVED,
    ONLINE,
    MetricCatalog,
    MetricSpec,
)
from tracking.metrics.definitions import NUMERIC_AGGREGATIONS
from tracking.metrics.findings import MetricFinding, error, warning
from tracking.metrics.resolve import (
    SCALAR_TYPES,
    FilterScope,
    IdentityField,
    event_property,
    filter_findings,
    within,
)

if TYPE_CHECKING:
    from tracking.snapshot import EventSpec, PlanSnapshot, PropertySpec

COUNTS = ("count", "count_distinct")


def atomic_findings(
    spec: MetricSpec, snapshot: PlanSnapshot, catalog: MetricCatalog
) -> list[MetricFinding]:
    """The event exists and is live; the aggregation fits the property it reads."""
    d = spec.definition
    event, findings = resolve_event(spec, snapshot, d["event"], path="definition.event")
    agg = d["agg"]
    if "measure" in d and agg in COUNTS:
        msg = _("“%s” counts events or values; it takes no measure.") % agg
        findings.append(error("count_takes_no_measure", "definition.measure", msg))
    if "distinct_on" in d and agg != "count_distinct":
        msg = _(
            "Only count_distinct uses “distinct_on”; remove it or change the aggregation."
        )
        findings.append(
            error("distinct_on_needs_count_distinct", "definition.distinct_on", msg)
        )
    if event is None:
        return findings
    if agg in NUMERIC_AGGREGATIONS:
        findings += _measure_findings(snapshot, event, d["measure"], agg)
    if agg == "count_distinct":
        findings += _distinct_on_findings(snapshot, event, d["distinct_on"])
    return findings


def _measure_findings(
    snapshot: PlanSnapshot, event: EventSpec, key: str, agg: str
) -> list[MetricFinding]:
    prop, findings = event_property(snapshot, event, key, path="definition.measure")
    if prop is not None and prop.type not in ("integer", "number"):
        msg = _("“%(agg)s” needs a number, but “%(key)s” is of type %(type)s.") % {
            "agg": agg,
            "key": key,
            "type": prop.type,
        }
        findings.append(error("measure_not_numeric", "definition.measure", msg))
    return findings


def _distinct_on_findings(
    snapshot: PlanSnapshot, event: EventSpec, key: str
) -> list[MetricFinding]:
    path = "definition.distinct_on"
    prop, findings = event_property(snapshot, event, key, path=path, identity=True)
    if prop is not None and prop.type not in SCALAR_TYPES:
        msg = _(
            "Distinct values are counted on a single value; “%(key)s” is a %(type)s."
        ) % {
            "key": key,
            "type": prop.type,
        }
        findings.append(error("distinct_on_not_scalar", path, msg))
    return findings


def qualified_findings(
    spec: MetricSpec, snapshot: PlanSnapshot, catalog: MetricCatalog
) -> list[MetricFinding]:
    """Derived and cumulative metrics: one atomic base, the period, qualifiers, dimensions."""
    d = spec.definition
    base = catalog.metric(d["base"])
    findings = []
    if base is not None and base.kind != ATOMIC:
        findings.append(_base_not_atomic(spec, base))
    if spec.kind == DERIVED and catalog.period(d["period"]) is None:
        msg = (
            _("There is no time period “%s”; add it to the plan's periods.")
            % d["period"]
        )
        findings.append(error("unknown_period", "definition.period", msg))
    event = _base_event(base, snapshot)
    if event is None:
        return findings
    scope = _event_scope(snapshot, event, catalog, has_period=True)
    for i, key in enumerate(d.get("modifiers", ())):
        findings += modifier_use_findings(
            key, path=f"definition.modifiers[{i}]", scope=scope
        )
    extra = d.get("extra_filter")
    findings += filter_findings(extra, path="definition.extra_filter", scope=scope)
    for i, key in enumerate(d.get("group_by", ())):
        findings += dimension_findings(
            snapshot, event, key, path=f"definition.group_by[{i}]"
        )
    return findings


def _base_not_atomic(spec: MetricSpec, base: MetricSpec) -> MetricFinding:
    if spec.kind == DERIVED:
        msg = _(
            "A derived metric qualifies an atomic metric; “%(base)s” is %(kind)s. Point "
            "“base” at the atomic metric it is built on."
        ) % {"base": base.key, "kind": base.kind}
        return error("derived_base_not_atomic", "definition.base", msg)
    if base.kind == DERIVED:
        msg = (
            _(
                "A cumulative metric brings its own window; “%s” already has a time period. Use "
                "its atomic metric as the base."
            )
            % base.key
        )
        return error("cumulative_base_has_period", "definition.base", msg)
    msg = _(
        "A cumulative metric accumulates an atomic metric; “%(base)s” is %(kind)s."
    ) % {
        "base": base.key,
        "kind": base.kind,
    }
    return error("cumulative_base_not_atomic", "definition.base", msg)


def conversion_findings(
    spec: MetricSpec, snapshot: PlanSnapshot, catalog: MetricCatalog
) -> list[MetricFinding]:
    """Both steps are atomic counts; the entity and constant properties exist on both events."""
    d = spec.definition
    findings: list[MetricFinding] = []
    events: dict[str, EventSpec | None] = {}
    for step in ("base", "conversion"):
        step_spec = catalog.metric(d[step])
        if step_spec is not None and not (
            step_spec.kind == ATOMIC and step_spec.definition.get("agg") in COUNTS
        ):
            msg = (
                _(
                    "Each step of a conversion is an atomic count (count or count_distinct); "
                    "“%s” is not."
                )
                % step_spec.key
            )
            findings.append(
                error("conversion_step_not_atomic_count", f"definition.{step}", msg)
            )
            step_spec = None
        events[step] = _base_event(step_spec, snapshot)
    for step, event in events.items():
        if event is None:
            continue
        findings += _entity_findings(snapshot, event, d["entity"])
        scope = _event_scope(snapshot, event, catalog, has_period=False)
        name = f"{step}_filter"
        findings += filter_findings(d.get(name), path=f"definition.{name}", scope=scope)
    for i, pair in enumerate(d.get("constant_properties", ())):
        findings += _constant_findings(
            snapshot, events, pair, path=f"definition.constant_properties[{i}]"
        )
    return findings


def _entity_findings(
    snapshot: PlanSnapshot, event: EventSpec, key: str
) -> list[MetricFinding]:
    prop, findings = event_property(
        snapshot, event, key, path="definition.entity", identity=True
    )
    if prop is not None and prop.type not in SCALAR_TYPES:
        msg = (
            _(
                "The entity links the two steps by one value; “%s” is not a single value."
            )
            % key
        )
        findings.append(error("distinct_on_not_scalar", "definition.entity", msg))
    return findings


def _constant_findings(
    snapshot: PlanSnapshot,
    events: dict[str, EventSpec | None],
    pair: Mapping[str, str],
    *,
    path: str,
) -> list[MetricFinding]:
    found: dict[str, PropertySpec | IdentityField | None] = {}
    findings: list[MetricFinding] = []
    for step, event in events.items():
        if event is not None:
            prop, problems = event_property(
                snapshot, event, pair[step], path=f"{path}.{step}"
            )
            found[step], findings = prop, findings + problems
    base, conversion = found.get("base"), found.get("conversion")
    if base is not None and conversion is not None and base.type != conversion.type:
        msg = _(
            "“%(a)s” is %(ta)s but “%(b)s” is %(tb)s; they can never hold the same value."
        ) % {
            "a": pair["base"],
            "ta": base.type,
            "b": pair["conversion"],
            "tb": conversion.type,
        }
        findings.append(error("constant_property_types_differ", path, msg))
    return findings


def dimension_findings(
    snapshot: PlanSnapshot, event: EventSpec, key: str, *, path: str
) -> list[MetricFinding]:
    """A group-by property is categorical: an enum, a boolean; plain text only warns."""
    prop, findings = event_property(snapshot, event, key, path=path, identity=True)
    if prop is None:
        return findings
    if prop.type == "boolean" or (prop.type in ("string", "integer") and prop.enum):
        return findings
    if prop.type == "string":
        msg = (
            _(
                "“%s” is free text without a list of allowed values, so grouping by it can make "
                "very many rows."
            )
            % key
        )
        return [*findings, warning("dimension_unbounded", path, msg)]
    msg = _(
        "Group by categories: text or whole numbers with allowed values, or true/false; "
        "“%(key)s” is %(type)s."
    ) % {"key": key, "type": prop.type}
    return [*findings, error("dimension_not_categorical", path, msg)]


def modifier_use_findings(
    key: str, *, path: str, scope: FilterScope
) -> list[MetricFinding]:
    """A qualifier used at `path`: it exists, and its filter and term fit the metric's event."""
    modifier = scope.catalog.modifier(key)
    if modifier is None:
        msg = _("There is no qualifier “%s”; add it to the plan's qualifiers.") % key
        return [error("unknown_modifier", path, msg)]
    node: dict[str, Any] | None = (
        dict(modifier.predicate) if modifier.predicate else None
    )
    if modifier.term:
        term_leaf = {"term": modifier.term}
        node = {"all": [node, term_leaf]} if node else term_leaf
    inner = filter_findings(node, path=path, scope=scope)
    return within(inner, path=path, label=_("Qualifier “%s”") % key)


def resolve_event(
    spec: MetricSpec, snapshot: PlanSnapshot, key: str, *, path: str
) -> tuple[EventSpec | None, list[MetricFinding]]:
    """The event `key`; deprecated is an error, or only a warning for an online metric."""
    event = snapshot.event(key)
    if event is None:
        msg = _("There is no event “%s” in the plan.") % key
        return None, [error("unknown_event", path, msg)]
    if event.is_deprecated:
        make = warning if spec.lifecycle == ONLINE else error
        msg = (
            _(
                "The event “%s” is deprecated; base the metric on the event replacing it."
            )
            % key
        )
        return event, [make("event_deprecated", path, msg)]
    return event, []


def _base_event(base: MetricSpec | None, snapshot: PlanSnapshot) -> EventSpec | None:
    if base is None or base.kind != ATOMIC:
        return None
    return snapshot.event(base.definition.get("event", ""))


def _event_scope(
    snapshot: PlanSnapshot,
    event: EventSpec,
    catalog: MetricCatalog,
    *,
    has_period: bool,
) -> FilterScope:
    def resolve(
        key: str, path: str
    ) -> tuple[PropertySpec | IdentityField | None, list[MetricFinding]]:
        return event_property(snapshot, event, key, path=path, identity=True)

    return FilterScope(resolve=resolve, catalog=catalog, has_period=has_period)
