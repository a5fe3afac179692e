"""Published versions, the diff between any two of them or the draft, and publishing."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import F, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.permissions import caller
from tracking.api.serializers.versions import (
    DiffQuery,
    DiffQuerySerializer,
    PlanDiffSerializer,
    PublishInput,
    PublishPreviewSerializer,
    PublishSerializer,
    VersionListSerializer,
    VersionSerializer,
)
from tracking.api.views.scoping import PLAN_PARAMETER, PlanScopedMixin
from tracking.models import ChangeStatus, PlanVersion
from tracking.publishing import (
    diff_versions,
    preview_publish,
    publish_version,
    resolve_version,
)

VERSION_PARAMETER = OpenApiParameter(
    "version",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="A version number, e.g. `1.2.0`, or `latest`.",
)
VERSION_REF_PATTERN = r"[^/]+"
_LATEST_FIRST = ("-major", "-minor", "-patch")


class VersionScopedMixin(PlanScopedMixin[PlanVersion]):
    """Views of one version of the plan, `…/versions/<version>/…`, found by number or latest."""

    queryset = PlanVersion.objects.all()

    @cached_property
    def version(self) -> PlanVersion:
        """The version the address names; raises VersionNotFound (404)."""
        return resolve_version(self.plan, self.kwargs["version"])


@extend_schema(tags=["versions"], parameters=[PLAN_PARAMETER])
class VersionViewSet(
    VersionScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[PlanVersion],
):
    """The plan's published versions, latest first; each immutable."""

    serializer_class = VersionListSerializer
    lookup_url_kwarg = "version"
    lookup_value_regex = VERSION_REF_PATTERN
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[PlanVersion]:
        # The list never loads snapshots or diffs, only the diff's counts.
        return (
            super()
            .get_queryset()
            .select_related("author")
            .defer("snapshot", "diff")
            .annotate(counts=F("diff__counts"))
            .order_by(*_LATEST_FIRST)
        )

    def get_serializer_class(self) -> type[VersionListSerializer]:
        return VersionListSerializer if self.action == "list" else VersionSerializer

    def get_object(self) -> PlanVersion:
        return self.version

    @extend_schema(
        summary="One version, with its changes since the previous one",
        parameters=[VERSION_PARAMETER],
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="The version's frozen plan, as stored",
        parameters=[VERSION_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def snapshot(self, request: Request, **kwargs: Any) -> Response:
        return Response(self.version.snapshot)


@extend_schema(
    tags=["versions"],
    parameters=[
        PLAN_PARAMETER,
        OpenApiParameter(
            "from",
            OpenApiTypes.STR,
            description="The older side: a version number, `latest` or `draft`.",
            default="latest",
        ),
        OpenApiParameter(
            "to",
            OpenApiTypes.STR,
            description="The newer side: a version number, `latest` or `draft`.",
            default="draft",
        ),
    ],
    summary="The changes between two versions, or a version and the working draft",
    responses=PlanDiffSerializer,
)
class DiffView(PlanScopedMixin[PlanVersion], GenericAPIView[PlanVersion]):
    queryset = PlanVersion.objects.all()
    # Not a serializer of `queryset`'s rows: that names the model for permissions only.
    serializer_class = PlanDiffSerializer  # type: ignore[assignment]
    pagination_class = None
    filter_backends: list[type] = []

    def get(self, request: Request, **kwargs: Any) -> Response:
        query = DiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        sides: DiffQuery = query.validated_data
        old, new = sides["from"], sides["to"]
        diff = diff_versions(self.plan, old, new)
        data = {**diff.as_dict(), "from_ref": old, "to_ref": new}
        return Response(PlanDiffSerializer(data).data)


@extend_schema(tags=["publishing"], parameters=[PLAN_PARAMETER])
class PublishViewSet(
    PlanScopedMixin[PlanVersion], viewsets.GenericViewSet[PlanVersion]
):
    """Freezing the working draft as the next version (editors and admins).

    When the plan requires approval, publishing needs the id of an approved change request
    whose approval still matches the draft.
    """

    queryset = PlanVersion.objects.all()
    # Not a serializer of `queryset`'s rows: that names the model for permissions only.
    serializer_class = PublishSerializer  # type: ignore[assignment]
    pagination_class = None
    filter_backends: list[type] = []
    action_permissions = {"preview": ["tracking.view_planversion"]}

    @extend_schema(
        summary="Publish the working draft as the next version",
        request=PublishSerializer,
        responses={
            201: VersionSerializer,
            409: OpenApiResponse(
                description=(
                    "Refused: `publish_refused_plan_checks` (the error findings in "
                    "`details`), `nothing_to_publish`, `approval_required` or "
                    "`draft_changed_since_approval`."
                )
            ),
        },
    )
    def create(self, request: Request, **kwargs: Any) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        publishing: PublishInput = given.validated_data
        version = publish_version(self.plan, author=caller(request), **publishing)
        data = VersionSerializer(version, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="What publishing now would do: next number, changes, blocking findings",
        responses=PublishPreviewSerializer,
    )
    @action(detail=False, methods=["get"])
    def preview(self, request: Request, **kwargs: Any) -> Response:
        preview = preview_publish(self.plan)
        approved = self.plan.change_requests.filter(status=ChangeStatus.APPROVED)
        data = {
            "previous": preview.previous,
            "number": preview.number,
            "can_publish": preview.can_publish,
            "approval_needed": preview.approval_needed,
            "approved_change_requests": list(approved.values_list("pk", flat=True)),
            "blocking": [f.as_dict() for f in preview.blocking],
            "diff": preview.diff.as_dict(),
        }
        return Response(PublishPreviewSerializer(data).data)
