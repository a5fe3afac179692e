"""Admin for published plan versions (read-only) and the page that publishes the draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tracking.admin.badges import badge
from tracking.admin.fields import form_field
from tracking.admin.plans import finding_row
from tracking.admin.scoping import PlanScopedAdmin
from tracking.admin.staff import staff_user
from tracking.diff import ADDITIVE, BREAKING, TEXT, Change, PlanDiff, diff_from_dict
from tracking.errors import (
    ApprovalRequired,
    DraftChangedSinceApproval,
    NothingToPublish,
    PublishRefused,
)
from tracking.models import (
    ChangeRequest,
    ChangeStatus,
    PlanVersion,
    TrackingPlan,
    plans_visible_to,
)
from tracking.publishing import preview_publish, publish_version, version_snapshot

# Publishing creates a PlanVersion, so it is granted by the model's add permission: a custom
# "publish" permission would need a migration. The admin's own add form stays disabled.
PUBLISH_PERMISSION = "tracking.add_planversion"

# `badge()` tones by stored value; each level and bump borrows the tone of one.
_LEVEL_TONES = {BREAKING: "error", ADDITIVE: "active", TEXT: "info"}
_LEVEL_LABELS = {BREAKING: _("breaking"), ADDITIVE: _("additive"), TEXT: _("text")}
_BUMP_TONES = {"major": "error", "minor": "active", "patch": "info"}
_OBJECT_LABELS = {
    "event": _("event"),
    "property": _("property"),
    "group": _("property group"),
    "common_property": _("common property"),
    "source": _("source"),
    "plan": _("plan"),
    "metric": _("metric"),
    "glossary_term": _("glossary term"),
    "modifier": _("qualifier"),
    "time_period": _("time period"),
}
_LEVEL_ORDER = {BREAKING: 0, ADDITIVE: 1, TEXT: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffRow:
    change: Change
    badge: SafeString


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffGroup:
    """The changes of one object, breaking ones first."""

    object_label: str
    key: str
    rows: tuple[DiffRow, ...]
    is_breaking: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffTable:
    """A diff as the admin shows it: grouped by object, objects with breaking changes first."""

    groups: tuple[DiffGroup, ...]
    breaking: int
    additive: int
    text: int

    @property
    def is_empty(self) -> bool:
        return not self.groups


def level_badge(level: str) -> SafeString:
    return badge(_LEVEL_TONES.get(level, ""), _LEVEL_LABELS.get(level, level))


def diff_table(diff: PlanDiff) -> DiffTable:
    grouped: dict[tuple[str, str], list[Change]] = {}
    for change in diff.changes:
        grouped.setdefault((change.object_type, change.key), []).append(change)
    groups = [
        DiffGroup(
            object_label=str(_OBJECT_LABELS.get(object_type, object_type)),
            key=key,
            rows=tuple(
                DiffRow(change=c, badge=level_badge(c.level))
                for c in sorted(changes, key=lambda c: _LEVEL_ORDER.get(c.level, 3))
            ),
            is_breaking=any(c.is_breaking for c in changes),
        )
        for (object_type, key), changes in grouped.items()
    ]
    levels = [c.level for c in diff.changes]
    return DiffTable(
        # Stable sort: within each half the diff's own order (by object type, then key) holds.
        groups=tuple(sorted(groups, key=lambda g: not g.is_breaking)),
        breaking=levels.count(BREAKING),
        additive=levels.count(ADDITIVE),
        text=levels.count(TEXT),
    )


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("Changelog note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=_(
            "What changed and why, for the engineers who update their tracking."
        ),
    )
    change_request = forms.ModelChoiceField(
        label=_("Approved change request"),
        queryset=ChangeRequest.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, plan: TrackingPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.approved = ChangeRequest.objects.filter(
            plan=plan, status=ChangeStatus.APPROVED
        )
        form_field(
            self.fields, "change_request", forms.ModelChoiceField
        ).queryset = self.approved


@admin.register(PlanVersion)
class PlanVersionAdmin(PlanScopedAdmin[PlanVersion]):
    """Versions are immutable: listed and shown, never added, changed or deleted here."""

    list_display = [
        "plan",
        "number",
        "bump_badge",
        "is_breaking",
        "author",
        "published_at",
    ]
    list_display_links = ["number"]
    list_filter = ["plan", "is_breaking", "bump"]
    list_select_related = ["plan", "author"]
    fields = (
        "plan",
        "number",
        "bump_badge",
        "is_breaking",
        "author",
        "published_at",
        "note",
        "change_request_link",
    )
    readonly_fields = fields
    change_form_template = "admin/tracking/planversion/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: PlanVersion | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: PlanVersion | None = None
    ) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        publish = path(
            "publish/<int:plan_id>/",
            self.admin_site.admin_view(self.publish_view),
            name="tracking_planversion_publish",
        )
        return [publish, *super().get_urls()]

    @admin.display(description=_("change level"), ordering="bump")
    def bump_badge(self, version: PlanVersion) -> SafeString:
        return badge(_BUMP_TONES.get(version.bump, ""), version.get_bump_display())

    @admin.display(description=_("change request"))
    def change_request_link(self, version: PlanVersion) -> SafeString | str:
        change_request = ChangeRequest.objects.filter(published_version=version).first()
        if change_request is None:
            return "—"
        url = reverse("admin:tracking_changerequest_change", args=[change_request.pk])
        return format_html('<a href="{}">{}</a>', url, change_request)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: PlanVersion | None = None,
    ) -> HttpResponse:
        if obj is not None:
            snapshot = version_snapshot(obj)
            context["diff"] = diff_table(diff_from_dict(obj.diff))
            context["event_count"] = len(snapshot.events)
            context["property_count"] = len(snapshot.properties)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def publish_view(self, request: HttpRequest, plan_id: int) -> HttpResponse:
        """Show what publishing would do; on POST publish and go to the new version."""
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied
        plan = get_object_or_404(plans_visible_to(request.user), pk=plan_id)
        form = PublishForm(
            request.POST if request.method == "POST" else None,
            plan=plan,
            initial={"change_request": request.GET.get("change_request")},
        )
        if form.is_valid():
            note: str = form.cleaned_data["note"]
            change_request: ChangeRequest | None = form.cleaned_data["change_request"]
            try:
                version = publish_version(
                    plan,
                    author=staff_user(request),
                    note=note,
                    change_request=change_request,
                )
            except (
                PublishRefused,
                NothingToPublish,
                ApprovalRequired,
                DraftChangedSinceApproval,
            ) as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Published %(plan)s version %(number)s.")
                    % {"plan": plan.name, "number": version.number},
                    messages.SUCCESS,
                )
                return redirect("admin:tracking_planversion_change", version.pk)
        return self.publish_page(request, plan, form)

    def publish_page(
        self, request: HttpRequest, plan: TrackingPlan, form: PublishForm
    ) -> TemplateResponse:
        preview = preview_publish(plan)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "plan_opts": TrackingPlan._meta,
            "title": _("Publish %(plan)s") % {"plan": plan.name},
            "plan": plan,
            "preview": preview,
            "diff": diff_table(preview.diff),
            "findings": [finding_row(f) for f in preview.blocking],
            "form": form,
            "has_approved_change_requests": form.approved.exists(),
        }
        return TemplateResponse(
            request, "admin/tracking/trackingplan/publish.html", context
        )
