"""Counting the ways a pattern can read a text, for ambiguity that multiplies without a loop.

`(a|a){1,20}` has no loop for the other rules to find, yet 2^20 ways to read twenty a's, and a
backtracking engine tries them all before it fails. Walking all texts at once, position sets
with a count of ways each (one set per distinct character class), finds the worst text.
"""

from __future__ import annotations

from collections import defaultdict

from tracking.patterns.automaton import Automaton

# More ways than this to read one value, and an engine trying them all is too slow.
MAX_WAYS = 256
# Work allowed for counting; past it the count is left undecided.
_COUNT_BUDGET = 25_000
_START = -1


def too_many_ways(automaton: Automaton, minterms: list[int]) -> bool:
    """Whether some text can be read in more than MAX_WAYS ways from one start position.

    `minterms` are the bit sets of positions one character matches together
    (`charsets.minterms`).

    TRICKY: the sets of positions can be exponentially many (`.{0,50}x`); past the budget the
    count is left undecided rather than refused, since the loops, the real source of slow
    matching, are decided exactly by the rules in `backtracking`.
    """
    left = _COUNT_BUDGET
    seen: set[frozenset[tuple[int, int]]] = set()
    stack: list[dict[int, int]] = [{_START: 1}]
    while stack and left > 0:
        ways = stack.pop()
        steps = [(count, _steps(automaton, state)) for state, count in ways.items()]
        for mask in minterms:
            after: defaultdict[int, int] = defaultdict(int)
            for count, out in steps:
                left -= len(out)
                for target, times in out:
                    if mask >> target & 1:
                        after[target] += count * times
            if not after:
                continue
            if sum(after.values()) > MAX_WAYS:
                return True
            key = frozenset(after.items())
            if key not in seen:
                seen.add(key)
                stack.append(after)
    return False


def _steps(automaton: Automaton, state: int) -> list[tuple[int, int]]:
    if state == _START:
        return [(e.target, e.count) for e in automaton.entries]
    return [(e.target, e.count) for e in automaton.edges[state]]
