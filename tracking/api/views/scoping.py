"""Narrowing every query to the plans the caller may see, and finding rows by id or key."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.generics import GenericAPIView
from rest_framework.views import APIView

from tracking.api.permissions import RolePermissions
from tracking.models import TrackingPlan, plans_visible_to
from tracking.naming import fold_key

PLAN_PARAMETER = OpenApiParameter(
    "plan_key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The plan's key, e.g. `shop-app`.",
)
PLAN_KEY_PATTERN = r"[-a-zA-Z0-9_]+"

RowT = TypeVar("RowT", bound=Model)
ViewT = TypeVar("ViewT", bound=type[APIView])


def ref_parameter(name: str, what: str) -> OpenApiParameter:
    """The path parameter of a row addressed by its id or its key."""
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=(
            f"The {what}'s id, or its key (URL-encoded; compared ignoring case and "
            "separators). A key made only of digits is found with `?key=` on the list."
        ),
    )


DETAIL_ACTIONS = ("retrieve", "update", "partial_update", "destroy")


def ref_on_detail_routes(what: str) -> Callable[[ViewT], ViewT]:
    """Class decorator documenting the `ref` path parameter of the detail routes."""
    parameter = ref_parameter("ref", what)
    return extend_schema_view(
        **{action: extend_schema(parameters=[parameter]) for action in DETAIL_ACTIONS}
    )


def by_id_or_key(queryset: QuerySet[RowT], ref: str, **key_filters: Any) -> RowT:
    """The row whose id is `ref` (all digits) or whose key folds like `ref`, or 404."""
    if ref.isdigit():
        return get_object_or_404(queryset, pk=int(ref))
    return get_object_or_404(queryset, key_folded=fold_key(ref), **key_filters)


class PlanScopedMixin(GenericAPIView[RowT]):
    """A viewset of rows of one plan, `plans/<plan_key>/…`, among the plans the caller may see.

    `plan_lookup` is the path from the row to its plan. A plan the caller may not see is
    answered like a plan that does not exist: 404.
    """

    permission_classes = [RolePermissions]
    plan_lookup = "plan"

    @cached_property
    def plan(self) -> TrackingPlan:
        return get_object_or_404(
            plans_visible_to(self.request.user), key=self.kwargs["plan_key"]
        )

    def get_queryset(self) -> QuerySet[RowT]:
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset  # schema generation: no request, no plan
        return queryset.filter(**{self.plan_lookup: self.plan})

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False) and "plan_key" in self.kwargs:
            context["plan"] = self.plan
            context["parent"] = self.parent_values()
        return context

    def parent_values(self) -> dict[str, Model]:
        """The fields a new row takes from its address (its plan, or its event or group)."""
        return {"plan": self.plan}
