"""Tracking plans: their naming and additional-properties policy, and their check findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from tracking.api.serializers.validation import ModelCleanSerializer
from tracking.models import TrackingPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def owner_field(what: str) -> serializers.SlugRelatedField[User]:
    """A user given by username; when omitted on creation, the caller."""
    return serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        # The stubs do not list context-aware defaults such as CurrentUserDefault.
        default=serializers.CurrentUserDefault(),  # type: ignore[arg-type]
        help_text=f"Username of the person responsible for the {what}; the caller if omitted.",
    )


def username_field(help_text: str) -> serializers.SlugRelatedField[User]:
    """A user shown by username, never given."""
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text=help_text
    )


class PlanSerializer(ModelCleanSerializer[TrackingPlan]):
    owner = owner_field("plan")

    class Meta:
        model = TrackingPlan
        fields = [
            "id",
            "key",
            "name",
            "description",
            "owner",
            "event_naming",
            "event_naming_regex",
            "property_naming",
            "property_naming_regex",
            "additional_properties",
            "requires_approval",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "Internal id; address plans by key."},
            "key": {"help_text": "Short name used in URLs, e.g. `shop-app`."},
            "name": {"help_text": "The product's name, e.g. Shop App."},
            "description": {"help_text": "What the plan covers."},
            "event_naming": {"help_text": "Convention every event key must follow."},
            "event_naming_regex": {
                "help_text": "For the custom convention: a regex event keys must match."
            },
            "property_naming": {
                "help_text": "Convention every property key must follow."
            },
            "property_naming_regex": {
                "help_text": "For the custom convention: a regex property keys must match."
            },
            "additional_properties": {
                "help_text": "Whether live events may carry properties the plan does not list."
            },
            "requires_approval": {
                "help_text": "Publishing needs a change request approved by someone else."
            },
            "created_at": {"help_text": "When the plan was created."},
            "updated_at": {"help_text": "When the plan's settings last changed."},
        }
        validators: list[object] = []


class FindingSerializer(serializers.Serializer[dict[str, Any]]):
    severity = serializers.ChoiceField(
        choices=["error", "warning", "info"],
        help_text="Errors block publishing; warnings and infos do not.",
    )
    code = serializers.CharField(help_text="Stable code of the check, for scripts.")
    object_type = serializers.CharField(
        help_text="What the finding is about: plan, event, property, group or source."
    )
    object_key = serializers.CharField(help_text="The key of that object.")
    object_id = serializers.IntegerField(
        allow_null=True, help_text="The id of that object, when it has one."
    )
    message = serializers.CharField(help_text="What is wrong, for people.")


class PlanChecksSerializer(serializers.Serializer[dict[str, Any]]):
    plan = serializers.CharField(help_text="The plan's key.")
    # The stubs see a field named like a serializer attribute; DRF moves declared fields aside.
    errors = serializers.IntegerField(help_text="How many findings are errors.")  # type: ignore[assignment]
    warnings = serializers.IntegerField(help_text="How many findings are warnings.")
    findings = FindingSerializer(many=True, help_text="Every finding, errors first.")
