"""The Django admin where PMs edit the tracking plan; importing it registers every model."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tracking.admin import (
    change_requests,
    events,
    glossary,
    groups,
    members,
    metrics,
    plans,
    properties,
    sources,
    tokens,
    versions,
)

admin.site.site_header = _("Tracking Plan Governance")
admin.site.site_title = _("Tracking Plan Governance")
admin.site.index_title = _("Tracking plans")

__all__ = [
    "change_requests",
    "events",
    "glossary",
    "groups",
    "members",
    "metrics",
    "plans",
    "properties",
    "sources",
    "tokens",
    "versions",
]
