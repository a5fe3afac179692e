"""Semantic version numbers for published plan versions, following from their diff."""

from __future__ import annotations

import re

from tracking.diff.changes import PlanDiff

FIRST_VERSION = "1.0.0"
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def next_version(previous: str | None, diff: PlanDiff) -> str:
    """The number for a version published with `diff` after `previous` ("1.0.0" when first).

    Major for a breaking diff, minor for an additive one, patch for text only. A diff with no
    changes still gets a patch number: published versions are immutable, so two never share
    one. Raises `ValueError` when `previous` is not MAJOR.MINOR.PATCH.
    """
    if previous is None:
        return FIRST_VERSION
    match = _VERSION.fullmatch(previous)
    if match is None:
        msg = f"Not a MAJOR.MINOR.PATCH version number: {previous!r}"
        raise ValueError(msg)
    major, minor, patch = (int(part) for part in match.groups())
    bump = diff.bump
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
