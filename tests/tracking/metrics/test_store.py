"""Saving metrics: refused when invalid, revision and hash kept, dependency rows rewritten."""

from __future__ import annotations

import pytest

from tracking.errors import MetricDependencyError, MetricInvalid
from tracking.metrics.canonical import canonical_hash
from tracking.metrics.load import load_catalog
from tracking.metrics.queries import explain, lineage, metrics_using
from tracking.metrics.store import (
    certify_metric,
    check_metric_row,
    save_metric,
    set_metric_lifecycle,
)
from tracking.models import Event, Metric, MetricDependency

APP_OPENS = {"event": "App Opened", "agg": "count"}
ORGANIC_30D = {"base": "app_open_cnt", "period": "30d", "modifiers": ["organic"]}


def rows(metric):
    return list(
        MetricDependency.objects.filter(metric=metric).values_list(
            "target_type", "target_key", "role"
        )
    )


def test_saving_records_hash_revision_and_dependencies(make):
    metric = make("app_open_cnt", "atomic", APP_OPENS)
    metric.refresh_from_db()
    assert (metric.revision, metric.canonical_hash) == (
        1,
        canonical_hash("atomic", APP_OPENS),
    )
    assert rows(metric) == [("event", "App Opened", "base")]


def test_a_derived_metric_depends_on_its_base_period_and_qualifier(make):
    make("app_open_cnt", "atomic", APP_OPENS)
    derived = make("app_open_cnt__organic__30d", "derived", ORGANIC_30D)
    assert rows(derived) == [
        ("metric", "app_open_cnt", "base"),
        ("modifier", "organic", "filter"),
        ("period", "30d", "period"),
    ]


@pytest.mark.parametrize(
    ("change", "revision"),
    [
        pytest.param(
            {"caliber": "Every start of the app in the foreground, once per event."},
            1,
            id="caliber-text",
        ),
        pytest.param({"name_en": "App launches"}, 1, id="name"),
        pytest.param(
            {"definition": {"agg": "count", "event": "App Opened"}},
            1,
            id="same-meaning-other-order",
        ),
        pytest.param(
            {
                "definition": {
                    "event": "App Opened",
                    "agg": "count_distinct",
                    "distinct_on": "user_id",
                }
            },
            2,
            id="aggregation",
        ),
        pytest.param(
            {"definition": {"event": "Order Completed", "agg": "count"}}, 2, id="event"
        ),
    ],
)
def test_revision_moves_only_when_the_meaning_changes(make, change, revision):
    metric = make("app_open_cnt", "atomic", APP_OPENS)
    for name, value in change.items():
        setattr(metric, name, value)
    save_metric(metric, by=None)
    metric.refresh_from_db()
    assert metric.revision == revision


def test_editing_rewrites_the_dependency_rows(make):
    metric = make(
        "pay_amount",
        "atomic",
        {"event": "Order Completed", "agg": "sum", "measure": "total"},
    )
    metric.definition = {"event": "App Opened", "agg": "count"}
    save_metric(metric, by=None)
    assert rows(metric) == [("event", "App Opened", "base")]


def test_an_invalid_metric_is_refused_with_its_errors_and_not_saved(shop, pm):
    metric = Metric(
        plan=shop,
        key="revenue",
        kind="atomic",
        definition={"event": "App Opened", "agg": "sum", "measure": "channel"},
        caliber="Sum of what the app says, in yuan.",
        owner=pm,
        category="business",
    )
    with pytest.raises(MetricInvalid) as refused:
        save_metric(metric, by=pm)
    assert refused.value.code == "metric_definition_invalid"
    assert [d["code"] for d in refused.value.details] == ["measure_not_numeric"]
    assert not Metric.objects.filter(plan=shop).exists()


def test_a_duplicate_is_refused_naming_the_original(make):
    make("app_open_cnt", "atomic", APP_OPENS)
    with pytest.raises(MetricInvalid) as refused:
        make("app_launch_cnt", "atomic", {"agg": "count", "event": "App Opened"})
    assert refused.value.details[0]["message"] == (
        "This metric already exists as “app_open_cnt”; reuse it instead of defining it twice."
    )


def test_check_metric_row_judges_an_unsaved_row(shop, pm):
    metric = Metric(
        plan=shop,
        key="x_cnt",
        kind="derived",
        definition={"base": "nope", "period": "30d"},
        caliber="x",
        owner=pm,
    )
    assert [(f.code, f.path) for f in check_metric_row(metric)] == [
        ("caliber_too_short", "caliber"),
        ("unknown_metric", "definition.base"),
    ]


def test_going_online_needs_online_dependencies(make):
    make("app_open_cnt", "atomic", APP_OPENS)
    derived = make("app_open_cnt__organic__30d", "derived", ORGANIC_30D)
    with pytest.raises(MetricInvalid) as refused:
        set_metric_lifecycle(derived, "online")
    assert [d["code"] for d in refused.value.details] == ["dependency_not_online"]


def test_taking_a_used_metric_offline_needs_a_cascade(make):
    base = make("app_open_cnt", "atomic", APP_OPENS, lifecycle="online")
    make("app_open_cnt__organic__30d", "derived", ORGANIC_30D, lifecycle="online")
    with pytest.raises(MetricDependencyError) as refused:
        set_metric_lifecycle(base, "offline")
    assert refused.value.details["metrics"] == ["app_open_cnt__organic__30d"]
    assert set_metric_lifecycle(base, "offline", cascade=True) == [
        "app_open_cnt",
        "app_open_cnt__organic__30d",
    ]
    assert set(Metric.objects.values_list("lifecycle", flat=True)) == {"offline"}


def test_certifying_records_who_and_when_and_withdrawing_clears_it(make, pm):
    metric = make("app_open_cnt", "atomic", APP_OPENS)
    certify_metric(metric, level="certified", by=pm)
    metric.refresh_from_db()
    assert (
        metric.certification,
        metric.certified_by,
        metric.certified_at is not None,
    ) == ("certified", pm, True)
    certify_metric(metric, level="none", by=pm)
    metric.refresh_from_db()
    assert (metric.certified_by, metric.certified_at) == (None, None)


def test_history_records_who_saved(make, pm):
    metric = make("app_open_cnt", "atomic", APP_OPENS)
    assert metric.history.first().history_user == pm


def test_the_catalog_is_read_in_five_queries(make, shop, django_assert_num_queries):
    make("app_open_cnt", "atomic", APP_OPENS)
    make("app_open_cnt__organic__30d", "derived", ORGANIC_30D)
    with django_assert_num_queries(5):
        catalog = load_catalog(shop)
    assert [m.key for m in catalog.metrics] == [
        "app_open_cnt",
        "app_open_cnt__organic__30d",
    ]


def test_explanation_and_lineage_from_the_database(make, shop):
    make(
        "app_open_cnt", "atomic", APP_OPENS, name_en="App opens", name_zh="APP启动次数"
    )
    derived = make(
        "app_open_cnt__organic__30d",
        "derived",
        {**ORGANIC_30D, "group_by": ["channel"]},
    )
    assert (explain(derived).en, explain(derived).zh) == (
        "App opens from organic channels in the last 30 days, by channel",
        "近30天 自然流量 的 APP启动次数, 按Channel",
    )
    assert lineage(derived).events == ("App Opened",)
    assert metrics_using(Event.objects.get(plan=shop, key="App Opened")) == (
        "app_open_cnt",
        "app_open_cnt__organic__30d",
    )
