"""Graph walks the pattern checks share: reachability, strongly connected components, bit sets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TypeVar

from tracking.patterns.automaton import Edge

T = TypeVar("T", bound=Hashable)


def closure(starts: Iterable[T], step: Callable[[T], Iterable[T]]) -> frozenset[T]:
    """Everything reachable from `starts`, `starts` included."""
    seen = set(starts)
    stack = list(seen)
    while stack:
        for nxt in step(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return frozenset(seen)


def components(
    nodes: Iterable[T], successors: Callable[[T], Iterable[T]]
) -> list[list[T]]:
    """Strongly connected components (Tarjan's algorithm, without recursion)."""
    index: dict[T, int] = {}
    low: dict[T, int] = {}
    on_stack: set[T] = set()
    stack: list[T] = []
    result: list[list[T]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors(child))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    result.append(_pop_component(stack, on_stack, node))
    return result


def _pop_component(stack: list[T], on_stack: set[T], root: T) -> list[T]:
    component = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.append(member)
        if member == root:
            return component


def bits(mask: int) -> Iterator[int]:
    """The members of a bit set, lowest first."""
    while mask:
        lowest = mask & -mask
        yield lowest.bit_length() - 1
        mask ^= lowest


def bit_set(members: Iterable[int]) -> int:
    mask = 0
    for member in members:
        mask |= 1 << member
    return mask


class Steps:
    """A position's ways out, by target, so only steps to positions in a bit set are tried."""

    def __init__(self, edges: Iterable[Edge]) -> None:
        self.edges = list(edges)
        self._by_target: defaultdict[int, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            self._by_target[edge.target].append(edge)
        self.targets = bit_set(self._by_target)

    def meeting(self, positions: int) -> list[Edge]:
        """The steps to a position in the bit set `positions`."""
        return [e for t in bits(self.targets & positions) for e in self._by_target[t]]
