"""Properties of a plan: top-level ones listed with their nested fields; any one by id or key."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.serializers.metrics import MetricSummarySerializer
from tracking.api.serializers.properties import PropertySerializer, PropertyTree
from tracking.api.views.glossary import REFUSED
from tracking.api.views.metrics import metric_summaries
from tracking.api.views.scoping import (
    PLAN_PARAMETER,
    PlanScopedMixin,
    by_id_or_key,
    ref_on_detail_routes,
    ref_parameter,
)
from tracking.metrics.guard import refuse_removal
from tracking.metrics.queries import metrics_using
from tracking.models import Property


@extend_schema(tags=["properties"], parameters=[PLAN_PARAMETER])
@ref_on_detail_routes("property")
class PropertyViewSet(PlanScopedMixin[Property], viewsets.ModelViewSet[Property]):
    """The plan's properties. The list holds top-level properties, nested fields inside them."""

    queryset = Property.objects.all()
    serializer_class = PropertySerializer
    lookup_url_kwarg = "ref"
    lookup_value_regex = "[^/]+"
    filterset_fields = ["type", "privacy_class"]
    search_fields = ["key", "display_name", "description"]
    ordering_fields = ["key", "type", "created_at", "updated_at"]
    ordering = ["key"]
    action_permissions = {"metrics": ["tracking.view_property", "tracking.view_metric"]}

    def get_queryset(self) -> QuerySet[Property]:
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.filter(parent__isnull=True)
        return queryset

    def get_object(self) -> Property:
        # A key names a top-level property; nested fields are reached by id.
        prop = by_id_or_key(self.get_queryset(), self.kwargs["ref"], parent=None)
        self.check_object_permissions(self.request, prop)
        return prop

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if "plan" in context:
            context["tree"] = PropertyTree(context["plan"])
        return context

    def perform_destroy(self, instance: Property) -> None:
        refuse_removal(instance)
        instance.delete()

    @extend_schema(responses={204: None, 409: REFUSED})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)

    @extend_schema(
        summary="Every metric resting on the property or its fields, directly or not",
        parameters=[ref_parameter("ref", "property")],
        responses=MetricSummarySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def metrics(self, request: Request, **kwargs: Any) -> Response:
        prop = self.get_object()
        return Response(metric_summaries(self.plan, metrics_using(prop)))
