"""Typed tracking code generated from a version, one source file per language."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from tracking.api.files import SOURCE_TYPE, file_response
from tracking.api.views.schemas import NOT_MODIFIED, VersionFileView
from tracking.api.views.scoping import PLAN_PARAMETER
from tracking.api.views.versions import VERSION_PARAMETER
from tracking.codegen import GENERATORS

LANGUAGE_PARAMETER = OpenApiParameter(
    "language",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=sorted(GENERATORS),
    description="The target language.",
)


@extend_schema(
    tags=["codegen"],
    parameters=[PLAN_PARAMETER, VERSION_PARAMETER, LANGUAGE_PARAMETER],
    summary="Typed tracking code for the version, as a file to download",
    responses={
        (200, "text/plain"): OpenApiResponse(
            OpenApiTypes.STR,
            description=(
                "One source file (UTF-8) with a typed function or type per event, named "
                "in `Content-Disposition`, with a strong `ETag`."
            ),
        ),
        304: NOT_MODIFIED,
    },
)
class CodegenView(VersionFileView):
    def get(self, request: Request, **kwargs: Any) -> HttpResponse:
        language = self.kwargs["language"]
        generator = GENERATORS.get(language)
        if generator is None:
            raise NotFound(
                _("No code generator for “%(language)s”; try one of: %(known)s.")
                % {"language": language, "known": ", ".join(sorted(GENERATORS))},
                code="language_not_found",
            )
        version = self.version
        text = generator.generate(self.snapshot, version=version.number)
        return file_response(
            request,
            text.encode("utf-8"),
            content_type=SOURCE_TYPE,
            version_ref=self.kwargs["version"],
            file_name=generator.file_name,
        )
