"""Plans: list, read, create (admin) and edit settings (editor); the plan checks' findings."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.permissions import RolePermissions
from tracking.api.serializers.plans import PlanChecksSerializer, PlanSerializer
from tracking.api.views.scoping import PLAN_KEY_PATTERN, PLAN_PARAMETER
from tracking.checks import Severity, run_plan_checks
from tracking.models import TrackingPlan, plans_visible_to


@extend_schema(tags=["plans"])
class PlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[TrackingPlan],
):
    """The tracking plans the caller may see, addressed by key."""

    queryset = TrackingPlan.objects.all()
    serializer_class = PlanSerializer
    permission_classes = [RolePermissions]
    lookup_field = "key"
    lookup_url_kwarg = "plan_key"
    lookup_value_regex = PLAN_KEY_PATTERN
    action_permissions = {"checks": ["tracking.view_trackingplan"]}
    search_fields = ["key", "name", "description"]
    ordering_fields = ["key", "name", "created_at", "updated_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[TrackingPlan]:
        if getattr(self, "swagger_fake_view", False):
            return TrackingPlan.objects.none()
        return plans_visible_to(self.request.user).select_related("owner")

    @extend_schema(
        summary="Findings of the plan checks on the working draft",
        parameters=[PLAN_PARAMETER],
        responses=PlanChecksSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def checks(self, request: Request, **kwargs: Any) -> Response:
        plan = self.get_object()
        findings = run_plan_checks(plan)
        severities = [f.severity for f in findings]
        data = {
            "plan": plan.key,
            "errors": severities.count(Severity.ERROR),
            "warnings": severities.count(Severity.WARNING),
            "findings": [f.as_dict() for f in findings],
        }
        return Response(PlanChecksSerializer(data).data)
