"""The filter tree shared by glossary terms, qualifiers and metric filters: shape, types, walks.

A node is `{"all": [...]}`, `{"any": [...]}`, `{"not": node}`, a term reference
`{"term": "new_user"}` or a leaf `{"prop": "channel", "op": "in", "value": ["organic"]}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from tracking.metrics.findings import MetricFinding, error
from tracking.patterns import UnsafePatternError, check_pattern

if TYPE_CHECKING:
    from tracking.snapshot import PropertySpec

MAX_DEPTH = 8
MAX_NODES = 200
MAX_LIST = 500

NO_VALUE = frozenset({"is_null", "is_not_null", "in_period"})
LIST_VALUE = frozenset({"in", "not_in"})
ORDERED = frozenset({"gt", "gte", "lt", "lte", "between"})
OPERATORS = (
    "eq",
    "neq",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "contains",
    "is_null",
    "is_not_null",
    "matches",
    "in_period",
)
_BRANCHES = ("all", "any")
_SCALARS = (str, int, float, bool)

# Which property types each operator applies to.
_TYPES_FOR = {
    "eq": {"string", "integer", "number", "boolean", "date-time"},
    "neq": {"string", "integer", "number", "boolean", "date-time"},
    "in": {"string", "integer", "number"},
    "not_in": {"string", "integer", "number"},
    "gt": {"integer", "number", "date-time"},
    "gte": {"integer", "number", "date-time"},
    "lt": {"integer", "number", "date-time"},
    "lte": {"integer", "number", "date-time"},
    "between": {"integer", "number", "date-time"},
    "contains": {"string", "array"},
    "matches": {"string"},
    "in_period": {"date-time"},
}


# --------------------------------------------------------------------------------------------
# Pass 1: shape
# --------------------------------------------------------------------------------------------


def filter_shape_problems(node: object, *, path: str) -> list[MetricFinding]:
    """What is malformed in the tree, each pointing at its node; empty when well-formed."""
    problems: list[MetricFinding] = []
    _check_node(node, path, 1, problems, [0])
    return problems


def _check_node(
    node: object, path: str, depth: int, problems: list[MetricFinding], count: list[int]
) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        if count[0] == MAX_NODES + 1:
            problems.append(
                _invalid(path, _("The filter has more than %d parts.") % MAX_NODES)
            )
        return
    if depth > MAX_DEPTH:
        msg = _("The filter nests deeper than %d levels; flatten it.") % MAX_DEPTH
        problems.append(_invalid(path, msg))
        return
    if not isinstance(node, Mapping) or len(node) == 0:
        problems.append(_invalid(path, _("Each part of a filter is a JSON object.")))
        return
    kinds = [k for k in ("all", "any", "not", "term", "prop") if k in node]
    if len(kinds) != 1:
        msg = _(
            "Each part of a filter is exactly one of: all, any, not, a term, or a property "
            "condition."
        )
        problems.append(_invalid(path, msg))
        return
    kind = kinds[0]
    if kind in _BRANCHES:
        _check_branch(node, kind, path, depth, problems, count)
    elif kind == "not":
        _only_keys(node, {"not"}, path, problems)
        _check_node(node["not"], f"{path}.not", depth + 1, problems, count)
    elif kind == "term":
        _only_keys(node, {"term"}, path, problems)
        if not isinstance(node["term"], str) or not node["term"]:
            problems.append(
                _invalid(f"{path}.term", _("Name the glossary term by its key."))
            )
    else:
        _check_leaf(node, path, problems)


def _check_branch(
    node: Mapping[str, Any],
    kind: str,
    path: str,
    depth: int,
    problems: list[MetricFinding],
    count: list[int],
) -> None:
    _only_keys(node, {kind}, path, problems)
    children = node[kind]
    if not isinstance(children, list) or not children:
        msg = _("“%s” takes a non-empty list of conditions.") % kind
        problems.append(_invalid(f"{path}.{kind}", msg))
        return
    for i, child in enumerate(children):
        _check_node(child, f"{path}.{kind}[{i}]", depth + 1, problems, count)


def _check_leaf(
    node: Mapping[str, Any], path: str, problems: list[MetricFinding]
) -> None:
    _only_keys(node, {"prop", "op", "value"}, path, problems)
    if not isinstance(node["prop"], str) or not node["prop"]:
        problems.append(_invalid(f"{path}.prop", _("Name the property by its key.")))
    op = node.get("op")
    if op not in OPERATORS:
        msg = _("Unknown operator %(op)s; use one of %(ops)s.") % {
            "op": json.dumps(op, ensure_ascii=False)[:40],
            "ops": ", ".join(OPERATORS),
        }
        problems.append(_invalid(f"{path}.op", msg))
        return
    message = _value_shape_problem(op, node)
    if message:
        problems.append(_invalid(f"{path}.value", message))


def _value_shape_problem(op: str, node: Mapping[str, Any]) -> str | None:
    has_value = "value" in node
    value = node.get("value")
    if op in NO_VALUE:
        return _("“%s” takes no value.") % op if has_value else None
    if not has_value:
        return _("“%s” needs a value.") % op
    items = value if isinstance(value, list) else None
    if op in LIST_VALUE:
        ok = items is not None and 0 < len(items) <= MAX_LIST
        ok = ok and all(_is_scalar(v) for v in items or ())
        return None if ok else _("“%s” takes a non-empty list of plain values.") % op
    if op == "between":
        ok = items is not None and len(items) == 2
        ok = ok and all(_is_scalar(v) and not isinstance(v, bool) for v in items or ())
        return None if ok else _("“between” takes a list of two bounds, low first.")
    if op == "matches":
        return (
            None if isinstance(value, str) else _("“matches” takes a pattern as text.")
        )
    return None if _is_scalar(value) else _("“%s” takes one plain value.") % op


def _only_keys(
    node: Mapping[str, Any], allowed: set[str], path: str, problems: list[MetricFinding]
) -> None:
    for key in sorted(set(node) - allowed, key=str):
        problems.append(_invalid(f"{path}.{key}", _("“%s” has no meaning here.") % key))


def _is_scalar(value: object) -> bool:
    return value is not None and isinstance(value, _SCALARS)


def _invalid(path: str, message: str) -> MetricFinding:
    return error("filter_invalid", path, message)


# --------------------------------------------------------------------------------------------
# Walking a well-formed tree
# --------------------------------------------------------------------------------------------


def iter_nodes(
    node: Mapping[str, Any], path: str
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every property leaf and term reference with its path, depth first, left to right."""
    for kind in _BRANCHES:
        if kind in node:
            for i, child in enumerate(node[kind]):
                yield from iter_nodes(child, f"{path}.{kind}[{i}]")
            return
    if "not" in node:
        yield from iter_nodes(node["not"], f"{path}.not")
        return
    yield path, node


