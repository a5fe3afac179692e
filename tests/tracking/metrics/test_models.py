"""The metric and glossary rows keep their own invariants, in the database and in clean()."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    GlossaryTermFactory,
    MetricFactory,
    ModifierFactory,
    PlanFactory,
    TimePeriodFactory,
)
from tracking.models import TimePeriod

pytestmark = pytest.mark.django_db


def refused(factory, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


def test_metric_keys_are_unique_per_plan_ignoring_case():
    metric = MetricFactory(key="app_open_cnt")
    refused(MetricFactory, plan=metric.plan, key="APP_OPEN_CNT")
    MetricFactory(key="app_open_cnt")  # another plan


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"caliber": "Too short."}, id="caliber-under-20-characters"),
        pytest.param({"certification": "certified"}, id="certified-without-date"),
    ],
)
def test_metric_rows_refuse_broken_invariants(fields):
    refused(MetricFactory, **fields)


def test_a_lagging_metric_cannot_drive_another_in_the_database():
    target = MetricFactory()
    refused(MetricFactory, plan=target.plan, drives=target, indicator_type="lagging")
    MetricFactory(plan=target.plan, drives=target, indicator_type="leading")


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        pytest.param({"key": "AppOpenCnt"}, ["key"], id="key-not-snake-case"),
        pytest.param({"caliber": "  short  "}, ["caliber"], id="caliber-short"),
        pytest.param(
            {"definition": {"event": "App Opened"}},
            ["definition"],
            id="definition-shape",
        ),
        pytest.param(
            {"kind": "derived", "definition": {"event": "App Opened", "agg": "count"}},
            ["definition"],
            id="wrong-kind-shape",
        ),
    ],
)
def test_metric_clean_reports_single_row_problems_by_field(fields, errors):
    metric = MetricFactory.build(plan=PlanFactory(), **fields)
    with pytest.raises(ValidationError) as caught:
        metric.clean()
    assert sorted(caught.value.message_dict) == errors


def test_metric_clean_says_where_the_definition_breaks():
    metric = MetricFactory.build(
        plan=PlanFactory(), definition={"event": "App Opened", "agg": "sum"}
    )
    with pytest.raises(ValidationError) as caught:
        metric.clean()
    assert caught.value.message_dict == {
        "definition": [
            "definition.measure: Add “measure”: the numeric property to aggregate."
        ]
    }


def test_only_a_leading_metric_may_drive_another():
    target = MetricFactory()
    metric = MetricFactory.build(
        plan=target.plan, key="dau_cnt", drives=target, indicator_type=""
    )
    with pytest.raises(ValidationError) as caught:
        metric.clean()
    assert list(caught.value.message_dict) == ["drives"]


@pytest.mark.parametrize(
    ("fields", "valid"),
    [
        pytest.param({"kind": "trailing", "n": 7, "unit": "day"}, True, id="trailing"),
        pytest.param(
            {"kind": "trailing", "n": None, "unit": "day"},
            False,
            id="trailing-without-length",
        ),
        pytest.param(
            {"kind": "trailing", "n": 0, "unit": "day"}, False, id="trailing-zero"
        ),
        pytest.param(
            {"kind": "to_date", "n": None, "unit": "month"}, True, id="month-to-date"
        ),
        pytest.param(
            {"kind": "to_date", "n": 1, "unit": "month"},
            False,
            id="to-date-with-length",
        ),
        pytest.param(
            {"kind": "to_date", "n": None, "unit": "day"}, False, id="day-to-date"
        ),
        pytest.param(
            {"kind": "calendar", "n": 1, "unit": "month"}, True, id="calendar"
        ),
        pytest.param({"kind": "all_time", "n": None, "unit": ""}, True, id="all-time"),
        pytest.param(
            {"kind": "all_time", "n": None, "unit": "year"},
            False,
            id="all-time-with-unit",
        ),
    ],
)
def test_time_period_length_fits_its_kind(fields, valid):
    if valid:
        TimePeriodFactory(**fields)
    else:
        refused(TimePeriodFactory, **fields)


def test_time_period_needs_a_real_time_zone():
    period = TimePeriodFactory.build(plan=PlanFactory(), timezone="Mars/Olympus")
    with pytest.raises(ValidationError) as caught:
        period.clean()
    assert list(caught.value.message_dict) == ["timezone"]
    assert TimePeriod._meta.get_field("timezone").default == "Asia/Shanghai"


def test_glossary_term_needs_its_definition_and_a_unique_key():
    term = GlossaryTermFactory(key="new_user")
    refused(GlossaryTermFactory, plan=term.plan, key="NEW_USER")
    refused(GlossaryTermFactory, definition_text="")


def test_glossary_term_clean_refuses_a_malformed_predicate():
    term = GlossaryTermFactory.build(
        plan=PlanFactory(), predicate={"prop": "channel", "op": "like"}
    )
    with pytest.raises(ValidationError) as caught:
        term.clean()
    assert caught.value.message_dict == {
        "predicate": [
            'Unknown operator "like"; use one of eq, neq, in, not_in, gt, gte, lt, lte, '
            "between, contains, is_null, is_not_null, matches, in_period."
        ]
    }


def test_qualifier_needs_a_filter_or_a_term():
    refused(ModifierFactory, predicate=None, term=None)
    term = GlossaryTermFactory()
    ModifierFactory(plan=term.plan, predicate=None, term=term)
