"""The plan checks: `run_plan_checks(plan)` loads a plan once and lists what is wrong with it.

Each check is a pure function from the loaded `PlanRows` to findings. Hygiene checks (naming,
documentation, near duplicates) leave deprecated events alone, since those keys are on their
way out; structural checks (types, constraints, privacy) look at every row.
"""

from __future__ import annotations

from collections.abc import Callable

from tracking.checks import consistency, constraints, documentation, naming, privacy
from tracking.checks.findings import Finding, Severity
from tracking.checks.load import load_plan_rows
from tracking.checks.rows import PlanRows
from tracking.models import TrackingPlan

__all__ = ["CHECKS", "Finding", "Severity", "check_rows", "run_plan_checks"]

CHECKS: tuple[Callable[[PlanRows], list[Finding]], ...] = (
    naming.naming_regex_findings,
    naming.event_key_findings,
    naming.property_key_findings,
    naming.near_duplicate_event_findings,
    naming.near_duplicate_property_findings,
    documentation.event_documentation_findings,
    documentation.property_documentation_findings,
    privacy.personal_data_findings,
    privacy.sensitive_example_findings,
    consistency.type_conflict_findings,
    consistency.unused_property_findings,
    consistency.event_without_properties_findings,
    consistency.group_findings,
    constraints.property_constraint_findings,
    constraints.property_example_findings,
    constraints.narrowing_findings,
)

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def run_plan_checks(plan: TrackingPlan) -> list[Finding]:
    """Every finding for the plan's working draft, errors first; reads the plan in 7 queries."""
    return check_rows(load_plan_rows(plan))


def check_rows(rows: PlanRows) -> list[Finding]:
    """Every finding for already loaded rows: by severity, object type, object key, code."""
    findings = [finding for check in CHECKS for finding in check(rows)]
    return sorted(findings, key=_order)


def _order(finding: Finding) -> tuple[int, str, str, str, str, int]:
    return (
        _SEVERITY_ORDER[finding.severity],
        finding.object_type,
        finding.object_key,
        finding.code,
        finding.message,
        finding.object_id or 0,
    )
