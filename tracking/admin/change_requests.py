"""Admin for change requests: open one, comment on it, and move it through review."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tracking.admin.badges import badge
from tracking.admin.bases import TabularInline
from tracking.admin.fields import OVERRIDES
from tracking.admin.scoping import PlanScopedAdmin
from tracking.admin.staff import staff_user
from tracking.admin.versions import diff_table
from tracking.diff import PlanDiff, diff_from_dict, diff_snapshots
from tracking.errors import (
    ApproverIsAuthor,
    InvalidTransition,
    NotTheAuthor,
    VersionNotFound,
)
from tracking.models import ChangeRequest, ReviewComment
from tracking.publishing import (
    LATEST,
    add_comment,
    approve_change_request,
    diff_versions,
    may_act_as_author,
    open_change_request,
    request_changes,
    resolve_version,
    submit_for_review,
    withdraw_change_request,
)
from tracking.snapshot import take_snapshot

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# `badge()` tones by stored value; each status borrows the tone of one.
_STATUS_TONES = {
    "draft": "draft",
    "in_review": "info",
    "approved": "active",
    "rejected": "warning",
    "published": "active",
    "withdrawn": "draft",
}

Review = Callable[[ChangeRequest, User, str], object]

# Each review button: the domain call it makes and what the admin says when it succeeds.
_REVIEWS: dict[str, tuple[Review, StrPromise]] = {
    "submit": (
        lambda cr, user, comment: submit_for_review(cr, by=user),
        _("Submitted for review."),
    ),
    "approve": (
        lambda cr, user, comment: approve_change_request(cr, by=user, comment=comment),
        _(
            "Approved. The draft as it is now can be published with this change request."
        ),
    ),
    "request_changes": (
        lambda cr, user, comment: request_changes(cr, by=user, comment=comment),
        _("Changes requested."),
    ),
    "withdraw": (
        lambda cr, user, comment: withdraw_change_request(cr, by=user),
        _("Withdrawn."),
    ),
}
# Decisions carry the comment themselves; the other buttons keep it as a plain comment.
_DECISIONS = {"approve", "request_changes"}


class ReviewCommentInline(TabularInline[ReviewComment, ChangeRequest]):
    """Comments are kept as written: earlier ones are read-only, a new one can be added."""

    model = ReviewComment
    formfield_overrides = OVERRIDES
    fields = ["author", "created_at", "body"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False

    def has_change_permission(
        self, request: HttpRequest, obj: ChangeRequest | None = None
    ) -> bool:
        return False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(PlanScopedAdmin[ChangeRequest]):
    list_display = [
        "title",
        "plan",
        "status_badge",
        "author",
        "reviewer",
        "updated_at",
    ]
    list_filter = ["plan", "status"]
    list_select_related = ["plan", "author", "reviewer"]
    search_fields = ["title", "description"]
    formfield_overrides = OVERRIDES
    change_form_template = "admin/tracking/changerequest/change_form.html"

    def get_fields(
        self, request: HttpRequest, obj: ChangeRequest | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ("plan", "title", "description")
        return (
            "plan",
            "title",
            "description",
            "status_badge",
            "author",
            "reviewer",
            "submitted_at",
            "decided_at",
            "published_version_link",
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: ChangeRequest | None = None
    ) -> list[str]:
        if obj is None:
            return []
        return [
            "plan",
            "status_badge",
            "author",
            "reviewer",
            "submitted_at",
            "decided_at",
            "published_version_link",
        ]

    def get_inlines(
        self, request: HttpRequest, obj: ChangeRequest | None
    ) -> list[type[InlineModelAdmin[ReviewComment, ChangeRequest]]]:
        return [ReviewCommentInline] if obj is not None else []

    def get_urls(self) -> list[URLPattern]:
        review = path(
            "<path:object_id>/review/",
            self.admin_site.admin_view(self.review_view),
            name="tracking_changerequest_review",
        )
        return [review, *super().get_urls()]

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, change_request: ChangeRequest) -> SafeString:
        return badge(
            _STATUS_TONES.get(change_request.status, ""),
            change_request.get_status_display(),
        )

    @admin.display(description=_("published as"))
    def published_version_link(self, change_request: ChangeRequest) -> SafeString | str:
        version = change_request.published_version
        if version is None:
            return "—"
        url = reverse("admin:tracking_planversion_change", args=[version.pk])
        return format_html('<a href="{}">{}</a>', url, version.number)

    def save_model(
        self,
        request: HttpRequest,
        obj: ChangeRequest,
        form: ModelForm[ChangeRequest],
        change: bool,
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        opened = open_change_request(
            obj.plan,
            author=staff_user(request),
            title=obj.title,
            description=obj.description,
        )
        # The admin goes on with `obj` (history entry, redirect): make it the opened row.
        obj.pk = opened.pk
        obj.refresh_from_db()

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[ChangeRequest],
        formset: BaseInlineFormSet[
            ReviewComment, ChangeRequest, ModelForm[ReviewComment]
        ],
        change: bool,
    ) -> None:
        # Only new comments reach here: existing ones are read-only.
        for comment in formset.save(commit=False):
            add_comment(form.instance, by=staff_user(request), body=comment.body)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: ChangeRequest | None = None,
    ) -> HttpResponse:
        if obj is not None:
            diff, title = change_request_diff(obj)
            context["diff"] = diff_table(diff)
            context["diff_title"] = title
            context["status_badge"] = self.status_badge(obj)
            context["may_act_as_author"] = may_act_as_author(obj, staff_user(request))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """One review button: call its domain function and go back to the change request."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        change_request = self.object_or_404(request, object_id)
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "").strip()
        if action not in _REVIEWS:
            self.message_user(request, _("Unknown review action."), messages.ERROR)
            return redirect("admin:tracking_changerequest_change", change_request.pk)
        review, success = _REVIEWS[action]
        user = staff_user(request)
        try:
            review(change_request, user, comment)
        except (ApproverIsAuthor, InvalidTransition, NotTheAuthor) as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            if comment and action not in _DECISIONS:
                add_comment(change_request, by=user, body=comment)
            self.message_user(request, success, messages.SUCCESS)
        return redirect("admin:tracking_changerequest_change", change_request.pk)


def change_request_diff(change_request: ChangeRequest) -> tuple[PlanDiff, str]:
    """What the change request publishes (or published), with a heading naming the base."""
    version = change_request.published_version
    if version is not None:
        return diff_from_dict(version.diff), str(
            _("Changes published as version %(number)s") % {"number": version.number}
        )
    plan = change_request.plan
    try:
        latest = resolve_version(plan, LATEST)
    except VersionNotFound:
        return diff_snapshots(None, take_snapshot(plan, metrics=True)), str(
            _("Contents of the draft (no version published yet)")
        )
    return diff_versions(plan, latest.number, "draft"), str(
        _("Changes in the draft since version %(number)s") % {"number": latest.number}
    )
