"""Export, then import into an empty plan: the demo plan comes back, minus what a format drops.

What each format cannot carry (and these tests therefore leave out of the comparison):
- native: nothing; the snapshot comes back equal.
- Segment and Iglu: triggers, categories, tags, owners, statuses, client/server tracking,
  expected sources, notes on attachments, groups and common properties (each event lists its
  effective properties, so they come back as the event's own), properties no event carries, the
  plan's description; the shared definition of a property becomes the loosest one its events
  use (here only the order of `share_channel`'s allowed values, which every event narrows).
- CSV and XLSX: the same, except that triggers, categories, tags, owners, statuses, tracking
  side and notes are columns and come back.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import transaction
from jsonschema import Draft202012Validator

from tracking.demo import load_demo_plan
from tracking.interchange import export, parse
from tracking.interchange.apply import NewPlan, apply_import
from tracking.models import Event, TrackingPlan
from tracking.naming import fold_key
from tracking.schemas import bundle_schema
from tracking.snapshot import take_snapshot

SEGMENT_EVENT_FIELDS = ("display_name", "description")
SHEET_EVENT_FIELDS = (
    *SEGMENT_EVENT_FIELDS,
    "trigger",
    "category",
    "tags",
    "owner",
    "status",
    "tracked_on",
)
CARRIED = {
    "segment": SEGMENT_EVENT_FIELDS,
    "iglu": SEGMENT_EVENT_FIELDS,
    "csv": SHEET_EVENT_FIELDS,
    "xlsx": SHEET_EVENT_FIELDS,
}


FORMATS = ("native", "segment", "iglu", "csv", "xlsx")

# TRICKY: pytest-django creates the test database only when a collected test asks for it, and
# the module fixture below needs it even when one test is run alone.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def trips(django_db_setup, django_db_blocker):
    """The demo snapshot and, per format, the snapshot of its export imported anew.

    Computed once for the module inside a transaction that is rolled back: each import
    validates hundreds of rows, which is too slow to repeat per test.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        demo = _fixed_demo()
        copies = {name: _round_trip(demo, name) for name in FORMATS}
        transaction.set_rollback(True)
    return demo, copies


def _fixed_demo():
    """The demo plan with its one deliberately invalid key fixed: an import validates every
    row, so the flawed key would be rejected (see the last test)."""
    plan = load_demo_plan()
    fixed = "Product Wishlisted"
    Event.objects.filter(plan=plan, key="add_to_wishlist").update(
        key=fixed, key_folded=fold_key(fixed)
    )
    return take_snapshot(plan)


def _round_trip(snapshot, format_name):
    parsed = parse(
        format_name, export(format_name, snapshot), event_naming=snapshot.event_naming
    )
    key = f"copy-{format_name}"
    report = apply_import(None, parsed, create=NewPlan(key=key, name=snapshot.name))
    assert (report.applied, report.errors, report.rejections) == (True, (), ())
    return replace(take_snapshot(TrackingPlan.objects.get(key=key)), key=snapshot.key)


def _carried(snapshot, event_fields):
    """Per event: the carried event fields and each effective property, wherever from."""
    return {
        event.key: (
            {name: getattr(event, name) for name in event_fields},
            [(a.key, a.required, a.property) for a in event.properties],
        )
        for event in snapshot.events
    }


def _notes(snapshot):
    return {
        (event.key, a.key): a.note
        for event in snapshot.events
        for a in event.properties
        if a.note
    }


def test_native_gives_back_an_equal_snapshot(trips):
    demo, copies = trips
    assert copies["native"] == demo


@pytest.mark.parametrize("format_name", ["segment", "iglu", "csv", "xlsx"])
def test_a_foreign_format_gives_back_every_event_and_its_effective_properties(
    trips, format_name
):
    demo, copy = trips[0], trips[1][format_name]
    assert _carried(copy, CARRIED[format_name]) == _carried(demo, CARRIED[format_name])
    assert (copy.event_naming, copy.property_naming) == (
        demo.event_naming,
        demo.property_naming,
    )


@pytest.mark.parametrize("format_name", ["segment", "iglu", "csv", "xlsx"])
def test_a_foreign_format_flattens_groups_and_common_properties(trips, format_name):
    demo, copy = trips[0], trips[1][format_name]
    assert (copy.groups, copy.common_properties, copy.sources) == ((), (), ())
    assert {a.origin for e in copy.events for a in e.properties} == {"event"}
    unused = {p.key for p in demo.properties} - {p.key for p in copy.properties}
    assert unused == {"wishlist_id"}


@pytest.mark.parametrize(
    ("format_name", "notes_kept"),
    [
        pytest.param("segment", False, id="segment"),
        pytest.param("iglu", False, id="iglu"),
        pytest.param("csv", True, id="csv"),
        pytest.param("xlsx", True, id="xlsx"),
    ],
)
def test_notes_on_attachments_travel_only_in_sheets(trips, format_name, notes_kept):
    demo, copy = trips[0], trips[1][format_name]
    assert _notes(copy) == (_notes(demo) if notes_kept else {})


@pytest.mark.parametrize("format_name", ["segment", "iglu", "csv", "xlsx"])
def test_a_shared_definition_comes_back_as_the_loosest_its_events_use(
    trips, format_name
):
    demo, copy = trips[0], trips[1][format_name]
    before = {p.key: p for p in demo.properties}
    after = {p.key: p for p in copy.properties}
    differing = sorted(k for k in after if after[k] != before[k])
    assert differing == ["share_channel"]
    assert sorted(after["share_channel"].enum) == sorted(before["share_channel"].enum)


@pytest.mark.parametrize("format_name", FORMATS)
def test_every_schema_of_an_imported_plan_is_valid_json_schema(trips, format_name):
    demo, copy = trips[0], trips[1][format_name]
    bundle = bundle_schema(copy, version="1.0.0", base_url="https://plans.example")
    Draft202012Validator.check_schema(bundle)
    assert sorted(bundle["$defs"]) == sorted(e.key for e in demo.events)


def test_the_unmodified_demo_plan_imports_nothing_because_of_its_one_bad_key(
    db, demo_snapshot
):
    parsed = parse("native", export("native", demo_snapshot))
    report = apply_import(None, parsed, create=NewPlan(key="copy"))
    assert report.applied is False
    assert [(c.kind, c.key, c.where) for c in report.rejections] == [
        ("event", "add_to_wishlist", "plan.events[31]")
    ]
    assert not TrackingPlan.objects.filter(key="copy").exists()
