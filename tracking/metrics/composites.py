"""Pass 2 rules for composite metrics: aliases, periods, dimensions and units that agree."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tracking.metrics.catalog import (
    COMPOSITE,
    CUMULATIVE,
    DERIVED,
    MetricCatalog,
    MetricSpec,
)
from tracking.metrics.expressions import (
    Alias,
    BinaryOp,
    Call,
    Expr,
    Negate,
    Number,
    aliases,
    parse_expression,
)
from tracking.metrics.findings import MetricFinding, error, warning
from tracking.metrics.periods import parse_duration

RATIO = "ratio"
DIMENSIONLESS = frozenset({"", RATIO, "percent"})
_MIXED = None  # a compound unit (CNY per user) the rules do not judge


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositeInput:
    alias: str
    metric: str
    path: str
    offset: str | None = None


def composite_inputs(spec: MetricSpec) -> list[CompositeInput]:
    """The inputs in definition order; a ratio's are called numerator and denominator."""
    d = spec.definition
    if d["form"] == "ratio":
        return [
            CompositeInput(alias=name, metric=d[name], path=f"definition.{name}")
            for name in ("numerator", "denominator")
        ]
    return [
        CompositeInput(
            alias=item["alias"],
            metric=item["metric"],
            path=f"definition.inputs[{i}].metric",
            offset=item.get("offset"),
        )
        for i, item in enumerate(d["inputs"])
    ]


def composite_findings(spec: MetricSpec, catalog: MetricCatalog) -> list[MetricFinding]:
    inputs = composite_inputs(spec)
    findings = (
        _alias_findings(spec, inputs) if spec.definition["form"] == "expression" else []
    )
    known = [(i, m) for i in inputs if (m := catalog.metric(i.metric)) is not None]
    findings += _period_findings(known, catalog)
    findings += _dimension_findings(spec, known, catalog)
    if len(known) == len(inputs):
        findings += _unit_findings(spec, {i.alias: m.unit for i, m in known})
    return findings


def _alias_findings(
    spec: MetricSpec, inputs: list[CompositeInput]
) -> list[MetricFinding]:
    used = aliases(parse_expression(spec.definition["expr"]))
    declared = [i.alias for i in inputs]
    findings = []
    for name in used:
        if name not in declared:
            msg = _(
                "The formula uses “%(name)s”, which is not one of the inputs (%(inputs)s)."
            ) % {
                "name": name,
                "inputs": ", ".join(declared),
            }
            findings.append(error("alias_unknown", "definition.expr", msg))
    for i, name in enumerate(declared):
        if name not in used:
            msg = _("The input “%s” is not used in the formula.") % name
            findings.append(
                warning("alias_unused", f"definition.inputs[{i}].alias", msg)
            )
    return findings


def effective_period(
    spec: MetricSpec, catalog: MetricCatalog, depth: int = 0
) -> tuple[object, str]:
    """What period the metric's values cover, comparable across keys, and how to name it."""
    d = spec.definition
    if spec.kind == DERIVED:
        period = catalog.period(d.get("period"))
        return (period.signature if period else d.get("period")), str(d.get("period"))
    if spec.kind == CUMULATIVE:
        if "window" in d:
            return ("window", parse_duration(d["window"])), _("rolling %s") % d[
                "window"
            ]
        return ("to_date", d.get("grain_to_date")), _("%s to date") % d.get(
            "grain_to_date"
        )
    if spec.kind == COMPOSITE and depth < 6:
        for item in composite_inputs(spec):
            inner = catalog.metric(item.metric)
            if inner is not None and not item.offset:
                return effective_period(inner, catalog, depth + 1)
    return None, _("no period")


def _period_findings(
    known: list[tuple[CompositeInput, MetricSpec]], catalog: MetricCatalog
) -> list[MetricFinding]:
    periods = [(i, *effective_period(m, catalog)) for i, m in known if not i.offset]
    if len({repr(p) for _i, p, _label in periods}) <= 1:
        return []
    first = periods[0][1]
    culprit = next(i for i, p, _label in periods if p != first)
    listed = ", ".join(f"{i.alias}: {label}" for i, _p, label in periods)
    msg = (
        _(
            "The inputs cover different time periods (%s); give them the same period, or mark a "
            "deliberate comparison with an offset."
        )
        % listed
    )
    return [error("input_periods_differ", culprit.path, msg)]


