"""Events of a plan, by id or key; deprecate and duplicate; their property attachments."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import django_filters
from django.db.models import Model, Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.permissions import caller
from tracking.api.serializers.attachments import AttachmentSerializer
from tracking.api.serializers.events import (
    DuplicateInput,
    DuplicateSerializer,
    EventSerializer,
)
from tracking.api.serializers.metrics import MetricSummarySerializer
from tracking.api.views.glossary import REFUSED
from tracking.api.views.metrics import metric_summaries
from tracking.api.views.scoping import (
    PLAN_PARAMETER,
    PlanScopedMixin,
    by_id_or_key,
    ref_on_detail_routes,
    ref_parameter,
)
from tracking.editing import deprecate_event, duplicate_event, free_copy_key
from tracking.metrics.guard import refuse_removal
from tracking.metrics.queries import metrics_using
from tracking.models import Event, EventProperty, EventStatus, TrackedOn
from tracking.naming import fold_key


# django-filter ships no type information: FilterSet is Any to mypy.
class EventFilter(django_filters.FilterSet):  # type: ignore[misc]
    key = django_filters.CharFilter(
        method="filter_key",
        help_text="The event with this key (ignoring case and separators).",
    )
    status = django_filters.ChoiceFilter(choices=EventStatus.choices)
    tracked_on = django_filters.ChoiceFilter(choices=TrackedOn.choices)
    category = django_filters.CharFilter()
    tag = django_filters.CharFilter(
        field_name="tags__name", help_text="Events carrying this tag."
    )
    source = django_filters.NumberFilter(
        field_name="sources", help_text="Events expected on this source (id)."
    )
    group = django_filters.NumberFilter(
        field_name="groups", help_text="Events with this property group (id)."
    )
    property = django_filters.NumberFilter(
        field_name="attachments__property",
        help_text="Events with this property attached (id).",
    )

    class Meta:
        model = Event
        fields = ["key", "status", "tracked_on", "category"]

    def filter_key(
        self, queryset: QuerySet[Event], name: str, value: str
    ) -> QuerySet[Event]:
        return queryset.filter(key_folded=fold_key(value))


@extend_schema(tags=["events"], parameters=[PLAN_PARAMETER])
@ref_on_detail_routes("event")
class EventViewSet(PlanScopedMixin[Event], viewsets.ModelViewSet[Event]):
    """The plan's events (tracking points), with their properties and groups."""

    queryset = Event.objects.all()
    serializer_class = EventSerializer
    lookup_url_kwarg = "ref"
    lookup_value_regex = "[^/]+"
    filterset_class = EventFilter
    search_fields = ["key", "display_name", "description", "trigger"]
    ordering_fields = ["key", "status", "created_at", "updated_at"]
    ordering = ["key"]
    action_permissions = {
        "deprecate": ["tracking.change_event"],
        "duplicate": ["tracking.add_event"],
        "metrics": ["tracking.view_event", "tracking.view_metric"],
    }

    def get_queryset(self) -> QuerySet[Event]:
        attachments = EventProperty.objects.select_related("property")
        return (
            super()
            .get_queryset()
            .select_related("owner")
            .prefetch_related(
                "tags",
                "sources",
                "groups",
                Prefetch("attachments", queryset=attachments),
            )
            .distinct()
        )

    def get_object(self) -> Event:
        event = by_id_or_key(self.get_queryset(), self.kwargs["ref"])
        self.check_object_permissions(self.request, event)
        return event

    @extend_schema(responses={204: None, 409: REFUSED})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: Event) -> None:
        refuse_removal(instance)
        instance.delete()

    @extend_schema(
        summary="Every metric resting on the event, directly or through other metrics",
        parameters=[ref_parameter("ref", "event")],
        responses=MetricSummarySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def metrics(self, request: Request, **kwargs: Any) -> Response:
        event = self.get_object()
        return Response(metric_summaries(self.plan, metrics_using(event)))

    @extend_schema(
        summary="Deprecate the event; it stays in the plan, flagged",
        parameters=[ref_parameter("ref", "event")],
        request=None,
        responses=EventSerializer,
    )
    @action(detail=True, methods=["post"])
    def deprecate(self, request: Request, **kwargs: Any) -> Response:
        event = deprecate_event(self.get_object(), by=caller(request))
        return Response(self.get_serializer(event).data)

    @extend_schema(
        summary="Copy the event, with its properties, under a new key",
        parameters=[ref_parameter("ref", "event")],
        request=DuplicateSerializer,
        responses={201: EventSerializer},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, **kwargs: Any) -> Response:
        event = self.get_object()
        given = DuplicateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        asked: DuplicateInput = given.validated_data
        key = asked.get("key") or free_copy_key(event)
        copy = duplicate_event(event, key=key, by=caller(request))
        copy = self.get_queryset().get(pk=copy.pk)
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["events"],
    parameters=[
        PLAN_PARAMETER,
        ref_parameter("event_ref", "event"),
    ],
)
class AttachmentViewSet(
    PlanScopedMixin[EventProperty], viewsets.ModelViewSet[EventProperty]
):
    """The properties attached to one event: required or optional, optionally narrowed."""

    queryset = EventProperty.objects.all()
    serializer_class = AttachmentSerializer
    plan_lookup = "event__plan"
    ordering_fields = ["position", "id"]
    ordering = ["position", "id"]

    @cached_property
    def event(self) -> Event:
        events = Event.objects.filter(plan=self.plan)
        return by_id_or_key(events, self.kwargs["event_ref"])

    def get_queryset(self) -> QuerySet[EventProperty]:
        queryset = super().get_queryset().select_related("property")
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset.filter(event=self.event)

    def parent_values(self) -> dict[str, Model]:
        return {"event": self.event}
