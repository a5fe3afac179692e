"""Plans through the API: settings under the model's rules, and the plan checks' findings."""

from __future__ import annotations

from tests.factories import EventFactory, PropertyFactory
from tracking.checks import run_plan_checks

P = "/api/v1/plans/shop-app"


def test_checks_answer_every_finding_with_counts(as_user, viewer, plan):
    EventFactory(plan=plan, key="cart_viewed", description="")
    PropertyFactory(plan=plan, key="unitPrice")

    body = as_user(viewer).get(f"{P}/checks").json()

    findings = run_plan_checks(plan)
    assert body["findings"] == [f.as_dict() for f in findings]
    assert body["errors"] == sum(f.severity == "error" for f in findings) > 0
    assert body["warnings"] == sum(f.severity == "warning" for f in findings)
    assert body["plan"] == "shop-app"


def test_new_plan_is_owned_by_its_creator(as_user, plan_admin):
    response = as_user(plan_admin).post(
        "/api/v1/plans", {"key": "blog", "name": "Blog"}
    )

    assert response.status_code == 201
    assert response.json()["owner"] == "plan-admin"


def test_rejects_a_custom_convention_without_a_pattern(as_user, editor, plan):
    response = as_user(editor).patch(P, {"event_naming": "custom"})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "event_naming_regex": ["A custom convention needs a regular expression."]
    }


def test_rejects_a_taken_plan_key(as_user, plan_admin, plan):
    response = as_user(plan_admin).post(
        "/api/v1/plans", {"key": "shop-app", "name": "Shop"}
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["key"]
