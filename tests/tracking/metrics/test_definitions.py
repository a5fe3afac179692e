"""Pass 1: each kind's JSON Schema refuses missing, unknown and mistyped parts, in a PM's words."""

from __future__ import annotations

import pytest

from tracking.metrics.definitions import SCHEMAS, shape_findings
from tracking.metrics.findings import MetricFinding, Severity

ROI = {
    "form": "expression",
    "expr": "(rev - spend) / nullif(spend, 0)",
    "inputs": [
        {"alias": "rev", "metric": "pay_amount__30d"},
        {"alias": "spend", "metric": "ad_spend__30d"},
    ],
}


def codes(findings: list[MetricFinding]) -> list[tuple[str, str]]:
    return [(f.code, f.path) for f in findings]


@pytest.mark.parametrize(
    ("kind", "definition"),
    [
        pytest.param(
            "atomic", {"event": "App Opened", "agg": "count"}, id="atomic-count"
        ),
        pytest.param(
            "atomic",
            {
                "event": "Order Completed",
                "agg": "percentile",
                "measure": "total",
                "percentile": 90,
            },
            id="atomic-percentile",
        ),
        pytest.param(
            "derived",
            {
                "base": "app_open_cnt",
                "modifiers": ["new_user"],
                "period": "30d",
                "group_by": ["province"],
                "extra_filter": None,
            },
            id="derived-full",
        ),
        pytest.param(
            "cumulative",
            {"base": "pay_amount", "grain_to_date": "month"},
            id="cumulative-to-date",
        ),
        pytest.param(
            "cumulative",
            {"base": "active_uv", "window": "7d", "period_agg": "last"},
            id="cumulative-window",
        ),
        pytest.param(
            "conversion",
            {
                "entity": "user_id",
                "base": "pdp_view_cnt",
                "conversion": "order_paid_cnt",
                "window": "24h",
                "base_filter": {"prop": "page_source", "op": "in", "value": ["home"]},
                "constant_properties": [
                    {"base": "product_id", "conversion": "product_id"}
                ],
            },
            id="conversion",
        ),
        pytest.param(
            "composite",
            {
                "form": "ratio",
                "numerator": "buyer_uv__1d",
                "denominator": "pdp_viewer_uv__1d",
            },
            id="composite-ratio",
        ),
        pytest.param("composite", ROI, id="composite-expression"),
    ],
)
def test_well_formed_definitions_pass_the_shape_check(kind, definition):
    assert shape_findings(kind, definition) == []


