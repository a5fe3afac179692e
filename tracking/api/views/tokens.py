"""The caller's own API tokens: list, create (shown once) and revoke."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.permissions import RolePermissions, caller
from tracking.api.serializers.tokens import NewTokenSerializer, TokenSerializer
from tracking.api.tokens import (
    BearerTokenAuthentication,
    PasswordForTokenAuthentication,
)
from tracking.models import ApiToken, revoke_token


@extend_schema(tags=["tokens"])
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ApiToken],
):
    """The caller's API tokens. Revoking keeps the row, so the list shows past tokens too."""

    queryset = ApiToken.objects.all()
    serializer_class = TokenSerializer
    # A password is accepted here, to create a token, and nowhere else.
    authentication_classes = [
        BearerTokenAuthentication,
        PasswordForTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [RolePermissions]
    ordering_fields = ["created_at", "last_used_at", "name"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=caller(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "parent": {"user": self.request.user},
        }

    def get_serializer_class(self) -> type[TokenSerializer]:
        return NewTokenSerializer if self.action == "create" else TokenSerializer

    @extend_schema(
        summary="Create a token; the answer is the only time it is shown",
        request=TokenSerializer,
        responses={201: NewTokenSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    @extend_schema(summary="Revoke the token; it stops working at once")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        revoke_token(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
