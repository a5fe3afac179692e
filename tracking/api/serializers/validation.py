"""Serializers that hold the API to the models' own rules: the would-be row is `full_clean`ed."""

from __future__ import annotations

import copy
from typing import Any, TypeAlias, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import serializers

from tracking.api.errors import validation_details
from tracking.api.serializers.known_keys import KnownKeysMixin

RowT = TypeVar("RowT", bound=Model)
# A serializer's fields hold values of every type: text, numbers, rows, nested serializers.
AnyField: TypeAlias = serializers.Field[Any, Any, Any, Any]


def offer_rows(field: AnyField, rows: QuerySet[Any]) -> None:
    """Let a related field (or each item of a many-related one) accept only `rows`."""
    if isinstance(field, serializers.ManyRelatedField):
        field = field.child_relation
    if not isinstance(field, serializers.RelatedField):
        message = f"{field!r} is not a related field"
        raise TypeError(message)
    # The stubs declare `queryset` with `Manager`, whose `__get__` mypy then applies to the
    # field: any assignment to it is refused.
    field.queryset = rows  # type: ignore[arg-type]


def row_to_write(serializer: serializers.BaseSerializer[RowT]) -> RowT:
    """The row a `ModelCleanSerializer` would write from its validated data, unsaved."""
    if not isinstance(serializer, ModelCleanSerializer):
        message = f"{type(serializer).__name__} is not a ModelCleanSerializer"
        raise TypeError(message)
    row: RowT = serializer.would_be_row(serializer.validated_data)
    return row


class ModelCleanSerializer(KnownKeysMixin, serializers.ModelSerializer[RowT]):
    """Validates input, then runs the model's `full_clean` on the row it would write.

    A new row takes its plan (or event, or group) from `context["parent"]`, given by the view
    from the address. Model errors come back as field errors, like the admin shows them.
    """

    # Filled in on save, never given: excluded from the check like the admin's forms do.
    clean_exclude: tuple[str, ...] = ("key_folded",)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        row = self.would_be_row(attrs)
        try:
            row.full_clean(exclude=self._excluded(row))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_details(exc)) from exc
        return attrs

    def would_be_row(self, attrs: dict[str, Any]) -> RowT:
        model: type[RowT] = self.Meta.model
        concrete = {f.name for f in model._meta.concrete_fields}
        values = {name: value for name, value in attrs.items() if name in concrete}
        if self.instance is None:
            return model(**self.context.get("parent", {}), **values)
        row = copy.copy(self.instance)
        for name, value in values.items():
            setattr(row, name, value)
        return row

    def _excluded(self, row: Model) -> list[str]:
        many = [f.name for f in row._meta.many_to_many]
        return [*self.clean_exclude, *many]

    def create(self, validated_data: dict[str, Any]) -> RowT:
        return super().create({**validated_data, **self.context.get("parent", {})})
