"""Generated JSON Schemas: per event, the bundle per version, and their byte-stable rendering."""

from __future__ import annotations

from tracking.schemas.build import (
    SchemaBuildError,
    bundle_schema,
    event_schema,
    event_schemas,
    property_schema,
)
from tracking.schemas.ids import bundle_schema_id, event_schema_id, slug
from tracking.schemas.render import etag, render

__all__ = [
    "SchemaBuildError",
    "bundle_schema",
    "bundle_schema_id",
    "etag",
    "event_schema",
    "event_schema_id",
    "event_schemas",
    "property_schema",
    "render",
    "slug",
]
