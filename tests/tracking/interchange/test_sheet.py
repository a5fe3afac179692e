"""Tracking documents as CSV and XLSX: Chinese headers, BOMs, row-level errors, bad files."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from tests.tracking.interchange.golden import read
from tracking.interchange import parse_csv, parse_xlsx
from tracking.interchange.document import AttachmentDoc, EventDoc, Level, PropertyDoc

HEADER = ["Event key", "Property key", "Type", "Required", "Enum values"]


def _csv(*rows, header=HEADER):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *rows])
    return buffer.getvalue().encode()


def _xlsx(rows, *, before=()):
    """A workbook with the rows on a sheet, after the `(title, rows)` sheets in `before`."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for index, (title, other) in enumerate(before):
        extra = workbook.create_sheet(title, index)
        for row in other:
            extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_reads_a_chinese_tracking_document_saved_by_excel_with_a_bom():
    result = parse_csv(read("sheet__chinese_bom.csv"), filename="埋点文档.csv")
    assert result.problems == ()
    assert result.document.events[:2] == (
        EventDoc(
            key="App Opened",
            display_name="打开应用",
            trigger="冷启动或从后台回到前台时",
        ),
        EventDoc(
            key="Product Viewed",
            display_name="商品详情页浏览",
            trigger="商品详情页加载完成时",
            properties=(
                AttachmentDoc(key="product_id", required=True),
                AttachmentDoc(key="price", required=True),
                AttachmentDoc(key="currency", required=False),
            ),
        ),
    )


def test_chinese_type_names_enumerations_and_privacy_classes_are_understood():
    document = parse_csv(read("sheet__chinese_bom.csv")).document
    library = {p.key: p for p in document.properties}
    assert library["currency"].enum == ("CNY", "USD", "HKD")
    assert library["phone"].privacy_class == "personal"
    assert library["id_card_number"].privacy_class == "sensitive"
    assert library["is_first_order"].type == "boolean"
    assert library["products"] == PropertyDoc(
        key="products",
        type="array",
        item_type="object",
        display_name="商品列表",
        description="订单中的商品",
        privacy_class="none",
        fields=(
            PropertyDoc(
                key="sku",
                type="string",
                display_name="商品SKU",
                description="商品SKU编码",
                privacy_class="none",
            ),
            PropertyDoc(
                key="quantity",
                type="integer",
                display_name="数量",
                description="购买数量",
                privacy_class="none",
            ),
        ),
    )
    completed = document.event_named("Order Completed")
    assert completed.properties[2] == AttachmentDoc(
        key="currency", required=True, enum=("CNY",)
    )


def test_a_gbk_csv_from_chinese_excel_is_read_and_noted():
    data = read("sheet__chinese_bom.csv").decode("utf-8-sig").encode("gb18030")
    result = parse_csv(data, filename="埋点.csv")
    assert [str(p) for p in result.problems] == [
        "埋点.csv: Read as GB18030 (not UTF-8)."
    ]
    assert result.document == parse_csv(read("sheet__chinese_bom.csv")).document


def test_reads_the_worksheet_that_holds_the_tracking_document():
    rows = [
        [
            "事件名 / Event key",
            "Property key*",
            "type",
            "required",
            "minimum",
            "examples",
        ],
        ["Order Completed", "total", "number", True, 0, "99.5, 120"],
        ["Order Completed", "quantity", "integer", "no", 1.0, "1, 2"],
    ]
    data = _xlsx(rows, before=[("Read me", [["How to fill in this sheet"]])])
    result = parse_xlsx(data, filename="plan.xlsx")
    assert result.problems == ()
    assert result.document.properties == (
        PropertyDoc(key="total", type="number", minimum="0", examples=(99.5, 120)),
        PropertyDoc(key="quantity", type="integer", minimum="1", examples=(1, 2)),
    )
    assert result.document.events == (
        EventDoc(
            key="Order Completed",
            properties=(
                AttachmentDoc(key="total", required=True),
                AttachmentDoc(key="quantity", required=False),
            ),
        ),
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            ["Order Completed", "total", "strng", "yes", ""],
            "row 2: type “strng” is not one of string, integer, number, boolean, "
            "date-time, array, object (字符串, 整数, 数字, 布尔, 日期时间, 数组, 对象).",
            id="unknown-type",
        ),
        pytest.param(
            ["Order Completed", "total", "number", "maybe", ""],
            "row 2: required “maybe” is not one of yes, no, 是, 否.",
            id="unknown-required",
        ),
        pytest.param(
            ["Order Completed", "quantity", "integer", "yes", "1, two"],
            "row 2: Enum values: “two” is not of type integer.",
            id="enum-of-wrong-type",
        ),
        pytest.param(
            ["Order Completed", "products", "array", "yes", ""],
            "row 2: A list needs its item type (e.g. array<string>), one of string, "
            "integer, number, boolean, date-time, array, object (字符串, 整数, 数字, 布尔, "
            "日期时间, 数组, 对象).",
            id="list-without-item-type",
        ),
        pytest.param(
            ["Order Completed", "products.sku", "string", "", ""],
            "row 2: “products.sku” is a field of “products”, which this event does not "
            "define on an earlier row.",
            id="field-before-its-object",
        ),
        pytest.param(
            ["", "total", "number", "yes", ""],
            "row 2: The row has no event key.",
            id="no-event-key",
        ),
        pytest.param(
            ["Order Completed", "", "number", "yes", ""],
            "row 2: Type, Required given without a property key.",
            id="property-cells-without-a-key",
        ),
    ],
)
def test_a_bad_cell_is_reported_with_its_row(row, message):
    assert [str(p) for p in parse_csv(_csv(row)).errors] == [message]


