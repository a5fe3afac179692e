"""Routes of the registry's API, `/api/v1/…`; more resources plug into `router` here.

Paths carry no trailing slash: `/api/v1/plans/shop-app/events/Product%20Viewed`.
"""

from __future__ import annotations

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from tracking.api import schema  # noqa: F401  (registers the OpenAPI extensions)
from tracking.api.views.codegen import CodegenView
from tracking.api.views.events import AttachmentViewSet, EventViewSet
from tracking.api.views.glossary import (
    GlossaryTermViewSet,
    ModifierViewSet,
    TimePeriodViewSet,
)
from tracking.api.views.groups import (
    CommonPropertyViewSet,
    GroupViewSet,
    MemberViewSet,
)
from tracking.api.views.interchange import ExportView, ImportView
from tracking.api.views.metrics import MetricViewSet
from tracking.api.views.plans import PlanViewSet
from tracking.api.views.properties import PropertyViewSet
from tracking.api.views.reviews import ChangeRequestViewSet, CommentViewSet
from tracking.api.views.schemas import (
    BundleAtIdView,
    BundleView,
    EventSchemaAtIdView,
    EventSchemaView,
)
from tracking.api.views.scoping import PLAN_KEY_PATTERN
from tracking.api.views.sources import SourceViewSet
from tracking.api.views.tokens import TokenViewSet
from tracking.api.views.versions import (
    VERSION_REF_PATTERN,
    DiffView,
    PublishViewSet,
    VersionViewSet,
)

PLAN = rf"plans/(?P<plan_key>{PLAN_KEY_PATTERN})"
VERSION = rf"{PLAN}/versions/(?P<version>{VERSION_REF_PATTERN})"

router = SimpleRouter(trailing_slash=False)
router.register("tokens", TokenViewSet, basename="token")
router.register("plans", PlanViewSet, basename="plan")
router.register(rf"{PLAN}/sources", SourceViewSet, basename="source")
router.register(rf"{PLAN}/events", EventViewSet, basename="event")
router.register(
    rf"{PLAN}/events/(?P<event_ref>[^/]+)/properties",
    AttachmentViewSet,
    basename="event-property",
)
router.register(rf"{PLAN}/properties", PropertyViewSet, basename="property")
router.register(rf"{PLAN}/groups", GroupViewSet, basename="group")
router.register(
    rf"{PLAN}/groups/(?P<group_ref>[^/]+)/properties",
    MemberViewSet,
    basename="group-property",
)
router.register(
    rf"{PLAN}/common-properties", CommonPropertyViewSet, basename="common-property"
)
router.register(rf"{PLAN}/metrics", MetricViewSet, basename="metric")
router.register(rf"{PLAN}/terms", GlossaryTermViewSet, basename="term")
router.register(rf"{PLAN}/modifiers", ModifierViewSet, basename="modifier")
router.register(rf"{PLAN}/periods", TimePeriodViewSet, basename="period")
router.register(rf"{PLAN}/versions", VersionViewSet, basename="version")
router.register(rf"{PLAN}/publish", PublishViewSet, basename="publish")
router.register(
    rf"{PLAN}/change-requests", ChangeRequestViewSet, basename="change-request"
)
router.register(
    rf"{PLAN}/change-requests/(?P<change_request_id>[0-9]+)/comments",
    CommentViewSet,
    basename="change-request-comment",
)

# Single endpoints that answer one thing each (a diff, or a generated file), not a resource.
files = [
    re_path(rf"^{PLAN}/diff$", DiffView.as_view(), name="diff"),
    re_path(rf"^{PLAN}/export/(?P<format>[^/]+)$", ExportView.as_view(), name="export"),
    re_path(rf"^{PLAN}/import/(?P<format>[^/]+)$", ImportView.as_view(), name="import"),
    re_path(rf"^{VERSION}/bundle$", BundleView.as_view(), name="version-bundle"),
    re_path(
        r"^" + VERSION + r"/events/(?P<event_ref>[^/]+)/schema$",
        EventSchemaView.as_view(),
        name="version-event-schema",
    ),
    re_path(
        r"^" + VERSION + r"/codegen/(?P<language>[^/]+)$",
        CodegenView.as_view(),
        name="version-codegen",
    ),
]

app_name = "api"
urlpatterns = [path("v1/", include([*router.urls, *files]))]

# The `$id` URLs of generated schemas (`tracking.schemas.ids`), served under /schemas/.
ID_ROOT = rf"(?P<plan_key>{PLAN_KEY_PATTERN})/(?P<version>{VERSION_REF_PATTERN})"
schema_id_urlpatterns = [
    re_path(rf"^{ID_ROOT}/bundle\.json$", BundleAtIdView.as_view(), name="bundle"),
    re_path(
        rf"^{ID_ROOT}/events/(?P<event_ref>[^/]+)\.json$",
        EventSchemaAtIdView.as_view(),
        name="event-schema",
    ),
]
