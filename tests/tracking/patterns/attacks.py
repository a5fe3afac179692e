"""Attack strings for a pattern, and Node timing them: the empirical side of the pattern guard."""

from __future__ import annotations

import json
import subprocess
from collections import deque
from pathlib import Path

from tracking.patterns.automaton import Automaton, build
from tracking.patterns.charsets import ECMASCRIPT, sample
from tracking.patterns.syntax import parse

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "patterns"

# Builds each attack in Node (a text reaching a loop, then a round of it repeated, or both
# repeated together as if the engine restarted at every copy, then a character meant to fail),
# runs it as ajv does (`u` flag; without it if that fails) and prints one JSON line per pattern
# as soon as it is done, so a pattern that hangs is named by the last line.
_NODE_SCRIPT = r"""
const {cases, lengths, endings} = JSON.parse(require("fs").readFileSync(0, "utf8"));
for (const [pattern, pumps] of cases) {
  let regex;
  try { regex = new RegExp(pattern, "u"); } catch (e) { regex = new RegExp(pattern); }
  let worst = 0, worstAttack = "";
  for (const length of lengths) {
    for (const [prefix, round] of pumps) {
      const pumped = prefix + round.repeat(Math.max(1, Math.floor((length - prefix.length) / round.length)));
      const restarted = (prefix + round).repeat(Math.max(1, Math.floor(length / (prefix + round).length)));
      for (const text of [pumped, restarted]) {
        for (const ending of endings) {
          const attack = text + ending;
          const started = process.hrtime.bigint();
          regex.test(attack);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (ms > worst) { worst = ms; worstAttack = attack; }
        }
      }
    }
  }
  process.stdout.write(JSON.stringify({pattern, ms: worst, attack: worstAttack.slice(0, 60)}) + "\n");
}
"""
# Characters that end an attack: something most patterns reject right after a repeat.
ENDINGS = ("", "!", "\n", "\x00", " ", "@")


def corpus(name: str) -> list[str]:
    lines = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def pumps(pattern: str) -> list[tuple[str, str]]:
    """(text reaching a loop, text going round it) for every way round every loop."""
    automaton = build(parse(pattern))
    reach = _shortest_texts(automaton, [e.target for e in automaton.entries])
    found = set()
    for position, prefix in reach.items():
        for edge in automaton.edges[position]:
            back = _shortest_texts(automaton, [edge.target])
            if position in back:
                found.add((prefix, back[position]))
    return sorted(found)


def _shortest_texts(automaton: Automaton, starts: list[int]) -> dict[int, str]:
    """The shortest sample text leading to each position, its first character matching a start."""
    classes = automaton.classes[ECMASCRIPT]
    texts = {}
    queue: deque[int] = deque()
    for position in starts:
        if position not in texts:
            texts[position] = sample(classes[position])
            queue.append(position)
    while queue:
        position = queue.popleft()
        for edge in automaton.edges[position]:
            if edge.target not in texts:
                texts[edge.target] = texts[position] + sample(classes[edge.target])
                queue.append(edge.target)
    return texts


def node_timings(
    patterns: list[str], *, lengths: tuple[int, ...], timeout: float
) -> list[dict]:
    """Node's worst time (ms) and attack per pattern; raises subprocess.TimeoutExpired."""
    cases = [(pattern, pumps(pattern)) for pattern in patterns]
    result = subprocess.run(  # noqa: S603 - a fixed script; the patterns arrive on stdin
        ["node", "-e", _NODE_SCRIPT],  # noqa: S607 - node from PATH, as CI installs it
        input=json.dumps({"cases": cases, "lengths": lengths, "endings": ENDINGS}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]