def filter_properties(node: Mapping[str, Any] | None) -> list[str]:
    """The property keys the tree's own leaves test (not those inside referenced terms)."""
    if node is None or not _well_formed(node):
        return []
    return [leaf["prop"] for _path, leaf in iter_nodes(node, "") if "prop" in leaf]


def filter_terms(node: Mapping[str, Any] | None) -> list[str]:
    if node is None or not _well_formed(node):
        return []
    return [leaf["term"] for _path, leaf in iter_nodes(node, "") if "term" in leaf]


def _well_formed(node: Mapping[str, Any]) -> bool:
    return bool(node) and not filter_shape_problems(node, path="")


# --------------------------------------------------------------------------------------------
# Pass 2: a leaf against its property
# --------------------------------------------------------------------------------------------


def leaf_type_problems(
    leaf: Mapping[str, Any], prop: PropertySpec, *, path: str
) -> list[MetricFinding]:
    """Whether the operator fits the property's type and the value fits the property."""
    op = leaf["op"]
    if op in {"is_null", "is_not_null"}:
        return []
    if prop.type not in _TYPES_FOR[op]:
        msg = _("“%(op)s” does not apply to %(key)s, which is of type %(type)s.") % {
            "op": op,
            "key": prop.key,
            "type": prop.type,
        }
        return [error("filter_operator_mismatch", f"{path}.op", msg)]
    if op == "in_period":
        return []
    if op == "matches":
        return _pattern_problems(leaf["value"], path)
    values = leaf["value"] if isinstance(leaf["value"], list) else [leaf["value"]]
    value_type = prop.item_type if prop.type == "array" else prop.type
    fits = _FITS.get(value_type, _fits_nothing)
    wrong = [v for v in values if not fits(v)]
    if wrong:
        msg = _("%(value)s is not a valid %(type)s value for %(key)s.") % {
            "value": json.dumps(wrong[0], ensure_ascii=False),
            "type": value_type,
            "key": prop.key,
        }
        return [error("filter_value_mismatch", f"{path}.value", msg)]
    if op == "between" and _sort_key(values[0]) > _sort_key(values[1]):
        msg = _("The low bound of “between” is above the high bound.")
        return [error("filter_value_mismatch", f"{path}.value", msg)]
    return _enum_problems(op, values, prop, path)


