"""Admin for property groups: bundles of properties attached to many events at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tracking.admin.fields import OVERRIDES
from tracking.admin.inlines import GroupPropertyInline
from tracking.admin.scoping import PlanScopedHistoryAdmin
from tracking.models import PropertyGroup

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _GroupCounts(TypedDict):
    property_count: int
    event_count: int


@admin.register(PropertyGroup)
class PropertyGroupAdmin(PlanScopedHistoryAdmin[PropertyGroup]):
    list_display = ["key", "name", "property_count", "event_count", "updated_at"]
    list_filter = ["plan"]
    # TRICKY: the annotated counts group the query, which drops Meta.ordering.
    ordering = ["plan", "key"]
    formfield_overrides = OVERRIDES
    search_fields = ["key", "name", "description"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["plan", "key", "name", "description", "created_at", "updated_at"]
    inlines = [GroupPropertyInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PropertyGroup]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                property_count=Count("members", distinct=True),
                event_count=Count("events", distinct=True),
            )
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: PropertyGroup | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["plan", *fields] if obj is not None else fields

    @admin.display(description=_("properties"), ordering="property_count")
    def property_count(
        self, group: WithAnnotations[PropertyGroup, _GroupCounts]
    ) -> int:
        return group.property_count

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, group: WithAnnotations[PropertyGroup, _GroupCounts]) -> int:
        return group.event_count
