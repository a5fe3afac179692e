"""A version's generated JSON Schemas: one event's, and the bundle of all of them.

The bytes are those rendered when the version was published (see `tracking.publishing`) and
are answered as they are (see `api.files`). The `$id` URLs name the version's number, so
`latest` answers the same bytes, and ETag, as the number it stands for.

Each `$id` is itself a URL, `/schemas/<plan>/<version>/events/<slug>.json` or `…/bundle.json`,
answered by the same views: same token, plan scoping, bytes, ETag and errors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from tracking.api.files import SCHEMA_TYPE, AnyAccept, file_response
from tracking.api.views.scoping import PLAN_PARAMETER
from tracking.api.views.versions import VERSION_PARAMETER, VersionScopedMixin
from tracking.models import PlanVersion
from tracking.naming import fold_key
from tracking.publishing import bundle_bytes, event_schema_bytes, version_snapshot
from tracking.schemas.ids import event_slugs
from tracking.snapshot import PlanSnapshot

EVENT_PARAMETER = OpenApiParameter(
    "event_ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=(
        "The event's key (URL-encoded; compared ignoring case and separators) or its "
        "schema slug, e.g. `product-viewed`."
    ),
)
SLUG_PARAMETER = OpenApiParameter(
    "event_ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The event's schema slug in the version, e.g. `product-viewed`.",
)
NOT_MODIFIED = OpenApiResponse(
    description="The caller's `If-None-Match` holds the current ETag; no body."
)


def schema_responses(what: str) -> dict[Any, Any]:
    return {
        (200, SCHEMA_TYPE): OpenApiResponse(
            OpenApiTypes.OBJECT,
            description=(
                f"{what} (JSON Schema draft 2020-12), byte-stable, with a strong `ETag`."
            ),
        ),
        304: NOT_MODIFIED,
    }


def find_event_key(snapshot: PlanSnapshot, ref: str) -> str | None:
    """The key of the event `ref` names: its exact key, its folded key, or its slug."""
    keys = [event.key for event in snapshot.events]
    if ref in keys:
        return ref
    folded = fold_key(ref)
    by_key = next((key for key in keys if fold_key(key) == folded), None)
    if by_key is not None:
        return by_key
    return find_event_key_by_slug(snapshot, ref)


def find_event_key_by_slug(snapshot: PlanSnapshot, event_slug: str) -> str | None:
    """The key of the event whose `$id` in this snapshot ends in `<event_slug>.json`."""
    slugs = event_slugs(event.key for event in snapshot.events)
    return next((key for key, s in slugs.items() if s == event_slug), None)


class VersionFileView(VersionScopedMixin, GenericAPIView[PlanVersion]):
    """A file generated from one version: its bytes, or 304; errors in the one JSON shape."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAccept
    pagination_class = None
    filter_backends: list[type] = []

    @property
    def snapshot(self) -> PlanSnapshot:
        return version_snapshot(self.version)


@extend_schema(
    tags=["schemas"],
    parameters=[PLAN_PARAMETER, VERSION_PARAMETER],
    summary="The bundle of every event's JSON Schema in the version",
    responses=schema_responses("The bundle"),
)
class BundleView(VersionFileView):
    def get(self, request: Request, **kwargs: Any) -> HttpResponse:
        return file_response(
            request,
            bundle_bytes(self.version),
            content_type=SCHEMA_TYPE,
            version_ref=self.kwargs["version"],
        )


@extend_schema(
    tags=["schemas"],
    parameters=[PLAN_PARAMETER, VERSION_PARAMETER, EVENT_PARAMETER],
    summary="One event's JSON Schema in the version",
    responses=schema_responses("The schema of the event's properties"),
)
class EventSchemaView(VersionFileView):
    def get(self, request: Request, **kwargs: Any) -> HttpResponse:
        version, ref = self.version, self.kwargs["event_ref"]
        key = self.event_key(ref)
        data = None if key is None else event_schema_bytes(version, key)
        if data is None:
            raise NotFound(
                _("Version %(version)s has no event “%(ref)s”.")
                % {"version": version.number, "ref": ref},
                code="event_not_found",
            )
        return file_response(
            request,
            data,
            content_type=SCHEMA_TYPE,
            version_ref=self.kwargs["version"],
        )

    def event_key(self, ref: str) -> str | None:
        return find_event_key(self.snapshot, ref)


@extend_schema_view(
    get=extend_schema(
        operation_id="schema_id_bundle_retrieve",
        summary="The bundle at its `$id` URL",
    )
)
class BundleAtIdView(BundleView):
    """The bundle, answered at `/schemas/<plan>/<version>/bundle.json`."""


@extend_schema_view(
    get=extend_schema(
        operation_id="schema_id_event_retrieve",
        parameters=[SLUG_PARAMETER],
        summary="One event's JSON Schema at its `$id` URL",
    )
)
class EventSchemaAtIdView(EventSchemaView):
    """The event named by its slug only: an `$id` names exactly one document."""

    def event_key(self, ref: str) -> str | None:
        return find_event_key_by_slug(self.snapshot, ref)