@pytest.mark.parametrize(
    ("kind", "definition", "expected"),
    [
        pytest.param("ratio", {}, [("kind_unknown", "kind")], id="unknown-kind"),
        pytest.param(
            "atomic",
            ["App Opened"],
            [("definition_not_object", "definition")],
            id="not-an-object",
        ),
        pytest.param(
            "atomic",
            {"agg": "count"},
            [("definition_missing_field", "definition.event")],
            id="missing-event",
        ),
        pytest.param(
            "atomic",
            {"event": "Order Completed", "agg": "sum"},
            [("definition_missing_field", "definition.measure")],
            id="sum-without-measure",
        ),
        pytest.param(
            "atomic",
            {"event": "App Opened", "agg": "count_distinct"},
            [("definition_missing_field", "definition.distinct_on")],
            id="count-distinct-without-distinct-on",
        ),
        pytest.param(
            "atomic",
            {
                "event": "Order Completed",
                "agg": "percentile",
                "measure": "total",
                "percentile": 100,
            },
            [("definition_invalid_value", "definition.percentile")],
            id="percentile-out-of-range",
        ),
        pytest.param(
            "atomic",
            {"event": "App Opened", "agg": "median"},
            [("definition_invalid_value", "definition.agg")],
            id="unknown-aggregation",
        ),
        pytest.param(
            "atomic",
            {"event": 7, "agg": "count"},
            [("definition_wrong_type", "definition.event")],
            id="event-not-text",
        ),
        pytest.param(
            "atomic",
            {"event": "App Opened", "agg": "count", "colour": "red"},
            [("definition_unknown_field", "definition.colour")],
            id="unknown-key",
        ),
        pytest.param(
            "atomic",
            {
                "event": "App Opened",
                "agg": "count",
                "period": "30d",
                "group_by": ["province"],
            },
            [
                ("atomic_has_qualifier", "definition.group_by"),
                ("atomic_has_qualifier", "definition.period"),
            ],
            id="atomic-with-period-and-dimension",
        ),
        pytest.param(
            "derived",
            {"base": "app_open_cnt"},
            [("definition_missing_field", "definition.period")],
            id="derived-without-period",
        ),
        pytest.param(
            "derived",
            {"base": "App Opens", "period": "30d"},
            [("definition_invalid_value", "definition.base")],
            id="base-not-a-metric-key",
        ),
        pytest.param(
            "derived",
            {
                "base": "app_open_cnt",
                "period": "30d",
                "modifiers": ["organic", "organic"],
            },
            [("definition_invalid_value", "definition.modifiers")],
            id="modifier-twice",
        ),
        pytest.param(
            "derived",
            {
                "base": "app_open_cnt",
                "period": "30d",
                "extra_filter": {"prop": "channel", "op": "like", "value": "x"},
            },
            [("filter_invalid", "definition.extra_filter.op")],
            id="filter-unknown-operator",
        ),
        pytest.param(
            "cumulative",
            {"base": "pay_amount"},
            [("cumulative_window_or_grain", "definition")],
            id="cumulative-without-window",
        ),
        pytest.param(
            "cumulative",
            {"base": "pay_amount", "window": "7d", "grain_to_date": "month"},
            [("cumulative_window_or_grain", "definition")],
            id="cumulative-with-both",
        ),
        pytest.param(
            "cumulative",
            {"base": "pay_amount", "window": "7 days"},
            [("definition_invalid_value", "definition.window")],
            id="window-not-a-duration",
        ),
        pytest.param(
            "conversion",
            {
                "entity": "user_id",
                "base": "a",
                "conversion": "b",
                "window": "7d",
                "constant_properties": [{"base": "x"}],
            },
            [
                (
                    "definition_missing_field",
                    "definition.constant_properties[0].conversion",
                )
            ],
            id="constant-property-half",
        ),
        pytest.param(
            "composite",
            {"numerator": "a", "denominator": "b"},
            [("definition_invalid_value", "definition.form")],
            id="composite-without-form",
        ),
        pytest.param(
            "composite",
            {"form": "ratio", "numerator": "a", "denominator": "b", "inputs": []},
            [("definition_unknown_field", "definition.inputs")],
            id="ratio-with-inputs",
        ),
        pytest.param(
            "composite",
            {**ROI, "expr": "rev ** 2"},
            [("expression_invalid", "definition.expr")],
            id="expression-outside-grammar",
        ),
        pytest.param(
            "composite",
            {
                **ROI,
                "inputs": [
                    {"alias": "rev", "metric": "a"},
                    {"alias": "rev", "metric": "b"},
                ],
            },
            [("alias_duplicate", "definition.inputs[1].alias")],
            id="alias-twice",
        ),
        pytest.param(
            "composite",
            {**ROI, "inputs": [{"alias": "round", "metric": "a"}]},
            [("definition_invalid_value", "definition.inputs[0].alias")],
            id="alias-is-a-function-name",
        ),
        pytest.param(
            "composite",
            {**ROI, "inputs": [{"alias": "rev", "metric": "a", "offset": "last week"}]},
            [("definition_invalid_value", "definition.inputs[0].offset")],
            id="offset-not-a-duration",
        ),
    ],
)
def test_malformed_definitions_are_refused_at_the_offending_part(
    kind, definition, expected
):
    findings = shape_findings(kind, definition)
    assert codes(findings) == expected
    assert {f.severity for f in findings} == {Severity.ERROR}


def test_missing_field_message_says_what_to_add():
    assert shape_findings("atomic", {"event": "Order Completed", "agg": "sum"}) == [
        MetricFinding(
            severity=Severity.ERROR,
            code="definition_missing_field",
            subject="",
            path="definition.measure",
            message="Add “measure”: the numeric property to aggregate.",
        )
    ]


def test_atomic_with_a_period_is_told_to_become_a_derived_metric():
    [finding] = shape_findings(
        "atomic", {"event": "App Opened", "agg": "count", "period": "30d"}
    )
    assert finding.message == (
        "An atomic metric has no period, qualifiers, filters or dimensions; define a derived "
        "metric on top of it instead."
    )


def test_expression_error_names_the_character():
    [finding] = shape_findings("composite", {**ROI, "expr": "rev ** 2"})
    assert (
        finding.message
        == "Powers (**) are not part of the formula language. (character 5)"
    )


def test_every_schema_refuses_unknown_keys():
    def closed(schema):
        if schema.get("type") == "object" and "properties" in schema:
            assert schema["additionalProperties"] is False
        for value in schema.values():
            if isinstance(value, dict):
                closed(value)

    for schema in SCHEMAS.values():
        closed(schema)
