"""Change requests (asking to publish the draft), the reviewers' decisions and comments."""

from __future__ import annotations

from typing import Any, TypedDict

from rest_framework import serializers

from tracking.api.serializers.known_keys import KnownKeysMixin
from tracking.api.serializers.plans import username_field
from tracking.models.versions import ChangeRequest, PlanVersion, ReviewComment


class ChangeRequestSerializer(
    KnownKeysMixin, serializers.ModelSerializer[ChangeRequest]
):
    author = username_field("Username of who opened it (the caller).")
    reviewer = username_field("Username of who approved it or asked for changes.")
    published_version: serializers.SlugRelatedField[PlanVersion] = (
        serializers.SlugRelatedField(
            slug_field="number",
            read_only=True,
            help_text="The version it was published as, once published.",
        )
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "title",
            "description",
            "status",
            "author",
            "reviewer",
            "submitted_at",
            "decided_at",
            "published_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "The change request's id."},
            "title": {"help_text": "What the change is, in a line."},
            "description": {"help_text": "Why, and what reviewers should look at."},
            "status": {
                "help_text": (
                    "draft → in_review → approved (or rejected: changes requested) → "
                    "published; or withdrawn."
                )
            },
            "submitted_at": {"help_text": "When it was last sent for review."},
            "decided_at": {"help_text": "When it was last approved or sent back."},
            "created_at": {"help_text": "When it was opened."},
            "updated_at": {"help_text": "When it last changed."},
        }


class DecisionInput(TypedDict):
    """What `ApproveSerializer` and `RequestChangesSerializer` validate."""

    comment: str


class ApproveSerializer(KnownKeysMixin, serializers.Serializer[dict[str, Any]]):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional; added to the discussion.",
    )


class RequestChangesSerializer(KnownKeysMixin, serializers.Serializer[dict[str, Any]]):
    comment = serializers.CharField(
        help_text="What needs to change; added to the discussion."
    )


class CommentSerializer(KnownKeysMixin, serializers.ModelSerializer[ReviewComment]):
    author = username_field("Username of who wrote it (the caller).")

    class Meta:
        model = ReviewComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "id": {"help_text": "The comment's id."},
            "body": {"help_text": "The comment's text."},
            "created_at": {"help_text": "When it was written."},
        }
