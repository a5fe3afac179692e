"""Collector routes under /v1/: one per Segment endpoint, /v1/import as Segment's alias of batch."""

from __future__ import annotations

from django.urls import re_path

from governance.collector import views
from governance.pipeline.wire import ENDPOINTS

app_name = "collector"

_PATHS = {endpoint: endpoint for endpoint in sorted(ENDPOINTS)} | {"import": "batch"}

urlpatterns = [
    *(
        re_path(rf"^{path}/?$", views.collect, {"endpoint": endpoint}, name=path)
        for path, endpoint in _PATHS.items()
    ),
    re_path(r"^", views.not_found, name="not_found"),
]