def test_a_property_listed_twice_for_an_event_is_an_error():
    data = _csv(
        ["Order Completed", "total", "number", "yes", ""],
        ["Order Completed", "total", "number", "no", ""],
    )
    assert [str(p) for p in parse_csv(data).errors] == [
        "row 3: “total” is listed twice for “Order Completed” (first on row 2)."
    ]


def test_an_event_value_that_differs_between_rows_is_reported_and_the_first_kept():
    header = ["事件名", "触发时机", "属性名", "类型"]
    data = _csv(
        ["Order Completed", "支付成功后", "total", "数字"],
        ["Order Completed", "支付回调后", "currency", "字符串"],
        header=header,
    )
    result = parse_csv(data)
    assert [(p.level, str(p)) for p in result.problems] == [
        (
            Level.UNSUPPORTED,
            "row 3: Trigger “支付回调后” differs from row 2; kept “支付成功后”.",
        )
    ]
    assert result.document.events[0].trigger == "支付成功后"


def test_a_column_it_does_not_know_is_reported_not_dropped_silently():
    data = _csv(
        ["Order Completed", "total", "number", "SDK team"], header=[*HEADER[:3], "Team"]
    )
    assert [(p.level, str(p)) for p in parse_csv(data).problems] == [
        (
            Level.UNSUPPORTED,
            "row 1: The column “Team” is not represented; its values are left out.",
        )
    ]


def test_missing_required_columns_are_named_in_both_languages():
    data = _csv(["Order Completed", "total"], header=["事件名", "描述"])
    assert [str(p) for p in parse_csv(data).errors] == [
        "row 1: Missing required columns: Property key (属性名), Type (类型)."
    ]


def test_nested_fields_cannot_be_required_and_say_so():
    data = _csv(
        ["Order Completed", "products", "array<object>", "yes", ""],
        ["Order Completed", "products.sku", "string", "yes", ""],
    )
    result = parse_csv(data)
    assert [(p.level, str(p)) for p in result.problems] == [
        (
            Level.UNSUPPORTED,
            "row 3: Nested fields cannot be required in a plan; imported as optional.",
        )
    ]
    assert result.document.properties[0].fields == (
        PropertyDoc(key="sku", type="string"),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "plan.xlsx: This is an Excel 97–2003 (.xls) file; save it as .xlsx or CSV.",
            id="old-xls",
        ),
        pytest.param(
            b"event key,property key,type\nA,b,string\n",
            "plan.xlsx: Not an XLSX workbook: the file is not a zip archive.",
            id="csv-named-xlsx",
        ),
    ],
)
def test_refuses_a_file_that_is_not_an_xlsx_workbook(data, message):
    assert [str(p) for p in parse_xlsx(data, filename="plan.xlsx").errors] == [message]


def test_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("product_viewed.json", "{}")
    result = parse_xlsx(buffer.getvalue(), filename="plan.xlsx")
    assert [p.message for p in result.errors] == [
        "The zip archive is not an XLSX workbook: it lacks [Content_Types].xml."
    ]


def test_refuses_a_workbook_with_a_member_too_large_once_decompressed():
    workbook = _xlsx([HEADER, ["Order Completed", "total", "number", "yes", ""]])
    buffer = io.BytesIO(workbook)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\x00" * 6_000_000)
    result = parse_xlsx(buffer.getvalue(), filename="plan.xlsx")
    assert [str(p) for p in result.errors] == [
        "plan.xlsx: xl/media/padding.bin is larger than 5 MB once decompressed; it is "
        "refused."
    ]


def test_workbook_xml_is_parsed_with_entity_expansion_guarded():
    # openpyxl uses defusedxml when it is installed; without it a crafted workbook could
    # expand XML entities into gigabytes ("billion laughs").
    assert openpyxl.DEFUSEDXML is True


def test_a_semicolon_separated_csv_from_a_european_excel_is_read():
    data = b"Event key;Property key;Type\nOrder Completed;total;number\n"
    result = parse_csv(data)
    assert result.problems == ()
    assert result.document.properties == (PropertyDoc(key="total", type="number"),)
