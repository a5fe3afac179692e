"""A plan's glossary: terms (口径), qualifiers (修饰词) and time periods (时间周期), by id or key."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.serializers.glossary import (
    GlossaryTermSerializer,
    ModifierSerializer,
    TimePeriodSerializer,
    finding_errors,
)
from tracking.api.serializers.validation import row_to_write
from tracking.api.views.scoping import (
    PLAN_PARAMETER,
    PlanScopedMixin,
    RowT,
    ref_on_detail_routes,
)
from tracking.errors import MetricDependencyError
from tracking.metrics.dependencies import MODIFIER, PERIOD, TERM
from tracking.metrics.findings import MetricFinding
from tracking.metrics.guard import online_metrics_using
from tracking.metrics.queries import check_modifier_row, check_term_row
from tracking.models import GlossaryTerm, Metric, Modifier, TimePeriod

# The rows addressed by key and checked against the plan: the glossary's, and metrics.
KeyedRowT = TypeVar("KeyedRowT", bound=GlossaryTerm | Modifier | TimePeriod | Metric)

REFUSED = OpenApiResponse(
    description="Online metrics use it (`used_by_online_metrics`); `details.metrics` lists them."
)


def by_id_or_exact_key(queryset: QuerySet[RowT], ref: str) -> RowT:
    """The row whose id is `ref` (all digits) or whose key is `ref` ignoring case, or 404.

    Metric and glossary keys are snake_case and compared like their unique constraint does.
    """
    if ref.isdigit():
        return get_object_or_404(queryset, pk=int(ref))
    return get_object_or_404(queryset, key__iexact=ref)


class KeyedPlanRows(PlanScopedMixin[KeyedRowT], viewsets.ModelViewSet[KeyedRowT]):
    """Rows of one plan addressed by id or key, checked against the plan before each write."""

    lookup_url_kwarg = "ref"
    lookup_value_regex = "[^/]+"
    ordering = ["key"]
    target_type = (
        ""  # what metric dependencies call these rows (term, modifier, period)
    )

    def get_object(self) -> KeyedRowT:
        row = by_id_or_exact_key(self.get_queryset(), self.kwargs["ref"])
        self.check_object_permissions(self.request, row)
        return row

    def perform_create(self, serializer: serializers.BaseSerializer[KeyedRowT]) -> None:
        self._refuse_errors(serializer)
        serializer.save()

    def perform_update(self, serializer: serializers.BaseSerializer[KeyedRowT]) -> None:
        self._refuse_errors(serializer)
        serializer.save()

    @extend_schema(responses={204: None, 409: REFUSED})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: KeyedRowT) -> None:
        """Refuse (409) to delete what online metrics use; draft ones are left to their checks."""
        users = online_metrics_using(
            self.plan, target_type=self.target_type, key=instance.key
        )
        if users:
            message = _(
                "“%(key)s” cannot be deleted: online metrics use it (%(metrics)s)."
            ) % {"key": instance.key, "metrics": ", ".join(users)}
            details = {"target_type": self.target_type, "key": instance.key}
            raise MetricDependencyError(message, details={**details, "metrics": users})
        instance.delete()

    def plan_findings(self, row: KeyedRowT) -> list[MetricFinding]:
        """What the checks against the plan find in the would-be row; none by default."""
        return []

    def _refuse_errors(self, serializer: serializers.BaseSerializer[KeyedRowT]) -> None:
        """Check the would-be row against the plan before writing it (400 with the paths)."""
        errors = finding_errors(self.plan_findings(row_to_write(serializer)))
        if errors:
            raise serializers.ValidationError(errors)


@extend_schema(tags=["glossary"], parameters=[PLAN_PARAMETER])
@ref_on_detail_routes("glossary term")
class GlossaryTermViewSet(KeyedPlanRows[GlossaryTerm]):
    """Words metrics use ("new user", "active"), each defined once for the whole plan."""

    queryset = GlossaryTerm.objects.all()
    target_type = TERM
    serializer_class = GlossaryTermSerializer
    search_fields = ["key", "name_zh", "name_en", "definition_text"]
    ordering_fields = ["key", "created_at", "updated_at"]

    def get_queryset(self) -> QuerySet[GlossaryTerm]:
        return super().get_queryset().select_related("owner")

    def plan_findings(self, row: GlossaryTerm) -> list[MetricFinding]:
        return check_term_row(row)


@extend_schema(tags=["glossary"], parameters=[PLAN_PARAMETER])
@ref_on_detail_routes("qualifier")
class ModifierViewSet(KeyedPlanRows[Modifier]):
    """Qualifiers (修饰词) that narrow a derived metric, e.g. organic channels."""

    queryset = Modifier.objects.all()
    target_type = MODIFIER
    serializer_class = ModifierSerializer
    filterset_fields = ["modifier_type"]
    search_fields = ["key", "name_zh", "name_en"]
    ordering_fields = ["key", "modifier_type", "created_at", "updated_at"]

    def get_queryset(self) -> QuerySet[Modifier]:
        return super().get_queryset().select_related("term")

    def plan_findings(self, row: Modifier) -> list[MetricFinding]:
        return check_modifier_row(row)


@extend_schema(tags=["glossary"], parameters=[PLAN_PARAMETER])
@ref_on_detail_routes("time period")
class TimePeriodViewSet(KeyedPlanRows[TimePeriod]):
    """Time periods (时间周期) derived metrics are computed over, e.g. 30d or mtd."""

    queryset = TimePeriod.objects.all()
    target_type = PERIOD
    serializer_class = TimePeriodSerializer
    filterset_fields = ["kind", "unit"]
    search_fields = ["key", "name_zh", "name_en"]
    ordering_fields = ["key", "kind", "created_at", "updated_at"]
