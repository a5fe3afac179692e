"""What an import did, or would do: created, changed, removed and rejected rows, and problems."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracking.interchange.document import Level, Problem


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REMOVE = "remove"
    REJECT = "reject"


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One row the import creates, changes, removes or cannot write.

    `kind` is "plan", "source", "property", "group", "common property", "event" or
    "event property"; `key` names the row (`products.sku`, `Order Completed · price`);
    `fields` lists what an update changes; `reasons` are the models' own messages for a
    rejection, as "field: message".
    """

    action: Action
    kind: str
    key: str
    fields: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    where: str = ""
    row: int | None = None

    def __str__(self) -> str:
        text = f"{self.action} {self.kind} {self.key}"
        if self.where:
            text += f" ({self.where})"
        if self.fields:
            text += ": " + ", ".join(self.fields)
        if self.reasons:
            text += ": " + "; ".join(self.reasons)
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": str(self.action),
            "kind": self.kind,
            "key": self.key,
            "fields": list(self.fields),
            "reasons": list(self.reasons),
            "where": self.where,
            "row": self.row,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportReport:
    """The dry run's answer, and the apply's: `applied` is True only when it was written."""

    plan_key: str
    format: str
    changes: tuple[Change, ...] = ()
    problems: tuple[Problem, ...] = ()
    unchanged: int = 0
    applied: bool = False

    @property
    def rejections(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action == Action.REJECT)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == Level.ERROR)

    @property
    def can_apply(self) -> bool:
        """True when nothing is rejected and the file has no errors."""
        return not self.rejections and not self.errors

    def counts(self) -> dict[str, int]:
        counted = Counter(str(c.action) for c in self.changes)
        return {str(action): counted[str(action)] for action in Action}

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_key,
            "format": self.format,
            "applied": self.applied,
            "can_apply": self.can_apply,
            "summary": {**self.counts(), "unchanged": self.unchanged},
            "problems": [p.as_dict() for p in self.problems],
            "changes": [c.as_dict() for c in self.changes],
        }


def summary_line(report: ImportReport) -> str:
    counts = report.counts()
    parts = [
        ngettext("%(n)d to create", "%(n)d to create", counts["create"]),
        ngettext("%(n)d to change", "%(n)d to change", counts["update"]),
        ngettext("%(n)d to remove", "%(n)d to remove", counts["remove"]),
        ngettext("%(n)d rejected", "%(n)d rejected", counts["reject"]),
        ngettext("%(n)d unchanged", "%(n)d unchanged", report.unchanged),
    ]
    values = [counts["create"], counts["update"], counts["remove"], counts["reject"]]
    values.append(report.unchanged)
    return ", ".join(part % {"n": n} for part, n in zip(parts, values, strict=True))


def report_lines(report: ImportReport) -> list[str]:
    """The report for people: problems, then changes, then a verdict."""
    lines = []
    for level, title in (
        (Level.ERROR, _("Errors in the file")),
        (
            Level.UNSUPPORTED,
            _("Not represented in the plan (left out or approximated)"),
        ),
        (Level.NOTE, _("Notes")),
    ):
        found = [p for p in report.problems if p.level == level]
        if found:
            lines += [f"{title} ({len(found)}):", *(f"  {p}" for p in found)]
    if report.changes:
        lines.append(_("Changes:"))
        lines += [f"  {change}" for change in report.changes]
    lines.append(summary_line(report))
    lines.append(_verdict(report))
    return lines


def _verdict(report: ImportReport) -> str:
    if report.applied:
        return _("Imported into %s.") % report.plan_key
    if report.can_apply:
        return _("Dry run: nothing was written. The import can be applied.")
    return _(
        "Nothing was written: %(errors)d error(s) in the file and %(rejected)d rejected "
        "row(s). Fix them and import again."
    ) % {"errors": len(report.errors), "rejected": len(report.rejections)}
