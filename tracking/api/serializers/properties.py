"""Properties: typed fields defined once per plan, shown with their nested fields."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracking.api.serializers.narrowing import CONSTRAINT_FIELDS, CONSTRAINT_HELP
from tracking.api.serializers.validation import (
    AnyField,
    ModelCleanSerializer,
    offer_rows,
)
from tracking.models import Property, TrackingPlan


class PropertyTree:
    """A plan's nested fields loaded in one query, for paths and `fields` without N+1."""

    def __init__(self, plan: TrackingPlan) -> None:
        self.plan = plan

    @cached_property
    def by_id(self) -> dict[int, Property]:
        return {
            p.pk: p for p in Property.objects.filter(plan=self.plan).order_by("key")
        }

    @cached_property
    def _children(self) -> dict[int, list[Property]]:
        children: dict[int, list[Property]] = {}
        for prop in self.by_id.values():
            if prop.parent_id is not None:
                children.setdefault(prop.parent_id, []).append(prop)
        return children

    def children(self, prop: Property) -> list[Property]:
        return self._children.get(prop.pk, [])

    def path(self, prop: Property) -> str:
        """The dotted key from the top level, e.g. `items.sku` (cycle-safe)."""
        keys, seen = [prop.key], {prop.pk}
        parent_id = prop.parent_id
        while parent_id in self.by_id and parent_id not in seen:
            seen.add(parent_id)
            parent = self.by_id[parent_id]
            keys.append(parent.key)
            parent_id = parent.parent_id
        return ".".join(reversed(keys))


# Deeper nesting than this is cut off in answers (the admin allows it, but nobody needs it).
MAX_DEPTH = 16
_NESTED = {
    "type": "array",
    "items": {"$ref": "#/components/schemas/Property"},
    "description": "The nested fields of an object, or of the objects in a list.",
}


class PropertySerializer(ModelCleanSerializer[Property]):
    # The stubs see a field named like a serializer attribute; DRF moves declared fields aside.
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Property.objects.none(),
        allow_null=True,
        required=False,
        help_text="Id of the object property this is a field of; null at the top level.",
    )
    path = serializers.SerializerMethodField(
        help_text="The dotted key from the top level, e.g. `items.sku`."
    )
    # TRICKY: the method may not be `get_fields`, which every serializer already has.
    # The stubs see a field named like a serializer attribute; DRF moves declared fields aside.
    fields = serializers.SerializerMethodField(  # type: ignore[assignment]
        method_name="nested_fields",
        help_text="The nested fields of an object, or of the objects in a list.",
    )

    class Meta:
        model = Property
        fields = [
            "id",
            "key",
            "path",
            "parent",
            "display_name",
            "description",
            "type",
            "item_type",
            "privacy_class",
            *CONSTRAINT_FIELDS,
            "examples",
            "fields",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "The property's id."},
            "key": {"help_text": "Machine name, following the plan's convention."},
            "display_name": {"help_text": "For people, in any language."},
            "description": {"help_text": "What the property holds."},
            "type": {"help_text": "The value's type."},
            "privacy_class": {
                "help_text": "Whether values are personal (masked) or sensitive (never stored)."
            },
            "created_at": {"help_text": "When the property was added."},
            "updated_at": {"help_text": "When the property last changed."},
            **CONSTRAINT_HELP,
        }
        validators: list[object] = []

    def get_fields(self) -> dict[str, AnyField]:
        fields = super().get_fields()
        plan = self.context.get("plan")
        if plan is not None:
            offer_rows(fields["parent"], Property.objects.filter(plan=plan))
        return fields

    def get_path(self, prop: Property) -> str:
        tree: PropertyTree | None = self.context.get("tree")
        return tree.path(prop) if tree is not None else prop.path

    @extend_schema_field(_NESTED)
    def nested_fields(self, prop: Property) -> list[dict[str, Any]]:
        tree: PropertyTree | None = self.context.get("tree")
        depth: int = self.context.get("depth", 0)
        if tree is None or depth >= MAX_DEPTH:
            return []
        context = {**self.context, "depth": depth + 1}
        nested = PropertySerializer(tree.children(prop), many=True, context=context)
        # many=True builds a ListSerializer, whose data is a list; the stubs cannot tell.
        return nested.data  # type: ignore[return-value]
