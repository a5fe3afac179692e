"""Changelist actions: deprecate and duplicate events, rotate sources' write keys."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tracking.admin.inlines import masked_write_key
from tracking.admin.staff import staff_user
from tracking.editing import deprecate_event, duplicate_event, free_copy_key
from tracking.models import Event, EventStatus, Source, rotate_write_key
from tracking.models.sources import plans_with_write_key_access

# The events admin wraps this action under the same description.
DEPRECATE_EVENTS = _("Deprecate selected events")


@admin.action(description=DEPRECATE_EVENTS, permissions=["change"])
def deprecate_events(
    modeladmin: admin.ModelAdmin[Event], request: HttpRequest, queryset: QuerySet[Event]
) -> None:
    user = staff_user(request)
    events = list(queryset.exclude(status=EventStatus.DEPRECATED))
    for event in events:
        deprecate_event(event, by=user)
    modeladmin.message_user(
        request,
        ngettext(
            "Deprecated %(count)d event. It stays in the plan, flagged, until a "
            "published version removes it.",
            "Deprecated %(count)d events. They stay in the plan, flagged, until a "
            "published version removes them.",
            len(events),
        )
        % {"count": len(events)},
        messages.SUCCESS,
    )


@admin.action(description=_("Duplicate selected events as drafts"), permissions=["add"])
def duplicate_events(
    modeladmin: admin.ModelAdmin[Event], request: HttpRequest, queryset: QuerySet[Event]
) -> None:
    user = staff_user(request)
    copies = []
    for event in queryset.select_related("plan"):
        try:
            copies.append(duplicate_event(event, key=free_copy_key(event), by=user))
        except ValidationError as exc:
            modeladmin.message_user(
                request,
                _("Could not duplicate “%(key)s”: %(reason)s")
                % {"key": event.key, "reason": " ".join(exc.messages)},
                messages.ERROR,
            )
    if copies:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:tracking_event_change", args=[copy.pk]), copy.key)
                for copy in copies
            ),
        )
        modeladmin.message_user(
            request,
            format_html(
                "{} {}",
                _("Created draft copies; give them their real keys:"),
                links,
            ),
            messages.SUCCESS,
        )


@admin.action(
    description=_("Rotate write keys of selected sources"), permissions=["change"]
)
def rotate_write_keys(
    modeladmin: admin.ModelAdmin[Source],
    request: HttpRequest,
    queryset: QuerySet[Source],
) -> TemplateResponse | None:
    """Ask first; on confirmation rotate and show the new keys once.

    The changelist hands over only sources of the user's plans, and the action needs the
    change permission: the rule for reading the keys (`may_read_write_keys`) holds for each.
    """
    permitted = plans_with_write_key_access(staff_user(request))
    sources = list(queryset.filter(plan__in=permitted).select_related("plan"))
    if not sources:
        return None
    confirmed = request.POST.get("confirm") == "yes"
    rotated = (
        [(source, rotate_write_key(source)) for source in sources] if confirmed else []
    )
    hidden = [("action", "rotate_write_keys"), ("confirm", "yes")] + [
        (ACTION_CHECKBOX_NAME, str(source.pk)) for source in sources
    ]
    return rotation_page(
        request,
        modeladmin,
        sources=sources,
        rotated=rotated,
        hidden=hidden,
        form_action=reverse("admin:tracking_source_changelist"),
    )


def rotation_page(
    request: HttpRequest,
    modeladmin: admin.ModelAdmin[Source],
    *,
    sources: list[Source],
    rotated: list[tuple[Source, str]],
    hidden: list[tuple[str, str]],
    form_action: str,
) -> TemplateResponse:
    context: dict[str, Any] = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": _("Write keys rotated") if rotated else _("Rotate write keys?"),
        "pending": [(source, masked_write_key(source)) for source in sources],
        "rotated": rotated,
        "hidden": hidden,
        "form_action": form_action,
    }
    return TemplateResponse(
        request, "admin/tracking/source/rotate_write_key.html", context
    )
