"""Pass 2: each rule of the design fails on a broken definition and passes on a sound one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.tracking.metrics.shop import (
    CATALOG,
    SNAPSHOT,
    catalog_with,
    changed,
    metric,
    spec,
)
from tracking.metrics.findings import MetricFinding, Severity
from tracking.metrics.semantics import check_catalog, check_metric

E, W = Severity.ERROR, Severity.WARNING
NEW_USER_FILTERS = {
    "all": [
        {"prop": "channel", "op": "in", "value": ["organic"]},
        {"not": {"prop": "from_background", "op": "eq", "value": True}},
        {
            "any": [
                {"term": "new_user"},
                {"prop": "province", "op": "neq", "value": "北京市"},
            ]
        },
    ]
}
ORDERS_1D = metric(
    "order_paid_cnt__1d", "derived", {"base": "order_paid_cnt", "period": "1d"}
)
SPEND_LAST_30 = metric(
    "ad_spend__last_30_days",
    "derived",
    {"base": "ad_spend", "period": "last_30_days", "group_by": ["channel"]},
    unit="CNY",
)


def found(candidate, catalog=CATALOG):
    findings = check_metric(candidate, snapshot=SNAPSHOT, catalog=catalog)
    return [(f.severity, f.code, f.path) for f in findings]


def test_the_clean_catalog_has_no_findings():
    assert check_catalog(SNAPSHOT, CATALOG) == []


def cvr(**definition):
    return changed("pdp_to_pay_cvr__7d", definition)


def with_filter(node):
    return changed("app_open_cnt__new_user__30d", {"extra_filter": node})


def grouped(key, *dimensions):
    return changed(key, {"group_by": list(dimensions)})


RULES = [
    # 1 References resolve and are not deprecated.
    (
        "unknown-event",
        changed("app_open_cnt", {"event": "App Launched"}),
        None,
        [(E, "unknown_event", "definition.event")],
    ),
    ("known-event", spec("app_open_cnt"), None, []),
    (
        "deprecated-event-draft-metric",
        metric(
            "coupon_cnt",
            "atomic",
            {"event": "Coupon Entered", "agg": "count"},
            lifecycle="draft",
        ),
        None,
        [(E, "event_deprecated", "definition.event")],
    ),
    (
        "deprecated-event-online-metric",
        metric("coupon_cnt", "atomic", {"event": "Coupon Entered", "agg": "count"}),
        None,
        [(W, "event_deprecated", "definition.event")],
    ),
    (
        "unknown-metric",
        changed("buyer_uv__1d", {"base": "buyer_cnt"}),
        None,
        [(E, "unknown_metric", "definition.base")],
    ),
    (
        "unknown-period",
        changed("buyer_uv__1d", {"period": "45d"}),
        None,
        [(E, "unknown_period", "definition.period")],
    ),
    (
        "unknown-modifier",
        changed("buyer_uv__1d", {"modifiers": ["vip"]}),
        None,
        [(E, "unknown_modifier", "definition.modifiers[0]")],
    ),
    (
        "unknown-term",
        with_filter({"term": "loyal_user"}),
        None,
        [(E, "unknown_term", "definition.extra_filter")],
    ),
    (
        "deprecated-base-draft-metric",
        metric(
            "buyer_uv__7d",
            "derived",
            {"base": "buyer_uv", "period": "7d"},
            lifecycle="draft",
        ),
        catalog_with(changed("buyer_uv", lifecycle="deprecated")),
        [(E, "metric_deprecated", "definition.base")],
    ),
    (
        "deprecated-base-online-metric",
        spec("buyer_uv__1d"),
        catalog_with(changed("buyer_uv", lifecycle="deprecated")),
        [(W, "metric_deprecated", "definition.base")],
    ),
    # 2 The property is on the event or common; identity fields always are.
    (
        "property-elsewhere",
        changed("pay_amount", {"measure": "price"}),
        None,
        [(E, "property_not_on_event", "definition.measure")],
    ),
    (
        "property-unknown",
        changed("pay_amount", {"measure": "revenue"}),
        None,
        [(E, "unknown_property", "definition.measure")],
    ),
    (
        "identity-not-declared",
        changed("active_uv", {"distinct_on": "anonymous_id"}),
        None,
        [],
    ),
    ("common-property", grouped("ad_spend__30d", "platform"), None, []),
    (
        "nested-field",
        grouped("pay_amount__paid_channel__30d", "shipping_region.province"),
        None,
        [(W, "dimension_unbounded", "definition.group_by[0]")],
    ),
    (
        "nested-unknown",
        grouped("pay_amount__paid_channel__30d", "shipping_region.street"),
        None,
        [(E, "unknown_property", "definition.group_by[0]")],
    ),
    # 3 Aggregation fits the type.
    (
        "sum-of-text",
        changed("pay_amount", {"measure": "product_id"}),
        None,
        [(E, "measure_not_numeric", "definition.measure")],
    ),
    (
        "count-with-measure",
        changed("order_paid_cnt", {"measure": "total"}),
        None,
        [(E, "count_takes_no_measure", "definition.measure")],
    ),
    (
        "sum-with-distinct-on",
        changed("pay_amount", {"distinct_on": "user_id"}),
        None,
        [(E, "distinct_on_needs_count_distinct", "definition.distinct_on")],
    ),
    (
        "distinct-on-a-list",
        changed("buyer_uv", {"distinct_on": "products"}),
        None,
        [(E, "distinct_on_not_scalar", "definition.distinct_on")],
    ),
    ("average-of-number", changed("pay_amount", {"agg": "avg"}), None, []),
    (
        "percentile-of-number",
        changed("pay_amount", {"agg": "percentile", "percentile": 90}),
        None,
        [],
    ),
    # 4 Filter leaves type-check.
    (
        "operator-vs-type",
        with_filter({"prop": "channel", "op": "gt", "value": 1}),
        None,
        [(E, "filter_operator_mismatch", "definition.extra_filter.op")],
    ),
    (
        "value-vs-type",
        with_filter({"prop": "from_background", "op": "eq", "value": "yes"}),
        None,
        [(E, "filter_value_mismatch", "definition.extra_filter.value")],
    ),
    (
        "value-outside-enum",
        with_filter({"prop": "channel", "op": "in", "value": ["organic", "tv"]}),
        None,
        [(E, "filter_value_not_in_enum", "definition.extra_filter.value")],
    ),
    (
        "item-outside-enum",
        with_filter({"prop": "tags", "op": "contains", "value": "vip"}),
        None,
        [(E, "filter_value_not_in_enum", "definition.extra_filter.value")],
    ),
    (
        "unsafe-pattern",
        with_filter({"prop": "app_version", "op": "matches", "value": "^(a+)+$"}),
        None,
        [(E, "filter_pattern_unsafe", "definition.extra_filter.value")],
    ),
    (
        "between-reversed",
        with_filter(
            {
                "prop": "first_open_date",
                "op": "between",
                "value": ["2025-02-01", "2025-01-01"],
            }
        ),
        None,
        [(E, "filter_value_mismatch", "definition.extra_filter.value")],
    ),
    (
        "in-period-without-period",
        cvr(base_filter={"prop": "first_open_date", "op": "in_period"}),
        None,
        [(E, "in_period_without_period", "definition.base_filter.op")],
    ),
    (
        "qualifier-property-not-on-event",
        changed("pdp_viewer_uv__1d", {"modifiers": ["organic"]}),
        None,
        [(E, "property_not_on_event", "definition.modifiers[0]")],
    ),
    ("sound-filter-tree", with_filter(NEW_USER_FILTERS), None, []),
    # 5 Group-by is categorical.
    (
        "dimension-date",
        grouped("app_open_cnt__new_user__30d", "first_open_date"),
        None,
        [(E, "dimension_not_categorical", "definition.group_by[0]")],
    ),
    (
        "dimension-number",
        grouped("ad_spend__30d", "spend"),
        None,
        [(E, "dimension_not_categorical", "definition.group_by[0]")],
    ),
    (
        "dimension-free-text",
        grouped("app_open_cnt__new_user__30d", "app_version"),
        None,
        [(W, "dimension_unbounded", "definition.group_by[0]")],
    ),
    (
        "dimension-boolean",
        grouped("app_open_cnt__new_user__30d", "from_background"),
        None,
        [],
    ),
    # 6 Kind rules.
    (
        "atomic-with-period",
        changed("app_open_cnt", {"period": "30d"}),
        None,
        [(E, "atomic_has_qualifier", "definition.period")],
    ),
    (
        "derived-on-derived",
        changed("buyer_uv__1d", {"base": "pdp_viewer_uv__1d"}),
        None,
        [(E, "derived_base_not_atomic", "definition.base")],
    ),
    (
        "cumulative-on-derived",
        changed("pay_amount__mtd", {"base": "pay_amount__paid_channel__30d"}),
        None,
        [(E, "cumulative_base_has_period", "definition.base")],
    ),
    (
        "cumulative-on-composite",
        changed("pay_amount__mtd", {"base": "purchase_cvr__1d"}),
        None,
        [
            (E, "cumulative_base_not_atomic", "definition.base"),
            (W, "depth_deep", "definition"),
        ],
    ),
    (
        "conversion-step-a-sum",
        cvr(conversion="pay_amount"),
        None,
        [(E, "conversion_step_not_atomic_count", "definition.conversion")],
    ),
    (
        "conversion-step-derived",
        cvr(base="pdp_viewer_uv__1d"),
        None,
        [(E, "conversion_step_not_atomic_count", "definition.base")],
    ),
    (
        "entity-on-one-step-only",
        cvr(entity="page_source"),
        None,
        [(E, "property_not_on_event", "definition.entity")],
    ),
    (
        "constant-properties-differ",
        cvr(constant_properties=[{"base": "price", "conversion": "product_id"}]),
        None,
        [(E, "constant_property_types_differ", "definition.constant_properties[0]")],
    ),
    ("entity-identity", cvr(entity="device_id"), None, []),
    # 7 Composites: periods, dimensions, aliases, units (cycles and depth: test_graph.py).
    (
        "periods-differ",
        changed("purchase_cvr__1d", {"denominator": "ad_spend__30d"}),
        None,
        [(E, "input_periods_differ", "definition.denominator")],
    ),
    (
        "period-missing",
        changed("purchase_cvr__1d", {"numerator": "buyer_uv"}),
        None,
        [(E, "input_periods_differ", "definition.denominator")],
    ),
    (
        "same-period-other-key",
        changed(
            "channel_roi__30d",
            {
                "inputs": [
                    {"alias": "rev", "metric": "pay_amount__paid_channel__30d"},
                    {"alias": "spend", "metric": "ad_spend__last_30_days"},
                ]
            },
        ),
        catalog_with(SPEND_LAST_30),
        [],
    ),
    ("offset-comparison", spec("active_uv__1d__wow_change"), None, []),
    (
        "dimension-not-in-input",
        grouped("purchase_cvr__1d", "channel"),
        None,
        [(E, "dimension_not_in_input", "definition.group_by[0]")],
    ),
    (
        "alias-unknown",
        changed("channel_roi__30d", {"expr": "(profit - spend) / spend"}),
        None,
        [
            (E, "alias_unknown", "definition.expr"),
            (W, "alias_unused", "definition.inputs[0].alias"),
        ],
    ),
    (
        "alias-unused",
        changed("channel_roi__30d", {"expr": "spend / 2"}),
        None,
        [
            (W, "alias_unused", "definition.inputs[0].alias"),
            (W, "unit_mismatch", "unit"),
        ],
    ),
    (
        "units-do-not-add",
        changed(
            "active_uv__1d__wow_change",
            {
                "expr": "cur - orders",
                "inputs": [
                    {"alias": "cur", "metric": "active_uv__1d"},
                    {"alias": "orders", "metric": "order_paid_cnt__1d"},
                ],
            },
        ),
        catalog_with(ORDERS_1D),
        [(E, "units_do_not_combine", "definition.expr")],
    ),
    (
        "ratio-declared-yuan",
        changed("purchase_cvr__1d", unit="CNY"),
        None,
        [(W, "unit_mismatch", "unit")],
    ),
    ("ratio-declared-percent", changed("purchase_cvr__1d", unit="percent"), None, []),
    # 8 Lifecycle.
    (
        "online-over-draft",
        spec("buyer_uv__1d"),
        catalog_with(changed("buyer_uv", lifecycle="draft")),
        [(E, "dependency_not_online", "definition.base")],
    ),
    (
        "online-on-draft-event",
        metric("signup_cnt", "atomic", {"event": "Signed Up", "agg": "count"}),
        None,
        [(E, "dependency_not_online", "definition.event")],
    ),
    (
        "draft-on-draft-event",
        metric(
            "signup_cnt",
            "atomic",
            {"event": "Signed Up", "agg": "count"},
            lifecycle="draft",
        ),
        None,
        [],
    ),
    (
        "offline-while-used",
        changed("app_open_cnt", lifecycle="offline"),
        None,
        [(E, "used_by_online_metrics", "lifecycle")],
    ),
    ("offline-unused", changed("pdp_to_pay_cvr__7d", lifecycle="offline"), None, []),
    (
        "second-north-star",
        changed("pay_amount", is_north_star=True),
        None,
        [(W, "several_north_stars", "is_north_star")],
    ),
    # 9 Caliber, owner, terms defined.
    (
        "caliber-short",
        changed("app_open_cnt", caliber="App opens."),
        None,
        [(E, "caliber_too_short", "caliber")],
    ),
    (
        "owner-missing",
        changed("app_open_cnt", owner=""),
        None,
        [(E, "owner_missing", "owner")],
    ),
    (
        "term-undefined",
        spec("app_open_cnt__new_user__30d"),
        replace(
            CATALOG,
            terms=(replace(CATALOG.terms[0], definition_text=" "), *CATALOG.terms[1:]),
        ),
        [(E, "term_undefined", "definition.modifiers[0]")],
    ),
    # One metric, one definition.
    (
        "duplicate",
        metric("app_launches", "atomic", {"agg": "count", "event": "App Opened"}),
        None,
        [(E, "duplicate_definition", "definition")],
    ),
    (
        "duplicate-of-deprecated",
        metric("app_launches", "atomic", {"agg": "count", "event": "App Opened"}),
        catalog_with(changed("app_open_cnt", lifecycle="deprecated")),
        [],
    ),
    # Leading metrics drive lagging ones.
    (
        "drives-not-leading",
        changed("active_uv__1d", drives="pay_amount"),
        None,
        [(E, "drives_not_leading", "drives")],
    ),
    (
        "drives-unknown",
        changed("active_uv__1d", drives="gmv", indicator_type="leading"),
        None,
        [(E, "drives_unknown_metric", "drives")],
    ),
    (
        "drives-not-lagging",
        changed("active_uv__1d", drives="pay_amount", indicator_type="leading"),
        None,
        [(W, "drives_target_not_lagging", "drives")],
    ),
    (
        "drives-lagging",
        changed("active_uv__1d", drives="pay_amount", indicator_type="leading"),
        catalog_with(changed("pay_amount", indicator_type="lagging")),
        [],
    ),
]


@pytest.mark.parametrize(
    ("candidate", "catalog", "expected"),
    [pytest.param(c, k or CATALOG, e, id=i) for i, c, k, e in RULES],
)
def test_each_rule_fails_on_a_broken_definition_and_passes_on_a_sound_one(
    candidate, catalog, expected
):
    assert found(candidate, catalog) == expected


def test_a_qualifier_that_does_not_fit_the_event_is_named_in_the_message():
    candidate = changed("pdp_viewer_uv__1d", {"modifiers": ["organic"]})
    assert check_metric(candidate, snapshot=SNAPSHOT, catalog=CATALOG) == [
        MetricFinding(
            severity=E,
            code="property_not_on_event",
            subject="pdp_viewer_uv__1d",
            path="definition.modifiers[0]",
            message="Qualifier “organic”: “Product Viewed” does not carry the property "
            "“channel”; attach it to the event or pick a property the event has.",
        )
    ]


def test_duplicate_says_which_metric_already_exists():
    candidate = metric(
        "app_launches", "atomic", {"agg": "count", "event": "App Opened"}
    )
    [finding] = check_metric(candidate, snapshot=SNAPSHOT, catalog=CATALOG)
    assert finding.message == (
        "This metric already exists as “app_open_cnt”; reuse it instead of defining it twice."
    )


def test_periods_that_differ_are_listed_by_alias():
    candidate = changed("purchase_cvr__1d", {"denominator": "ad_spend__30d"})
    [finding] = check_metric(candidate, snapshot=SNAPSHOT, catalog=CATALOG)
    assert finding.message == (
        "The inputs cover different time periods (numerator: 1d, denominator: 30d); give them "
        "the same period, or mark a deliberate comparison with an offset."
    )


def test_offlining_a_used_metric_lists_its_online_users():
    [finding] = check_metric(
        changed("active_uv__1d", lifecycle="offline", is_north_star=False),
        snapshot=SNAPSHOT,
        catalog=CATALOG,
    )
    assert finding.message == (
        "Online metrics use this one (active_uv__1d__wow_change); take them offline too, or "
        "keep this metric online."
    )


def test_shape_errors_stop_the_meaning_checks_but_not_the_record_checks():
    candidate = changed("app_open_cnt", {"agg": "median"}, caliber="", owner="")
    assert found(candidate) == [
        (E, "caliber_too_short", "caliber"),
        (E, "definition_invalid_value", "definition.agg"),
        (E, "owner_missing", "owner"),
    ]


def test_a_renamed_metric_replaces_its_stored_self():
    renamed = replace(spec("app_open_cnt"), key="app_open_count")
    findings = check_metric(
        renamed, snapshot=SNAPSHOT, catalog=CATALOG, replacing="app_open_cnt"
    )
    assert [f.code for f in findings] == []
