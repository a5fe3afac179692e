"""Live-data findings about metrics, from providers registered by the app that reads samples.

The registry cannot read samples itself (governance holds them, and `tracking` never imports
`governance`), so that app registers a provider when it starts and the registry's pages ask
`live_metric_findings(plan)`. With no provider registered there are simply no live findings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from tracking.metrics.findings import MetricFinding

if TYPE_CHECKING:
    from tracking.models import TrackingPlan

# A plan -> each metric key with its live findings (a key may be missing or map to []).
LiveFindingsProvider = Callable[["TrackingPlan"], Mapping[str, list[MetricFinding]]]

_providers: list[LiveFindingsProvider] = []


def register_live_findings(provider: LiveFindingsProvider) -> None:
    """Ask `provider` from now on; registering the same function again changes nothing."""
    if provider not in _providers:
        _providers.append(provider)


def live_metric_findings(plan: TrackingPlan) -> dict[str, list[MetricFinding]]:
    """Each metric of the plan that has live findings, with those of every provider in the order
    they were registered. Each provider is asked once, for the whole plan."""
    merged: dict[str, list[MetricFinding]] = {}
    for provider in _providers:
        for key, found in provider(plan).items():
            if found:
                merged.setdefault(key, []).extend(found)
    return merged
