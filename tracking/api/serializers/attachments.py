"""Rows that attach a property: to an event (narrowing it), to a group, or to the whole plan."""

from __future__ import annotations

from rest_framework import serializers

from tracking.api.serializers.narrowing import CONSTRAINT_FIELDS, CONSTRAINT_HELP
from tracking.api.serializers.validation import (
    AnyField,
    ModelCleanSerializer,
    RowT,
    offer_rows,
)
from tracking.models import (
    CommonProperty,
    EventProperty,
    GroupProperty,
    Property,
    plans_visible_to,
)


def _property_field() -> serializers.PrimaryKeyRelatedField[Property]:
    return serializers.PrimaryKeyRelatedField(
        queryset=Property.objects.none(),
        help_text="Id of a top-level property of the plan.",
    )


def _property_key_field() -> serializers.CharField:
    return serializers.CharField(
        source="property.key", read_only=True, help_text="The property's key."
    )


class VisiblePropertyMixin(serializers.Serializer[RowT]):
    """Offers the properties of every plan the caller sees, so the model can refuse other plans'."""

    def get_fields(self) -> dict[str, AnyField]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "property" in fields:
            visible = Property.objects.filter(plan__in=plans_visible_to(request.user))
            offer_rows(fields["property"], visible)
        return fields


class MemberSerializer(
    VisiblePropertyMixin[GroupProperty], ModelCleanSerializer[GroupProperty]
):
    """A property in a group."""

    property = _property_field()
    property_key = _property_key_field()

    class Meta:
        model = GroupProperty
        fields = ["id", "property", "property_key", "required", "position"]
        extra_kwargs = {
            "id": {"help_text": "The membership's id."},
            "required": {"help_text": "Whether events of the group must carry it."},
            "position": {"help_text": "Order of the property in the group."},
        }
        validators: list[object] = []


class AttachmentSerializer(
    VisiblePropertyMixin[EventProperty], ModelCleanSerializer[EventProperty]
):
    """A property attached to an event, required or optional, optionally narrowed."""

    property = _property_field()
    property_key = _property_key_field()

    class Meta:
        model = EventProperty
        fields = [
            "id",
            "property",
            "property_key",
            "required",
            "note",
            "position",
            *CONSTRAINT_FIELDS,
        ]
        extra_kwargs = {
            "id": {"help_text": "The attachment's id."},
            "required": {"help_text": "Whether every event must carry the property."},
            "note": {"help_text": "What the property means on this event."},
            "position": {"help_text": "Order of the property in the event."},
            **CONSTRAINT_HELP,
        }
        validators: list[object] = []


class CommonPropertySerializer(
    VisiblePropertyMixin[CommonProperty], ModelCleanSerializer[CommonProperty]
):
    """A property every event of the plan carries."""

    property = _property_field()
    property_key = _property_key_field()

    class Meta:
        model = CommonProperty
        fields = ["id", "property", "property_key", "required"]
        extra_kwargs = {
            "id": {"help_text": "The common property's id."},
            "required": {"help_text": "Whether every event must carry it."},
        }
        validators: list[object] = []
