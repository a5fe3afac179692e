"""Sources of a plan, and write-key rotation (editor, admin)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.serializers.sources import SourceSerializer, WriteKeySerializer
from tracking.api.views.scoping import PLAN_PARAMETER, PlanScopedMixin
from tracking.models import Source, rotate_write_key


@extend_schema(tags=["sources"], parameters=[PLAN_PARAMETER])
class SourceViewSet(PlanScopedMixin[Source], viewsets.ModelViewSet[Source]):
    """Where the plan's events come from: apps, web, mini-programs, servers."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    action_permissions = {"rotate_write_key": ["tracking.change_source"]}
    filterset_fields = ["kind", "is_active"]
    search_fields = ["name"]
    ordering_fields = ["name", "kind", "created_at"]
    ordering = ["name"]

    @extend_schema(
        summary="Give the source a new write key; the old one stops working at once",
        request=None,
        responses={200: WriteKeySerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-write-key")
    def rotate_write_key(self, request: Request, **kwargs: Any) -> Response:
        source = self.get_object()
        new_key = rotate_write_key(source)
        data = {
            "write_key": new_key,
            "write_key_rotated_at": source.write_key_rotated_at,
        }
        return Response(WriteKeySerializer(data).data, status=status.HTTP_200_OK)
