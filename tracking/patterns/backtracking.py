"""Where a backtracking engine (browsers, Node, Python's `re`) can take more than linear time.

A backtracking engine that fails to match tries every way the pattern offers to read the text,
so its time grows with the number of those ways. Four rules find patterns where that number
explodes; each is decided on the automaton of `tracking.patterns.automaton`, so "can match the
same text" is computed over the real character sets, not compared as strings, once for each
engine's reading of the classes (`\\d` also matches "１" in Python, so `(\\d\\d|１１)+` is refused).

- Exponential: a repeat can go round the same text in two different ways (`(a|a)+`, `(a|aa)+`,
  `(a+)+`, `(\\w+\\s?)*`): n characters can be split in 2^n ways.
- Polynomial: two open-ended repeats can take turns on the same text, with nothing required
  between them (`\\d+\\d+`, `a*a*b`, `.*=.*;`): n characters, n^2 ways to share them.
- Rescanning: a pattern that does not start with ^ is tried at every position of the value, and
  an open-ended repeat re-reads the rest of the value each time before failing (`\\s+$`, `a+b`).
  A repeat after which the match is already complete (`[0-9]+` alone) never fails, so it is fine.
- Too many ways: even without a loop, ambiguous choices multiply (`(a|a){1,50}`).

Quadratic patterns are refused like exponential ones: a property value can be 32 KB long, and
Node takes over a second for `^\\d+\\d+$` or `a+b` on a value of that size.

The first three rules take the pattern at its most exposed: what follows can always fail (as if
it ended with `$`), so `(a|a)+` is refused even though `test()` stops at the first `a`; a
validator may anchor the pattern, and the rewrite (`a+`) is always at hand. The checks are
decided exactly on the automaton (pairs and triples of walks in step), within a work budget; a
pattern that needs more is refused as too complex to vouch for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from tracking.patterns.automaton import Automaton, Edge, Loop, TooComplex, build
from tracking.patterns.charsets import ENGINES, Ranges, minterms
from tracking.patterns.counting import too_many_ways
from tracking.patterns.graphs import Steps, bit_set, bits, closure, components
from tracking.patterns.syntax import parse

EXPONENTIAL_NESTED = "exponential_nested"
EXPONENTIAL_OVERLAP = "exponential_overlap"
POLYNOMIAL = "polynomial"
RESCANNING = "rescanning"
MANY_WAYS = "many_ways"
TOO_COMPLEX = "too_complex"

# Work allowed for the loop checks (about a second); past it the pattern is too complex.
_STEP_BUDGET = 150_000

Pair = tuple[int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Hazard:
    rule: str
    parts: tuple[str, ...] = ()  # the parts of the pattern at fault, as written


@lru_cache(maxsize=4096)
def find_hazard(pattern: str) -> Hazard | None:
    """The first rule the pattern breaks in any engine; raises syntax.UnsupportedSyntax if it
    cannot be read."""
    checked = []
    try:
        automaton = build(parse(pattern))
        for engine in ENGINES:
            classes = automaton.classes[engine]
            if classes in checked:
                continue  # no class the engines read differently
            checked.append(classes)
            found = _Graph(automaton, classes).hazard()
            if found is not None:
                rule, loops = found
                parts = tuple(pattern[loop.start : loop.end] for loop in loops)
                return Hazard(rule=rule, parts=parts)
    except TooComplex:
        return Hazard(rule=TOO_COMPLEX)
    return None


class _Graph:
    def __init__(self, automaton: Automaton, classes: tuple[Ranges, ...]) -> None:
        self.a = automaton
        self.classes = classes
        self.scan = len(classes)  # the engine moving on to the next start position
        self.left = _STEP_BUDGET
        self.reachable = closure(
            [e.target for e in automaton.entries], self._successors
        )
        self.minterms = minterms(classes, self.reachable)
        self._overlaps = self._overlap_masks()
        self._triples: dict[tuple[int, int, int], bool] = {}
        self._steps = [Steps(out) for out in automaton.edges]
        self._round_steps: dict[frozenset[int], dict[int, Steps]] = {}
        self._forward: dict[int, int] = {}
        self._backward: dict[int, int] = {}
        self._predecessors: defaultdict[int, list[int]] = defaultdict(list)
        for source, out in enumerate(automaton.edges):
            for edge in out:
                self._predecessors[edge.target].append(source)

    def hazard(self) -> tuple[str, tuple[Loop, ...]] | None:
        index = self.exponential_loop()
        if index is not None:
            nested = any(index in other.ancestors for other in self.a.loops)
            rule = EXPONENTIAL_NESTED if nested else EXPONENTIAL_OVERLAP
            return (rule, (self.a.loops[index],))
        pair = self.polynomial_pair()
        if pair is not None:
            return (POLYNOMIAL, pair)
        loop = self.rescanned_loop()
        if loop is not None:
            return (RESCANNING, (loop,))
        if too_many_ways(self.a, self.minterms):
            return (MANY_WAYS, ())
        return None

    # Exponential: two different rounds of a loop over the same text.

    def exponential_loop(self) -> int | None:
        """The innermost loop that can go round the same text in two ways."""
        order = sorted(range(len(self.a.loops)), key=lambda i: -self.a.loops[i].depth)
        for index in order:
            if self._ambiguous_rounds(index):
                return index
        return None

    def _ambiguous_rounds(self, index: int) -> bool:
        # Two walks in step over the same text: a node is a pair of positions. The loop is
        # ambiguous when a strongly connected set of pairs holds both a pair of equal positions
        # and either a pair of different ones or a step taken along two different edges.
        inside = self.a.loops[index].positions & self.reachable
        # Edges of this loop and the loops inside it; an outer loop's edges leave the round.
        own = {-1, index} | {
            i for i, loop in enumerate(self.a.loops) if index in loop.ancestors
        }
        steps = {
            p: Steps(e for e in self.a.edges[p] if e.target in inside and e.loop in own)
            for p in inside
        }
        moves: dict[Pair, list[tuple[Pair, bool]]] = {}
        stack = [(q, q) for q in inside]
        while stack:
            node = stack.pop()
            if node in moves:
                continue
            p, r = node
            moves[node] = []
            for e1 in steps[p].edges:
                for e2 in steps[r].meeting(self._overlaps[e1.target]):
                    self._spend()
                    split = (
                        p == r
                        and e1.target == e2.target
                        and (e1 is not e2 or e1.count > 1)
                    )
                    moves[node].append(((e1.target, e2.target), split))
                    stack.append((e1.target, e2.target))
        for component in components(moves, lambda n: (t for t, _ in moves[n])):
            members = set(component)
            if not any(p == r for p, r in members):
                continue
            if any(p != r for p, r in members):
                return True
            if any(split and t in members for n in members for t, split in moves[n]):
                return True
        return False

    # Polynomial: two open-ended loops taking turns on the same text.

    def polynomial_pair(self) -> tuple[Loop, Loop] | None:
        pumpable = self._pumpable()
        for first in pumpable:
            ahead = closure(first, self._successors)
            for second in pumpable:
                if second is first or not second & ahead:
                    continue
                for p in sorted(first):
                    for q in sorted(second):
                        if self._take_turns(p, q, first, second):
                            return self._blame(first), self._blame(second)
        return None

    def _take_turns(
        self, p: int, q: int, first: frozenset[int], second: frozenset[int]
    ) -> bool:
        # Three walks in step over one text w: p round to p, p over to q, q round to q. Then
        # w^n can be read as w^i (p) w (p to q) w^(n-i-1) (q) for every i, and a failing
        # suffix makes the engine try them all.
        self._spend()
        between = self._forwardbit_set(p) & self._backwardbit_set(q)
        rounds_p, rounds_q = self._rounds(first), self._rounds(second)
        start, goal = (p, p, q), (p, q, q)
        seen = {start}
        stack = [start]
        while stack:
            x, y, z = stack.pop()
            for e1 in rounds_p[x].edges:
                shared = self._overlaps[e1.target]
                for e2 in self._steps[y].meeting(shared & between):
                    for e3 in rounds_q[z].meeting(shared):
                        self._spend()
                        node = (e1.target, e2.target, e3.target)
                        if node in seen or not self._overlap3(*node):
                            continue
                        if node == goal:
                            return True
                        seen.add(node)
                        stack.append(node)
        return False

    # Rescanning: every start position re-reads the text through an open-ended loop.

    def rescanned_loop(self) -> Loop | None:
        """An open-ended loop that a failing search re-enters at every start position."""
        entries = [
            e.target
            for e in self.a.entries
            if not e.at_start_only and e.target not in self.a.accepting
        ]
        if self.a.matches_empty or not entries:
            return None
        unfinished = closure(entries, self._unfinished_successors)
        for component in self._pumpable():
            for q in sorted(component & unfinished - self.a.accepting):
                if self._rescans(q, component, entries):
                    return self._blame(component)
        return None

    def _rescans(self, q: int, component: frozenset[int], entries: list[int]) -> bool:
        # Two walks in step over w: the search moving on and entering the pattern to reach q,
        # and q round to q, neither completing a match on the way.
        reaching = self._reaching(q) - self.a.accepting
        entering = Steps(
            Edge(target=t, count=1, loop=-1) for t in entries if t in reaching
        )
        inner = {
            y: Steps(e for e in self.a.edges[y] if e.target in reaching)
            for y in reaching
        }
        rounds = {
            z: Steps(
                e
                for e in self._open_steps(z, component)
                if e.target not in self.a.accepting
            )
            for z in component
        }
        start, goal = (self.scan, q), (q, q)
        seen = {start}
        stack = [start]
        while stack:
            y, z = stack.pop()
            for e in rounds[z].edges:
                ys = [self.scan] if y == self.scan else []
                moves = entering if y == self.scan else inner[y]
                ys.extend(e2.target for e2 in moves.meeting(self._overlaps[e.target]))
                for y2 in ys:
                    self._spend()
                    node = (y2, e.target)
                    if node == goal:
                        return True
                    if node not in seen:
                        seen.add(node)
                        stack.append(node)
        return False

    def _unfinished_successors(self, p: int) -> list[int]:
        return [e.target for e in self.a.edges[p] if e.target not in self.a.accepting]

    # Shared pieces.

    def _overlap_masks(self) -> dict[int, int]:
        """For each position (and the search), the positions it shares a character with."""
        overlaps: defaultdict[int, int] = defaultdict(int)
        everything = 0
        for mask in self.minterms:
            everything |= mask
            for position in bits(mask):
                overlaps[position] |= mask
        for position in list(overlaps):
            overlaps[position] |= 1 << self.scan
        overlaps[self.scan] = everything | 1 << self.scan
        return overlaps

    def _overlap3(self, a: int, b: int, c: int) -> bool:
        """Whether one character matches all three positions."""
        key = (a, b, c)
        if key not in self._triples:
            both = 1 << b | 1 << c
            self._triples[key] = any(
                m & both == both for m in self.minterms if m >> a & 1
            )
        return self._triples[key]

    def _pumpable(self) -> list[frozenset[int]]:
        """Sets of positions an open-ended loop can go round, in the order they are written."""
        found = components(
            sorted(self.reachable),
            lambda p: (e.target for e in self._open_steps(p, self.reachable)),
        )
        pumpable = []
        for component in found:
            members = frozenset(component)
            if len(members) > 1 or any(
                e.target in members for e in self._open_steps(component[0], members)
            ):
                pumpable.append(members)
        return sorted(pumpable, key=min)

    def _open_steps(self, p: int, allowed: frozenset[int]) -> list[Edge]:
        return [
            e
            for e in self.a.edges[p]
            if e.target in allowed and (e.loop == -1 or self.a.loops[e.loop].unbounded)
        ]

    def _blame(self, component: frozenset[int]) -> Loop:
        """The outermost open-ended loop whose rounds run inside the component."""
        loops = {
            e.loop
            for p in component
            for e in self._open_steps(p, component)
            if e.loop != -1
        }
        return min((self.a.loops[i] for i in loops), key=lambda loop: loop.depth)

    def _successors(self, p: int) -> list[int]:
        return [e.target for e in self.a.edges[p]]

    def _reaching(self, q: int) -> frozenset[int]:
        return closure([q], self._predecessors.__getitem__)

    def _forwardbit_set(self, p: int) -> int:
        if p not in self._forward:
            self._forward[p] = bit_set(closure([p], self._successors))
        return self._forward[p]

    def _backwardbit_set(self, q: int) -> int:
        if q not in self._backward:
            self._backward[q] = bit_set(self._reaching(q))
        return self._backward[q]

    def _rounds(self, component: frozenset[int]) -> dict[int, Steps]:
        """The open-ended steps that stay inside a component, for each of its positions."""
        if component not in self._round_steps:
            self._round_steps[component] = {
                p: Steps(self._open_steps(p, component)) for p in component
            }
        return self._round_steps[component]

    def _spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooComplex
