"""`export_plan`: write a plan's working draft, or a published version, in an interchange format."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tracking.errors import VersionNotFound
from tracking.interchange import CSV, FORMATS, IGLU, XLSX, export_csv, export_iglu
from tracking.interchange import export as export_format
from tracking.interchange.sheet import export_xlsx
from tracking.interchange.sheet_columns import EN, ZH
from tracking.models import TrackingPlan
from tracking.publishing import resolve_version, version_snapshot
from tracking.snapshot import PlanSnapshot, take_snapshot

NOT_FOUND = 2
BINARY = {IGLU, XLSX}


class Command(BaseCommand):
    help = (
        "Export a tracking plan as Segment JSON, Snowplow Iglu schemas (a zip), a CSV or XLSX "
        "tracking document, or this service's own JSON (lossless)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("plan_key", help="The plan's key, e.g. shop-app.")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument(
            "--output", help="The file to write; standard output when left out."
        )
        parser.add_argument(
            "--plan-version",
            help="A published version (1.2.0, or latest); the working draft by default.",
        )
        parser.add_argument(
            "--language",
            choices=[EN, ZH],
            default=EN,
            help="Column headers and values of CSV and XLSX exports.",
        )
        parser.add_argument(
            "--vendor",
            help="The Iglu vendor, e.g. com.example (default com.<plan key>).",
        )

    def handle(self, *args: object, plan_key: str, **options: object) -> None:
        plan = TrackingPlan.objects.filter(key=plan_key).first()
        if plan is None:
            raise CommandError(
                _("There is no tracking plan “%s”.") % plan_key, returncode=NOT_FOUND
            )
        snapshot = self._snapshot(plan, options.get("plan_version"))
        format_name = str(options["format"])
        data = self._render(snapshot, format_name, options)
        output = options.get("output")
        if output:
            Path(str(output)).write_bytes(data)
            self.stderr.write(
                _("Wrote %(path)s (%(size)d bytes).")
                % {"path": output, "size": len(data)}
            )
        elif format_name not in BINARY:
            self.stdout.write(data.decode(), ending="")
        elif sys.stdout.isatty():
            raise CommandError(_("Give --output for a binary format (iglu, xlsx)."))
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()

    def _snapshot(self, plan: TrackingPlan, ref: object) -> PlanSnapshot:
        if not ref:
            return take_snapshot(plan)
        try:
            return version_snapshot(resolve_version(plan, str(ref)))
        except VersionNotFound as exc:
            raise CommandError(exc.message, returncode=NOT_FOUND) from exc

    def _render(
        self, snapshot: PlanSnapshot, format_name: str, options: dict[str, object]
    ) -> bytes:
        language = str(options["language"])
        if format_name == CSV:
            return export_csv(snapshot, language=language)
        if format_name == XLSX:
            return export_xlsx(snapshot, language=language)
        if format_name == IGLU and options.get("vendor"):
            return export_iglu(snapshot, vendor=str(options["vendor"]))
        return export_format(format_name, snapshot)
