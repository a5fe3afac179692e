"""The live-findings registration point: providers asked once per plan, their findings merged."""

from __future__ import annotations

import pytest

from tracking.metrics import live_findings
from tracking.metrics.findings import warning
from tracking.metrics.live_findings import live_metric_findings, register_live_findings

STALE = warning("dependency_not_seen", "events.App Opened", "stale", subject="opens")
DRIFT = warning("measure_type_drift", "events.Paid.total", "drift", subject="paid")


@pytest.fixture(autouse=True)
def _no_providers(monkeypatch):
    monkeypatch.setattr(live_findings, "_providers", [])


def test_registering_the_same_provider_twice_asks_it_once():
    asked = []

    def provider(plan):
        asked.append(plan)
        return {"opens": [STALE]}

    register_live_findings(provider)
    register_live_findings(provider)

    assert live_metric_findings("plan") == {"opens": [STALE]}
    assert asked == ["plan"]


def test_providers_findings_are_merged_per_metric_and_empty_lists_dropped():
    register_live_findings(lambda plan: {"opens": [STALE], "paid": []})
    register_live_findings(lambda plan: {"opens": [DRIFT]})

    assert live_metric_findings("plan") == {"opens": [STALE, DRIFT]}


def test_without_a_provider_there_are_no_live_findings():
    assert live_metric_findings("plan") == {}
