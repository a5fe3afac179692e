"""The graph of metrics built on metrics: references, cycles (colour DFS) and depth."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tracking.metrics.catalog import (
    ATOMIC,
    COMPOSITE,
    CONVERSION,
    CUMULATIVE,
    DERIVED,
    MetricCatalog,
    MetricSpec,
)

MAX_DEPTH = 5
DEEP = 3

_WHITE, _GREY, _BLACK = 0, 1, 2


def metric_references(spec: MetricSpec) -> list[tuple[str, str]]:
    """`(path, metric key)` for every metric the definition names, in definition order."""
    return list(_references(spec.kind, spec.definition))


def _references(kind: str, definition: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if not isinstance(definition, Mapping):
        return
    if kind in (DERIVED, CUMULATIVE, CONVERSION):
        yield from _keyed(definition, "base")
    if kind == CONVERSION:
        yield from _keyed(definition, "conversion")
    if kind == COMPOSITE:
        yield from _keyed(definition, "numerator")
        yield from _keyed(definition, "denominator")
        inputs = definition.get("inputs")
        for i, item in enumerate(inputs if isinstance(inputs, list) else ()):
            if isinstance(item, Mapping) and isinstance(item.get("metric"), str):
                yield f"definition.inputs[{i}].metric", item["metric"]


def _keyed(definition: Mapping[str, Any], name: str) -> Iterator[tuple[str, str]]:
    if isinstance(definition.get(name), str):
        yield f"definition.{name}", definition[name]


def referenced_keys(spec: MetricSpec) -> list[str]:
    """The distinct metric keys the definition names, in definition order."""
    return list(dict.fromkeys(key for _path, key in metric_references(spec)))


def find_cycle(start: str, catalog: MetricCatalog) -> list[str] | None:
    """A cycle through `start` as `[start, …, start]`, or None; iterative DFS with colours."""
    colour: dict[str, int] = {}
    stack: list[tuple[str, Iterator[str]]] = [(start, iter(_children(start, catalog)))]
    colour[start] = _GREY
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            colour[node] = _BLACK
            stack.pop()
            continue
        state = colour.get(child, _WHITE)
        if state == _GREY and child == start:
            return [n for n, _it in stack] + [start]
        if state == _WHITE:
            colour[child] = _GREY
            stack.append((child, iter(_children(child, catalog))))
    return None


def depth(key: str, catalog: MetricCatalog) -> int:
    """Levels from `key` down to its deepest atomic metric, counting both.

    Exact up to MAX_DEPTH + 1, which is all the rules need; a cycle is walked once.
    """
    memo: dict[str, int] = {}

    def go(node: str, path: frozenset[str]) -> int:
        if node in memo:
            return memo[node]
        spec = catalog.metric(node)
        if spec is None or spec.kind == ATOMIC or node in path or len(path) > MAX_DEPTH:
            return 1
        below = [go(child, path | {node}) for child in _children(node, catalog)]
        memo[node] = 1 + max(below, default=0)
        return memo[node]

    return go(key, frozenset())


def _children(key: str, catalog: MetricCatalog) -> list[str]:
    spec = catalog.metric(key)
    return referenced_keys(spec) if spec is not None else []
