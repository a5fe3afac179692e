"""Metric tags read from the database: sorted, in one query for the whole catalog, not meaning."""

from __future__ import annotations

from tests.factories import MetricFactory
from tracking.metrics.canonical import canonical_hash
from tracking.metrics.load import load_catalog, metric_spec
from tracking.metrics.store import save_metric
from tracking.models import Metric, Tag
from tracking.snapshot import take_snapshot

APP_OPENS = {"event": "App Opened", "agg": "count"}
ORGANIC_30D = {"base": "app_open_cnt", "period": "30d", "modifiers": ["organic"]}


def _tag(metric: Metric, *names: str) -> None:
    metric.tags.add(*(Tag.objects.get_or_create(name=name)[0] for name in names))


def test_the_catalog_freezes_each_metrics_tags_sorted(make, shop):
    opens = make("app_open_cnt", "atomic", APP_OPENS)
    make("app_open_cnt__organic__30d", "derived", ORGANIC_30D)
    _tag(opens, "traffic", "core", "north")

    assert [(m.key, m.tags) for m in load_catalog(shop).metrics] == [
        ("app_open_cnt", ("core", "north", "traffic")),
        ("app_open_cnt__organic__30d", ()),
    ]
    assert [m.tags for m in take_snapshot(shop, metrics=True).metrics] == [
        ("core", "north", "traffic"),
        (),
    ]


def test_the_catalogs_tags_cost_one_query_however_many_metrics_carry_them(
    make, shop, django_assert_num_queries
):
    opens = make("app_open_cnt", "atomic", APP_OPENS)
    _tag(opens, "core")
    with django_assert_num_queries(5):
        load_catalog(shop)
    for n in range(5):
        _tag(MetricFactory(plan=shop, key=f"app_open_cnt_{n}"), f"t{n}", "core")

    with django_assert_num_queries(5):
        catalog = load_catalog(shop)

    assert [m.tags for m in catalog.metrics] == [
        ("core",),
        *(("core", f"t{n}") for n in range(5)),
    ]


def test_one_row_reads_its_own_tags_or_takes_them_prefetched(
    make, shop, django_assert_num_queries
):
    _tag(make("app_open_cnt", "atomic", APP_OPENS), "traffic", "core")
    row = Metric.objects.select_related("owner").get(plan=shop, key="app_open_cnt")
    with django_assert_num_queries(1):
        assert metric_spec(row).tags == ("core", "traffic")

    prefetched = (
        Metric.objects.select_related("owner").prefetch_related("tags").get(pk=row.pk)
    )
    with django_assert_num_queries(0):
        assert metric_spec(prefetched).tags == ("core", "traffic")


def test_an_unsaved_row_has_no_tags_and_reads_nothing(shop, django_assert_num_queries):
    row = Metric(plan=shop, key="app_open_cnt", kind="atomic", definition=APP_OPENS)
    with django_assert_num_queries(0):
        assert metric_spec(row).tags == ()


def test_tagging_a_metric_keeps_its_hash_and_revision(make, pm):
    metric = make("app_open_cnt", "atomic", APP_OPENS)
    _tag(metric, "core")

    save_metric(metric, by=pm)

    metric.refresh_from_db()
    assert (metric.revision, metric.canonical_hash) == (
        1,
        canonical_hash("atomic", APP_OPENS),
    )
