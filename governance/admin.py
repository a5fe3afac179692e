"""Admin pages for what the pipeline accumulates (read-only) and for dead letters (replayable).

Every row belongs to a plan, directly or through its source, and is scoped like the plan's own
rows: listed only to users who may reach the plan, and not found (404) by anyone else.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from governance.dead_letters import (
    BrokerUnavailable,
    masked_preview,
    replay_dead_letters,
)
from governance.models import (
    DeadLetterBatch,
    LastSeen,
    ObservedType,
    RecentSample,
    ViolationCount,
    WindowCount,
)
from tracking.admin.scoping import PlanScopedAdmin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ReadOnlyAdmin(PlanScopedAdmin[Any]):
    """Rows written only by the pipeline: listed and inspected, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def pretty_json(value: Any) -> SafeString:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


@admin.register(WindowCount)
class WindowCountAdmin(ReadOnlyAdmin):
    list_display = [
        "window_start",
        "event_name",
        "message_type",
        "source",
        "app_version",
        "is_planned",
        "received",
        "valid",
        "invalid",
        "personal",
    ]
    list_filter = ["plan", "message_type", "is_planned", "source"]
    search_fields = ["event_name", "app_version"]
    date_hierarchy = "window_start"
    list_select_related = ["source"]
    ordering = ["-window_start", "event_name"]


@admin.register(ViolationCount)
class ViolationCountAdmin(ReadOnlyAdmin):
    list_display = [
        "event_name",
        "kind",
        "keyword",
        "path",
        "app_version",
        "source",
        "count",
        "first_seen",
        "last_seen",
    ]
    list_filter = ["plan", "kind", "source"]
    search_fields = ["event_name", "path", "keyword", "app_version"]
    list_select_related = ["source"]
    ordering = ["-last_seen"]
    readonly_fields = ["examples_display"]
    exclude = ["examples", "example_count"]

    @admin.display(description=_("masked examples"))
    def examples_display(self, row: ViolationCount) -> SafeString:
        return pretty_json(row.examples)


@admin.register(ObservedType)
class ObservedTypeAdmin(ReadOnlyAdmin):
    list_display = [
        "event_name",
        "path",
        "app_version",
        "json_type",
        "count",
        "first_seen",
        "last_seen",
    ]
    list_filter = ["plan", "json_type"]
    search_fields = ["event_name", "path", "app_version"]
    ordering = ["event_name", "path", "app_version"]


@admin.register(LastSeen)
class LastSeenAdmin(ReadOnlyAdmin):
    list_display = ["event_name", "message_type", "source", "app_version", "last_seen"]
    list_filter = ["plan", "message_type", "source"]
    search_fields = ["event_name"]
    list_select_related = ["source"]
    ordering = ["-last_seen"]


@admin.register(RecentSample)
class RecentSampleAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "event_name",
        "message_type",
        "source",
        "app_version",
        "is_valid",
        "deduplication",
    ]
    list_filter = ["plan", "is_valid", "message_type", "source"]
    search_fields = ["event_name", "app_version"]
    list_select_related = ["source"]
    readonly_fields = ["deduplication", "message_display", "violations_display"]
    exclude = ["message", "violations"]

    @admin.display(description=_("deduplication"))
    def deduplication(self, row: RecentSample) -> StrOrPromise:
        if row.message.get("messageId"):
            return _("By messageId")
        return _(
            "None: sent without a messageId, so each delivery of it is counted "
            "(Segment's libraries add one)"
        )

    @admin.display(description=_("masked message"))
    def message_display(self, row: RecentSample) -> SafeString:
        return pretty_json(row.message)

    @admin.display(description=_("violations"))
    def violations_display(self, row: RecentSample) -> SafeString:
        return pretty_json(row.violations)


@admin.register(DeadLetterBatch)
class DeadLetterBatchAdmin(ReadOnlyAdmin):
    # A letter whose source was deleted belongs to no plan: only admins of every plan see it.
    plan_lookup = "source__plan"
    list_display = [
        "batch_id",
        "source",
        "endpoint",
        "error",
        "attempts",
        "failed_at",
        "replayed_at",
    ]
    list_filter = ["replayed_at", "source"]
    search_fields = ["batch_id", "error"]
    # Metadata and a masked preview only: the batch itself is sealed (see dead_letters.py).
    fields = (
        "batch_id",
        "source",
        "endpoint",
        "received_at",
        "body_size",
        "error",
        "attempts",
        "failed_at",
        "replayed_at",
        "preview",
        "traceback",
    )
    readonly_fields = fields
    actions = ["replay"]

    @admin.display(description=_("masked preview"))
    def preview(self, row: DeadLetterBatch) -> StrOrPromise:
        shown = masked_preview(row)
        if shown is None:
            return _(
                "No key in DEAD_LETTER_KEYS opens this batch; it cannot be shown or "
                "replayed until its key is configured again."
            )
        return pretty_json(shown)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Replaying is the one change an operator makes here.
        return request.user.has_perm("governance.change_deadletterbatch")

    @admin.action(description=_("Replay the selected batches"))
    def replay(self, request: HttpRequest, queryset: QuerySet[DeadLetterBatch]) -> None:
        try:
            replay = replay_dead_letters(queryset.order_by("failed_at"))
        except BrokerUnavailable:
            self.message_user(
                request,
                _("The queue is unavailable; try again shortly."),
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d batch is back on the queue.",
                "%(count)d batches are back on the queue.",
                replay.replayed,
            )
            % {"count": replay.replayed},
            messages.SUCCESS,
        )
        if replay.unreadable:
            self.message_user(
                request,
                ngettext(
                    "%(count)d batch could not be opened with the configured keys "
                    "(DEAD_LETTER_KEYS) and stays pending: %(ids)s",
                    "%(count)d batches could not be opened with the configured keys "
                    "(DEAD_LETTER_KEYS) and stay pending: %(ids)s",
                    len(replay.unreadable),
                )
                % {
                    "count": len(replay.unreadable),
                    "ids": ", ".join(replay.unreadable),
                },
                messages.ERROR,
            )
