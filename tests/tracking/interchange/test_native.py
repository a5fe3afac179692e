"""Our own JSON: the snapshot's JSON form in a marker, read back into an exact document."""

from __future__ import annotations

import copy
import json

import pytest

from tracking import snapshot as snapshot_module
from tracking.interchange import detect_format, export_native, parse_native
from tracking.interchange.document import AttachmentDoc, EventDoc, GroupDoc, PropertyDoc
from tracking.interchange.native import MARKER, SNAPSHOT_FORMAT
from tracking.snapshot import (
    AttachedProperty,
    EventSpec,
    GroupSpec,
    PlanSnapshot,
    PropertySpec,
    SourceSpec,
    narrow,
    snapshot_to_dict,
)

CURRENCY = PropertySpec(key="currency", type="string", enum=("CNY", "USD"))
CODE = PropertySpec(key="coupon_code", type="string", patterns=("^[A-Z0-9]+$",))
SNAPSHOT = PlanSnapshot(
    key="shop",
    name="Shop",
    sources=(SourceSpec(name="Web", kind="web"),),
    properties=(CODE, CURRENCY),
    groups=(
        GroupSpec(
            key="money",
            name="Money",
            properties=(
                AttachedProperty(
                    property=CURRENCY, required=True, origin="group:money"
                ),
            ),
        ),
    ),
    events=(
        EventSpec(
            key="Coupon Applied",
            tags=("promotion",),
            sources=("Web",),
            groups=("money",),
            properties=(
                AttachedProperty(
                    property=narrow(CODE, {"pattern": "^SPRING", "max_length": 12}),
                    required=True,
                    note="As typed.",
                ),
                AttachedProperty(
                    property=narrow(CURRENCY, {"enum": ["CNY"]}),
                    required=True,
                ),
            ),
        ),
    ),
)


def _native(plan):
    return json.dumps({"format": MARKER, "version": 1, "plan": plan}).encode()


def test_an_export_is_the_snapshots_json_form_inside_a_marker():
    assert json.loads(export_native(SNAPSHOT)) == {
        "format": MARKER,
        "version": 1,
        "plan": snapshot_to_dict(SNAPSHOT),
    }
    assert SNAPSHOT_FORMAT == snapshot_module.SNAPSHOT_FORMAT


def test_an_export_is_recognised_as_native():
    assert detect_format("plan.json", export_native(SNAPSHOT)) == "native"


def test_own_attachments_come_back_with_their_narrowing_and_groups_stay_groups():
    result = parse_native(export_native(SNAPSHOT))
    assert result.problems == ()
    document = result.document
    assert document.exact is True
    assert document.groups == (
        GroupDoc(
            key="money",
            name="Money",
            description="",
            properties=(AttachmentDoc(key="currency", required=True),),
        ),
    )
    assert document.events == (
        EventDoc(
            key="Coupon Applied",
            display_name="",
            description="",
            trigger="",
            category="",
            tags=("promotion",),
            owner="",
            status="active",
            tracked_on="client",
            sources=("Web",),
            groups=("money",),
            properties=(
                AttachmentDoc(
                    key="coupon_code",
                    required=True,
                    note="As typed.",
                    pattern="^SPRING",
                    max_length=12,
                ),
                AttachmentDoc(key="currency", required=True, note="", enum=("CNY",)),
            ),
        ),
    )
    assert document.property_named("coupon_code") == PropertyDoc(
        key="coupon_code",
        type="string",
        display_name="",
        description="",
        privacy_class="none",
        patterns=("^[A-Z0-9]+$",),
        examples=(),
    )


def _broken(change):
    plan = copy.deepcopy(snapshot_to_dict(SNAPSHOT))
    change(plan)
    return _native(plan)


def _set(path, value):
    def change(plan):
        target = plan
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b'{"format": "other"}',
            "plan.json: No “format”: “tracking-plan-governance” marker: not a plan "
            "exported by this service.",
            id="no-marker",
        ),
        pytest.param(
            json.dumps({"format": MARKER, "version": 9, "plan": {}}).encode(),
            "plan.json: This file was written by another version of the service "
            "(format 9).",
            id="newer-version",
        ),
        pytest.param(
            _broken(_set(["events"], {"Coupon Applied": {}})),
            "plan.events: Expected a list here.",
            id="events-not-a-list",
        ),
        pytest.param(
            _broken(_set(["properties", 0, "minimum"], "about ten")),
            "plan.properties[0].minimum: Expected a number here.",
            id="bound-not-a-number",
        ),
        pytest.param(
            _broken(_set(["properties", 0, "patterns"], ["^a", "b$"])),
            "plan.properties[0].patterns: A plan property holds one pattern.",
            id="two-patterns",
        ),
        pytest.param(
            _broken(
                _set(["events", 0, "properties", 1, "property", "type"], "integer")
            ),
            "plan.events[0].properties[1].property.type: An event can only narrow a "
            "property; this differs from the plan's.",
            id="attachment-changes-the-type",
        ),
        pytest.param(
            _broken(_set(["groups", 0, "properties", 0, "property", "key"], "fee")),
            "plan.groups[0].properties[0]: “fee” is not a property of the plan.",
            id="member-not-in-the-plan",
        ),
        pytest.param(
            _broken(_set(["events", 0, "properties", 1, "origin"], "group:fees")),
            "plan.events[0].properties[1].origin: The event is not in the group “fees”.",
            id="origin-group-not-on-the-event",
        ),
    ],
)
def test_refuses_a_file_it_cannot_read_exactly(data, message):
    assert [str(p) for p in parse_native(data, filename="plan.json").errors] == [
        message
    ]
