"""Request bodies name only fields the serializer has: an unknown key is an error, not ignored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers


class KnownKeysMixin:
    """Refuses body keys that are no field of the serializer, with the fields' own errors.

    DRF drops keys it does not know, so a misspelt key would silently change nothing. Read-only
    fields are fields: a row read from the API can be sent back as it came.
    """

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        unknown: dict[str, list[str]] = {
            str(key): [_("This field is not known.")]
            for key in (data if isinstance(data, Mapping) else ())
            if key not in self.fields
        }
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                merged: dict[str, Any] = {str(k): v for k, v in exc.detail.items()}
                merged.update(unknown)
                raise serializers.ValidationError(merged) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value
