"""run_plan_checks: each finding code on a plan broken one way, order, and query count."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    GroupPropertyFactory,
    PlanFactory,
    PropertyFactory,
)
from tests.tracking.checks.plans import add_event, add_property, clean_plan, event, prop
from tracking.checks import check_rows, run_plan_checks
from tracking.checks.findings import Finding, Severity
from tracking.checks.load import load_plan_rows
from tracking.models import (
    EventStatus,
    NamingConvention,
    PrivacyClass,
    PropertyType,
    TrackingPlan,
)

pytestmark = pytest.mark.django_db


def _set_event_naming(plan, convention, regex=""):
    # An update, as an import would do: the edit form refuses an unsafe pattern.
    TrackingPlan.objects.filter(pk=plan.pk).update(
        event_naming=convention, event_naming_regex=regex
    )


def _empty_group_on_event(plan):
    group = GroupFactory(plan=plan, key="checkout_fields", name="Checkout fields")
    event(plan, "Product Viewed").groups.add(group)


def _group_on_no_event(plan):
    group = GroupFactory(plan=plan, key="checkout_fields", name="Checkout fields")
    GroupPropertyFactory(group=group, property=prop(plan, "price"))


def _narrowing_outside_enum(plan):
    EventPropertyFactory(
        event=event(plan, "Product Viewed"),
        property=prop(plan, "currency"),
        enum=["EUR"],
    )


CASES = [
    pytest.param(
        lambda plan: add_event(plan, "cart_item_added"),
        [("error", "event_key_convention", "event", "cart_item_added")],
        id="event_key_convention",
    ),
    pytest.param(
        lambda plan: add_property(plan, "couponCode"),
        [("error", "property_key_convention", "property", "couponCode")],
        id="property_key_convention",
    ),
    pytest.param(
        lambda plan: PropertyFactory(plan=plan, parent=prop(plan, "items"), key="SKU2"),
        [("error", "property_key_convention", "property", "items.SKU2")],
        id="property_key_convention-nested",
    ),
    pytest.param(
        lambda plan: add_event(plan, "Product View"),
        [("warning", "near_duplicate_event_key", "event", "Product View")],
        id="near_duplicate_event_key",
    ),
    pytest.param(
        lambda plan: add_property(plan, "product_ids"),
        [("warning", "near_duplicate_property_key", "property", "product_id")],
        id="near_duplicate_property_key",
    ),
    pytest.param(
        lambda plan: add_event(plan, "Cart Viewed", description=""),
        [("warning", "event_missing_description", "event", "Cart Viewed")],
        id="event_missing_description",
    ),
    pytest.param(
        lambda plan: add_event(plan, "Cart Viewed", trigger="  "),
        [("warning", "event_missing_trigger", "event", "Cart Viewed")],
        id="event_missing_trigger",
    ),
    pytest.param(
        lambda plan: add_event(plan, "Cart Viewed", display_name=""),
        [("warning", "event_missing_display_name", "event", "Cart Viewed")],
        id="event_missing_display_name",
    ),
    pytest.param(
        lambda plan: add_event(plan, "Cart Viewed", owner=None),
        [("warning", "event_without_owner", "event", "Cart Viewed")],
        id="event_without_owner",
    ),
    pytest.param(
        lambda plan: add_property(plan, "coupon_code", description=""),
        [("warning", "property_missing_description", "property", "coupon_code")],
        id="property_missing_description",
    ),
    pytest.param(
        lambda plan: add_property(plan, "client_ip"),
        [("error", "property_looks_personal", "property", "client_ip")],
        id="property_looks_personal-key",
    ),
    pytest.param(
        lambda plan: add_property(plan, "contact", examples=["13800138000"]),
        [("error", "property_looks_personal", "property", "contact")],
        id="property_looks_personal-example",
    ),
    pytest.param(
        lambda plan: add_property(
            plan,
            "national_id",
            privacy_class=PrivacyClass.SENSITIVE,
            examples=["A1"],
        ),
        [("warning", "sensitive_property_has_examples", "property", "national_id")],
        id="sensitive_property_has_examples",
    ),
    pytest.param(
        lambda plan: PropertyFactory(
            plan=plan, parent=prop(plan, "items"), key="price"
        ),
        [("error", "property_type_conflict", "property", "items.price")],
        id="property_type_conflict",
    ),
    pytest.param(
        lambda plan: PropertyFactory(plan=plan, key="discount"),
        [("info", "unused_property", "property", "discount")],
        id="unused_property",
    ),
    pytest.param(
        lambda plan: EventFactory(plan=plan, key="App Opened"),
        [("info", "event_without_properties", "event", "App Opened")],
        id="event_without_properties",
    ),
    pytest.param(
        _empty_group_on_event,
        [("warning", "empty_group", "group", "checkout_fields")],
        id="empty_group",
    ),
    pytest.param(
        _group_on_no_event,
        [("info", "unused_group", "group", "checkout_fields")],
        id="unused_group",
    ),
    pytest.param(
        lambda plan: _set_event_naming(plan, NamingConvention.CUSTOM, "(a+)+"),
        [("error", "naming_regex_invalid", "plan", "shop-app")],
        id="naming_regex_invalid",
    ),
    pytest.param(
        lambda plan: add_property(
            plan, "item_count", type=PropertyType.INTEGER, pattern="^[0-9]+$"
        ),
        [("error", "property_invalid_constraints", "property", "item_count")],
        id="property_invalid_constraints",
    ),
    pytest.param(
        lambda plan: add_property(
            plan, "item_count", type=PropertyType.INTEGER, examples=["many"]
        ),
        [("warning", "property_invalid_example", "property", "item_count")],
        id="property_invalid_example",
    ),
    pytest.param(
        _narrowing_outside_enum,
        [("error", "event_property_invalid_narrowing", "event", "Product Viewed")],
        id="event_property_invalid_narrowing",
    ),
]


def _summary(findings):
    return [(str(f.severity), f.code, f.object_type, f.object_key) for f in findings]


def test_a_clean_plan_has_no_findings():
    assert run_plan_checks(clean_plan()) == []


@pytest.mark.parametrize(("break_plan", "expected"), CASES)
def test_each_way_of_breaking_the_plan_yields_exactly_its_finding(break_plan, expected):
    plan = clean_plan()
    break_plan(plan)
    plan.refresh_from_db()

    assert _summary(run_plan_checks(plan)) == expected


def test_event_key_finding_suggests_the_key_in_the_plan_convention():
    plan = clean_plan()
    cart = add_event(plan, "cart_item_added")

    assert run_plan_checks(plan) == [
        Finding(
            severity=Severity.ERROR,
            code="event_key_convention",
            object_type="event",
            object_key="cart_item_added",
            object_id=cart.pk,
            message="“cart_item_added” does not follow the plan's event naming convention "
            "(Object Action title case (Product Viewed)). Try “Cart Item Added”.",
        )
    ]


def test_nested_key_finding_suggests_the_whole_path():
    plan = clean_plan()
    PropertyFactory(plan=plan, parent=prop(plan, "items"), key="unitPrice")

    [finding] = run_plan_checks(plan)

    assert finding.message == (
        "“items.unitPrice” does not follow the plan's property naming convention "
        "(snake_case (product_viewed)). Try “items.unit_price”."
    )


def test_changing_the_convention_flags_every_existing_key_with_a_suggestion():
    plan = clean_plan()
    plan.event_naming = NamingConvention.SNAKE_CASE
    plan.save()

    assert [
        (f.object_key, f.message.rsplit(" ", 1)[-1]) for f in run_plan_checks(plan)
    ] == [
        ("Order Completed", "“order_completed”."),
        ("Product Viewed", "“product_viewed”."),
    ]


def test_custom_convention_finding_names_the_pattern():
    plan = clean_plan()
    _set_event_naming(plan, NamingConvention.CUSTOM, r"ec_[a-z_]+")
    plan.refresh_from_db()

    messages = [f.message for f in run_plan_checks(plan)]

    assert messages == [
        "“Order Completed” does not match the plan's event naming pattern ec_[a-z_]+.",
        "“Product Viewed” does not match the plan's event naming pattern ec_[a-z_]+.",
    ]


def test_an_unusable_naming_pattern_is_reported_once_and_not_applied_to_keys():
    plan = clean_plan()
    TrackingPlan.objects.filter(pk=plan.pk).update(
        property_naming=NamingConvention.CUSTOM, property_naming_regex="(a+)+"
    )
    plan.refresh_from_db()

    [finding] = run_plan_checks(plan)

    assert finding.code == "naming_regex_invalid"
    assert finding.message.startswith("The property naming pattern cannot be used: ")


def test_near_duplicate_pair_is_reported_once_naming_both_keys():
    plan = clean_plan()
    add_event(plan, "Product View")

    [finding] = run_plan_checks(plan)

    assert finding.message == (
        "“Product View” and “Product Viewed” differ only by a plural or past-tense "
        "ending. If they mean the same thing, keep one of them."
    )


def test_deprecated_events_are_left_out_of_naming_and_documentation_checks():
    plan = clean_plan()
    add_event(
        plan,
        "product_view",
        status=EventStatus.DEPRECATED,
        description="",
        trigger="",
        display_name="",
        owner=None,
    )

    assert run_plan_checks(plan) == []


def test_draft_event_without_properties_is_not_reported():
    plan = clean_plan()
    EventFactory(plan=plan, key="App Opened", status=EventStatus.DRAFT)

    assert run_plan_checks(plan) == []


def test_event_whose_only_group_is_empty_has_no_properties():
    plan = clean_plan()
    group = GroupFactory(plan=plan, key="checkout_fields", name="Checkout fields")
    EventFactory(plan=plan, key="App Opened").groups.add(group)

    assert _summary(run_plan_checks(plan)) == [
        ("warning", "empty_group", "group", "checkout_fields"),
        ("info", "event_without_properties", "event", "App Opened"),
    ]


def test_field_of_an_object_classed_personal_is_covered_by_its_class():
    plan = clean_plan()
    address = add_property(
        plan,
        "shipping_address",
        type=PropertyType.OBJECT,
        privacy_class=PrivacyClass.PERSONAL,
    )
    PropertyFactory(plan=plan, parent=address, key="phone")

    assert run_plan_checks(plan) == []


def test_personal_example_values_are_never_quoted_in_messages():
    plan = clean_plan()
    add_property(
        plan, "contact", type=PropertyType.INTEGER, examples=["alice@example.com"]
    )

    messages = [f.message for f in run_plan_checks(plan)]

    assert messages == [
        "“contact” looks like personal data (an example looks like an email address) "
        "but is not classed as personal or sensitive. Class it so its values are masked, "
        "or rename it if it is not personal.",
        "1 example of “contact” does not satisfy its constraints.",
    ]


def test_type_conflict_lists_every_place_with_its_type():
    plan = clean_plan()
    refund = add_property(plan, "refund", type=PropertyType.OBJECT)
    PropertyFactory(plan=plan, parent=refund, key="price", type=PropertyType.STRING)
    PropertyFactory(plan=plan, parent=prop(plan, "items"), key="price")

    [finding] = run_plan_checks(plan)

    assert finding.message == (
        "“price” has a different type in different places: items.price (string), "
        "price (number), refund.price (string). Give it one type everywhere, or rename "
        "the fields that mean something else."
    )


def test_findings_come_errors_first_then_by_object_type_key_and_code():
    plan = clean_plan()
    add_event(plan, "Cart Viewed", description="", owner=None)
    add_event(plan, "cart_item_added")
    add_property(plan, "client_ip", description="")
    PropertyFactory(plan=plan, key="discount")
    EventFactory(plan=plan, key="App Opened")

    assert _summary(run_plan_checks(plan)) == [
        ("error", "event_key_convention", "event", "cart_item_added"),
        ("error", "property_looks_personal", "property", "client_ip"),
        ("warning", "event_missing_description", "event", "Cart Viewed"),
        ("warning", "event_without_owner", "event", "Cart Viewed"),
        ("warning", "property_missing_description", "property", "client_ip"),
        ("info", "event_without_properties", "event", "App Opened"),
        ("info", "unused_property", "property", "discount"),
    ]


def test_order_does_not_depend_on_the_order_rows_were_loaded_in():
    plan = clean_plan()
    add_event(plan, "Cart Viewed", description="", owner=None)
    add_event(plan, "Product View")
    add_property(plan, "product_ids", description="")
    PropertyFactory(plan=plan, key="discount")
    rows = load_plan_rows(plan)
    shuffled = dataclasses.replace(
        rows,
        events=rows.events[::-1],
        properties=rows.properties[::-1],
        groups=rows.groups[::-1],
        attachments=rows.attachments[::-1],
    )

    assert check_rows(shuffled) == check_rows(rows) == run_plan_checks(plan)


def test_it_reads_the_plan_in_seven_queries(django_assert_num_queries):
    plan = clean_plan()

    with django_assert_num_queries(7):
        run_plan_checks(plan)


def _plan_with_events(count):
    plan = PlanFactory()
    group = GroupFactory(plan=plan)
    for n in range(count):
        parent = PropertyFactory(plan=plan, type=PropertyType.OBJECT)
        PropertyFactory(plan=plan, parent=parent)
        group_member = PropertyFactory(plan=plan)
        GroupPropertyFactory(group=group, property=group_member)
        event = EventFactory(plan=plan, key=f"Step Done{n}")
        event.groups.add(group)
        EventPropertyFactory(event=event, property=parent)
    return plan


def test_query_count_does_not_grow_with_the_number_of_events():
    counts = []
    for size in (3, 30):
        plan = _plan_with_events(size)
        with CaptureQueriesContext(connection) as queries:
            run_plan_checks(plan)
        counts.append(len(queries))

    assert counts == [7, 7]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("build_number", [], id="build-number"),
        pytest.param("os_version", [], id="version"),
        pytest.param(
            "gateway",
            [("error", "property_looks_personal", "property", "gateway")],
            id="other-key",
        ),
    ],
)
def test_four_part_build_numbers_are_not_taken_for_ip_addresses(key, expected):
    plan = clean_plan()
    add_property(plan, key, examples=["10.3.0.1"])

    assert _summary(run_plan_checks(plan)) == expected
