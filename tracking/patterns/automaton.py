"""The ways a backtracking engine can walk through a pattern, as a graph of character positions.

Each character or class of the pattern is a position; an edge says which position may match the
next character. It is the position (Glushkov) automaton, with one change that matters here: two
edges between the same positions are kept apart when the pattern offers two ways to go, because
a backtracking engine tries both. In `(a*)*` the inner and the outer repeat both lead from `a` back
to `a`, and an engine that fails tries every way of sharing the a's between them.

A repeat with a small upper limit is written out (`a{2,3}` as `aa(?:a)?`), which keeps `(a{2})+`
exact; a larger or open-ended one becomes a loop, marked bounded when its limit is 100 or less.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tracking.patterns.charsets import ENGINES, Ranges, union
from tracking.patterns.syntax import (
    AT_BOUNDARY,
    AT_END,
    AT_START,
    Alt,
    Anchor,
    Chars,
    Node,
    Repeat,
    Seq,
)

# A repeat with a higher limit backtracks like an open-ended one.
LARGE_REPEAT = 100
# Past these sizes the checks would take seconds; the pattern is refused as too complex.
MAX_POSITIONS = 1500
MAX_EDGES = 60_000
# How many positions writing out one repeat may add; smaller budgets until the whole fits.
_EXPANSION_BUDGETS = (256, 64, 16, 0)
# Ways are counted up to here; more is as bad as infinitely many.
_COUNT_CAP = 1 << 20


class TooComplex(Exception):
    """The pattern is too large to check within the work the guard allows itself."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Loop:
    start: int  # where the repeat is written in the pattern
    end: int
    unbounded: bool
    depth: int  # how many loops enclose it
    ancestors: frozenset[int]
    positions: frozenset[int]  # the positions of its body


# TRICKY: not frozen: a pattern can have tens of thousands of edges, and a frozen dataclass is
# several times slower to make. Nothing changes them after `build`.
@dataclass(slots=True, kw_only=True)
class Edge:
    target: int
    count: int  # how many ways the pattern offers to take this step
    loop: int  # the loop this edge starts a new round of, or -1


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    target: int
    count: int
    # Behind ^: taken only when matching starts at the value's start.
    at_start_only: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Automaton:
    # What each position matches, as each engine reads it.
    classes: dict[str, tuple[Ranges, ...]]
    edges: tuple[tuple[Edge, ...], ...]  # out of each position
    entries: tuple[Entry, ...]  # the first position matched
    # Positions after which the match is complete, whatever follows (no $ or \b ahead).
    accepting: frozenset[int]
    matches_empty: bool  # the empty text matches wherever matching starts
    loops: tuple[Loop, ...]


def build(root: Node) -> Automaton:
    """The automaton of the pattern, written out as far as MAX_POSITIONS allows."""
    for budget in _EXPANSION_BUDGETS:
        builder = _Builder(budget)
        if builder.size(root) <= MAX_POSITIONS or budget == 0:
            return builder.finish(builder.fragment(root))
    msg = "unreachable"
    raise AssertionError(msg)


@dataclass(slots=True)
class _Fragment:
    # (position, anchors passed before it) and how many ways lead there
    first: Counter[tuple[int, int]] = field(default_factory=Counter)
    # (position, anchors passed after it) and how many ways lead from there to the end
    last: Counter[tuple[int, int]] = field(default_factory=Counter)
    # anchors passed on a way that matches nothing, and how many such ways
    empty: Counter[int] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True, kw_only=True)
class _PendingLoop:
    start: int
    end: int
    unbounded: bool
    ancestors: frozenset[int]


def _one_class(node: Alt) -> dict[str, Ranges] | None:
    """The options as one class, when each is a single character and no two share one.

    An engine then has exactly one way through, as through a class (V8 and Python merge such
    alternatives themselves); this keeps `(?:一|丁|...)+` with hundreds of options small.
    """
    chars = [option for option in node.options if isinstance(option, Chars)]
    if len(chars) != len(node.options):
        return None
    merged = {}
    for engine in ENGINES:
        parts = [option.ranges[engine] for option in chars]
        merged[engine] = union(*parts)
        if _count(merged[engine]) != sum(_count(part) for part in parts):
            return None
    return merged


def _count(ranges: Ranges) -> int:
    return sum(high - low + 1 for low, high in ranges)


def _nonempty(fragment: _Fragment) -> _Fragment:
    """The fragment without its empty ways: an optional round that matches nothing is refused."""
    fragment.empty = Counter()
    return fragment


def _capped(count: int) -> int:
    return min(count, _COUNT_CAP)


