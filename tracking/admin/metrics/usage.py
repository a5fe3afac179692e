"""The read-only panel listing the metrics that rest on an event or property."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from tracking.metrics import queries
from tracking.models import Event, Metric, Property


def used_by_metrics(obj: Event | Property) -> SafeString | str:
    """The read-only panel listing every metric resting on an event or property."""
    if obj.pk is None:
        return "—"
    keys = queries.metrics_using(obj)
    rows = Metric.objects.filter(plan_id=obj.plan_id, key__in=keys).order_by("key")
    return render_to_string("admin/tracking/metric/_used_by.html", {"metrics": rows})
