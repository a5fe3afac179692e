"""Events with their property attachments, groups, tags and expected sources."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db import transaction
from django.db.models import QuerySet
from rest_framework import serializers

from tracking.api.serializers.attachments import AttachmentSerializer
from tracking.api.serializers.known_keys import KnownKeysMixin
from tracking.api.serializers.plans import owner_field
from tracking.api.serializers.validation import (
    AnyField,
    ModelCleanSerializer,
    offer_rows,
)
from tracking.models import Event, Metric, PropertyGroup, Source, Tag


class TagNamesField(serializers.ListField):
    """Tags by name; unknown names are created."""

    child = serializers.CharField(max_length=64)

    def get_attribute(self, instance: Event | Metric) -> list[str]:
        return [tag.name for tag in instance.tags.all()]


def _plan_rows(
    rows: QuerySet[Source] | QuerySet[PropertyGroup], help_text: str
) -> serializers.ManyRelatedField:
    # What `many=True` calls, typed as the ManyRelatedField it builds.
    return serializers.PrimaryKeyRelatedField.many_init(
        required=False, queryset=rows, help_text=help_text
    )


class EventSerializer(ModelCleanSerializer[Event]):
    owner = owner_field("event")
    tags = TagNamesField(required=False, help_text="Tag names, e.g. checkout.")
    sources = _plan_rows(
        Source.objects.none(),
        "Ids of the sources the event is expected on; none means every source.",
    )
    groups = _plan_rows(
        PropertyGroup.objects.none(),
        "Ids of the property groups attached to the event.",
    )
    attachments = AttachmentSerializer(
        many=True,
        read_only=True,
        help_text="The event's own properties; edit them under …/events/{event}/properties.",
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "key",
            "display_name",
            "description",
            "trigger",
            "category",
            "tags",
            "owner",
            "status",
            "tracked_on",
            "sources",
            "groups",
            "attachments",
            "deprecated_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["deprecated_at", "created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "The event's id."},
            "key": {
                "help_text": "Machine name SDKs send, following the plan's convention."
            },
            "description": {"help_text": "What the event means."},
            "category": {"help_text": "A free category, e.g. commerce."},
            "status": {
                "help_text": "Lifecycle; use the deprecate action to deprecate."
            },
            "tracked_on": {"help_text": "Whether the client or the server sends it."},
            "deprecated_at": {"help_text": "When the event was deprecated."},
            "created_at": {"help_text": "When the event was added."},
            "updated_at": {"help_text": "When the event last changed."},
        }
        validators: list[object] = []

    def get_fields(self) -> dict[str, AnyField]:
        fields = super().get_fields()
        plan = self.context.get("plan")
        if plan is not None:
            offer_rows(fields["sources"], Source.objects.filter(plan=plan))
            offer_rows(fields["groups"], PropertyGroup.objects.filter(plan=plan))
        return fields

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> Event:
        tags = validated_data.pop("tags", None)
        event = super().create(validated_data)
        _set_tags(event, tags)
        return event

    @transaction.atomic
    def update(self, instance: Event, validated_data: dict[str, Any]) -> Event:
        tags = validated_data.pop("tags", None)
        event = super().update(instance, validated_data)
        _set_tags(event, tags)
        return event


def _set_tags(event: Event, names: list[str] | None) -> None:
    if names is None:
        return
    tags = [Tag.objects.get_or_create(name=name.strip())[0] for name in names]
    event.tags.set(tags)


class DuplicateInput(TypedDict, total=False):
    """What `DuplicateSerializer` validates: the key only when given."""

    key: str


class DuplicateSerializer(KnownKeysMixin, serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField(
        max_length=128,
        required=False,
        help_text="Key of the copy; a free one following the convention if omitted.",
    )
