"""Change requests: editors ask to publish the draft, approvers decide; their discussion."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from tracking.api.permissions import caller
from tracking.api.serializers.reviews import (
    ApproveSerializer,
    ChangeRequestSerializer,
    CommentSerializer,
    DecisionInput,
    RequestChangesSerializer,
)
from tracking.api.views.scoping import PLAN_PARAMETER, PlanScopedMixin
from tracking.models import ChangeRequest, ReviewComment
from tracking.publishing import (
    add_comment,
    approve_change_request,
    open_change_request,
    request_changes,
    submit_for_review,
    withdraw_change_request,
)

INVALID_TRANSITION = OpenApiResponse(
    description="`invalid_transition`: not possible in the change request's status."
)
NOT_THE_AUTHOR = OpenApiResponse(
    description=(
        "The role may not, or `not_the_author`: only the change request's author (or an "
        "admin) submits or withdraws it."
    )
)
# Those who may ask to publish (editors) submit and withdraw their own; approvers (and admins)
# decide.
REQUEST = ["tracking.add_changerequest"]
DECIDE = ["tracking.approve_changerequest"]

CHANGE_REQUEST_PARAMETER = OpenApiParameter(
    "change_request_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The change request's id.",
)


@extend_schema(tags=["change requests"], parameters=[PLAN_PARAMETER])
class ChangeRequestViewSet(
    PlanScopedMixin[ChangeRequest],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ChangeRequest],
):
    """Requests to publish the plan's working draft, newest first, and their review."""

    queryset = ChangeRequest.objects.all()
    serializer_class = ChangeRequestSerializer
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]+"
    filterset_fields = ["status"]
    search_fields = ["title", "description"]
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at"]
    action_permissions = {
        "submit": REQUEST,
        "withdraw": REQUEST,
        "approve": DECIDE,
        "request_changes": DECIDE,
    }

    def get_queryset(self) -> QuerySet[ChangeRequest]:
        return (
            super()
            .get_queryset()
            .select_related("author", "reviewer", "published_version")
        )

    def perform_create(self, serializer: BaseSerializer[ChangeRequest]) -> None:
        serializer.instance = open_change_request(
            self.plan, author=caller(self.request), **serializer.validated_data
        )

    @extend_schema(
        summary="Send it for review",
        request=None,
        responses={
            200: ChangeRequestSerializer,
            403: NOT_THE_AUTHOR,
            409: INVALID_TRANSITION,
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, **kwargs: Any) -> Response:
        change_request = submit_for_review(self.get_object(), by=caller(request))
        return Response(self.get_serializer(change_request).data)

    @extend_schema(
        summary="Approve the draft as it is now (not by its author)",
        request=ApproveSerializer,
        responses={
            200: ChangeRequestSerializer,
            403: OpenApiResponse(
                description=(
                    "The role may not approve, or `approver_is_author`: the caller "
                    "opened it."
                )
            ),
            409: INVALID_TRANSITION,
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, **kwargs: Any) -> Response:
        given = ApproveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        decision: DecisionInput = given.validated_data
        change_request = approve_change_request(
            self.get_object(), by=caller(request), **decision
        )
        return Response(self.get_serializer(change_request).data)

    @extend_schema(
        summary="Send it back to its author with what to change",
        request=RequestChangesSerializer,
        responses={200: ChangeRequestSerializer, 409: INVALID_TRANSITION},
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, **kwargs: Any) -> Response:
        given = RequestChangesSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        decision: DecisionInput = given.validated_data
        change_request = request_changes(
            self.get_object(), by=caller(request), **decision
        )
        return Response(self.get_serializer(change_request).data)

    @extend_schema(
        summary="Withdraw it; it can no longer be published",
        request=None,
        responses={
            200: ChangeRequestSerializer,
            403: NOT_THE_AUTHOR,
            409: INVALID_TRANSITION,
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, **kwargs: Any) -> Response:
        change_request = withdraw_change_request(self.get_object(), by=caller(request))
        return Response(self.get_serializer(change_request).data)


@extend_schema(
    tags=["change requests"], parameters=[PLAN_PARAMETER, CHANGE_REQUEST_PARAMETER]
)
class CommentViewSet(
    PlanScopedMixin[ReviewComment],
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ReviewComment],
):
    """The discussion of one change request, oldest first."""

    queryset = ReviewComment.objects.all()
    serializer_class = CommentSerializer
    plan_lookup = "change_request__plan"
    filter_backends: list[type] = []

    @cached_property
    def change_request(self) -> ChangeRequest:
        return get_object_or_404(
            ChangeRequest.objects.filter(plan=self.plan),
            pk=self.kwargs["change_request_id"],
        )

    def get_queryset(self) -> QuerySet[ReviewComment]:
        queryset = super().get_queryset().select_related("author")
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset.filter(change_request=self.change_request).order_by(
            "created_at", "pk"
        )

    def perform_create(self, serializer: BaseSerializer[ReviewComment]) -> None:
        serializer.instance = add_comment(
            self.change_request,
            by=caller(self.request),
            body=serializer.validated_data["body"],
        )
