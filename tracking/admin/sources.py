"""Admin for sources: where events come from, with masked write keys and key rotation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from tracking.admin.actions import rotate_write_keys, rotation_page
from tracking.admin.bases import SimpleHistoryAdmin
from tracking.admin.inlines import write_key_with_rotation
from tracking.admin.scoping import PlanScopedAdmin
from tracking.models import Source, rotate_write_key

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@admin.register(Source)
class SourceAdmin(PlanScopedAdmin[Source], SimpleHistoryAdmin[Source]):
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
    fields = [
        "plan",
        "name",
        "kind",
        "is_active",
        "write_key_display",
        "write_key_rotated_at",
    ]
    readonly_fields = ["write_key_display", "write_key_rotated_at"]
    actions = [rotate_write_keys]

    @admin.display(description=_("write key"))
    def write_key_display(self, source: Source) -> StrOrPromise:
        return write_key_with_rotation(source)

    def get_urls(self) -> list[URLPattern]:
        rotate = path(
            "<path:object_id>/rotate-write-key/",
            self.admin_site.admin_view(self.rotate_write_key_view),
            name="tracking_source_rotate_write_key",
        )
        return [rotate, *super().get_urls()]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Source | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["plan", *fields] if obj is not None else fields

    def rotate_write_key_view(
        self, request: HttpRequest, object_id: str
    ) -> HttpResponse:
        """Confirm on GET; on POST rotate and show the new key once."""
        source = get_object_or_404(Source.objects.select_related("plan"), pk=object_id)
        if not self.has_change_permission(request, source):
            raise PermissionDenied
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
