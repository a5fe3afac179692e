"""Findings about metric definitions: what is wrong, how badly, and where in the definition."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """The same values as `tracking.checks.findings.Severity`.

    TRICKY: kept separate because `tracking.checks` loads the ORM models, and the models import
    this package's shape checks; StrEnum members compare equal to their strings, so findings of
    both kinds sort and render together.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricFinding:
    """One problem in a metric, term or qualifier.

    `code` is stable (scripts match on it); `path` points at the offending part, e.g.
    `definition.numerator` or `definition.inputs[1].metric`; `message` is for a PM.
    """

    severity: Severity
    code: str
    subject: str  # the metric, term or qualifier key
    path: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "subject": self.subject,
            "path": self.path,
            "message": self.message,
        }


def error(code: str, path: str, message: str, *, subject: str = "") -> MetricFinding:
    return MetricFinding(
        severity=Severity.ERROR, code=code, subject=subject, path=path, message=message
    )


def warning(code: str, path: str, message: str, *, subject: str = "") -> MetricFinding:
    return MetricFinding(
        severity=Severity.WARNING,
        code=code,
        subject=subject,
        path=path,
        message=message,
    )
