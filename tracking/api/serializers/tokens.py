"""API tokens: listed by prefix; the token itself appears once, in the answer that creates it."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tracking.api.serializers.validation import ModelCleanSerializer
from tracking.models import ApiToken, issue_token


class TokenSerializer(ModelCleanSerializer[ApiToken]):
    clean_exclude = ("prefix", "digest")  # set when the token is issued

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
        extra_kwargs = {
            "id": {"help_text": "The token's id."},
            "created_at": {"help_text": "When the token was created."},
            "last_used_at": {
                "help_text": "When the token was last used (to the minute)."
            },
            "revoked_at": {"help_text": "When the token was revoked, if it was."},
        }
        validators: list[object] = []

    def create(self, validated_data: dict[str, Any]) -> ApiToken:
        token, raw = issue_token(self.context["request"].user, **validated_data)
        token.raw = raw  # type: ignore[attr-defined]  # answered once, never stored
        return token


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        source="raw",
        read_only=True,
        help_text="The token. Shown only now: store it somewhere safe.",
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
