"""`import_plan`: import a Segment, Iglu, spreadsheet or exported plan; dry run with --dry-run.

Prints what is (or would be) created, changed, removed and rejected, with the file's rows and
paths. Exits with 1 when the file has errors or a row is rejected (nothing is written then),
2 when the plan or the file cannot be found.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tracking.interchange import FORMATS, IGLU, detect_format, parse, parse_iglu_files
from tracking.interchange.apply import NewPlan, Progress, apply_import, plan_import
from tracking.interchange.archive import is_zip
from tracking.interchange.document import ParseResult
from tracking.interchange.report import ImportReport, report_lines
from tracking.models import TrackingPlan

REJECTED = 1
NOT_FOUND = 2
# Above this many events the command reports its progress, every tenth of the way.
PROGRESS_FROM = 50
_LARGE_FILE = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import a tracking plan from Segment JSON, Snowplow Iglu schemas (files or a zip), "
        "a CSV or XLSX tracking document, or this service's own JSON export. "
        "Exits with 1 when anything is rejected; then nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "files", nargs="+", help="The file; several only for Iglu schemas."
        )
        parser.add_argument("--plan", required=True, help="The plan's key.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="The file's format; guessed from its name and content when left out.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would change and write nothing.",
        )
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the plan (it must not exist yet).",
        )
        parser.add_argument("--name", default="", help="The new plan's name.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the report as JSON, for scripts.",
        )

    def handle(
        self, *args: object, files: list[str], plan: str, **options: object
    ) -> None:
        plan_key = plan
        target = self._plan(plan_key, create=bool(options["create"]))
        parsed = self._parse([Path(f) for f in files], options.get("format"), target)
        create = (
            NewPlan(key=plan_key, name=str(options["name"])) if target is None else None
        )
        if options["dry_run"]:
            report = plan_import(target, parsed, create=create)
        else:
            report = apply_import(
                target, parsed, create=create, progress=self._progress_printer()
            )
        self._print(report, as_json=bool(options["json"]))
        if not report.can_apply:
            raise CommandError(
                _(
                    "Nothing was imported: %(errors)d error(s), %(rejected)d rejected row(s)."
                )
                % {"errors": len(report.errors), "rejected": len(report.rejections)},
                returncode=REJECTED,
            )

    def _plan(self, key: str, *, create: bool) -> TrackingPlan | None:
        plan = TrackingPlan.objects.filter(key=key).first()
        if create and plan is not None:
            raise CommandError(
                _("The plan “%s” exists already; import into it without --create.")
                % key,
                returncode=NOT_FOUND,
            )
        if not create and plan is None:
            raise CommandError(
                _("There is no plan “%s”; add --create (and --name) to create it.")
                % key,
                returncode=NOT_FOUND,
            )
        return plan

    def _parse(
        self, files: list[Path], format_name: object, plan: TrackingPlan | None
    ) -> ParseResult:
        contents = [(path, self._read(path)) for path in files]
        chosen = str(format_name) if format_name else None
        if chosen is None:
            chosen = detect_format(files[0].name, contents[0][1])
        if chosen is None:
            raise CommandError(
                _("Cannot tell the format of %s; give --format.") % files[0],
                returncode=REJECTED,
            )
        naming = plan.event_naming if plan is not None else None
        if len(contents) > 1:
            if chosen != IGLU or any(is_zip(data) for _path, data in contents):
                raise CommandError(
                    _("Several files are read only as Iglu schema files (not zips)."),
                    returncode=REJECTED,
                )
            return parse_iglu_files(
                [(str(path), data) for path, data in contents], event_naming=naming
            )
        path, data = contents[0]
        return parse(chosen, data, filename=str(path), event_naming=naming)

    def _read(self, path: Path) -> bytes:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s")
                % {"path": path, "reason": exc.strerror},
                returncode=NOT_FOUND,
            ) from exc
        if len(data) > _LARGE_FILE:
            self.stderr.write(
                _("Reading %(path)s (%(size).1f MB)…")
                % {"path": path, "size": len(data) / _LARGE_FILE}
            )
        return data

    def _progress_printer(self) -> Progress:
        shown = {"tenth": 0}

        def progress(done: int, total: int) -> None:
            if total < PROGRESS_FROM:
                return
            tenth = done * 10 // total
            if tenth > shown["tenth"]:
                shown["tenth"] = tenth
                self.stderr.write(
                    _("Importing events: %(done)d of %(total)d (%(percent)d%%)")
                    % {"done": done, "total": total, "percent": tenth * 10}
                )

        return progress

    def _print(self, report: ImportReport, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
            )
            return
        for line in report_lines(report):
            self.stdout.write(line)
