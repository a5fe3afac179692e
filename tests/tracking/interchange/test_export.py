"""Exports: valid schemas in each tool's dialect, spreadsheets Excel opens, stable bytes."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from jsonschema import Draft4Validator, Draft7Validator
from openpyxl import load_workbook

from tracking.interchange import (
    export_csv,
    export_iglu,
    export_native,
    export_segment,
    export_xlsx,
)
from tracking.interchange.sheet_writer import list_cell
from tracking.snapshot import AttachedProperty, EventSpec, PlanSnapshot, PropertySpec

PRICE = PropertySpec(
    key="price", type="number", display_name="价格", minimum="0", maximum="99999.99"
)
SKUS = PropertySpec(
    key="skus",
    type="array",
    item_type="string",
    patterns=("^SKU-", "[0-9]{6}$"),
    min_items=1,
)
SMALL = PlanSnapshot(
    key="shop",
    name="Shop",
    additional_properties="forbid",
    events=(
        EventSpec(
            key="Order Completed",
            display_name="订单完成",
            description="Paid.",
            properties=(
                AttachedProperty(property=PRICE, required=True),
                AttachedProperty(property=SKUS, required=False),
            ),
        ),
    ),
)


def _iglu_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


@pytest.mark.django_db
def test_every_segment_rule_of_the_demo_plan_is_a_valid_draft_07_schema(demo_snapshot):
    plan = json.loads(export_segment(demo_snapshot))
    for event in plan["rules"]["events"]:
        Draft7Validator.check_schema(event["rules"])
    assert len(plan["rules"]["events"]) == len(demo_snapshot.events)


@pytest.mark.django_db
def test_every_iglu_schema_of_the_demo_plan_is_valid_and_in_the_repository_layout(
    demo_snapshot,
):
    members = _iglu_members(export_iglu(demo_snapshot))
    for schema in members.values():
        Draft4Validator.check_schema(schema)
    assert sorted(members)[:3] == [
        "schemas/com.shop-app/add_to_wishlist/jsonschema/1-0-0",
        "schemas/com.shop-app/app_installed/jsonschema/1-0-0",
        "schemas/com.shop-app/app_opened/jsonschema/1-0-0",
    ]


def test_a_segment_rule_accepts_what_the_plan_accepts_and_refuses_the_rest():
    rules = json.loads(export_segment(SMALL))["rules"]["events"][0]["rules"]
    validator = Draft7Validator(rules)
    assert list(validator.iter_errors({"properties": {"price": 10}})) == []
    refused = {"properties": {"price": -1, "skus": ["SKU-12"], "coupon": "X"}}
    assert sorted(e.validator for e in validator.iter_errors(refused)) == [
        "additionalProperties",
        "minimum",
        "pattern",
    ]


def test_an_iglu_schema_says_who_it_describes():
    members = _iglu_members(export_iglu(SMALL, vendor="com.example"))
    schema = members["schemas/com.example/order_completed/jsonschema/1-0-0"]
    assert schema["self"] == {
        "vendor": "com.example",
        "name": "order_completed",
        "format": "jsonschema",
        "version": "1-0-0",
    }
    assert (schema["x-display-name"], schema["required"]) == ("订单完成", ["price"])
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize(
    "exporter",
    [
        pytest.param(export_segment, id="segment"),
        pytest.param(export_iglu, id="iglu"),
        pytest.param(export_native, id="native"),
        pytest.param(export_csv, id="csv"),
    ],
)
def test_the_same_snapshot_always_gives_the_same_bytes(exporter):
    assert exporter(SMALL) == exporter(SMALL)


def test_a_csv_export_carries_a_bom_and_can_be_written_in_chinese():
    data = export_csv(SMALL, language="zh")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = data.decode("utf-8-sig").splitlines()
    assert rows[0].split(",")[:6] == [
        "事件名",
        "事件显示名",
        "触发时机",
        "事件描述",
        "事件分类",
        "标签",
    ]
    assert rows[1].split(",")[9:14] == ["price", "价格", "数字", "", "是"]


def test_an_xlsx_export_opens_with_the_header_on_the_first_row():
    workbook = load_workbook(io.BytesIO(export_xlsx(SMALL)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Event key", "Event display name", "Trigger")
    assert [row[9] for row in rows[1:]] == ["price", "skus"]
    assert rows[2][18] == "^SKU-\n[0-9]{6}$"


@pytest.mark.parametrize(
    ("values", "cell"),
    [
        pytest.param(("CNY", "USD"), "CNY, USD", id="plain-words"),
        pytest.param((1, 2.5, True), "1, 2.5, true", id="numbers-and-booleans"),
        pytest.param(("a,b", "c"), '["a,b", "c"]', id="separator-inside"),
        pytest.param((" padded",), '[" padded"]', id="surrounding-space"),
        pytest.param(("",), '[""]', id="empty-text"),
        pytest.param(("微信、支付宝",), '["微信、支付宝"]', id="chinese-separator"),
        pytest.param((), "", id="none"),
    ],
)
def test_a_list_cell_is_plain_unless_that_would_be_ambiguous(values, cell):
    assert list_cell(values) == cell
