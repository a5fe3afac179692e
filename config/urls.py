"""Top-level URL routes."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tracking.api.urls import schema_id_urlpatterns

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("api/", include("tracking.api.urls")),
    path("schemas/", include((schema_id_urlpatterns, "schemas"))),
    path("v1/", include("governance.collector.urls")),
]

# Requests under /api/ get the API's JSON error shape; others Django's pages.
handler400 = "tracking.api.errors.bad_request"
handler403 = "tracking.api.errors.permission_denied"
handler404 = "tracking.api.errors.not_found"
handler500 = "tracking.api.errors.server_error"