def effective_group_by(spec: MetricSpec) -> tuple[str, ...]:
    if spec.kind in (DERIVED, CUMULATIVE, COMPOSITE):
        return tuple(spec.definition.get("group_by", ()))
    return ()


def _dimension_findings(
    spec: MetricSpec,
    known: list[tuple[CompositeInput, MetricSpec]],
    catalog: MetricCatalog,
) -> list[MetricFinding]:
    findings = []
    for n, dimension in enumerate(spec.definition.get("group_by", ())):
        missing = [i.alias for i, m in known if dimension not in effective_group_by(m)]
        if missing:
            msg = _(
                "A composite can only group by what every input is grouped by; “%(dim)s” is "
                "not a dimension of %(inputs)s."
            ) % {"dim": dimension, "inputs": ", ".join(missing)}
            findings.append(
                error("dimension_not_in_input", f"definition.group_by[{n}]", msg)
            )
    return findings


def _unit_findings(spec: MetricSpec, units: dict[str, str]) -> list[MetricFinding]:
    d = spec.definition
    tree: Expr = (
        BinaryOp(op="/", left=Alias(name="numerator"), right=Alias(name="denominator"))
        if d["form"] == "ratio"
        else parse_expression(d["expr"])
    )
    where = "definition" if d["form"] == "ratio" else "definition.expr"
    try:
        result = infer_unit(tree, units)
    except UnitClash as clash:
        msg = _(
            "The formula adds or subtracts %(a)s and %(b)s, which do not add up."
        ) % {
            "a": clash.left,
            "b": clash.right,
        }
        return [error("units_do_not_combine", where, msg)]
    if result is _MIXED or result == "" or _fits(result, spec.unit):
        return []
    msg = _("The formula gives %(result)s, but the metric's unit is %(unit)s.") % {
        "result": _("a ratio") if result == RATIO else result,
        "unit": spec.unit,
    }
    return [warning("unit_mismatch", "unit", msg)]


def _fits(result: str, declared: str) -> bool:
    if result in DIMENSIONLESS:
        return declared in DIMENSIONLESS
    return result == declared


class UnitClash(ValueError):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(left, right)
        self.left, self.right = left, right


def infer_unit(tree: Expr, units: dict[str, str]) -> str | None:
    """The unit the formula yields: "" for a plain number, None for a compound unit.

    Raises UnitClash when it adds or subtracts quantities of different units.
    """
    if isinstance(tree, Number):
        return ""
    if isinstance(tree, Alias):
        return units.get(tree.name, _MIXED)
    if isinstance(tree, Negate):
        return infer_unit(tree.operand, units)
    if isinstance(tree, Call):
        found = [infer_unit(arg, units) for arg in tree.args]
        if tree.function == "coalesce":
            return _sum_unit(found)
        return found[0]
    left, right = infer_unit(tree.left, units), infer_unit(tree.right, units)
    if tree.op in "+-":
        return _sum_unit([left, right])
    if tree.op == "*":
        return _product_unit(left, right)
    return _quotient_unit(left, right)


def _sum_unit(found: list[str | None]) -> str | None:
    if _MIXED in found:
        return _MIXED
    units = sorted({u for u in found if u is not None and u not in DIMENSIONLESS})
    if len(units) > 1:
        raise UnitClash(units[0], units[1])
    if units:
        return units[0]
    return RATIO if any(found) else ""


def _plain(left: str, right: str) -> str:
    return "" if left == right == "" else RATIO


def _product_unit(left: str | None, right: str | None) -> str | None:
    if left is _MIXED or right is _MIXED:
        return _MIXED
    if left in DIMENSIONLESS and right in DIMENSIONLESS:
        return _plain(left, right)
    if left in DIMENSIONLESS:
        return right
    return left if right in DIMENSIONLESS else _MIXED


def _quotient_unit(left: str | None, right: str | None) -> str | None:
    if left is _MIXED or right is _MIXED:
        return _MIXED
    if left in DIMENSIONLESS and right in DIMENSIONLESS:
        return _plain(left, right)
    if left == right:
        return RATIO
    return left if right in DIMENSIONLESS else _MIXED
