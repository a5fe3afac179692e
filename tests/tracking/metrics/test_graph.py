"""Metrics built on metrics: cycles are refused with the circle named, depth is limited."""

from __future__ import annotations

import pytest

from tests.tracking.metrics.shop import CATALOG, SNAPSHOT, catalog_with, metric
from tracking.metrics.findings import MetricFinding, Severity
from tracking.metrics.graph import depth, find_cycle
from tracking.metrics.semantics import check_metric


def ratio(key: str, numerator: str, denominator: str = "pdp_viewer_uv__1d"):
    return metric(
        key,
        "composite",
        {"form": "ratio", "numerator": numerator, "denominator": denominator},
        unit="ratio",
    )


def scaled(key: str, of: str, factor: int):
    return metric(
        key,
        "composite",
        {
            "form": "expression",
            "expr": f"x * {factor}",
            "inputs": [{"alias": "x", "metric": of}],
        },
        unit="ratio",
    )


def test_two_composites_using_each_other_are_refused_naming_the_circle():
    catalog = catalog_with(ratio("cyc_a", "cyc_b"))
    findings = check_metric(ratio("cyc_b", "cyc_a"), snapshot=SNAPSHOT, catalog=catalog)
    assert findings == [
        MetricFinding(
            severity=Severity.ERROR,
            code="metric_cycle",
            subject="cyc_b",
            path="definition.numerator",
            message="The metrics are defined in a circle: cyc_b → cyc_a → cyc_b.",
        )
    ]


def test_a_composite_using_itself_is_a_cycle():
    findings = check_metric(
        ratio("selfish", "selfish"), snapshot=SNAPSHOT, catalog=CATALOG
    )
    assert [(f.code, f.path, f.message) for f in findings] == [
        (
            "metric_cycle",
            "definition.numerator",
            "The metrics are defined in a circle: selfish → selfish.",
        )
    ]


def test_a_cycle_below_is_found_through_the_metric_checked():
    catalog = catalog_with(
        ratio("cyc_a", "cyc_b"), ratio("cyc_b", "cyc_c"), ratio("cyc_c", "cyc_a")
    )
    assert find_cycle("cyc_a", catalog) == ["cyc_a", "cyc_b", "cyc_c", "cyc_a"]
    assert depth("cyc_a", catalog) == 5  # a → b → c → pdp_viewer_uv__1d → pdp_viewer_uv


def test_the_acyclic_catalog_has_no_cycle_anywhere():
    assert [m.key for m in CATALOG.metrics if find_cycle(m.key, CATALOG)] == []


@pytest.mark.parametrize(
    ("key", "levels"),
    [
        pytest.param("app_open_cnt", 1, id="atomic"),
        pytest.param("app_open_cnt__new_user__30d", 2, id="derived"),
        pytest.param("purchase_cvr__1d", 3, id="ratio-of-derived"),
        pytest.param("pay_amount__mtd", 2, id="cumulative"),
        pytest.param("pdp_to_pay_cvr__7d", 2, id="conversion"),
        pytest.param("unknown", 1, id="unknown-counts-itself"),
    ],
)
def test_depth_counts_levels_down_to_the_atomic_metrics(key, levels):
    assert depth(key, CATALOG) == levels


CHAIN = [
    ratio("level3", "buyer_uv__1d", "active_uv__1d"),
    scaled("level4", "level3", 2),
    scaled("level5", "level4", 3),
    scaled("level6", "level5", 4),
]


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        pytest.param(0, [], id="three-levels"),
        pytest.param(1, [("warning", "depth_deep")], id="four-levels-warn"),
        pytest.param(2, [("warning", "depth_deep")], id="five-levels-warn"),
        pytest.param(3, [("error", "depth_exceeded")], id="six-levels-refused"),
    ],
)
def test_composites_deeper_than_three_warn_and_deeper_than_five_are_refused(
    top, expected
):
    catalog = catalog_with(*CHAIN[:top])
    findings = check_metric(CHAIN[top], snapshot=SNAPSHOT, catalog=catalog)
    assert [(str(f.severity), f.code) for f in findings] == expected
