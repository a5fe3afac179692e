"""Admin for plan membership: which plans each user reaches through the API and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tracking.admin.scoping import PlanScopedAdmin
from tracking.models import PlanMembership


@admin.register(PlanMembership)
class PlanMembershipAdmin(PlanScopedAdmin[PlanMembership]):
    list_display = ["user", "plan", "roles", "created_at"]
    list_filter = ["plan"]
    list_select_related = ["user", "plan"]
    search_fields = ["user__username", "plan__key", "plan__name"]
    autocomplete_fields = ["user", "plan"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PlanMembership]:
        return super().get_queryset(request).prefetch_related("user__groups")

    @admin.display(description=_("roles"))
    def roles(self, membership: PlanMembership) -> str:
        return ", ".join(sorted(g.name for g in membership.user.groups.all()))
