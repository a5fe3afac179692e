"""Findings of the plan checks: what is wrong, how badly, and where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem in a plan. `code` is stable (scripts match on it); `message` is for people."""

    severity: Severity
    code: str
    object_type: str  # "plan", "event", "property", "group", "source"
    object_key: str
    message: str
    object_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "object_type": self.object_type,
            "object_key": self.object_key,
            "object_id": self.object_id,
            "message": self.message,
        }
