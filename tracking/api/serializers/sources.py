"""Sources: where events come from; write keys shown in full only to roles that may see them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracking.api.permissions import may_see_write_keys
from tracking.api.serializers.validation import ModelCleanSerializer
from tracking.models import Source


def masked(write_key: str) -> str:
    """The write key with all but its last four characters hidden, as the admin shows it."""
    return "•" * 8 + write_key[-4:]


class SourceSerializer(ModelCleanSerializer[Source]):
    write_key = serializers.SerializerMethodField(
        help_text=(
            "The key SDKs send to the collector. Masked unless the caller may change "
            "sources (editor, admin)."
        )
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "is_active",
            "pinned_version",
            "write_key",
            "write_key_rotated_at",
            "created_at",
        ]
        read_only_fields = ["write_key_rotated_at", "created_at"]
        extra_kwargs = {
            "id": {"help_text": "The source's id."},
            "name": {"help_text": "Unique per plan, ignoring case, e.g. Shop iOS."},
            "kind": {"help_text": "The platform the events come from."},
            "pinned_version": {
                "help_text": (
                    "Id of a version of this plan that this source's live events are "
                    "validated against; null for the latest published version."
                )
            },
            "write_key_rotated_at": {"help_text": "When the write key last changed."},
            "created_at": {"help_text": "When the source was added."},
        }
        validators: list[object] = []

    @extend_schema_field(serializers.CharField())
    def get_write_key(self, source: Source) -> str:
        request = self.context.get("request")
        if request is not None and may_see_write_keys(request.user):
            return source.write_key
        return masked(source.write_key)


class WriteKeySerializer(serializers.Serializer[dict[str, Any]]):
    write_key = serializers.CharField(
        help_text="The new write key; the old one stopped working."
    )
    write_key_rotated_at = serializers.DateTimeField(
        help_text="When the key was rotated."
    )
