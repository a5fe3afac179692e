"""Patterns stored before the guard refused them (imports, older rules): findings, not crashes."""

from __future__ import annotations

import pytest

from tests.factories import EventPropertyFactory
from tests.tracking.checks.plans import add_event, add_property, clean_plan, event, prop
from tracking.checks import run_plan_checks
from tracking.models import NamingConvention, TrackingPlan

pytestmark = pytest.mark.django_db


def _summary(findings):
    return [(f.code, f.object_key, f.message) for f in findings]


def test_a_property_pattern_refused_by_the_backtracking_rules_is_an_error_finding():
    plan = clean_plan()
    add_property(plan, "coupon_code", pattern=r"^([A-Z]|[A-Z0-9])+$", examples=["X1"])

    assert _summary(run_plan_checks(plan)) == [
        (
            "property_invalid_constraints",
            "coupon_code",
            "The constraints of “coupon_code” do not hold: “([A-Z]|[A-Z0-9])+” repeats a "
            "part that can match the same text in more than one way (its alternatives or "
            "optional pieces overlap, as in (a|aa)+), so a validator that backtracks tries "
            "every way; such patterns can take hours to check on some inputs. Make the "
            "alternatives exclusive, e.g. a+ instead of (a|aa)+.",
        )
    ]


def test_a_narrowing_pattern_refused_by_the_backtracking_rules_is_an_error_finding():
    plan = clean_plan()
    EventPropertyFactory(
        event=event(plan, "Product Viewed"),
        property=prop(plan, "app_version"),
        pattern=r"^\d+\.?\d+$",
    )

    assert [(f.code, f.object_key) for f in run_plan_checks(plan)] == [
        ("event_property_invalid_narrowing", "Product Viewed")
    ]


def test_a_naming_regex_refused_by_the_backtracking_rules_is_reported_not_applied():
    plan = clean_plan()
    TrackingPlan.objects.filter(pk=plan.pk).update(
        event_naming=NamingConvention.CUSTOM, event_naming_regex=r"^[a-z]+[a-z_]*$"
    )
    plan.refresh_from_db()
    cart = add_event(plan, "Cart Viewed")

    cart.full_clean()  # editing an event under the stored regex does not crash
    assert [(f.code, f.object_key) for f in run_plan_checks(plan)] == [
        ("naming_regex_invalid", "shop-app")
    ]
