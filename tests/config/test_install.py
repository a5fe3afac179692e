"""Installs are reproducible: one lock, one pinned installer, used the same way everywhere."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def makefile_uv_version() -> str:
    match = re.search(
        r"^UV_VERSION\s*:=\s*(\S+)$", (ROOT / "Makefile").read_text(), re.M
    )
    assert match is not None
    return match.group(1)


def test_the_image_installs_with_the_same_uv_as_make():
    assert f'"uv=={makefile_uv_version()}"' in (ROOT / "Dockerfile").read_text()


def test_the_image_and_make_install_from_the_lock_and_refuse_a_stale_one():
    makefile = (ROOT / "Makefile").read_text()
    assert "uv sync --locked" in (ROOT / "Dockerfile").read_text()
    assert re.findall(r"\$\(UV\) sync [^\n]*", makefile) == [
        "$(UV) sync --quiet --locked --no-dev --inexact",
        "$(UV) sync --quiet --locked --extra dev --inexact",
    ]


def test_every_locked_package_from_the_index_carries_hashes():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    from_index = [p for p in lock["package"] if "registry" in p.get("source", {})]

    unhashed = [
        p["name"]
        for p in from_index
        if not all(
            f.get("hash") for f in [*p.get("wheels", []), p.get("sdist", {})] if f
        )
    ]

    assert from_index and unhashed == []


def test_the_lock_covers_every_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = {re.split(r"[\[<>=!~ ;]", spec, maxsplit=1)[0].lower() for spec in declared}
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {p["name"].lower().replace("_", "-") for p in lock["package"]}

    assert {n.replace("_", "-") for n in names} - locked == set()
