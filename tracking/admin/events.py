"""Admin for events (with their property and group attachments) and tags."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tracking.admin.actions import deprecate_events, duplicate_events
from tracking.admin.badges import badge
from tracking.admin.fields import OVERRIDES
from tracking.admin.inlines import EventPropertyInline
from tracking.admin.scoping import PlanScopedAdmin
from tracking.models import Event, Tag


@admin.register(Event)
class EventAdmin(PlanScopedAdmin, SimpleHistoryAdmin):
    list_display = [
        "key",
        "display_name",
        "status_badge",
        "owner",
        "property_count",
        "updated_at",
    ]
    list_filter = [
        "plan",
        "status",
        "category",
        "sources",
        ("owner", admin.RelatedOnlyFieldListFilter),
        ("tags", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["owner"]
    # TRICKY: the annotated counts group the query, which drops Meta.ordering.
    ordering = ["plan", "key"]
    formfield_overrides = OVERRIDES
    search_fields = ["key", "display_name", "description"]
    autocomplete_fields = ["tags", "sources", "groups"]
    readonly_fields = ["deprecated_at", "created_at", "updated_at"]
    inlines = [EventPropertyInline]
    actions = [deprecate_events, duplicate_events]
    fieldsets = [
        (None, {"fields": ["plan", "key", "display_name", "status", "owner"]}),
        (_("When it fires"), {"fields": ["trigger", "description", "tracked_on"]}),
        (
            _("Classification"),
            {"fields": ["category", "tags", "sources", "groups"]},
        ),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["created_at", "updated_at", "deprecated_at"],
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return (
            super()
            .get_queryset(request)
            .annotate(property_count=Count("attachments", distinct=True))
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: Event | None = None
    ) -> list[str]:
        # Attachments point at the plan's properties; moving an event would orphan them.
        fields = list(super().get_readonly_fields(request, obj))
        return ["plan", *fields] if obj is not None else fields

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "owner": request.user.pk,
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, event: Event) -> SafeString:
        return badge(event.status, event.get_status_display())

    @admin.display(description=_("properties"), ordering="property_count")
    def property_count(self, event: Event) -> int:
        return event.property_count  # type: ignore[attr-defined]  # annotated


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "event_count"]
    ordering = ["name"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(event_count=Count("events"))

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, tag: Tag) -> int:
        return tag.event_count  # type: ignore[attr-defined]  # annotated
