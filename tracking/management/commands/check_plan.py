"""`check_plan`: run the plan checks from a shell or CI; exit 1 when any finding is an error."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracking.checks import Finding, Severity, run_plan_checks
from tracking.models import TrackingPlan

# Exit codes: 1 means the plan has errors, 2 that it could not be checked at all.
PLAN_HAS_ERRORS = 1
UNKNOWN_PLAN = 2


class Command(BaseCommand):
    help = (
        "Check a tracking plan's naming, documentation, privacy and consistency. "
        "Exits with 1 when any finding is an error, 2 when the plan is unknown."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("plan_key", help="The plan's key, e.g. shop-app.")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="text for people (the default), json for scripts.",
        )

    def handle(self, *args: object, plan_key: str, **options: object) -> None:
        plan = TrackingPlan.objects.filter(key=plan_key).first()
        if plan is None:
            raise CommandError(_unknown_plan_message(plan_key), returncode=UNKNOWN_PLAN)
        findings = run_plan_checks(plan)
        if options["format"] == "json":
            self.stdout.write(render_json(plan.key, findings))
        else:
            self.stdout.write(self.render_text(plan, findings))
        errors = summary(findings)["error"]
        if errors:
            raise CommandError(
                ngettext(
                    "The plan has %(count)d error.",
                    "The plan has %(count)d errors.",
                    errors,
                )
                % {"count": errors},
                returncode=PLAN_HAS_ERRORS,
            )

    def render_text(self, plan: TrackingPlan, findings: list[Finding]) -> str:
        header = f"{plan.name} ({plan.key}): {_summary_line(findings)}"
        if not findings:
            return f"{header}\n{_('Every check passes.')}"
        styles = {
            Severity.ERROR: self.style.ERROR,
            Severity.WARNING: self.style.WARNING,
            Severity.INFO: self.style.NOTICE,
        }
        lines = [header]
        for severity, title in _headings():
            group = [f for f in findings if f.severity == severity]
            if not group:
                continue
            lines += ["", styles[severity](f"{title} ({len(group)})")]
            for finding in group:
                lines.append(
                    f"  {_object_label(finding.object_type)} {finding.object_key}"
                    f"  [{finding.code}]"
                )
                lines.append(f"      {finding.message}")
        return "\n".join(lines)


def render_json(plan_key: str, findings: list[Finding]) -> str:
    document = {
        "plan": plan_key,
        "summary": summary(findings),
        "findings": [finding.as_dict() for finding in findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(str(finding.severity) for finding in findings)
    return {str(severity): counts[str(severity)] for severity in Severity}


def _summary_line(findings: list[Finding]) -> str:
    counts = summary(findings)
    return ", ".join(
        [
            ngettext("%(count)d error", "%(count)d errors", counts["error"])
            % {"count": counts["error"]},
            ngettext("%(count)d warning", "%(count)d warnings", counts["warning"])
            % {"count": counts["warning"]},
            ngettext("%(count)d info", "%(count)d info", counts["info"])
            % {"count": counts["info"]},
        ]
    )


def _headings() -> list[tuple[Severity, str]]:
    return [
        (Severity.ERROR, _("Errors")),
        (Severity.WARNING, _("Warnings")),
        (Severity.INFO, _("Info")),
    ]


def _object_label(object_type: str) -> str:
    labels = {
        "plan": _("plan"),
        "event": _("event"),
        "property": _("property"),
        "group": _("group"),
        "source": _("source"),
    }
    return labels.get(object_type, object_type)


def _unknown_plan_message(plan_key: str) -> str:
    known = list(
        TrackingPlan.objects.order_by("key").values_list("key", flat=True)[:20]
    )
    if not known:
        return _("There is no tracking plan “%s”; no plans exist yet.") % plan_key
    return _("There is no tracking plan “%(key)s”. Known plans: %(known)s.") % {
        "key": plan_key,
        "known": ", ".join(known),
    }
