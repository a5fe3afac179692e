"""Metric tags in plan versions: frozen with the metric, diffed as text, absent from old versions."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.factories import MetricFactory, PlanFactory
from tests.tracking.metrics.shop import CATALOG, SNAPSHOT_WITH_METRICS, spec
from tracking.diff import TEXT, diff_snapshots
from tracking.metrics.canonical import canonical_hash, find_duplicate
from tracking.models import PlanVersion, Tag
from tracking.publishing import diff_versions
from tracking.snapshot import (
    PlanSnapshot,
    snapshot_from_dict,
    snapshot_to_dict,
    take_snapshot,
)

BEFORE = SNAPSHOT_WITH_METRICS


def _tagged(snapshot: PlanSnapshot, key: str, *tags: str) -> PlanSnapshot:
    tagged = replace(spec(key), tags=tags)
    return replace(snapshot, metrics=snapshot.catalog.with_metric(tagged).metrics)


def _rows(old: PlanSnapshot, new: PlanSnapshot) -> list[tuple[object, ...]]:
    return [
        (c.kind, c.object_type, c.key, c.path, c.before, c.after, c.level, c.summary)
        for c in diff_snapshots(old, new).changes
    ]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(
            (),
            ("traffic", "core"),
            (
                "added",
                [],
                ["core", "traffic"],
                "tags set to “core”, “traffic”",
            ),
            id="first-tags",
        ),
        pytest.param(
            ("core",),
            ("core", "traffic"),
            (
                "changed",
                ["core"],
                ["core", "traffic"],
                "tags changed from “core” to “core”, “traffic”",
            ),
            id="one-added",
        ),
        pytest.param(
            ("core", "traffic"),
            ("core",),
            (
                "changed",
                ["core", "traffic"],
                ["core"],
                "tags changed from “core”, “traffic” to “core”",
            ),
            id="one-removed",
        ),
        pytest.param(
            ("core", "traffic"),
            ("core", "acquisition"),
            (
                "changed",
                ["core", "traffic"],
                ["acquisition", "core"],
                "tags changed from “core”, “traffic” to “acquisition”, “core”",
            ),
            id="one-renamed",
        ),
        pytest.param(
            ("core", "traffic"),
            (),
            (
                "removed",
                ["core", "traffic"],
                [],
                "tags removed (was “core”, “traffic”)",
            ),
            id="all-removed",
        ),
    ],
)
def test_a_tag_change_is_one_text_change_and_bumps_patch(before, after, expected):
    kind, old_value, new_value, phrase = expected
    old = _tagged(BEFORE, "app_open_cnt", *before)
    new = _tagged(BEFORE, "app_open_cnt", *after)

    assert _rows(old, new) == [
        (
            kind,
            "metric",
            "app_open_cnt",
            "tags",
            old_value,
            new_value,
            TEXT,
            f"Metric “app_open_cnt”: {phrase}",
        )
    ]
    assert diff_snapshots(old, new).bump == "patch"


def test_the_same_tags_in_another_order_make_no_change():
    old = _tagged(BEFORE, "app_open_cnt", "core", "traffic")
    new = _tagged(BEFORE, "app_open_cnt", "traffic", "core")
    assert diff_snapshots(old, new).changes == ()


def test_tags_do_not_enter_the_canonical_hash():
    plain = spec("app_open_cnt")
    tagged = replace(plain, key="app_open_cnt_copy", tags=("core", "traffic"))

    assert canonical_hash(tagged.kind, tagged.definition) == canonical_hash(
        plain.kind, plain.definition
    )
    # Same meaning, other tags: still "this metric already exists".
    assert find_duplicate(tagged, CATALOG) == plain


def test_a_snapshot_with_metric_tags_round_trips_through_json():
    tagged = _tagged(BEFORE, "app_open_cnt", "core", "traffic")
    stored = json.loads(json.dumps(snapshot_to_dict(tagged)))

    assert {m["key"]: m["tags"] for m in stored["metrics"] if m["tags"]} == {
        "app_open_cnt": ["core", "traffic"]
    }
    assert snapshot_from_dict(stored) == tagged


def _stored_before_metric_tags(snapshot: PlanSnapshot) -> dict[str, object]:
    stored = snapshot_to_dict(snapshot)
    for metric in stored["metrics"]:
        del metric["tags"]
    return stored


def test_a_version_stored_before_metric_tags_loads_with_none_and_reads_them_as_added():
    loaded = snapshot_from_dict(_stored_before_metric_tags(BEFORE))

    assert {m.tags for m in loaded.metrics} == {()}
    assert loaded == BEFORE
    draft = _tagged(BEFORE, "pay_amount", "gmv")
    assert _rows(loaded, draft) == [
        (
            "added",
            "metric",
            "pay_amount",
            "tags",
            [],
            ["gmv"],
            TEXT,
            "Metric “pay_amount”: tags set to “gmv”",
        )
    ]


@pytest.mark.django_db
def test_the_draft_against_a_version_stored_before_metric_tags_adds_them():
    plan = PlanFactory()
    tagged = MetricFactory(plan=plan, key="app_open_cnt")
    MetricFactory(plan=plan, key="pay_amount")
    old = _stored_before_metric_tags(take_snapshot(plan, metrics=True))
    PlanVersion.objects.create(
        plan=plan, number="1.0.0", bump="major", snapshot=old, diff={}
    )
    tagged.tags.add(Tag.objects.create(name="traffic"), Tag.objects.create(name="core"))

    diff = diff_versions(plan, "1.0.0", "draft")

    assert [
        (c.kind, c.object_type, c.key, c.path, c.before, c.after, c.level, c.summary)
        for c in diff.changes
    ] == [
        (
            "added",
            "metric",
            "app_open_cnt",
            "tags",
            [],
            ["core", "traffic"],
            TEXT,
            "Metric “app_open_cnt”: tags set to “core”, “traffic”",
        )
    ]
