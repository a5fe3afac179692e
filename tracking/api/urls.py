"""Routes of the registry's API, `/api/v1/…`; more resources plug into `router` here.

Paths carry no trailing slash: `/api/v1/plans/shop-app/events/Product%20Viewed`.
"""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tracking.api import schema  # noqa: F401  (registers the OpenAPI extensions)
from tracking.api.views.events import AttachmentViewSet, EventViewSet
from tracking.api.views.groups import (
    CommonPropertyViewSet,
    GroupViewSet,
    MemberViewSet,
)
from tracking.api.views.plans import PlanViewSet
from tracking.api.views.properties import PropertyViewSet
from tracking.api.views.scoping import PLAN_KEY_PATTERN
from tracking.api.views.sources import SourceViewSet
from tracking.api.views.tokens import TokenViewSet

PLAN = rf"plans/(?P<plan_key>{PLAN_KEY_PATTERN})"

router = SimpleRouter(trailing_slash="")
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

app_name = "api"
urlpatterns = [path("v1/", include(router.urls))]
