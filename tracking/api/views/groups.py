"""Property groups of a plan and their members; the plan's common properties."""

from __future__ import annotations

from functools import cached_property

from django.db.models import Model, Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from tracking.api.serializers.attachments import (
    CommonPropertySerializer,
    MemberSerializer,
)
from tracking.api.serializers.groups import GroupSerializer
from tracking.api.views.scoping import (
    PLAN_PARAMETER,
    PlanScopedMixin,
    by_id_or_key,
    ref_on_detail_routes,
    ref_parameter,
)
from tracking.models import CommonProperty, GroupProperty, PropertyGroup


@extend_schema(tags=["groups"], parameters=[PLAN_PARAMETER])
@ref_on_detail_routes("group")
class GroupViewSet(
    PlanScopedMixin[PropertyGroup], viewsets.ModelViewSet[PropertyGroup]
):
    """Named bundles of properties attached to many events at once."""

    queryset = PropertyGroup.objects.all()
    serializer_class = GroupSerializer
    lookup_url_kwarg = "ref"
    lookup_value_regex = "[^/]+"
    search_fields = ["key", "name", "description"]
    ordering_fields = ["key", "name", "created_at", "updated_at"]
    ordering = ["key"]

    def get_queryset(self) -> QuerySet[PropertyGroup]:
        members = GroupProperty.objects.select_related("property")
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("members", queryset=members))
        )

    def get_object(self) -> PropertyGroup:
        group = by_id_or_key(self.get_queryset(), self.kwargs["ref"])
        self.check_object_permissions(self.request, group)
        return group


@extend_schema(
    tags=["groups"], parameters=[PLAN_PARAMETER, ref_parameter("group_ref", "group")]
)
class MemberViewSet(
    PlanScopedMixin[GroupProperty], viewsets.ModelViewSet[GroupProperty]
):
    """The properties in one group."""

    queryset = GroupProperty.objects.all()
    serializer_class = MemberSerializer
    plan_lookup = "group__plan"
    ordering_fields = ["position", "id"]
    ordering = ["position", "id"]

    @cached_property
    def group(self) -> PropertyGroup:
        groups = PropertyGroup.objects.filter(plan=self.plan)
        return by_id_or_key(groups, self.kwargs["group_ref"])

    def get_queryset(self) -> QuerySet[GroupProperty]:
        queryset = super().get_queryset().select_related("property")
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset.filter(group=self.group)

    def parent_values(self) -> dict[str, Model]:
        return {"group": self.group}


@extend_schema(tags=["common properties"], parameters=[PLAN_PARAMETER])
class CommonPropertyViewSet(
    PlanScopedMixin[CommonProperty], viewsets.ModelViewSet[CommonProperty]
):
    """Properties every event of the plan carries (user id, device id, app version …)."""

    queryset = CommonProperty.objects.all()
    serializer_class = CommonPropertySerializer
    filterset_fields = ["required"]
    ordering_fields = ["property__key", "id"]
    ordering = ["property__key"]

    def get_queryset(self) -> QuerySet[CommonProperty]:
        return super().get_queryset().select_related("property")
