"""How the plan's events changed: the events themselves and each event's effective properties."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tracking.diff.changes import (
    ADDED,
    ADDITIVE,
    BREAKING,
    CHANGED,
    EVENT,
    REMOVED,
    TEXT,
    Change,
)
from tracking.diff.deltas import Delta, join, place, value_delta, whole
from tracking.diff.properties import attachments_deltas

# TRICKY: tracking.snapshot also loads snapshots from the database; importing it only for
# type checking keeps the diff free of the ORM at run time.
if TYPE_CHECKING:
    from tracking.snapshot import EventSpec, PlanSnapshot


# The origin `tracking.snapshot` gives properties an event carries as common properties.
ORIGIN_COMMON = "common"


def event_changes(old: PlanSnapshot, new: PlanSnapshot) -> list[Change]:
    olds = {e.key: e for e in old.events}
    news = {e.key: e for e in new.events}
    changes: list[Change] = []
    for key in sorted(olds.keys() | news.keys()):
        before, after = olds.get(key), news.get(key)
        if before is None and after is not None:
            deltas = [_whole(ADDED, after, level=ADDITIVE, phrase=_("added"))]
        elif after is None and before is not None:
            phrase = (
                _("removed (it was deprecated)")
                if before.is_deprecated
                else _("removed")
            )
            deltas = [_whole(REMOVED, before, level=BREAKING, phrase=phrase)]
        elif before is not None and after is not None:
            deltas = _event_deltas(before, after)
        changes += place(deltas, object_type=EVENT, key=key, subject=_subject(key))
    return changes


def _subject(event: str) -> Callable[[str], str]:
    """Names what a change on one event concerns: the event, or one of its properties."""

    def subject(name: str) -> str:
        if name:
            return _("Property “%(property)s” on “%(event)s”") % {
                "property": name,
                "event": event,
            }
        return _("Event “%(event)s”") % {"event": event}

    return subject


def _whole(kind: str, event: EventSpec, *, level: str, phrase: str) -> Delta:
    return whole(kind, {"status": event.status}, level=level, phrase=phrase)


def _event_deltas(old: EventSpec, new: EventSpec) -> list[Delta]:
    deltas: list[Delta] = []
    for field in ("display_name", "category", "owner"):
        deltas += value_delta(
            field, getattr(old, field), getattr(new, field), level=TEXT
        )
    deltas += value_delta("tags", sorted(old.tags), sorted(new.tags), level=TEXT)
    for field in ("description", "trigger"):
        before, after = getattr(old, field), getattr(new, field)
        deltas += value_delta(field, before, after, level=TEXT, with_values=False)
    deltas += _status_deltas(old, new)
    deltas += value_delta("tracked_on", old.tracked_on, new.tracked_on, level=ADDITIVE)
    deltas += _membership_deltas(
        "sources",
        old.sources,
        new.sources,
        level=ADDITIVE,
        added=_("now expected on source “%(item)s”"),
        removed=_(
            "no longer expected on source “%(item)s” "
            "(only coverage changes: its samples stay valid)"
        ),
    )
    deltas += _membership_deltas(
        "groups",
        old.groups,
        new.groups,
        level=TEXT,
        added=_("now uses group “%(item)s”"),
        removed=_("no longer uses group “%(item)s”"),
    )
    deltas += attachments_deltas(
        old.properties, new.properties, prefix="properties", skip=_common_only(old, new)
    )
    return deltas


def _status_deltas(old: EventSpec, new: EventSpec) -> list[Delta]:
    """Every status change is additive: the event's samples stay valid either way."""
    if old.status == new.status:
        return []
    if new.is_deprecated:
        phrase = _("deprecated (status was %(before)s): senders should stop sending it")
    elif old.is_deprecated:
        phrase = _("no longer deprecated (status now %(after)s)")
    else:
        phrase = _("status changed from %(before)s to %(after)s")
    values = {"before": old.status, "after": new.status}
    return [
        Delta(
            kind=CHANGED,
            path="status",
            field="status",
            before=old.status,
            after=new.status,
            level=ADDITIVE,
            phrase=phrase % values,
        )
    ]


def _membership_deltas(
    field: str,
    old: Iterable[str],
    new: Iterable[str],
    *,
    level: str,
    added: str,
    removed: str,
) -> list[Delta]:
    before, after = set(old), set(new)
    return [
        Delta(
            kind=ADDED if item in after else REMOVED,
            path=join(field, item),
            field=field,
            before=None if item in after else item,
            after=item if item in after else None,
            level=level,
            phrase=(added if item in after else removed) % {"item": item},
        )
        for item in sorted(before ^ after)
    ]


def _common_only(old: EventSpec, new: EventSpec) -> frozenset[str]:
    """Keys every event carries only as common properties: reported once, not per event."""
    origins: dict[str, set[str]] = {}
    for attached in (*old.properties, *new.properties):
        origins.setdefault(attached.key, set()).add(attached.origin)
    return frozenset(key for key, found in origins.items() if found == {ORIGIN_COMMON})
