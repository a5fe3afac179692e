"""Every plan imported from the golden files generates schemas that are valid 2020-12."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from tests.tracking.interchange.golden import iglu_files, read
from tracking.interchange import parse_csv, parse_iglu_files, parse_segment
from tracking.interchange.apply import NewPlan, apply_import
from tracking.models import TrackingPlan
from tracking.schemas import bundle_schema, event_schema
from tracking.snapshot import take_snapshot

IMPORTS = {
    "segment": lambda: parse_segment(read("segment__shop.json")),
    "iglu": lambda: parse_iglu_files(iglu_files(), event_naming="object_action"),
    "sheet": lambda: parse_csv(read("sheet__chinese_bom.csv")),
}


@pytest.mark.parametrize("source", sorted(IMPORTS))
def test_every_schema_of_an_imported_plan_is_valid(db, source):
    report = apply_import(
        None, IMPORTS[source](), create=NewPlan(key=source, name=source)
    )
    assert report.applied
    snapshot = take_snapshot(TrackingPlan.objects.get(key=source))
    assert snapshot.events
    base = "https://plans.example"
    Draft202012Validator.check_schema(
        bundle_schema(snapshot, version="1.0.0", base_url=base)
    )
    for event in snapshot.events:
        schema = event_schema(snapshot, event.key, version="1.0.0", base_url=base)
        Draft202012Validator.check_schema(schema)
