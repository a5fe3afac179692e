"""Exporting a plan as a file in one of the interchange formats, and importing one into it.

An import is a dry run unless the call says `dry_run=false`; a real import is all or nothing
(see `tracking.interchange.apply`). The file is the raw request body, or the multipart field
`file`, and may not exceed `settings.TRACKING_IMPORT_MAX_BYTES` (5 MB by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from tracking.api.files import AnyAccept, file_response
from tracking.api.permissions import caller
from tracking.api.serializers.interchange import (
    ExportQuery,
    ExportQuerySerializer,
    ImportQuery,
    ImportQuerySerializer,
    ImportReportSerializer,
)
from tracking.api.views.schemas import NOT_MODIFIED
from tracking.api.views.scoping import PLAN_PARAMETER, PlanScopedMixin
from tracking.errors import ImportRejected
from tracking.interchange import CONTENT_TYPES, EXTENSIONS, FORMATS, export, parse
from tracking.interchange.apply import apply_import, plan_import
from tracking.models import Event
from tracking.publishing import LATEST, resolve_version, version_snapshot
from tracking.snapshot import PlanSnapshot, take_snapshot

DRAFT = "draft"
DRAFT_CACHE = "private, no-cache"

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=list(FORMATS),
    description="The file format: Segment, Snowplow Iglu (zip), CSV, Excel or native JSON.",
)
EXPORT_VERSION_PARAMETER = OpenApiParameter(
    "version",
    OpenApiTypes.STR,
    description="A version number, e.g. `1.2.0`, `latest`, or `draft` (the working draft).",
    default=DRAFT,
)
DRY_RUN_PARAMETER = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    description="Only report what the import would do; `false` to write it.",
    default=True,
)


def max_import_bytes() -> int:
    return int(settings.TRACKING_IMPORT_MAX_BYTES)


class FileTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "file_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            _("The file is larger than the %(limit)d bytes an import may be.")
            % {"limit": limit}
        )


class RawFileParser(BaseParser):
    """Any other body is the file itself, read up to the size limit."""

    media_type = "*/*"

    # TRICKY: a parser may answer any data (it becomes `request.data`); the stubs expect a
    # mapping, but the file is kept as bytes for `ImportView._file`.
    def parse(  # type: ignore[override]
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        limit = max_import_bytes()
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise FileTooLarge(limit)
        return data


class FormatPathMixin(PlanScopedMixin[Event]):
    """`{format}` in the path names the file format, not DRF's format suffix."""

    def get_format_suffix(self, **kwargs: Any) -> None:
        return None


def check_format(format_name: str) -> str:
    if format_name not in FORMATS:
        raise exceptions.NotFound(
            _("No format “%(format)s”; try one of: %(known)s.")
            % {"format": format_name, "known": ", ".join(FORMATS)},
            code="format_not_found",
        )
    return format_name


@extend_schema(
    tags=["interchange"],
    parameters=[PLAN_PARAMETER, FORMAT_PARAMETER, EXPORT_VERSION_PARAMETER],
    summary="The plan (a version or the draft) as a file in an interchange format",
    responses={
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY,
            description=(
                "The file, in the format's own content type, named `<plan>.<ext>` in "
                "`Content-Disposition`, with a strong `ETag`."
            ),
        ),
        304: NOT_MODIFIED,
    },
)
class ExportView(FormatPathMixin, GenericAPIView[Event]):
    queryset = Event.objects.all()
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAccept
    pagination_class = None
    filter_backends: list[type] = []

    def get(self, request: Request, **kwargs: Any) -> HttpResponse:
        format_name = check_format(self.kwargs["format"])
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked: ExportQuery = query.validated_data
        ref = asked["version"]
        data = export(format_name, self._snapshot(ref))
        response = file_response(
            request,
            data,
            content_type=CONTENT_TYPES[format_name],
            version_ref=ref,
            file_name=f"{self.plan.key}{EXTENSIONS[format_name]}",
        )
        if ref == DRAFT:
            response["Cache-Control"] = DRAFT_CACHE
        return response

    def _snapshot(self, ref: str) -> PlanSnapshot:
        if ref == DRAFT:
            return take_snapshot(self.plan)
        return version_snapshot(resolve_version(self.plan, ref or LATEST))


@extend_schema(
    tags=["interchange"],
    parameters=[PLAN_PARAMETER, FORMAT_PARAMETER, DRY_RUN_PARAMETER],
    summary="Import a file into the plan's draft: a dry run unless `dry_run=false`",
    description=(
        "The file is the raw request body (`application/octet-stream` or the format's "
        "content type) or the multipart field `file`. A real import is all or nothing."
    ),
    request={
        "application/octet-stream": OpenApiTypes.BINARY,
        "multipart/form-data": {
            "type": "object",
            "properties": {"file": {"type": "string", "format": "binary"}},
            "required": ["file"],
        },
    },
    responses={
        200: ImportReportSerializer,
        409: OpenApiResponse(
            description=(
                "`import_rejected`: the file has errors or rows the plan refuses; "
                "nothing was written, the report is in `details`."
            )
        ),
        413: OpenApiResponse(description="`file_too_large`: over the size limit."),
    },
)
class ImportView(FormatPathMixin, GenericAPIView[Event]):
    queryset = Event.objects.all()
    # Not a serializer of `queryset`'s rows: that names the model for permissions only.
    serializer_class = ImportReportSerializer  # type: ignore[assignment]
    parser_classes = [MultiPartParser, RawFileParser]
    pagination_class = None
    filter_backends: list[type] = []
    # The permission class reads `action`; an import adds, changes and removes events.
    action = "import"
    action_permissions = {
        "import": [
            "tracking.add_event",
            "tracking.change_event",
            "tracking.delete_event",
        ]
    }

    def post(self, request: Request, **kwargs: Any) -> Response:
        format_name = check_format(self.kwargs["format"])
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data, filename = self._file(request)
        parsed = parse(
            format_name, data, filename=filename, event_naming=self.plan.event_naming
        )
        asked: ImportQuery = query.validated_data
        if asked["dry_run"]:
            report = plan_import(self.plan, parsed)
        else:
            report = apply_import(self.plan, parsed, by=caller(request))
            if not report.applied:
                raise ImportRejected(
                    _("Nothing was imported: the file has errors or rejected rows."),
                    details=report.as_dict(),
                )
        return Response(report.as_dict())

    def _file(self, request: Request) -> tuple[bytes, str]:
        limit = max_import_bytes()
        body = request.data
        if isinstance(body, bytes):
            if not body:
                raise exceptions.ParseError(
                    _("The request has no file."), code="no_file"
                )
            return body, ""
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ParseError(
                _("Send the file as the request body or the multipart field “file”."),
                code="no_file",
            )
        if upload.size is not None and upload.size > limit:
            raise FileTooLarge(limit)
        return upload.read(), upload.name or ""
