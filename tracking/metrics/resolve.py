"""Resolving what a definition names against the plan: properties on events, filters, terms."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tracking.metrics.catalog import MetricCatalog
from tracking.metrics.filters import iter_nodes, leaf_type_problems
from tracking.metrics.findings import MetricFinding, error

if TYPE_CHECKING:
    from tracking.snapshot import EventSpec, PlanSnapshot, PropertySpec

# Every sample names who sent it, so these are always there to count or link on.
IDENTITY_FIELDS = ("user_id", "device_id", "anonymous_id")
SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean", "date-time"})


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityField:
    """An identity field the plan does not declare: text, no constraints."""

    key: str
    type: str = "string"
    item_type: str = ""
    display_name: str = ""
    enum: tuple[Any, ...] = ()
    fields: tuple[PropertySpec, ...] = ()


def event_property(
    snapshot: PlanSnapshot,
    event: EventSpec,
    key: str,
    *,
    path: str,
    identity: bool = False,
) -> tuple[PropertySpec | IdentityField | None, list[MetricFinding]]:
    """The property `key` (dotted for a nested field) as `event` carries it, or why not.

    With `identity`, user_id, device_id and anonymous_id resolve even when the plan lacks them.
    """
    head, *rest = key.split(".")
    attached = event.attached(head) or next(
        (a for a in snapshot.common_properties if a.key == head), None
    )
    if attached is None:
        if identity and key in IDENTITY_FIELDS:
            return IdentityField(key=key), []
        if any(p.key == head for p in snapshot.properties):
            msg = _(
                "“%(event)s” does not carry the property “%(key)s”; attach it to the event or "
                "pick a property the event has."
            ) % {"event": event.key, "key": head}
            return None, [error("property_not_on_event", path, msg)]
        return None, [_unknown_property(key, path)]
    return nested_field(attached.property, rest, key=key, path=path)


def plan_property(
    snapshot: PlanSnapshot, key: str, *, path: str
) -> tuple[PropertySpec | IdentityField | None, list[MetricFinding]]:
    """The plan-level property `key` (dotted for a nested field), for glossary predicates."""
    head, *rest = key.split(".")
    spec = next((p for p in snapshot.properties if p.key == head), None)
    if spec is None:
        if key in IDENTITY_FIELDS:
            return IdentityField(key=key), []
        return None, [_unknown_property(key, path)]
    return nested_field(spec, rest, key=key, path=path)


def nested_field(
    spec: PropertySpec, rest: list[str], *, key: str, path: str
) -> tuple[PropertySpec | None, list[MetricFinding]]:
    for name in rest:
        if spec.type != "object":
            msg = _(
                "“%(key)s” cannot reach into “%(parent)s”, which is not an object."
            ) % {
                "key": key,
                "parent": spec.key,
            }
            return None, [error("unknown_property", path, msg)]
        found = next((f for f in spec.fields if f.key == name), None)
        if found is None:
            return None, [_unknown_property(key, path)]
        spec = found
    return spec, []


def _unknown_property(key: str, path: str) -> MetricFinding:
    msg = _("There is no property “%s” in the plan.") % key
    return error("unknown_property", path, msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class FilterScope:
    """How a filter's leaves resolve: on one event, or on the plan (for glossary entries)."""

    resolve: Callable[
        [str, str], tuple[PropertySpec | IdentityField | None, list[MetricFinding]]
    ]
    catalog: MetricCatalog
    has_period: bool


def filter_findings(
    node: Mapping[str, Any] | None,
    *,
    path: str,
    scope: FilterScope,
    seen_terms: tuple[str, ...] = (),
) -> list[MetricFinding]:
    """Pass 2 for a well-formed filter: properties resolve and fit, terms exist and are defined."""
    if not node:
        return []
    findings: list[MetricFinding] = []
    for where, leaf in iter_nodes(node, path):
        if "term" in leaf:
            findings += term_findings(
                leaf["term"], path=where, scope=scope, seen=seen_terms
            )
            continue
        prop, problems = scope.resolve(leaf["prop"], f"{where}.prop")
        findings += problems
        if prop is not None:
            findings += leaf_type_problems(leaf, prop, path=where)  # type: ignore[arg-type]
        if leaf["op"] == "in_period" and not scope.has_period:
            msg = _(
                "“in_period” compares with the metric's time period, but it has none."
            )
            findings.append(error("in_period_without_period", f"{where}.op", msg))
    return findings


def term_findings(
    key: str, *, path: str, scope: FilterScope, seen: tuple[str, ...]
) -> list[MetricFinding]:
    """A glossary term used at `path`: it exists, is defined, and its predicate fits the scope."""
    term = scope.catalog.term(key)
    if term is None:
        msg = (
            _("There is no glossary term “%s”; define it in the glossary first.") % key
        )
        return [error("unknown_term", path, msg)]
    if key in seen:
        chain = " → ".join((*seen, key))
        return [
            error(
                "term_cycle",
                path,
                _("The glossary terms refer to each other: %s.") % chain,
            )
        ]
    findings = []
    if not term.definition_text.strip():
        msg = _("The glossary term “%s” has no written definition (口径).") % key
        findings.append(error("term_undefined", path, msg))
    inner = filter_findings(
        term.predicate, path=path, scope=scope, seen_terms=(*seen, key)
    )
    return findings + within(inner, path=path, label=_("Term “%s”") % key)


def within(
    findings: list[MetricFinding], *, path: str, label: str
) -> list[MetricFinding]:
    """Findings from inside a glossary entry, pinned to where the definition uses it."""
    return [replace(f, path=path, message=f"{label}: {f.message}") for f in findings]
