"""The metric admin; importing it registers `MetricAdmin`."""

from __future__ import annotations

from tracking.admin.metrics.admin import MetricAdmin
from tracking.admin.metrics.forms import MetricForm
from tracking.admin.metrics.removal import (
    RemovalGuardedAdmin,
    guarded_delete_selected,
    removal_refusal,
)
from tracking.admin.metrics.usage import used_by_metrics

__all__ = [
    "MetricAdmin",
    "MetricForm",
    "RemovalGuardedAdmin",
    "guarded_delete_selected",
    "removal_refusal",
    "used_by_metrics",
]
