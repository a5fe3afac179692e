"""Writing a document's plan settings, sources, properties, groups and common properties."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from tracking.interchange.document import (
    AttachmentDoc,
    GroupDoc,
    PlanDocument,
    PropertyDoc,
)
from tracking.interchange.report import Action
from tracking.interchange.row_writer import RowWriter
from tracking.models import (
    CommonProperty,
    GroupProperty,
    Property,
    PropertyGroup,
    Source,
    TrackingPlan,
)

_PLAN_FIELDS = (
    "event_naming",
    "event_naming_regex",
    "property_naming",
    "property_naming_regex",
    "additional_properties",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPlan:
    """The plan an import creates: its key, and a name (else the file's, else the key)."""

    key: str
    name: str = ""


class PlanWriter(RowWriter):
    """Writes everything of a document but its events into one plan."""

    def __init__(self, document: PlanDocument, *, by: User | None) -> None:
        super().__init__(by=by)
        self.doc = document
        self.properties: dict[str, Property] = {}
        self.rejected_properties: set[str] = set()

    def write_library(self, plan: TrackingPlan | None, create: NewPlan | None) -> bool:
        """Write the plan and its shared parts; False when the plan itself is rejected."""
        target = self._plan(plan, create)
        if target is None:
            return False
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
        return True

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
        fields = self.write_row(plan, values, new=False, kind="plan", key=plan.key)
        self.record(fields, new=False, kind="plan", key=plan.key)
        return plan

    def _new_plan(self, create: NewPlan) -> TrackingPlan | None:
        settings = self.doc.plan
        row = TrackingPlan(
            key=create.key,
            name=create.name or settings.name or create.key,
            description=settings.description or "",
            owner=self.by,
        )
        fields = self.write_row(
            row, self._plan_values(), new=True, kind="plan", key=create.key
        )
        self.record(fields, new=True, kind="plan", key=create.key)
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
            fields = self.write_row(
                row,
                {"kind": doc.kind},
                new=new,
                kind="source",
                key=doc.name,
                where=doc.where,
            )
            self.record(fields, new=new, kind="source", key=doc.name, where=doc.where)
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
        fields = self.write_row(
            row,
            _property_values(doc),
            new=new,
            kind="property",
            key=path,
            where=doc.where,
        )
        self.record(fields, new=new, kind="property", key=path, where=doc.where)
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
                    self.change(Action.REMOVE, "property", f"{path}.{key}")

    def _groups(self) -> None:
        existing = {g.key: g for g in PropertyGroup.objects.filter(plan=self.plan)}
        for doc in self.doc.groups:
            row = existing.get(doc.key)
            new = row is None
            row = row or PropertyGroup(plan=self.plan, key=doc.key)
            fields = self.write_row(
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
            self.record(fields, new=new, kind="group", key=doc.key, where=doc.where)

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
            fields = self.write_row(
                row, values, new=new, kind=kind, key=label + doc.key, where=doc.where
            )
            if fields is None:
                continue
            kept.add(prop.pk)
            if new or fields:
                summary.append(("+" if new else "~") + doc.key)
                if model is CommonProperty:
                    self.record(
                        fields, new=new, kind=kind, key=doc.key, where=doc.where
                    )
        for property_id, row in existing.items():
            if property_id not in kept:
                summary.append("-" + row.property.key)
                row.delete()
                if model is CommonProperty:
                    self.change(Action.REMOVE, kind, row.property.key)
        return [_("members: %s") % ", ".join(summary)] if summary else []

    # -- events ------------------------------------------------------------------------------

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


def _property_values(doc: PropertyDoc) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": doc.type,
        "item_type": doc.item_type,
        "enum": list(doc.enum),
        "pattern": doc.patterns[0] if doc.patterns else "",
        "minimum": decimal_or_none(doc.minimum),
        "maximum": decimal_or_none(doc.maximum),
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


def decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
