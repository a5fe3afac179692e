"""How the plan-wide parts changed: the property library, groups, common properties, sources
and the plan's own settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tracking.diff.changes import (
    ADDED,
    ADDITIVE,
    BREAKING,
    CHANGED,
    COMMON_PROPERTY,
    GROUP,
    PLAN,
    PROPERTY,
    REMOVED,
    SOURCE,
    TEXT,
    Change,
    JsonValue,
)
from tracking.diff.deltas import Delta, place, value_delta, whole
from tracking.diff.properties import (
    attachment_deltas,
    attachments_deltas,
    property_deltas,
)

# TRICKY: tracking.snapshot also loads snapshots from the database; importing it only for
# type checking keeps the diff free of the ORM at run time.
if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot


_ADDITIONAL_FORBID = "forbid"


def library_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    """Removing a library property breaks when an event carried it; unused, it is additive."""
    used = {a.key for e in old.events for a in e.properties}
    olds = {p.key: p for p in old.properties}
    news = {p.key: p for p in new.properties}
    changes: list[Change] = []
    for key in sorted(olds.keys() | news.keys()):
        if key not in news:
            removed = (
                (BREAKING, _("removed while events use it"))
                if key in used
                else (ADDITIVE, _("removed (no event used it)"))
            )
            essentials: JsonValue = {"type": olds[key].type}
            deltas = [
                whole(
                    REMOVED, essentials, level=removed[0], phrase=removed[1], name=key
                )
            ]
        elif key not in olds:
            essentials = {"type": news[key].type}
            deltas = [
                whole(ADDED, essentials, level=ADDITIVE, phrase=_("added"), name=key)
            ]
        else:
            deltas = property_deltas(olds[key], news[key], path="", name=key)
        changes += place(
            deltas,
            object_type=PROPERTY,
            key=key,
            subject=_library_subject,
        )
    return changes


def group_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    """Groups report membership and texts; their members' definitions change in the library."""
    used = {g for e in old.events for g in e.groups}
    olds = {g.key: g for g in old.groups}
    news = {g.key: g for g in new.groups}
    changes: list[Change] = []
    for key in sorted(olds.keys() | news.keys()):
        if key not in news:
            level = BREAKING if key in used else ADDITIVE
            members: JsonValue = [a.key for a in olds[key].properties]
            deltas = [
                whole(
                    REMOVED, {"properties": members}, level=level, phrase=_("removed")
                )
            ]
        elif key not in olds:
            members = [a.key for a in news[key].properties]
            deltas = [
                whole(ADDED, {"properties": members}, level=ADDITIVE, phrase=_("added"))
            ]
        else:
            before, after = olds[key], news[key]
            deltas = value_delta("name", before.name, after.name, level=TEXT)
            deltas += value_delta(
                "description",
                before.description,
                after.description,
                level=TEXT,
                with_values=False,
            )
            deltas += attachments_deltas(
                before.properties,
                after.properties,
                prefix="properties",
                constraints=False,
            )
        changes += place(
            deltas, object_type=GROUP, key=key, subject=_group_subject(key)
        )
    return changes


def common_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    """Common properties, definitions included: every event carries them, reported once here."""
    olds = {a.key: a for a in old.common_properties}
    news = {a.key: a for a in new.common_properties}
    changes: list[Change] = []
    for key in sorted(olds.keys() | news.keys()):
        changes += place(
            attachment_deltas(olds.get(key), news.get(key), path=""),
            object_type=COMMON_PROPERTY,
            key=key,
            subject=_common_subject,
        )
    return changes


def source_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    """A removed source breaks: whatever it sends is no longer part of the plan."""
    olds = {s.name: s for s in old.sources}
    news = {s.name: s for s in new.sources}
    changes: list[Change] = []
    for name in sorted(olds.keys() | news.keys()):
        if name not in news:
            phrase = _("removed: what it sends is no longer part of the plan")
            kind: JsonValue = {"kind": olds[name].kind}
            deltas = [whole(REMOVED, kind, level=BREAKING, phrase=phrase)]
        elif name not in olds:
            kind = {"kind": news[name].kind}
            deltas = [whole(ADDED, kind, level=ADDITIVE, phrase=_("added"))]
        else:
            deltas = value_delta("kind", olds[name].kind, news[name].kind, level=TEXT)
        changes += place(
            deltas,
            object_type=SOURCE,
            key=name,
            subject=_fixed(_("Source “%(source)s”") % {"source": name}),
        )
    return changes


def plan_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    """Naming rules and texts are text; forbidding unlisted properties breaks senders."""
    deltas: list[Delta] = []
    for field in (
        "key",
        "name",
        "event_naming",
        "event_naming_regex",
        "property_naming",
        "property_naming_regex",
    ):
        deltas += value_delta(
            field, getattr(old, field), getattr(new, field), level=TEXT
        )
    deltas += value_delta(
        "description", old.description, new.description, level=TEXT, with_values=False
    )
    if old.additional_properties != new.additional_properties:
        deltas.append(
            _additional_properties(old.additional_properties, new.additional_properties)
        )
    return place(
        deltas,
        object_type=PLAN,
        key=new.key,
        subject=_fixed(_("Plan “%(plan)s”") % {"plan": new.key}),
    )


def _additional_properties(before: str, after: str) -> Delta:
    forbidden = after == _ADDITIONAL_FORBID
    return Delta(
        kind=CHANGED,
        path="additional_properties",
        field="additional_properties",
        before=before,
        after=after,
        level=BREAKING if forbidden else ADDITIVE,
        phrase=_("properties the plan does not list are now forbidden")
        if forbidden
        else _("properties the plan does not list are now allowed"),
    )


def _library_subject(name: str) -> str:
    return _("Library property “%(property)s”") % {"property": name}


def _common_subject(name: str) -> str:
    return _("Common property “%(property)s”") % {"property": name}


def _group_subject(group: str) -> Callable[[str], str]:
    def subject(name: str) -> str:
        if name:
            return _("Property “%(property)s” in group “%(group)s”") % {
                "property": name,
                "group": group,
            }
        return _("Group “%(group)s”") % {"group": group}

    return subject


def _fixed(subject: str) -> Callable[[str], str]:
    """A subject for objects whose changes all concern the object itself."""
    return lambda _name: subject