def _enum_problems(
    op: str, values: list[Any], prop: PropertySpec, path: str
) -> list[MetricFinding]:
    if not prop.enum or op in ORDERED or (op == "contains" and prop.type == "string"):
        return []
    outside = [v for v in values if v not in prop.enum]
    if not outside:
        return []
    msg = _("%(value)s is not one of the values %(key)s allows (%(allowed)s).") % {
        "value": json.dumps(outside[0], ensure_ascii=False),
        "key": prop.key,
        "allowed": ", ".join(str(v) for v in prop.enum),
    }
    return [error("filter_value_not_in_enum", f"{path}.value", msg)]


def _pattern_problems(pattern: str, path: str) -> list[MetricFinding]:
    try:
        check_pattern(pattern)
    except UnsafePatternError as exc:
        return [error("filter_pattern_unsafe", f"{path}.value", str(exc))]
    return []


def _is_datetime_text(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _sort_key(value: Any) -> Any:
    return (
        datetime.fromisoformat(value).replace(tzinfo=None)
        if isinstance(value, str)
        else value
    )


def _fits_nothing(_value: object) -> bool:
    return False


_FITS: dict[str, Callable[[object], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "date-time": _is_datetime_text,
}


# --------------------------------------------------------------------------------------------
# Canonical form
# --------------------------------------------------------------------------------------------


def normalise_filter(node: Mapping[str, Any] | None) -> Any:
    """An equivalent tree in one spelling: flattened, children and lists sorted, double not gone."""
    if not node:
        return None
    for kind in _BRANCHES:
        if kind in node:
            return _normalise_branch(kind, node[kind])
    if "not" in node:
        inner = normalise_filter(node["not"])
        return (
            inner["not"]
            if isinstance(inner, dict) and set(inner) == {"not"}
            else {"not": inner}
        )
    if "term" in node:
        return {"term": node["term"]}
    leaf = {"prop": node["prop"], "op": node["op"]}
    if "value" in node:
        value = node["value"]
        if node["op"] in LIST_VALUE:
            value = sorted(set(map(_canonical_json, value)))
            value = [json.loads(v) for v in value]
        leaf["value"] = value
    return leaf


def _normalise_branch(kind: str, children: list[Any]) -> Any:
    flat: list[Any] = []
    for child in children:
        normal = normalise_filter(child)
        if isinstance(normal, dict) and set(normal) == {kind}:
            flat.extend(normal[kind])
        else:
            flat.append(normal)
    unique = sorted({_canonical_json(c): c for c in flat}.items())
    items = [c for _text, c in unique]
    return items[0] if len(items) == 1 else {kind: items}


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
