"""A plan's metrics, by id or key: saved through `save_metric`, their lineage, lifecycle and
certification."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.permissions import caller
from tracking.api.serializers.metrics import (
    CertificationInput,
    CertificationSerializer,
    DraftCatalog,
    LifecycleInput,
    LifecycleResultSerializer,
    LifecycleSerializer,
    LineageSerializer,
    MetricSerializer,
    MetricSummarySerializer,
)
from tracking.api.serializers.validation import row_to_write
from tracking.api.views.glossary import REFUSED, KeyedPlanRows
from tracking.api.views.scoping import (
    PLAN_PARAMETER,
    ref_on_detail_routes,
    ref_parameter,
)
from tracking.metrics.dependencies import METRIC
from tracking.metrics.guard import refuse_removal
from tracking.metrics.lineage import dependents, metric_lineage
from tracking.metrics.load import load_catalog
from tracking.metrics.store import (
    certify_metric,
    save_metric,
    set_metric_lifecycle,
)
from tracking.models import (
    AarrrStage,
    Metric,
    MetricCategory,
    MetricKind,
    MetricLifecycle,
    Tag,
    TrackingPlan,
)

DEPRECATED = OpenApiResponse(
    description=(
        "The metric is deprecated (`invalid_transition`): its certification can only be "
        "withdrawn with `none`."
    )
)
INVALID = OpenApiResponse(
    description=(
        "The definition fails the checks (`metric_definition_invalid`); `details` lists the "
        "findings, each with the `path` of the part it points at."
    )
)


# django-filter ships no type information: FilterSet is Any to mypy.
class MetricFilter(django_filters.FilterSet):  # type: ignore[misc]
    kind = django_filters.ChoiceFilter(choices=MetricKind.choices)
    lifecycle = django_filters.ChoiceFilter(choices=MetricLifecycle.choices)
    aarrr_stage = django_filters.ChoiceFilter(choices=AarrrStage.choices)
    category = django_filters.ChoiceFilter(choices=MetricCategory.choices)
    owner = django_filters.CharFilter(
        field_name="owner__username", help_text="Metrics owned by this username."
    )
    is_north_star = django_filters.BooleanFilter(help_text="Only the north star.")

    class Meta:
        model = Metric
        fields = [
            "kind",
            "lifecycle",
            "aarrr_stage",
            "category",
            "owner",
            "is_north_star",
        ]


def metric_summaries(plan: TrackingPlan, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The metrics of `keys`, in key order, as short summaries."""
    rows = Metric.objects.filter(plan=plan, key__in=keys).order_by("key")
    summaries = MetricSummarySerializer(rows, many=True)
    # many=True builds a ListSerializer, whose data is a list; the stubs cannot tell.
    return summaries.data  # type: ignore[return-value]


@extend_schema(tags=["metrics"], parameters=[PLAN_PARAMETER])
@ref_on_detail_routes("metric")
class MetricViewSet(KeyedPlanRows[Metric]):
    """The plan's business metrics, each checked against the plan whenever it is saved."""

    queryset = Metric.objects.all()
    serializer_class = MetricSerializer
    filterset_class = MetricFilter
    search_fields = ["key", "name_zh", "name_en"]
    ordering_fields = ["key", "kind", "lifecycle", "created_at", "updated_at"]
    action_permissions = {
        "lifecycle": ["tracking.change_metric"],
        "certification": ["tracking.change_metric"],
    }

    def get_queryset(self) -> QuerySet[Metric]:
        return (
            super()
            .get_queryset()
            .select_related("owner", "steward", "drives", "certified_by")
            .prefetch_related("tags", "dependencies")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if "plan" in context:
            context["catalog"] = DraftCatalog(context["plan"])
        return context

    @extend_schema(responses={201: MetricSerializer, 400: INVALID})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    @extend_schema(responses={200: MetricSerializer, 400: INVALID})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().update(request, *args, **kwargs)

    @extend_schema(responses={200: MetricSerializer, 400: INVALID})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)

    @transaction.atomic
    def perform_create(self, serializer: serializers.BaseSerializer[Metric]) -> None:
        self._save(serializer)

    @transaction.atomic
    def perform_update(self, serializer: serializers.BaseSerializer[Metric]) -> None:
        self._save(serializer)

    def _save(self, serializer: serializers.BaseSerializer[Metric]) -> None:
        """Save through `save_metric` (MetricInvalid: 400 with the findings), then the tags."""
        metric = row_to_write(serializer)
        save_metric(metric, by=caller(self.request))
        names = serializer.validated_data.get("tags")
        if names is not None:
            metric.tags.set(
                [Tag.objects.get_or_create(name=name.strip())[0] for name in names]
            )
        serializer.instance = self.get_queryset().get(pk=metric.pk)

    def perform_destroy(self, instance: Metric) -> None:
        refuse_removal(instance)
        instance.delete()

    @extend_schema(
        summary="What the metric rests on, transitively, and the metrics built on it",
        parameters=[ref_parameter("ref", "metric")],
        responses=LineageSerializer,
    )
    @action(detail=True, methods=["get"])
    def lineage(self, request: Request, **kwargs: Any) -> Response:
        metric = self.get_object()
        catalog = load_catalog(self.plan)
        found = metric_lineage(metric.key, catalog)
        data = {
            "metrics": found.metrics,
            "events": found.events,
            "properties": found.properties,
            "terms": found.terms,
            "modifiers": found.modifiers,
            "periods": found.periods,
            "used_by": dependents(catalog, target_type=METRIC, key=metric.key),
        }
        return Response(LineageSerializer(data).data)

    @extend_schema(
        summary="Move the metric to another lifecycle (draft, online, offline, deprecated)",
        parameters=[ref_parameter("ref", "metric")],
        request=LifecycleSerializer,
        responses={200: LifecycleResultSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def lifecycle(self, request: Request, **kwargs: Any) -> Response:
        metric = self.get_object()
        given = LifecycleSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        move: LifecycleInput = given.validated_data
        moved = set_metric_lifecycle(
            metric,
            move["lifecycle"],
            cascade=move["cascade"],
            by=caller(request),
        )
        metric = self.get_queryset().get(pk=metric.pk)
        data = {"moved": moved, "metric": self.get_serializer(metric).data}
        return Response(data)

    @extend_schema(
        summary="Review or certify the metric, or withdraw that (none), as the caller",
        parameters=[ref_parameter("ref", "metric")],
        request=CertificationSerializer,
        responses={200: MetricSerializer, 409: DEPRECATED},
    )
    @action(detail=True, methods=["post"])
    @transaction.atomic
    def certification(self, request: Request, **kwargs: Any) -> Response:
        metric = self.get_object()
        given = CertificationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        certify: CertificationInput = given.validated_data
        certified = certify_metric(metric, level=certify["level"], by=caller(request))
        return Response(self.get_serializer(certified).data)
