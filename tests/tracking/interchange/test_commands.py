"""`import_plan` and `export_plan` from a shell: reports, exit codes, progress, formats."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import PlanFactory
from tests.tracking.interchange.golden import FIXTURES
from tracking.models import Event, TrackingPlan


def _run(name, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _fails(name, *args):
    with pytest.raises(CommandError) as caught:
        _run(name, *args)
    return caught.value.returncode, str(caught.value)


def test_a_dry_run_prints_the_report_and_writes_nothing(db):
    PlanFactory(key="shop")
    out, _err = _run(
        "import_plan",
        str(FIXTURES / "sheet__chinese_bom.csv"),
        "--plan",
        "shop",
        "--dry-run",
    )
    assert out.splitlines()[-2:] == [
        "16 to create, 0 to change, 0 to remove, 0 rejected, 1 unchanged",
        "Dry run: nothing was written. The import can be applied.",
    ]
    assert not Event.objects.exists()


def test_imports_into_a_new_plan_guessing_the_format_from_the_file(db):
    out, _err = _run(
        "import_plan",
        str(FIXTURES / "segment__shop.json"),
        "--plan",
        "shop-web",
        "--create",
        "--name",
        "Shop (web)",
    )
    assert out.splitlines()[-1] == "Imported into shop-web."
    plan = TrackingPlan.objects.get(key="shop-web")
    assert (plan.name, plan.events.count()) == ("Shop (web)", 11)


def test_reads_several_iglu_files_at_once(db):
    files = sorted(str(p) for p in FIXTURES.glob("iglu__*.json"))
    PlanFactory(key="shop", event_naming="object_action")
    _run("import_plan", *files, "--plan", "shop", "--format", "iglu")
    assert sorted(Event.objects.values_list("key", flat=True)) == [
        "Checkout Started",
        "Order Completed",
        "Product Viewed",
    ]


def test_a_rejected_row_exits_with_1_and_writes_nothing(db, tmp_path):
    sheet = tmp_path / "plan.csv"
    sheet.write_text("Event key,Property key,Type\norder_completed,total,number\n")
    PlanFactory(key="shop", event_naming="object_action")
    code, message = _fails("import_plan", str(sheet), "--plan", "shop")
    assert (code, message) == (
        1,
        "Nothing was imported: 0 error(s), 1 rejected row(s).",
    )
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["--plan", "nowhere"],
            (2, "There is no plan “nowhere”; add --create (and --name) to create it."),
            id="unknown-plan",
        ),
        pytest.param(
            ["--plan", "shop", "--create"],
            (2, "The plan “shop” exists already; import into it without --create."),
            id="plan-exists",
        ),
    ],
)
def test_a_plan_that_is_not_where_expected_exits_with_2(db, args, expected):
    PlanFactory(key="shop")
    assert (
        _fails("import_plan", str(FIXTURES / "segment__shop.json"), *args) == expected
    )


def test_a_file_of_unknown_format_asks_for_format(db, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes")
    PlanFactory(key="shop")
    assert _fails("import_plan", str(notes), "--plan", "shop") == (
        1,
        f"Cannot tell the format of {notes}; give --format.",
    )


def test_a_large_import_reports_its_progress_every_tenth(db, tmp_path):
    rows = ["Event key,Property key,Type"]
    rows += [f"Thing Happened{n},amount,number" for n in range(60)]
    sheet = tmp_path / "big.csv"
    sheet.write_text("\n".join(rows) + "\n")
    PlanFactory(key="shop")
    _out, err = _run("import_plan", str(sheet), "--plan", "shop")
    assert err.splitlines() == [
        f"Importing events: {6 * n} of 60 ({10 * n}%)" for n in range(1, 11)
    ]


def test_the_report_can_be_printed_as_json(db):
    PlanFactory(key="shop")
    out, _err = _run(
        "import_plan",
        str(FIXTURES / "sheet__chinese_bom.csv"),
        "--plan",
        "shop",
        "--dry-run",
        "--json",
    )
    report = json.loads(out)
    assert (report["applied"], report["can_apply"], report["summary"]) == (
        False,
        True,
        {"create": 16, "update": 0, "remove": 0, "reject": 0, "unchanged": 1},
    )


def test_an_export_imports_back_into_a_new_plan(db, tmp_path):
    _run(
        "import_plan",
        str(FIXTURES / "segment__shop.json"),
        "--plan",
        "shop-web",
        "--create",
    )
    exported = tmp_path / "shop.json"
    _out, err = _run(
        "export_plan", "shop-web", "--format", "native", "--output", str(exported)
    )
    assert err.startswith(f"Wrote {exported} (")
    out, _err = _run("import_plan", str(exported), "--plan", "copy", "--create")
    assert out.splitlines()[-1] == "Imported into copy."


def test_a_text_export_goes_to_standard_output(db):
    _run(
        "import_plan",
        str(FIXTURES / "sheet__chinese_bom.csv"),
        "--plan",
        "shop",
        "--create",
    )
    out, _err = _run("export_plan", "shop", "--format", "csv", "--language", "zh")
    assert out.splitlines()[0].startswith("\ufeff事件名,事件显示名,触发时机")


def test_exporting_an_unknown_plan_or_version_exits_with_2(db):
    PlanFactory(key="shop")
    assert _fails("export_plan", "nowhere", "--format", "segment") == (
        2,
        "There is no tracking plan “nowhere”.",
    )
    assert _fails(
        "export_plan", "shop", "--format", "segment", "--plan-version", "9.9.9"
    ) == (2, "Plan “shop” has no version “9.9.9”.")
