"""Snowplow self-describing schemas: files and zips, versions, naming, and hostile archives."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest

from tests.tracking.interchange.golden import iglu_files
from tracking.interchange import parse_iglu, parse_iglu_files
from tracking.interchange.document import AttachmentDoc, Level
from tracking.interchange.iglu import SELF_DESCRIBING, iglu_name


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _schema(name="thing_done", version="1-0-0", **extra):
    return {
        "$schema": SELF_DESCRIBING,
        "self": {
            "vendor": "com.acme",
            "name": name,
            "format": "jsonschema",
            "version": version,
        },
        "type": "object",
        "properties": {},
        **extra,
    }


def _bytes(value):
    return json.dumps(value).encode()


def test_a_zip_of_schemas_reads_like_the_files_themselves():
    files = iglu_files()
    from_files = parse_iglu_files(files, event_naming="object_action")
    layout = [(f"schemas/com.shopapp/{name[6:-5]}", data) for name, data in files]
    from_zip = parse_iglu(_zip(layout), event_naming="object_action")
    assert from_zip.document == from_files.document
    assert [e.key for e in from_files.document.events] == [
        "Checkout Started",
        "Order Completed",
        "Product Viewed",
    ]


def test_keeps_the_highest_version_and_reports_every_left_out_construct():
    result = parse_iglu_files(iglu_files(), event_naming="object_action")
    checkout = "iglu__checkout_started-1-0-0.json: "
    order = "iglu__order_completed-1-0-0.json: "
    viewed = "iglu__product_viewed-1-1-0.json: "
    assert [(p.level, p.where) for p in result.problems] == [
        (Level.NOTE, checkout + "self.name"),
        (Level.UNSUPPORTED, checkout + "properties.payment_method.anyOf"),
        (Level.NOTE, order + "self.name"),
        (Level.UNSUPPORTED, order + "properties.products.required"),
        (Level.UNSUPPORTED, order + "properties.products.additionalProperties"),
        (Level.UNSUPPORTED, order + "properties.shipping_address"),
        (Level.UNSUPPORTED, "iglu__product_viewed-1-0-0.json"),
        (Level.NOTE, viewed + "self.name"),
        (Level.UNSUPPORTED, viewed + "properties.brand"),
        (Level.NOTE, ""),
    ]
    messages = {p.where: p.message for p in result.problems}
    assert messages["iglu__product_viewed-1-0-0.json"] == (
        "Version 1-0-0 of “product_viewed” is left out: a plan holds one definition per "
        "event, the highest version (1-1-0)."
    )
    assert messages[order + "properties.shipping_address"] == (
        "$ref cannot be followed; a property needs its own type, so it is left out."
    )


def test_the_highest_version_decides_the_events_properties():
    result = parse_iglu_files(iglu_files(), event_naming="object_action")
    viewed = result.document.event_named("Product Viewed")
    assert viewed.properties == (
        AttachmentDoc(key="product_id", required=True),
        AttachmentDoc(key="sku", required=True),
        AttachmentDoc(key="price", required=True),
        AttachmentDoc(key="currency", required=False),
        AttachmentDoc(key="brand", required=False),
    )


def test_names_keep_their_form_without_a_convention_and_set_the_new_plans():
    result = parse_iglu_files(iglu_files())
    assert [e.key for e in result.document.events] == [
        "checkout_started",
        "order_completed",
        "product_viewed",
    ]
    assert result.document.plan.event_naming == "snake_case"
    assert result.document.plan.additional_properties == "forbid"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            _bytes({"type": "object"}),
            "s.json: No “self” (vendor, name, format, version): not an Iglu schema.",
            id="not-self-describing",
        ),
        pytest.param(
            _bytes(_schema(version="1.0.0")),
            "s.json: self.version: “1.0.0” is not a SchemaVer version such as 1-0-0.",
            id="bad-version",
        ),
        pytest.param(
            _bytes({**_schema(), "self": {"vendor": "com.acme", "name": "x"}}),
            "s.json: self: “self” lacks format, version.",
            id="incomplete-self",
        ),
        pytest.param(
            b"{'self': 1}",
            "s.json: Not valid JSON: Expecting property name enclosed in double quotes "
            "at line 1, column 2.",
            id="bad-json",
        ),
    ],
)
def test_refuses_a_schema_it_cannot_read_with_a_clear_error(data, message):
    assert [str(p) for p in parse_iglu(data, filename="s.json").errors] == [message]


def test_a_zip_with_a_member_that_is_not_json_names_the_member():
    data = _zip(
        [
            ("schemas/com.acme/thing_done/jsonschema/1-0-0", _bytes(_schema())),
            ("schemas/README.md", b"# Our schemas\n"),
        ]
    )
    result = parse_iglu(data, filename="schemas.zip")
    assert [str(p) for p in result.errors] == [
        "schemas/README.md: Not valid JSON: Expecting value at line 1, column 1."
    ]
    assert [e.key for e in result.document.events] == ["thing_done"]


def test_operating_system_litter_in_a_zip_is_ignored():
    data = _zip(
        [
            ("thing_done", _bytes(_schema())),
            ("__MACOSX/._thing_done", b"\x00\x05\x16\x07"),
            (".DS_Store", b"\x00\x00\x00\x01Bud1"),
        ]
    )
    assert parse_iglu(data).problems == (
        parse_iglu(_zip([("thing_done", _bytes(_schema()))])).problems
    )


def test_refuses_a_member_larger_than_the_limit_once_decompressed():
    # Six megabytes of zeros deflate to a few kilobytes: a zip bomb in miniature.
    data = _zip([("thing_done", _bytes(_schema(description=" " * 6_000_000)))])
    assert len(data) < 50_000
    assert [str(p) for p in parse_iglu(data, filename="bomb.zip").errors] == [
        "bomb.zip: thing_done is larger than 5 MB once decompressed; it is refused."
    ]


def test_refuses_a_member_whose_header_understates_its_size():
    honest = _zip([("thing_done", _bytes(_schema(description=" " * 6_000_000)))])
    data = _claim_size(honest, 100)
    assert [str(p) for p in parse_iglu(data, filename="liar.zip").errors] == [
        "liar.zip: thing_done is damaged and cannot be read."
    ]


def _claim_size(data, size):
    """The archive with its single member's uncompressed size rewritten in both headers."""
    patched = bytearray(data)
    local = patched.index(b"PK\x03\x04")
    struct.pack_into("<I", patched, local + 22, size)
    central = patched.index(b"PK\x01\x02")
    struct.pack_into("<I", patched, central + 24, size)
    return bytes(patched)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b"PK\x03\x04garbage", "The file is not a zip archive.", id="broken"
        ),
        pytest.param(_zip([]), "The archive holds no files.", id="empty"),
    ],
)
def test_refuses_an_archive_it_cannot_open(data, message):
    assert [p.message for p in parse_iglu(data, filename="a.zip").errors] == [message]


@pytest.mark.parametrize(
    ("key", "name"),
    [
        pytest.param("product_viewed", "product_viewed", id="valid-as-is"),
        pytest.param("productViewed", "productViewed", id="camel-case-is-valid"),
        pytest.param("Product Viewed", "product_viewed", id="object-action"),
        pytest.param("Order: Paid/Refunded", "order_paid_refunded", id="separators"),
        pytest.param("商品浏览", "event", id="nothing-left"),
    ],
)
def test_an_event_key_becomes_a_valid_iglu_name(key, name):
    assert iglu_name(key) == name
