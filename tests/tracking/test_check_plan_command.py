"""The check_plan command: text and JSON output, exit codes, unknown plans."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import PlanFactory, PropertyFactory
from tests.tracking.checks.plans import add_event, add_property, clean_plan

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("check_plan", *args, stdout=out, no_color=True)
    return out.getvalue()


def _run_failing(*args):
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("check_plan", *args, stdout=out, no_color=True)
    return out.getvalue(), failure.value


def test_a_clean_plan_passes_with_exit_code_0():
    clean_plan()

    assert _run("shop-app") == (
        "Shop App (shop-app): 0 errors, 0 warnings, 0 info\nEvery check passes.\n"
    )


def test_warnings_alone_do_not_fail_the_command():
    plan = clean_plan()
    add_event(plan, "Cart Viewed", owner=None)
    PropertyFactory(plan=plan, key="discount")

    assert _run("shop-app") == (
        "Shop App (shop-app): 0 errors, 1 warning, 1 info\n"
        "\n"
        "Warnings (1)\n"
        "  event Cart Viewed  [event_without_owner]\n"
        "      “Cart Viewed” has no owner to ask about it or to tell when it breaks.\n"
        "\n"
        "Info (1)\n"
        "  property discount  [unused_property]\n"
        "      “discount” is attached to no event or group and is not a common property. "
        "Attach it, or remove it from the plan.\n"
    )


def test_an_error_finding_fails_with_exit_code_1_after_the_report():
    plan = clean_plan()
    add_event(plan, "cart_item_added")
    add_property(plan, "client_ip")
    add_event(plan, "Cart Viewed", owner=None)

    output, failure = _run_failing("shop-app")

    assert failure.returncode == 1
    assert str(failure) == "The plan has 2 errors."
    assert output == (
        "Shop App (shop-app): 2 errors, 1 warning, 0 info\n"
        "\n"
        "Errors (2)\n"
        "  event cart_item_added  [event_key_convention]\n"
        "      “cart_item_added” does not follow the plan's event naming convention "
        "(Object Action title case (Product Viewed)). Try “Cart Item Added”.\n"
        "  property client_ip  [property_looks_personal]\n"
        "      “client_ip” looks like personal data (its key or name mentions “ip”) but is "
        "not classed as personal or sensitive. Class it so its values are masked, or "
        "rename it if it is not personal.\n"
        "\n"
        "Warnings (1)\n"
        "  event Cart Viewed  [event_without_owner]\n"
        "      “Cart Viewed” has no owner to ask about it or to tell when it breaks.\n"
    )


def test_json_lists_the_findings_with_a_summary():
    plan = clean_plan()
    cart = add_event(plan, "cart_item_added")
    discount = PropertyFactory(plan=plan, key="discount")

    output, failure = _run_failing("shop-app", "--format", "json")

    assert failure.returncode == 1
    assert json.loads(output) == {
        "plan": "shop-app",
        "summary": {"error": 1, "warning": 0, "info": 1},
        "findings": [
            {
                "severity": "error",
                "code": "event_key_convention",
                "object_type": "event",
                "object_key": "cart_item_added",
                "object_id": cart.pk,
                "message": "“cart_item_added” does not follow the plan's event naming "
                "convention (Object Action title case (Product Viewed)). "
                "Try “Cart Item Added”.",
            },
            {
                "severity": "info",
                "code": "unused_property",
                "object_type": "property",
                "object_key": "discount",
                "object_id": discount.pk,
                "message": "“discount” is attached to no event or group and is not a "
                "common property. Attach it, or remove it from the plan.",
            },
        ],
    }


def test_json_for_a_clean_plan_has_no_findings():
    clean_plan()

    assert json.loads(_run("shop-app", "--format=json")) == {
        "plan": "shop-app",
        "summary": {"error": 0, "warning": 0, "info": 0},
        "findings": [],
    }


def test_json_keeps_non_ascii_text_readable():
    plan = clean_plan()
    add_property(plan, "contact", display_name="手机号")

    output, _failure = _run_failing("shop-app", "--format=json")

    assert "“手机”" in output


def test_an_unknown_plan_is_a_command_error_naming_the_known_plans():
    PlanFactory(key="shop-app")
    PlanFactory(key="blog")

    output, failure = _run_failing("shop")

    assert output == ""
    assert failure.returncode == 2
    assert (
        str(failure) == "There is no tracking plan “shop”. Known plans: blog, shop-app."
    )


def test_an_unknown_plan_when_there_are_no_plans_says_so():
    _output, failure = _run_failing("shop-app")

    assert str(failure) == "There is no tracking plan “shop-app”; no plans exist yet."


def test_an_unknown_format_is_refused():
    clean_plan()

    _output, failure = _run_failing("shop-app", "--format=xml")

    assert "invalid choice: 'xml'" in str(failure)
