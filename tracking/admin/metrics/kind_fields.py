"""Which form field holds each definition key, per metric kind."""

from __future__ import annotations

from tracking.models import MetricKind

# Definition key -> form field, per kind (composites hold both forms' fields).
KIND_FIELDS: dict[str, dict[str, str]] = {
    MetricKind.ATOMIC: {
        "event": "atomic_event",
        "agg": "atomic_agg",
        "measure": "atomic_measure",
        "distinct_on": "atomic_distinct_on",
        "percentile": "atomic_percentile",
    },
    MetricKind.DERIVED: {
        "base": "derived_base",
        "modifiers": "derived_modifiers",
        "period": "derived_period",
        "group_by": "derived_group_by",
        "extra_filter": "derived_extra_filter",
    },
    MetricKind.COMPOSITE: {
        "form": "composite_form",
        "numerator": "composite_numerator",
        "denominator": "composite_denominator",
        "on_zero_denominator": "composite_on_zero_denominator",
        "expr": "composite_expr",
        "inputs": "composite_inputs",
        "group_by": "composite_group_by",
    },
    MetricKind.CUMULATIVE: {
        "base": "cumulative_base",
        "window": "cumulative_window",
        "grain_to_date": "cumulative_grain_to_date",
        "period_agg": "cumulative_period_agg",
    },
    MetricKind.CONVERSION: {
        "entity": "conversion_entity",
        "base": "conversion_base",
        "conversion": "conversion_conversion",
        "window": "conversion_window",
        "calculation": "conversion_calculation",
        "base_filter": "conversion_base_filter",
        "conversion_filter": "conversion_conversion_filter",
        "constant_properties": "conversion_constant_properties",
    },
}
RATIO_ONLY = ("numerator", "denominator", "on_zero_denominator")
EXPRESSION_ONLY = ("expr", "inputs")
