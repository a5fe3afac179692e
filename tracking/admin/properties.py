"""Admin for properties: constraints, privacy class, nested fields and what uses them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tracking.admin.badges import badge
from tracking.admin.fields import OVERRIDES
from tracking.admin.filters import NestingFilter
from tracking.admin.inlines import NestedPropertyInline
from tracking.admin.metrics import RemovalGuardedAdmin, used_by_metrics
from tracking.admin.scoping import PlanScopedHistoryAdmin, is_autocomplete
from tracking.models import Event, PrivacyClass, Property, PropertyType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, StrPromise, WithAnnotations


class _PropertyCounts(TypedDict):
    event_count: int


# Keyed by the stored value, which the model field holds as plain text.
_PRIVACY_SHORT: dict[str, StrPromise] = {
    PrivacyClass.NONE: _("not personal"),
    PrivacyClass.PERSONAL: _("personal"),
    PrivacyClass.SENSITIVE: _("sensitive"),
}

# Fields that can hold nested fields: objects, and lists whose items are objects.
_HOLDS_FIELDS = Q(type=PropertyType.OBJECT) | Q(
    type=PropertyType.ARRAY, item_type=PropertyType.OBJECT
)


@admin.register(Property)
class PropertyAdmin(
    RemovalGuardedAdmin[Property],
    PlanScopedHistoryAdmin[Property],
):
    list_display = [
        "key",
        "display_name",
        "type",
        "privacy_badge",
        "event_count",
        "parent_key",
    ]
    list_filter = ["plan", "type", "privacy_class", NestingFilter]
    list_select_related = ["parent"]
    ordering = ["plan", "key"]
    search_fields = ["key", "display_name", "description"]
    autocomplete_fields = ["parent"]
    formfield_overrides = OVERRIDES
    readonly_fields = ["used_by", "used_by_metrics", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["plan", "parent", "key", "display_name", "description"]},
        ),
        (_("Type"), {"fields": [("type", "item_type"), "privacy_class", "examples"]}),
        (
            _("Constraints"),
            {
                "fields": [
                    "enum",
                    "pattern",
                    ("minimum", "maximum"),
                    ("min_length", "max_length"),
                    ("min_items", "max_items"),
                ]
            },
        ),
        (_("Used by"), {"fields": ["used_by", "used_by_metrics"]}),
        (
            _("Record"),
            {"classes": ["collapse"], "fields": ["created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Property]:
        return super().get_queryset(request).annotate(event_count=_event_count())

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Property], bool]:
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if is_autocomplete(request):
            # Events, groups and plans attach top-level properties; a parent holds fields.
            if request.GET.get("field_name") == "parent":
                queryset = queryset.filter(_HOLDS_FIELDS)
            else:
                queryset = queryset.filter(parent__isnull=True)
        return queryset, may_have_duplicates

    def get_readonly_fields(
        self, request: HttpRequest, obj: Property | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["plan", *fields] if obj is not None else fields

    def get_inlines(
        self, request: HttpRequest, obj: Property | None
    ) -> list[type[InlineModelAdmin[Property, Property]]]:
        holds_fields = obj is not None and obj.type in {
            PropertyType.OBJECT,
            PropertyType.ARRAY,
        }
        return [NestedPropertyInline] if holds_fields else []

    @admin.display(description=_("privacy class"), ordering="privacy_class")
    def privacy_badge(self, prop: Property) -> SafeString:
        return badge(
            prop.privacy_class,
            _PRIVACY_SHORT.get(prop.privacy_class, prop.privacy_class),
            title=prop.get_privacy_class_display(),
        )

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, prop: WithAnnotations[Property, _PropertyCounts]) -> int:
        """Events attaching the property directly or through a property group."""
        return prop.event_count

    @admin.display(description=_("metrics that depend on this"))
    def used_by_metrics(self, prop: Property) -> SafeString | str:
        return used_by_metrics(prop)

    @admin.display(description=_("nested in"), ordering="parent__key")
    def parent_key(self, prop: Property) -> str:
        parent = prop.parent
        return parent.key if parent is not None else ""

    @admin.display(description=_("used by"))
    def used_by(self, prop: Property) -> StrOrPromise:
        if prop.pk is None:
            return "—"
        parts = [
            _linked(
                _("Events"),
                (
                    ("event", a.event_id, a.event.key, _required(a.required))
                    for a in prop.event_attachments.select_related("event")
                ),
            ),
            _linked(
                _("Property groups"),
                (
                    ("propertygroup", m.group_id, str(m.group), _required(m.required))
                    for m in prop.group_memberships.select_related("group")
                ),
            ),
        ]
        if prop.common_in.exists():
            parts.append(
                format_html("<p>{}</p>", _("Common to every event of the plan."))
            )
        shown = [part for part in parts if part]
        if not shown:
            return _("Nothing uses this property yet.")
        return format_html_join("", "{}", ((part,) for part in shown))


def _event_count() -> Coalesce:
    """Events using the property directly or through one of their groups, counted once."""
    using = (
        Event.objects.filter(
            Q(attachments__property=OuterRef("pk"))
            | Q(groups__members__property=OuterRef("pk"))
        )
        .order_by()
        .values("plan")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(using), 0)


def _required(required: bool) -> str:
    return str(_("required") if required else _("optional"))


def _linked(
    heading: object, rows: Iterable[tuple[str, int, str, str]]
) -> SafeString | str:
    items = format_html_join(
        "",
        '<li><a href="{}">{}</a> <span class="tpg-muted">{}</span></li>',
        (
            (reverse(f"admin:tracking_{model}_change", args=[pk]), label, note)
            for model, pk, label, note in rows
        ),
    )
    if not items:
        return ""
    return format_html('<p>{}</p><ul class="tpg-used-by">{}</ul>', heading, items)
