"""Admin for sources: where events come from, with masked write keys, revealing and rotation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from tracking.admin.actions import rotate_write_keys, rotation_page
from tracking.admin.inlines import (
    write_key_fields,
    write_key_masked,
    write_key_with_reveal,
    write_key_with_rotation,
)
from tracking.admin.scoping import PlanScopedHistoryAdmin
from tracking.admin.staff import staff_user
from tracking.models import Source, rotate_write_key
from tracking.models.sources import (
    WRITE_KEY_PERMISSION,
    may_read_write_keys,
    plans_with_write_key_access,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


_SOURCE_FIELDS = (
    "plan",
    "name",
    "kind",
    "is_active",
    "write_key_display",
    "write_key_rotated_at",
)


@admin.register(Source)
class SourceAdmin(PlanScopedHistoryAdmin[Source]):
    list_display = [
        "name",
        "kind",
        "plan",
        "write_key_display",
        "is_active",
        "write_key_rotated_at",
    ]
    list_filter = ["plan", "kind", "is_active"]
    list_select_related = ["plan"]
    search_fields = ["name"]
    fields = _SOURCE_FIELDS
    readonly_fields = ["write_key_display", "write_key_reveal", "write_key_rotated_at"]
    actions = [rotate_write_keys]

    class Media:
        js = ["tracking/js/write_key.js"]

    @admin.display(description=_("write key"))
    def write_key_display(self, source: Source) -> StrOrPromise:
        return write_key_masked(source)

    @admin.display(description=_("write key"))
    def write_key_reveal(self, source: Source) -> StrOrPromise:
        return write_key_with_reveal(source)

    def get_urls(self) -> list[URLPattern]:
        rotate = path(
            "<path:object_id>/rotate-write-key/",
            self.admin_site.admin_view(self.rotate_write_key_view),
            name="tracking_source_rotate_write_key",
        )
        reveal = path(
            "<int:source_id>/write-key/",
            self.admin_site.admin_view(self.write_key_view),
            name="tracking_source_write_key",
        )
        return [rotate, reveal, *super().get_urls()]

    def get_list_display(
        self, request: HttpRequest
    ) -> list[str | Callable[[Source], str | bool]]:
        """The columns, the write key offering Rotate only on rows the user may rotate."""
        column = write_key_column(
            set(plans_with_write_key_access(request.user).values_list("pk", flat=True))
        )
        return [
            column if name == "write_key_display" else name
            for name in self.list_display
        ]

    def get_fields(
        self, request: HttpRequest, obj: Source | None = None
    ) -> tuple[str, ...]:
        revealable = obj is not None and may_read_write_keys(obj.plan, request.user)
        return write_key_fields(_SOURCE_FIELDS, revealable=revealable)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Source | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["plan", *fields] if obj is not None else fields

    def rotate_write_key_view(
        self, request: HttpRequest, object_id: str
    ) -> HttpResponse:
        """Confirm on GET; on POST rotate and show the new key once.

        The rotation page shows the new key, so the rule is the one for revealing it: 403 for
        a role that may not, 404 for a source of a plan the user may not reach.
        """
        source = self._source_with_key(
            request, object_id, refusal="admin.write_key_rotation_refused"
        )
        confirmed = request.method == "POST" and request.POST.get("confirm") == "yes"
        rotated = [(source, rotate_write_key(source))] if confirmed else []
        return rotation_page(
            request,
            self,
            sources=[source],
            rotated=rotated,
            hidden=[("confirm", "yes")],
            form_action=request.path,
        )

    def write_key_view(self, request: HttpRequest, source_id: int) -> HttpResponse:
        """The full write key, to those who may read it: JSON for the page script, else a page.

        The admin site marks the answer `Cache-Control: no-store`. A role that may not read
        keys gets 403; a source of a plan the user may not reach, 404.
        """
        source = self._source_with_key(
            request, str(source_id), refusal="admin.write_key_refused"
        )
        logger.info(
            "admin.write_key_revealed source_id=%s user_id=%s",
            source.pk,
            request.user.pk,
        )
        wanted = request.get_preferred_type(["text/html", "application/json"])
        if wanted == "application/json":
            return JsonResponse({"write_key": source.write_key})
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Write key of %(source)s") % {"source": source},
            "source": source,
            "write_key": source.write_key,
        }
        return TemplateResponse(
            request, "admin/tracking/source/write_key.html", context
        )

    def _source_with_key(
        self, request: HttpRequest, object_id: str, *, refusal: str
    ) -> Source:
        """The source whose key the user may read; the role is asked before any lookup."""
        user = staff_user(request)
        if not user.has_perm(WRITE_KEY_PERMISSION):
            logger.warning("%s source_id=%s user_id=%s", refusal, object_id, user.pk)
            raise PermissionDenied
        source = self.object_or_404(request, object_id)
        if not may_read_write_keys(source.plan, user):
            logger.warning("%s source_id=%s user_id=%s", refusal, source.pk, user.pk)
            raise PermissionDenied
        return source


def write_key_column(rotatable_plan_ids: set[int]) -> Callable[[Source], str]:
    """The changelist's write key: masked, with Rotate where the source's plan is rotatable."""

    @admin.display(description=_("write key"))
    def write_key(source: Source) -> str:
        if source.plan_id in rotatable_plan_ids:
            return str(write_key_with_rotation(source))
        return str(write_key_masked(source))

    return write_key
