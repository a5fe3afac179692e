"""The golden import files under tests/fixtures/imports/, read by name."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def iglu_files() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("iglu__*.json"))]
