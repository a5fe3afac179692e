"""Admin for tracking plans: naming policy, sources, common properties and the plan checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.apps import apps
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tracking.admin.badges import badge
from tracking.admin.fields import OVERRIDES
from tracking.admin.inlines import CommonPropertyInline, SourceInline
from tracking.admin.scoping import PlanScopedHistoryAdmin
from tracking.checks import Finding, Severity, run_plan_checks
from tracking.models import TrackingPlan

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _PlanCounts(TypedDict):
    event_count: int
    property_count: int


# Admin model name for each `Finding.object_type`.
_ADMIN_MODELS = {
    "plan": "trackingplan",
    "event": "event",
    "property": "property",
    "group": "propertygroup",
    "source": "source",
}
_SEVERITY_LABELS = {
    Severity.ERROR: _("error"),
    Severity.WARNING: _("warning"),
    Severity.INFO: _("info"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingRow:
    """A finding as the plan page shows it, linked to the object's page where it has one."""

    finding: Finding
    badge: SafeString
    object_label: str
    url: str | None


def finding_row(finding: Finding) -> FindingRow:
    model_name = _ADMIN_MODELS.get(finding.object_type)
    model = apps.get_model("tracking", model_name) if model_name else None
    url = None
    if model_name and finding.object_id is not None:
        url = reverse(f"admin:tracking_{model_name}_change", args=[finding.object_id])
    return FindingRow(
        finding=finding,
        badge=badge(finding.severity, _SEVERITY_LABELS[finding.severity]),
        object_label=str(model._meta.verbose_name) if model else finding.object_type,
        url=url,
    )


@admin.register(TrackingPlan)
class TrackingPlanAdmin(PlanScopedHistoryAdmin[TrackingPlan]):
    plan_lookup = "id"
    narrows_to_referring_plan = False
    list_display = [
        "name",
        "key",
        "owner",
        "event_count",
        "property_count",
        "updated_at",
    ]
    list_select_related = ["owner"]
    # TRICKY: the annotated counts group the query, which drops Meta.ordering.
    ordering = ["name"]
    formfield_overrides = OVERRIDES
    search_fields = ["name", "key", "description"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SourceInline, CommonPropertyInline]
    fieldsets = [
        (None, {"fields": ["name", "key", "owner", "description"]}),
        (
            _("Naming conventions"),
            {
                "fields": [
                    ("event_naming", "event_naming_regex"),
                    ("property_naming", "property_naming_regex"),
                ]
            },
        ),
        (_("Live data"), {"fields": ["additional_properties"]}),
        (_("Publishing"), {"fields": ["requires_approval"]}),
        (
            _("Record"),
            {"classes": ["collapse"], "fields": ["created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrackingPlan]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                event_count=Count("events", distinct=True),
                property_count=Count("properties", distinct=True),
            )
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "owner": request.user.pk,
            **super().get_changeform_initial_data(request),
        }

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: TrackingPlan | None = None,
    ) -> HttpResponse:
        if change and obj is not None:
            context["findings"] = [finding_row(f) for f in run_plan_checks(obj)]
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, plan: WithAnnotations[TrackingPlan, _PlanCounts]) -> int:
        return plan.event_count

    @admin.display(description=_("properties"), ordering="property_count")
    def property_count(self, plan: WithAnnotations[TrackingPlan, _PlanCounts]) -> int:
        return plan.property_count
