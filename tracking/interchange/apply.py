"""Writing a parsed plan document to the database: a dry run, and the atomic apply.

Both run the same writer inside one transaction: every row it would write is checked with the
model's own `full_clean()` (naming conventions, key collisions after folding, constraints), and a
row that fails is reported with the file's row or path. The dry run always rolls back; the apply
commits only when the file has no errors and no row was rejected, so it is all or nothing.
Matching is by exact key: a row whose key differs only in case or separators is a new row, and
the model rejects it as a collision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.interchange.document import (
    AttachmentDoc,
    EventDoc,
    GroupDoc,
    ParseResult,
    PlanDocument,
    ProblemLog,
    PropertyDoc,
)
from tracking.interchange.report import Action, Change, ImportReport
from tracking.models import (
    CommonProperty,
    Event,
    EventProperty,
    EventStatus,
    GroupProperty,
    Property,
    PropertyGroup,
    Source,
    Tag,
    TrackingPlan,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
_PLAN_FIELDS = (
    "event_naming",
    "event_naming_regex",
    "property_naming",
    "property_naming_regex",
    "additional_properties",
)
_EVENT_TEXT = ("display_name", "description", "trigger", "category", "tracked_on")


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPlan:
    """The plan an import creates: its key, and a name (else the file's, else the key)."""

    key: str
    name: str = ""


def plan_import(
    plan: TrackingPlan | None, parsed: ParseResult, *, create: NewPlan | None = None
) -> ImportReport:
    """Dry run: what `apply_import` would create, change, remove and reject. Writes nothing."""
    return _run(plan, parsed, create=create, commit=False, by=None, progress=None)


def apply_import(
    plan: TrackingPlan | None,
    parsed: ParseResult,
    *,
    create: NewPlan | None = None,
    by: AbstractBaseUser | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the document in one transaction; nothing is written unless all of it can be.

    `report.applied` says whether it was written. Pass `plan=None` with `create` to import into
    a new plan. `progress(done, total)` is called after each event.
    """
    return _run(plan, parsed, create=create, commit=True, by=by, progress=progress)


def _run(
    plan: TrackingPlan | None,
    parsed: ParseResult,
    *,
    create: NewPlan | None,
    commit: bool,
    by: AbstractBaseUser | None,
    progress: Progress | None,
) -> ImportReport:
    if (plan is None) == (create is None):
        msg = "Give either an existing plan or a NewPlan to create, not both."
        raise ValueError(msg)
    plan_key = plan.key if plan is not None else create.key  # type: ignore[union-attr]
    writer = _Writer(parsed.document, by=by, progress=progress)
    with transaction.atomic():
        try:
            writer.write(plan, create)
        except IntegrityError as exc:
            # full_clean() checks every constraint first; this is a race with another writer.
            writer.reject("plan", plan_key, (str(exc),))
        applied = commit and parsed.ok and not writer.rejected
        if not applied:
            transaction.set_rollback(True)
    logger.info(
        "interchange.import",
        extra={
            "plan": plan_key,
            "format": parsed.format,
            "applied": applied,
            "changes": len(writer.changes),
        },
    )
    return ImportReport(
        plan_key=plan_key,
        format=parsed.format,
        changes=tuple(writer.changes),
        problems=(*parsed.problems, *writer.log.problems),
        unchanged=writer.unchanged,
        applied=applied,
    )


class _Writer:
    """Writes one document into one plan, recording each change; never commits itself."""

    def __init__(
        self,
        document: PlanDocument,
        *,
        by: AbstractBaseUser | None,
        progress: Progress | None,
    ) -> None:
        self.doc = document
        self.by = by
        self.progress = progress
        self.changes: list[Change] = []
        self.log = ProblemLog()
        self.unchanged = 0
        self.properties: dict[str, Property] = {}
        self.rejected_properties: set[str] = set()
        self.users: dict[str, AbstractBaseUser | None] = {}

    @property
    def rejected(self) -> bool:
        return any(c.action == Action.REJECT for c in self.changes)

    # -- the plan and its parts --------------------------------------------------------------

    def write(self, plan: TrackingPlan | None, create: NewPlan | None) -> None:
        target = self._plan(plan, create)
        if target is None:
            return
        self.plan = target
        self._sources()
        self.properties = {
            p.key: p for p in Property.objects.filter(plan=target, parent=None)
        }
        for doc in self.doc.properties:
            self._property(doc, parent=None, siblings=self.properties, path=doc.key)
        self._groups()
        if self.doc.common_properties is not None:
            self._members(
                CommonProperty,
                {"plan": target},
                self.doc.common_properties,
                kind="common property",
                label="",
            )
        self._events()

    def _plan(
        self, plan: TrackingPlan | None, create: NewPlan | None
    ) -> TrackingPlan | None:
        if plan is None:
            return self._new_plan(create) if create is not None else None
        if not self.doc.exact:
            # A foreign format's conventions and policy are guesses from its content: good
            # enough to create a plan with, not to change an existing plan's rules.
            self.unchanged += 1
            return plan
        values = self._plan_values()
        values.update(name=self.doc.plan.name, description=self.doc.plan.description)
        values = {k: v for k, v in values.items() if v is not None}
        fields = self._write(plan, values, new=False, kind="plan", key=plan.key)
        self._record(fields, new=False, kind="plan", key=plan.key)
        return plan

    def _new_plan(self, create: NewPlan) -> TrackingPlan | None:
        settings = self.doc.plan
        row = TrackingPlan(
            key=create.key,
            name=create.name or settings.name or create.key,
            description=settings.description or "",
            owner=self.by,
        )
        fields = self._write(
            row, self._plan_values(), new=True, kind="plan", key=create.key
        )
        self._record(fields, new=True, kind="plan", key=create.key)
        return row if fields is not None else None

    def _plan_values(self) -> dict[str, Any]:
        settings = self.doc.plan
        return {
            name: getattr(settings, name)
            for name in _PLAN_FIELDS
            if getattr(settings, name) is not None
        }

    def _sources(self) -> None:
        existing = {s.name.casefold(): s for s in Source.objects.filter(plan=self.plan)}
        for doc in self.doc.sources:
            row = existing.get(doc.name.casefold())
            new = row is None
            row = row or Source(plan=self.plan, name=doc.name)
            fields = self._write(
                row,
                {"kind": doc.kind},
                new=new,
                kind="source",
                key=doc.name,
                where=doc.where,
            )
            self._record(fields, new=new, kind="source", key=doc.name, where=doc.where)
            existing[doc.name.casefold()] = row

    def _property(
        self,
        doc: PropertyDoc,
        *,
        parent: Property | None,
        siblings: dict[str, Property],
        path: str,
    ) -> None:
        row = siblings.get(doc.key)
        new = row is None
        if row is None:
            row = Property(plan=self.plan, parent=parent, key=doc.key)
        fields = self._write(
            row,
            _property_values(doc),
            new=new,
            kind="property",
            key=path,
            where=doc.where,
        )
        self._record(fields, new=new, kind="property", key=path, where=doc.where)
        if fields is None:
            if parent is None:
                self.rejected_properties.add(doc.key)
            return
        siblings[doc.key] = row
        children = {} if new else {c.key: c for c in row.children.all()}
        for nested in doc.fields:
            self._property(
                nested, parent=row, siblings=children, path=f"{path}.{nested.key}"
            )
        if self.doc.exact:
            listed = {nested.key for nested in doc.fields}
            for key, child in children.items():
                if key not in listed:
                    child.delete()
                    self._change(Action.REMOVE, "property", f"{path}.{key}")

    def _groups(self) -> None:
        existing = {g.key: g for g in PropertyGroup.objects.filter(plan=self.plan)}
        for doc in self.doc.groups:
            row = existing.get(doc.key)
            new = row is None
            row = row or PropertyGroup(plan=self.plan, key=doc.key)
            fields = self._write(
                row,
                _group_values(doc, new),
                new=new,
                kind="group",
                key=doc.key,
                where=doc.where,
            )
            if fields is not None:
                members = self._members(
                    GroupProperty,
                    {"group": row},
                    doc.properties,
                    kind="group property",
                    label=f"{doc.key} · ",
                )
                fields = [*fields, *members]
            self._record(fields, new=new, kind="group", key=doc.key, where=doc.where)

    def _members(
        self,
        model: type[GroupProperty] | type[CommonProperty],
        holder: dict[str, Any],
        attachments: Iterable[AttachmentDoc],
        *,
        kind: str,
        label: str,
    ) -> list[str]:
        """Make the holder's members exactly `attachments`; returns a summary of the change."""
        existing = {m.property_id: m for m in model._default_manager.filter(**holder)}
        kept: set[int] = set()
        summary = []
        for position, doc in enumerate(attachments):
            prop = self._resolve(doc, kind=kind, key=label + doc.key)
            if prop is None:
                continue
            row = existing.get(prop.pk)
            new = row is None
            row = row or model(**holder, property=prop)
            values: dict[str, Any] = {"required": doc.required}
            if model is GroupProperty:
                values["position"] = position
            fields = self._write(
                row, values, new=new, kind=kind, key=label + doc.key, where=doc.where
            )
            if fields is None:
                continue
            kept.add(prop.pk)
            if new or fields:
                summary.append(("+" if new else "~") + doc.key)
                if model is CommonProperty:
                    self._record(
                        fields, new=new, kind=kind, key=doc.key, where=doc.where
                    )
        for property_id, row in existing.items():
            if property_id not in kept:
                summary.append("-" + row.property.key)
                row.delete()
                if model is CommonProperty:
                    self._change(Action.REMOVE, kind, row.property.key)
        return [_("members: %s") % ", ".join(summary)] if summary else []

    # -- events ------------------------------------------------------------------------------

    def _events(self) -> None:
        existing = {
            e.key: e
            for e in Event.objects.filter(plan=self.plan).prefetch_related(
                "tags", "sources", "groups"
            )
        }
        total = len(self.doc.events)
        for done, doc in enumerate(self.doc.events, start=1):
            self._event(doc, existing.get(doc.key))
            if self.progress is not None:
                self.progress(done, total)

    def _event(self, doc: EventDoc, row: Event | None) -> None:
        new = row is None
        if row is None:
            row = Event(plan=self.plan, key=doc.key)
        fields = self._write(
            row,
            self._event_values(doc, row),
            new=new,
            kind="event",
            key=doc.key,
            where=doc.where,
            row_number=doc.row,
        )
        if fields is not None:
            fields += self._event_relations(doc, row, new=new)
            fields += self._attachments(doc, row, new=new)
        self._record(
            fields, new=new, kind="event", key=doc.key, where=doc.where, row=doc.row
        )

    def _event_values(self, doc: EventDoc, row: Event) -> dict[str, Any]:
        values = {
            name: getattr(doc, name)
            for name in _EVENT_TEXT
            if getattr(doc, name) is not None
        }
        if doc.owner is not None:
            owner = self._user(doc.owner, doc)
            if owner is not None or not doc.owner:
                values["owner"] = owner
        if doc.status is not None:
            values["status"] = doc.status
            if doc.status != EventStatus.DEPRECATED:
                values["deprecated_at"] = None
            elif row.deprecated_at is None:
                values["deprecated_at"] = timezone.now()
        return values

    def _event_relations(self, doc: EventDoc, row: Event, *, new: bool) -> list[str]:
        changed = []
        wanted: dict[str, list[models.Model] | None] = {
            "tags": self._tags(doc),
            "sources": self._by_name(doc, doc.sources, Source, "name", "source"),
            "groups": self._by_name(doc, doc.groups, PropertyGroup, "key", "group"),
        }
        for name, rows in wanted.items():
            if rows is None:
                continue
            manager = getattr(row, name)
            current = set() if new else {r.pk for r in manager.all()}
            if current != {r.pk for r in rows}:
                manager.set(rows)
                changed.append(name)
        return [] if new else changed

    def _tags(self, doc: EventDoc) -> list[models.Model] | None:
        if doc.tags is None:
            return None
        tags = []
        for name in doc.tags:
            tag = Tag.objects.filter(name=name).first()
            if tag is None:
                tag = Tag(name=name)
                if (
                    self._write(
                        tag, {}, new=True, kind="tag", key=name, where=doc.where
                    )
                    is None
                ):
                    continue
            tags.append(tag)
        return tags

    def _by_name(
        self,
        doc: EventDoc,
        names: tuple[str, ...] | None,
        model: type[Source] | type[PropertyGroup],
        field: str,
        kind: str,
    ) -> list[models.Model] | None:
        if names is None:
            return None
        found = {
            getattr(r, field): r
            for r in model._default_manager.filter(
                plan=self.plan, **{f"{field}__in": names}
            )
        }
        for name in names:
            if name not in found:
                self.reject(
                    "event",
                    doc.key,
                    (
                        _("%(kind)s “%(name)s” is not in the plan.")
                        % {"kind": kind, "name": name},
                    ),
                    where=doc.where,
                    row=doc.row,
                )
        return [found[name] for name in names if name in found]

    def _attachments(self, doc: EventDoc, event: Event, *, new: bool) -> list[str]:
        existing = {} if new else {a.property_id: a for a in event.attachments.all()}
        covered = self._covered(event) if self.doc.flattened else {}
        kept: set[int] = set()
        summary = []
        for position, attachment in enumerate(doc.properties):
            label = f"{doc.key} · {attachment.key}"
            prop = self._resolve(attachment, kind="event property", key=label)
            if prop is None:
                continue
            row = existing.get(prop.pk)
            if row is None and _is_covered(attachment, covered):
                continue
            created = row is None
            row = row or EventProperty(event=event, property=prop)
            fields = self._write(
                row,
                _attachment_values(attachment, position),
                new=created,
                kind="event property",
                key=label,
                where=attachment.where,
                row_number=attachment.row,
            )
            if fields is None:
                continue
            kept.add(prop.pk)
            if created or fields:
                summary.append(("+" if created else "~") + attachment.key)
        for property_id, row in existing.items():
            if property_id not in kept:
                summary.append("-" + row.property.key)
                row.delete()
        return [_("properties: %s") % ", ".join(summary)] if summary and not new else []

    def _covered(self, event: Event) -> dict[str, bool]:
        """Keys the event already receives from its groups and the common properties."""
        covered: dict[str, bool] = {}
        rows: list[GroupProperty | CommonProperty] = list(
            CommonProperty.objects.filter(plan=self.plan).select_related("property")
        )
        if event.pk:
            rows += GroupProperty.objects.filter(group__events=event).select_related(
                "property"
            )
        for row in rows:
            covered[row.property.key] = (
                covered.get(row.property.key, False) or row.required
            )
        return covered

    # -- shared steps ------------------------------------------------------------------------

    def _resolve(self, doc: AttachmentDoc, *, kind: str, key: str) -> Property | None:
        prop = self.properties.get(doc.key)
        if prop is None and doc.key not in self.rejected_properties:
            self.reject(
                kind,
                key,
                (_("“%s” is not a property of the plan.") % doc.key,),
                where=doc.where,
                row=doc.row,
            )
        return prop

    def _user(self, username: str, doc: EventDoc) -> AbstractBaseUser | None:
        if not username:
            return None
        if username not in self.users:
            user_model = get_user_model()
            self.users[username] = user_model._default_manager.filter(
                **{user_model.USERNAME_FIELD: username}
            ).first()
            if self.users[username] is None:
                self.log.unsupported(
                    doc.where,
                    _("The owner “%s” has no account here; the event keeps its owner.")
                    % username,
                    row=doc.row,
                )
        return self.users[username]

    def _write(
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

    def _record(
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
            self._change(Action.CREATE, kind, key, where=where, row=row)
        elif fields:
            self._change(
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
        self._change(Action.REJECT, kind, key, reasons=reasons, where=where, row=row)

    def _change(
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


def _property_values(doc: PropertyDoc) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": doc.type,
        "item_type": doc.item_type,
        "enum": list(doc.enum),
        "pattern": doc.patterns[0] if doc.patterns else "",
        "minimum": _decimal(doc.minimum),
        "maximum": _decimal(doc.maximum),
        "min_length": doc.min_length,
        "max_length": doc.max_length,
        "min_items": doc.min_items,
        "max_items": doc.max_items,
    }
    for name in ("display_name", "description", "privacy_class"):
        if getattr(doc, name) is not None:
            values[name] = getattr(doc, name)
    if doc.examples is not None:
        values["examples"] = list(doc.examples)
    return values


def _group_values(doc: GroupDoc, new: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if doc.name is not None or new:
        values["name"] = doc.name or doc.key
    if doc.description is not None:
        values["description"] = doc.description
    return values


def _attachment_values(doc: AttachmentDoc, position: int) -> dict[str, Any]:
    values: dict[str, Any] = {
        "required": doc.required,
        "position": position,
        **doc.narrowing_values(),
    }
    values["enum"] = list(doc.enum)
    values["minimum"] = _decimal(doc.minimum)
    values["maximum"] = _decimal(doc.maximum)
    if doc.note is not None:
        values["note"] = doc.note
    return values


def _is_covered(doc: AttachmentDoc, covered: dict[str, bool]) -> bool:
    """Whether a group or common property already gives the event this, unchanged."""
    if doc.key not in covered or doc.narrows or doc.note:
        return False
    return covered[doc.key] or not doc.required


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _reasons(exc: ValidationError) -> tuple[str, ...]:
    if not hasattr(exc, "error_dict"):
        return tuple(exc.messages)
    return tuple(
        message if name == NON_FIELD_ERRORS else f"{name}: {message}"
        for name, messages in exc.message_dict.items()
        for message in messages
    )
