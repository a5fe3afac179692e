"""Writing a document's events: their fields, tags, sources, groups and attachments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.interchange.document import AttachmentDoc, EventDoc, PlanDocument
from tracking.interchange.plan_writer import NewPlan, PlanWriter, decimal_or_none
from tracking.models import (
    CommonProperty,
    Event,
    EventProperty,
    EventStatus,
    GroupProperty,
    PropertyGroup,
    Source,
    Tag,
    TrackingPlan,
)

Progress = Callable[[int, int], None]
_EVENT_TEXT = ("display_name", "description", "trigger", "category", "tracked_on")


class DocumentWriter(PlanWriter):
    """Writes one whole document into one plan, recording each change."""

    def __init__(
        self,
        document: PlanDocument,
        *,
        by: User | None,
        progress: Progress | None,
    ) -> None:
        super().__init__(document, by=by)
        self.progress = progress
        self.users: dict[str, User | None] = {}

    def write(self, plan: TrackingPlan | None, create: NewPlan | None) -> None:
        if self.write_library(plan, create):
            self._events()

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
        fields = self.write_row(
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
        self.record(
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
        tags: list[models.Model] = []
        for name in doc.tags:
            tag = Tag.objects.filter(name=name).first()
            if tag is None:
                tag = Tag(name=name)
                if (
                    self.write_row(
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
            fields = self.write_row(
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

    def _user(self, username: str, doc: EventDoc) -> User | None:
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


def _attachment_values(doc: AttachmentDoc, position: int) -> dict[str, Any]:
    values: dict[str, Any] = {
        "required": doc.required,
        "position": position,
        **doc.narrowing_values(),
    }
    values["enum"] = list(doc.enum)
    values["minimum"] = decimal_or_none(doc.minimum)
    values["maximum"] = decimal_or_none(doc.maximum)
    if doc.note is not None:
        values["note"] = doc.note
    return values


def _is_covered(doc: AttachmentDoc, covered: dict[str, bool]) -> bool:
    """Whether a group or common property already gives the event this, unchanged."""
    if doc.key not in covered or doc.narrows or doc.note:
        return False
    return covered[doc.key] or not doc.required
