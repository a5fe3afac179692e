"""Property groups with their member properties."""

from __future__ import annotations

from tracking.api.serializers.attachments import MemberSerializer
from tracking.api.serializers.validation import ModelCleanSerializer
from tracking.models import PropertyGroup


class GroupSerializer(ModelCleanSerializer[PropertyGroup]):
    members = MemberSerializer(
        many=True,
        read_only=True,
        help_text="The group's properties; edit them under …/groups/{group}/properties.",
    )

    class Meta:
        model = PropertyGroup
        fields = [
            "id",
            "key",
            "name",
            "description",
            "members",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "The group's id."},
            "key": {"help_text": "Machine name of the group, unique per plan."},
            "name": {"help_text": "For people, e.g. Product fields."},
            "description": {"help_text": "What the group bundles."},
            "created_at": {"help_text": "When the group was added."},
            "updated_at": {"help_text": "When the group last changed."},
        }
        validators: list[object] = []
