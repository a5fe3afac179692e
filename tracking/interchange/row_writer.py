"""Writing one row the way an import does: set its values, validate it with the model's own
`full_clean()`, save it only when something changed, and record what happened."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from tracking.interchange.document import ProblemLog
from tracking.interchange.report import Action, Change


class RowWriter:
    """Records created, changed and rejected rows; never commits itself."""

    def __init__(self, *, by: User | None) -> None:
        self.by = by
        self.changes: list[Change] = []
        self.log = ProblemLog()
        self.unchanged = 0

    @property
    def rejected(self) -> bool:
        return any(c.action == Action.REJECT for c in self.changes)

    def write_row(
        self,
        row: models.Model,
        values: dict[str, Any],
        *,
        new: bool,
        kind: str,
        key: str,
        where: str = "",
        row_number: int | None = None,
    ) -> list[str] | None:
        """Set the values, validate with the model and save if anything changed.

        Returns the changed fields (empty when nothing changed), or None when the model
        rejects the row, which is then recorded.
        """
        changed = [
            name for name, value in values.items() if getattr(row, name) != value
        ]
        for name in changed:
            setattr(row, name, values[name])
        if not new and not changed:
            return []
        try:
            row.full_clean(exclude=["key_folded"])
        except ValidationError as exc:
            self.reject(kind, key, _reasons(exc), where=where, row=row_number)
            return None
        row._history_user = self.by  # type: ignore[attr-defined]  # read by simple-history
        row.save()
        return changed

    def record(
        self,
        fields: list[str] | None,
        *,
        new: bool,
        kind: str,
        key: str,
        where: str = "",
        row: int | None = None,
    ) -> None:
        if fields is None:
            return
        if new:
            self.change(Action.CREATE, kind, key, where=where, row=row)
        elif fields:
            self.change(
                Action.UPDATE, kind, key, fields=tuple(fields), where=where, row=row
            )
        else:
            self.unchanged += 1

    def reject(
        self,
        kind: str,
        key: str,
        reasons: tuple[str, ...],
        *,
        where: str = "",
        row: int | None = None,
    ) -> None:
        self.change(Action.REJECT, kind, key, reasons=reasons, where=where, row=row)

    def change(
        self,
        action: Action,
        kind: str,
        key: str,
        *,
        fields: tuple[str, ...] = (),
        reasons: tuple[str, ...] = (),
        where: str = "",
        row: int | None = None,
    ) -> None:
        self.changes.append(
            Change(
                action=action,
                kind=kind,
                key=key,
                fields=fields,
                reasons=reasons,
                where=where,
                row=row,
            )
        )


def _reasons(exc: ValidationError) -> tuple[str, ...]:
    if not hasattr(exc, "error_dict"):
        return tuple(exc.messages)
    return tuple(
        message if name == NON_FIELD_ERRORS else f"{name}: {message}"
        for name, messages in exc.message_dict.items()
        for message in messages
    )
