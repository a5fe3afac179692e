"""Admin for events (with their property and group attachments) and tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tracking.admin import actions
from tracking.admin.actions import duplicate_events
from tracking.admin.badges import badge
from tracking.admin.bases import ModelForm
from tracking.admin.fields import OVERRIDES
from tracking.admin.inlines import EventPropertyInline
from tracking.admin.metrics import RemovalGuardedAdmin, removal_refusal, used_by_metrics
from tracking.admin.scoping import PlanScopedAdmin, PlanScopedHistoryAdmin
from tracking.models import Event, EventStatus, Tag
from tracking.models.events import tag_carried_beyond, tags_visible_to
from tracking.models.members import rows_visible_to

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _EventCounts(TypedDict):
    property_count: int


class _TagCounts(TypedDict):
    event_count: int


class EventForm(ModelForm[Event]):
    """Deprecating an event online metrics use is refused on the status field."""

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        was = self.instance.status if self.instance.pk else None
        if status == EventStatus.DEPRECATED and was not in (None, status):
            refusal = removal_refusal(self.instance, verb="deprecate")
            if refusal is not None:
                raise ValidationError(refusal, code="used_by_online_metrics")
        return status


@admin.action(description=actions.DEPRECATE_EVENTS, permissions=["change"])
def deprecate_events(
    modeladmin: admin.ModelAdmin[Event], request: HttpRequest, queryset: QuerySet[Event]
) -> None:
    """Deprecate the selected events, except those online metrics use (named in messages)."""
    refused = {
        event.pk: refusal
        for event in queryset.exclude(status=EventStatus.DEPRECATED)
        if (refusal := removal_refusal(event, verb="deprecate")) is not None
    }
    for refusal in refused.values():
        modeladmin.message_user(request, refusal, messages.ERROR)
    rest = queryset.exclude(pk__in=refused)
    if rest.exists():
        actions.deprecate_events(modeladmin, request, rest)


@admin.register(Event)
class EventAdmin(RemovalGuardedAdmin[Event], PlanScopedHistoryAdmin[Event]):
    form = EventForm
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
    readonly_fields = ["used_by_metrics", "deprecated_at", "created_at", "updated_at"]
    inlines = [EventPropertyInline]
    actions = [deprecate_events, duplicate_events]
    fieldsets = [
        (None, {"fields": ["plan", "key", "display_name", "status", "owner"]}),
        (_("When it fires"), {"fields": ["trigger", "description", "tracked_on"]}),
        (
            _("Classification"),
            {"fields": ["category", "tags", "sources", "groups"]},
        ),
        (_("Used by metrics"), {"fields": ["used_by_metrics"]}),
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

    @admin.display(description=_("metrics that depend on this"))
    def used_by_metrics(self, event: Event) -> SafeString | str:
        return used_by_metrics(event)

    @admin.display(description=_("properties"), ordering="property_count")
    def property_count(self, event: WithAnnotations[Event, _EventCounts]) -> int:
        return event.property_count


@admin.register(Tag)
class TagAdmin(PlanScopedAdmin[Tag]):
    """Tags are shared by every plan: listed where the user's plans carry them (or nothing
    does yet), counted over those plans' events, and changed only where no other plan uses them.
    """

    list_display = ["name", "event_count"]
    ordering = ["name"]
    search_fields = ["name"]
    narrows_to_referring_plan = False

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=tags_visible_to(request.user).values("pk"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        events = rows_visible_to(Event.objects.all(), request.user, plan_lookup="plan")
        return (
            super()
            .get_queryset(request)
            .annotate(event_count=Count("events", filter=Q(events__in=events)))
        )

    def has_change_permission(
        self, request: HttpRequest, obj: Tag | None = None
    ) -> bool:
        shared = obj is not None and tag_carried_beyond(obj, request.user)
        return not shared and super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: Tag | None = None
    ) -> bool:
        shared = obj is not None and tag_carried_beyond(obj, request.user)
        return not shared and super().has_delete_permission(request, obj)

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, tag: WithAnnotations[Tag, _TagCounts]) -> int:
        return tag.event_count
