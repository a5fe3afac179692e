"""Metrics in plan versions: frozen into snapshots, and diffed with breaking classification."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.tracking.metrics.shop import (
    CATALOG,
    SNAPSHOT,
    SNAPSHOT_WITH_METRICS,
    changed,
)
from tracking.demo import load_demo_plan
from tracking.diff import ADDITIVE, BREAKING, TEXT, diff_snapshots
from tracking.metrics.catalog import ModifierSpec, PeriodSpec, TermSpec
from tracking.metrics.store import save_metric
from tracking.publishing import latest_version, preview_publish, version_snapshot
from tracking.snapshot import PlanSnapshot, snapshot_from_dict, snapshot_to_dict

BEFORE = SNAPSHOT_WITH_METRICS


def _with_metric(snapshot: PlanSnapshot, spec) -> PlanSnapshot:
    return replace(snapshot, metrics=snapshot.catalog.with_metric(spec).metrics)


def _changes(after: PlanSnapshot) -> list[tuple[str, str, str, str, str]]:
    return [
        (c.kind, c.object_type, c.key, c.path, c.level)
        for c in diff_snapshots(BEFORE, after).changes
    ]


def test_the_same_metrics_make_no_change():
    assert diff_snapshots(BEFORE, replace(BEFORE)).changes == ()


def test_a_snapshot_with_metrics_round_trips_through_json():
    stored = json.loads(json.dumps(snapshot_to_dict(BEFORE)))
    assert snapshot_from_dict(stored) == BEFORE


def test_a_snapshot_stored_before_metrics_existed_loads_with_none():
    stored = snapshot_to_dict(SNAPSHOT)
    for name in ("metrics", "terms", "modifiers", "periods"):
        del stored[name]
    loaded = snapshot_from_dict(stored)
    assert (loaded.metrics, loaded.terms, loaded.modifiers, loaded.periods) == (
        (),
        (),
        (),
        (),
    )
    assert loaded == SNAPSHOT


def test_a_first_version_adds_every_metric_and_glossary_entry():
    diff = diff_snapshots(None, BEFORE)
    metrics = [c for c in diff.changes if c.object_type == "metric"]
    assert [c.key for c in metrics] == sorted(m.key for m in CATALOG.metrics)
    assert {(c.kind, c.level) for c in metrics} == {("added", ADDITIVE)}
    assert len([c for c in diff.changes if c.object_type == "time_period"]) == 7


def test_adding_a_metric_is_additive_and_bumps_minor():
    after = replace(BEFORE, metrics=BEFORE.metrics[1:])
    diff = diff_snapshots(after, BEFORE)
    assert [(c.kind, c.key, c.level) for c in diff.changes] == [
        ("added", BEFORE.metrics[0].key, ADDITIVE)
    ]
    assert diff.bump == "minor"


def test_removing_a_metric_breaks():
    removed = BEFORE.metrics[0].key
    after = replace(BEFORE, metrics=BEFORE.metrics[1:])
    assert _changes(after) == [("removed", "metric", removed, "", BREAKING)]
    assert diff_snapshots(BEFORE, after).bump == "major"


@pytest.mark.parametrize(
    ("key", "definition", "path"),
    [
        pytest.param(
            "app_open_cnt", {"event": "Product Viewed"}, "definition.event", id="event"
        ),
        pytest.param(
            "pay_amount",
            {"agg": "avg"},
            "definition.agg",
            id="aggregation",
        ),
        pytest.param(
            "ad_spend",
            {"measure": "total", "event": "Order Completed"},
            "definition.event definition.measure",
            id="measure",
        ),
        pytest.param(
            "app_open_cnt__new_user__30d",
            {"modifiers": ["organic"]},
            "definition.modifiers",
            id="qualifiers",
        ),
        pytest.param(
            "pdp_to_pay_cvr__7d",
            {"base_filter": {"prop": "page_source", "op": "eq", "value": "home"}},
            "definition.base_filter",
            id="filter",
        ),
        pytest.param(
            "buyer_uv__1d", {"period": "30d"}, "definition.period", id="period"
        ),
        pytest.param(
            "pdp_to_pay_cvr__7d",
            {"entity": "device_id"},
            "definition.entity",
            id="entity",
        ),
        pytest.param(
            "active_uv__1d", {"base": "app_open_cnt"}, "definition.base", id="base"
        ),
    ],
)
def test_a_change_of_meaning_breaks(key, definition, path):
    after = _with_metric(BEFORE, changed(key, definition))
    assert _changes(after) == [
        ("changed", "metric", key, p, BREAKING) for p in path.split()
    ]


def test_a_removed_filter_is_reported_as_removed_and_breaks():
    after = _with_metric(BEFORE, changed("pdp_to_pay_cvr__7d", {"base_filter": None}))
    assert _changes(after) == [
        ("removed", "metric", "pdp_to_pay_cvr__7d", "definition.base_filter", BREAKING)
    ]


def test_a_kind_change_is_one_breaking_change():
    after = _with_metric(
        BEFORE,
        changed(
            "active_uv__7d_rolling",
            {"window": None, "period_agg": None, "period": "7d", "modifiers": []},
            kind="derived",
        ),
    )
    assert _changes(after) == [
        ("changed", "metric", "active_uv__7d_rolling", "kind", BREAKING)
    ]


def test_reordering_qualifiers_changes_nothing():
    spec = changed(
        "pay_amount__paid_channel__30d", {"modifiers": ["paid_channel", "organic"]}
    )
    reordered = changed(
        "pay_amount__paid_channel__30d", {"modifiers": ["organic", "paid_channel"]}
    )
    assert (
        diff_snapshots(
            _with_metric(BEFORE, spec), _with_metric(BEFORE, reordered)
        ).changes
        == ()
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"name_en": "App starts"}, [("name_en", TEXT)], id="name"),
        pytest.param(
            {"caliber": "Every foreground start, counted once per event sent."},
            [("caliber", TEXT)],
            id="caliber",
        ),
        pytest.param({"owner": "analyst"}, [("owner", TEXT)], id="owner"),
        pytest.param(
            {"lifecycle": "offline"}, [("lifecycle", ADDITIVE)], id="lifecycle"
        ),
        pytest.param(
            {"is_north_star": True, "category": "traffic"},
            [("category", TEXT), ("is_north_star", TEXT)],
            id="classification",
        ),
    ],
)
def test_names_texts_owner_and_lifecycle_do_not_break(fields, expected):
    after = _with_metric(BEFORE, changed("app_open_cnt", **fields))
    diff = diff_snapshots(BEFORE, after)
    assert [(c.field, c.level) for c in diff.changes] == expected
    assert not diff.is_breaking


def test_the_summary_names_the_metric_and_what_changed():
    after = _with_metric(BEFORE, changed("buyer_uv__1d", {"period": "30d"}))
    (change,) = diff_snapshots(BEFORE, after).changes
    assert change.summary == (
        "Metric “buyer_uv__1d”: definition “period” changed: the metric means something "
        "else"
    )
    assert (change.before, change.after) == ("1d", "30d")


def test_a_term_given_another_meaning_breaks_the_metrics_resting_on_it():
    term = TermSpec(
        key="new_user",
        name_zh="新用户",
        name_en="New users",
        definition_text="注册日期落在统计周期内的用户",
        predicate={"prop": "first_open_date", "op": "is_not_null"},
    )
    after = replace(BEFORE, terms=(term, *BEFORE.terms[1:]))
    assert [
        (c.object_type, c.key, c.field, c.level)
        for c in diff_snapshots(BEFORE, after).changes
    ] == [
        ("glossary_term", "new_user", "definition_text", TEXT),
        ("glossary_term", "new_user", "predicate", BREAKING),
    ]


def test_a_glossary_entry_no_metric_uses_is_removed_without_breaking():
    after = replace(BEFORE, modifiers=BEFORE.modifiers[:1] + BEFORE.modifiers[2:])
    assert _changes(after) == [("removed", "modifier", "organic", "", ADDITIVE)]


def test_removing_a_qualifier_in_use_breaks_and_names_its_metrics():
    kept = tuple(m for m in BEFORE.modifiers if m.key != "paid_channel")
    (change,) = diff_snapshots(BEFORE, replace(BEFORE, modifiers=kept)).changes
    assert (change.kind, change.level) == ("removed", BREAKING)
    assert change.before == {
        "metrics": ["channel_roi__30d", "pay_amount__paid_channel__30d"]
    }


def test_a_period_made_longer_breaks_and_a_renamed_one_does_not():
    longer = PeriodSpec(key="1d", kind="trailing", n=2, unit="day")
    renamed = PeriodSpec(
        key="30d", kind="trailing", n=30, unit="day", name_en="30 days"
    )
    periods = tuple(
        {"1d": longer, "30d": renamed}.get(p.key, p) for p in BEFORE.periods
    )
    assert [
        (c.key, c.field, c.level)
        for c in diff_snapshots(BEFORE, replace(BEFORE, periods=periods)).changes
    ] == [("1d", "n", BREAKING), ("30d", "name_en", TEXT)]


def test_adding_a_qualifier_is_additive():
    extra = ModifierSpec(
        key="ios_only",
        modifier_type="platform",
        predicate={"prop": "platform", "op": "eq", "value": "ios"},
    )
    after = replace(BEFORE, modifiers=(*BEFORE.modifiers, extra))
    assert _changes(after) == [("added", "modifier", "ios_only", "", ADDITIVE)]


@pytest.mark.django_db
def test_a_version_freezes_the_metrics_and_the_draft_diff_shows_their_changes():
    plan = load_demo_plan()
    frozen = version_snapshot(latest_version(plan))
    assert len(frozen.metrics) == plan.metrics.count() >= 20
    assert {t.key for t in frozen.terms} == {"active_user", "new_user", "paying_user"}
    assert [p.key for p in frozen.periods] == ["1d", "30d", "7d", "mtd"]
    metric = plan.metrics.get(key="invite_accepted_cnt__7d")
    metric.definition = {**metric.definition, "period": "30d"}
    metric.name_en = "Invites accepted, last 30 days"
    save_metric(metric)
    preview = preview_publish(plan)
    assert [
        (c.key, c.path, c.level)
        for c in preview.diff.changes
        if c.object_type == "metric"
    ] == [
        ("invite_accepted_cnt__7d", "definition.period", BREAKING),
        ("invite_accepted_cnt__7d", "name_en", TEXT),
    ]