class _Builder:
    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.classes: list[dict[str, Ranges]] = []
        self.edges: Counter[tuple[int, int, int, int]] = Counter()
        self.loops: list[_PendingLoop] = []
        self.loop_stack: list[int] = []
        self.loop_positions: defaultdict[int, set[int]] = defaultdict(set)
        self._sizes: dict[int, int] = {}

    def size(self, node: Node) -> int:
        """How many positions the node becomes under this builder's budget."""
        key = id(node)
        if key not in self._sizes:
            self._sizes[key] = self._size(node)
        return self._sizes[key]

    def _size(self, node: Node) -> int:
        if isinstance(node, Chars):
            return 1
        if isinstance(node, Anchor):
            return 0
        if isinstance(node, Seq):
            return sum(self.size(item) for item in node.items)
        if isinstance(node, Alt):
            if _one_class(node) is not None:
                return 1
            return sum(self.size(option) for option in node.options)
        body = self.size(node.body)
        return body * (node.high or 0) if self._written_out(node) else body

    def _written_out(self, node: Repeat) -> bool:
        if node.high is None or node.high > LARGE_REPEAT:
            return False
        return node.high <= 1 or self.size(node.body) * node.high <= self.budget

    def fragment(self, node: Node) -> _Fragment:
        if isinstance(node, Chars):
            return self._position(node.ranges)
        if isinstance(node, Anchor):
            return _Fragment(empty=Counter({node.at: 1}))
        if isinstance(node, Seq):
            result = _Fragment(empty=Counter({0: 1}))
            for item in node.items:
                result = self._then(result, self.fragment(item))
            return result
        if isinstance(node, Alt):
            merged = _one_class(node)
            if merged is not None:
                return self._position(merged)
            result = _Fragment()
            for option in node.options:
                part = self.fragment(option)
                result.first.update(part.first)
                result.last.update(part.last)
                result.empty.update(part.empty)
            return result
        if self._written_out(node):
            return self._written(node)
        return self._loop(node)

    def _position(self, ranges: dict[str, Ranges]) -> _Fragment:
        position = len(self.classes)
        self.classes.append(ranges)
        for loop in self.loop_stack:
            self.loop_positions[loop].add(position)
        return _Fragment(
            first=Counter({(position, 0): 1}), last=Counter({(position, 0): 1})
        )

    def _then(self, a: _Fragment, b: _Fragment) -> _Fragment:
        """`a` followed by `b`."""
        self._link(a.last, b.first, loop=-1)
        result = _Fragment()
        result.first.update(a.first)
        for tags, ways in a.empty.items():
            for (pos, more), count in b.first.items():
                result.first[(pos, tags | more)] += _capped(ways * count)
        result.last.update(b.last)
        for tags, ways in b.empty.items():
            for (pos, more), count in a.last.items():
                result.last[(pos, tags | more)] += _capped(ways * count)
        for tags_a, ways_a in a.empty.items():
            for tags_b, ways_b in b.empty.items():
                result.empty[tags_a | tags_b] += _capped(ways_a * ways_b)
        return result

    def _link(
        self,
        lasts: Counter[tuple[int, int]],
        firsts: Counter[tuple[int, int]],
        *,
        loop: int,
    ) -> None:
        if len(self.edges) + len(lasts) * len(firsts) > MAX_EDGES:
            raise TooComplex
        for (source, after), ways in lasts.items():
            for (target, before), count in firsts.items():
                key = (source, target, after | before, loop)
                self.edges[key] = _capped(self.edges[key] + ways * count)

    def _written(self, node: Repeat) -> _Fragment:
        """`x{m,n}` as m copies of x, then `(?:x(?:x...)?)?`: the ways an engine counts."""
        high = node.low if node.high is None else node.high
        result = _Fragment(empty=Counter({0: 1}))
        for _ in range(node.low):
            result = self._then(result, self.fragment(node.body))
        optional = _Fragment(empty=Counter({0: 1}))
        copies = [_nonempty(self.fragment(node.body)) for _ in range(high - node.low)]
        for copy in reversed(copies):
            optional = self._then(copy, optional)
            optional.empty = Counter({0: 1})
        return self._then(result, optional)

    def _loop(self, node: Repeat) -> _Fragment:
        loop = len(self.loops)
        unbounded = node.high is None or node.high > LARGE_REPEAT
        self.loops.append(
            _PendingLoop(
                start=node.start,
                end=node.end,
                unbounded=unbounded,
                ancestors=frozenset(self.loop_stack),
            )
        )
        self.loop_stack.append(loop)
        body = self.fragment(node.body)
        self.loop_stack.pop()
        self._link(body.last, body.first, loop=loop)
        result = _Fragment(first=Counter(body.first), last=Counter(body.last))
        # An engine refuses a round that matches nothing once the minimum is reached.
        result.empty = Counter({0: 1}) if node.low == 0 else Counter(body.empty)
        return result

    def finish(self, root: _Fragment) -> Automaton:
        edges: list[defaultdict[tuple[int, int], int]] = [
            defaultdict(int) for _ in self.classes
        ]
        for (source, target, tags, loop), count in self.edges.items():
            # Between two characters neither ^ nor $ can hold (no multi-line mode).
            if not tags & (AT_START | AT_END):
                edges[source][(target, loop)] += count
        entries: defaultdict[tuple[int, bool], int] = defaultdict(int)
        for (target, tags), count in root.first.items():
            if not tags & AT_END:
                entries[(target, bool(tags & AT_START))] += count
        return Automaton(
            classes={
                engine: tuple(ranges[engine] for ranges in self.classes)
                for engine in ENGINES
            },
            edges=tuple(
                tuple(Edge(target=t, count=c, loop=lp) for (t, lp), c in out.items())
                for out in edges
            ),
            entries=tuple(
                Entry(target=t, count=c, at_start_only=s)
                for (t, s), c in entries.items()
            ),
            accepting=frozenset(pos for pos, tags in root.last if tags == 0),
            matches_empty=any(not tags & (AT_END | AT_BOUNDARY) for tags in root.empty),
            loops=tuple(
                Loop(
                    start=info.start,
                    end=info.end,
                    unbounded=info.unbounded,
                    depth=len(info.ancestors),
                    ancestors=info.ancestors,
                    positions=frozenset(self.loop_positions[index]),
                )
                for index, info in enumerate(self.loops)
            ),
        )
