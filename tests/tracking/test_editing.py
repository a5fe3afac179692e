"""Deprecating and duplicating events."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    UserFactory,
)
from tracking.editing import deprecate_event, duplicate_event, free_copy_key
from tracking.models import EventStatus

pytestmark = pytest.mark.django_db


def test_deprecating_keeps_the_event_and_records_who():
    pm = UserFactory(username="pm")
    event = EventFactory(status=EventStatus.ACTIVE)
    deprecate_event(event, by=pm)
    event.refresh_from_db()
    assert event.status == EventStatus.DEPRECATED
    assert event.deprecated_at is not None
    assert event.history.first().history_user == pm


def test_duplicate_copies_properties_narrowing_and_groups_as_a_draft():
    attachment = EventPropertyFactory(
        event__key="Product Viewed",
        property__type="string",
        property__enum=["a", "b"],
        enum=["a"],
        required=True,
    )
    event = attachment.event
    event.groups.add(GroupFactory(plan=event.plan))
    copy = duplicate_event(event, key="Product Previewed", by=None)
    assert copy.status == EventStatus.DRAFT
    assert [(a.property_id, a.required, a.enum) for a in copy.attachments.all()] == [
        (attachment.property_id, True, ["a"])
    ]
    assert list(copy.groups.all()) == list(event.groups.all())


def test_duplicate_refuses_a_colliding_key():
    event = EventFactory(key="Product Viewed")
    with pytest.raises(ValidationError):
        duplicate_event(event, key="product viewed", by=None)


def test_free_copy_key_follows_the_convention_and_skips_taken_keys():
    event = EventFactory(key="Product Viewed")
    EventFactory(plan=event.plan, key="Product Viewed Copy2")
    assert free_copy_key(event) == "Product Viewed Copy3"
