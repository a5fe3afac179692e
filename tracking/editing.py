"""Edits to the working draft that touch several rows: deprecating and duplicating events."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking import naming
from tracking.metrics.guard import refuse_removal
from tracking.models import Event, EventProperty, EventStatus
from tracking.naming import fold_key


def deprecate_event(event: Event, *, by: User | None) -> Event:
    """Mark the event deprecated; it stays in the plan, flagged, until a version removes it.

    Raises MetricDependencyError when online metrics use the event.
    """
    if event.status == EventStatus.DEPRECATED:
        return event
    refuse_removal(event, verb="deprecate")
    event.status = EventStatus.DEPRECATED
    event.deprecated_at = timezone.now()
    event._history_user = by  # type: ignore[attr-defined]  # recorded by simple-history
    event.save(update_fields=["status", "deprecated_at", "updated_at"])
    return event


@transaction.atomic
def duplicate_event(event: Event, *, key: str, by: User | None) -> Event:
    """A draft copy of the event under a new key, with its properties, groups, tags and sources.

    Raises ValidationError when the key breaks the naming convention or collides.
    """
    copy = Event(
        plan=event.plan,
        key=key,
        display_name=event.display_name,
        description=event.description,
        trigger=event.trigger,
        category=event.category,
        owner=event.owner,
        status=EventStatus.DRAFT,
        tracked_on=event.tracked_on,
    )
    copy.full_clean(exclude=["key_folded"])
    copy._history_user = by  # type: ignore[attr-defined]
    copy.save()
    copy.tags.set(event.tags.all())
    copy.sources.set(event.sources.all())
    copy.groups.set(event.groups.all())
    EventProperty.objects.bulk_create(
        [
            EventProperty(
                event=copy,
                property_id=attachment.property_id,
                required=attachment.required,
                note=attachment.note,
                position=attachment.position,
                **attachment.constraint_values(),
            )
            for attachment in event.attachments.all()
        ]
    )
    return copy


def free_copy_key(event: Event) -> str:
    """A key for a copy of the event that follows the convention and collides with nothing."""
    taken = set(
        Event.objects.filter(plan_id=event.plan_id).values_list("key_folded", flat=True)
    )
    for n in range(2, 1000):
        candidate = _copy_key(event, n)
        if fold_key(candidate) not in taken:
            return candidate
    raise ValidationError(_("Could not find a free key for the copy."))


def _copy_key(event: Event, n: int) -> str:
    convention = event.plan.event_naming
    if convention == naming.OBJECT_ACTION:
        return f"{event.key} Copy{n}"
    if convention == naming.CAMEL_CASE:
        return f"{event.key}Copy{n}"
    return f"{event.key}_copy{n}"
