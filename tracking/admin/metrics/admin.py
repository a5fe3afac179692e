"""The metric ModelAdmin: kind fieldsets, findings, explanation and lineage panels, actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tracking.admin.badges import badge
from tracking.admin.fields import OVERRIDES
from tracking.admin.metrics.forms import MetricForm
from tracking.admin.metrics.kind_fields import EXPRESSION_ONLY, KIND_FIELDS, RATIO_ONLY
from tracking.admin.metrics.removal import RemovalGuardedAdmin
from tracking.admin.scoping import PlanScopedHistoryAdmin
from tracking.admin.staff import staff_user
from tracking.errors import InvalidTransition, MetricDependencyError, MetricInvalid
from tracking.metrics import queries, store
from tracking.metrics.dependencies import METRIC
from tracking.metrics.findings import MetricFinding
from tracking.metrics.lineage import dependents
from tracking.metrics.live_findings import live_metric_findings
from tracking.metrics.load import load_catalog
from tracking.models import Certification, Event, Metric, MetricKind, MetricLifecycle

if TYPE_CHECKING:
    from django_stubs_ext import FieldOpts, StrOrPromise, StrPromise

    Fieldset = tuple[StrOrPromise | None, FieldOpts]

    MetricAction = Callable[
        [admin.ModelAdmin[Metric], HttpRequest, QuerySet[Metric]], None
    ]


def _lifecycle_action(
    lifecycle: str, description: StrOrPromise, *, cascade: bool = False
) -> MetricAction:
    @admin.action(description=description, permissions=["change"])
    def action(
        modeladmin: admin.ModelAdmin[Metric],
        request: HttpRequest,
        queryset: QuerySet[Metric],
    ) -> None:
        user = staff_user(request)
        moved: list[str] = []
        for metric in queryset.select_related("plan", "owner"):
            try:
                moved += store.set_metric_lifecycle(
                    metric, lifecycle, cascade=cascade, by=user
                )
            except (MetricDependencyError, MetricInvalid) as exc:
                modeladmin.message_user(
                    request, f"{metric.key}: {exc.message}", messages.ERROR
                )
        if moved:
            modeladmin.message_user(
                request,
                _("Moved to %(lifecycle)s: %(metrics)s")
                % {
                    "lifecycle": MetricLifecycle(lifecycle).label,
                    "metrics": ", ".join(moved),
                },
                messages.SUCCESS,
            )

    action.__name__ = f"set_{lifecycle}_cascade" if cascade else f"set_{lifecycle}"
    return action


def _certify_action(level: str, description: StrOrPromise) -> MetricAction:
    @admin.action(description=description, permissions=["change"])
    def action(
        modeladmin: admin.ModelAdmin[Metric],
        request: HttpRequest,
        queryset: QuerySet[Metric],
    ) -> None:
        user = staff_user(request)
        done, refused = [], []
        for metric in queryset:
            try:
                done.append(store.certify_metric(metric, level=level, by=user).key)
            except InvalidTransition as exc:
                refused.append(exc.message)
        if done:
            modeladmin.message_user(
                request,
                _("%(level)s: %(metrics)s")
                % {"level": Certification(level).label, "metrics": ", ".join(done)},
                messages.SUCCESS,
            )
        for message in refused:
            modeladmin.message_user(request, message, messages.ERROR)

    action.__name__ = f"mark_{level}"
    return action


# The kinds' full labels explain them on the form; a list column needs only the word.
# Keyed by the stored value, which the model field holds as plain text.
_KIND_SHORT: dict[str, StrPromise] = {
    MetricKind.ATOMIC: _("atomic"),
    MetricKind.DERIVED: _("derived"),
    MetricKind.COMPOSITE: _("composite"),
    MetricKind.CUMULATIVE: _("cumulative"),
    MetricKind.CONVERSION: _("conversion"),
}
_SEVERITY_LABELS = {"error": _("error"), "warning": _("warning"), "info": _("info")}


@admin.register(Metric)
class MetricAdmin(RemovalGuardedAdmin[Metric], PlanScopedHistoryAdmin[Metric]):
    form = MetricForm
    list_display = [
        "key",
        "name_zh",
        "name_en",
        "kind_short",
        "lifecycle_badge",
        "aarrr_stage",
        "category",
        "owner",
        "is_north_star",
        "certification",
    ]
    list_filter = [
        "plan",
        "kind",
        "lifecycle",
        "aarrr_stage",
        "category",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "is_north_star",
        "certification",
    ]
    list_select_related = ["owner"]
    search_fields = ["key", "name_zh", "name_en"]
    autocomplete_fields = ["tags"]
    formfield_overrides = {
        k: v for k, v in OVERRIDES.items() if k.__name__ != "JSONField"
    }
    actions = [
        _lifecycle_action(MetricLifecycle.ONLINE, _("Put selected metrics online")),
        _lifecycle_action(MetricLifecycle.OFFLINE, _("Take selected metrics offline")),
        _lifecycle_action(
            MetricLifecycle.OFFLINE,
            _("Take selected metrics offline with the online metrics using them"),
            cascade=True,
        ),
        _certify_action(Certification.REVIEWED, _("Mark selected metrics reviewed")),
        _certify_action(Certification.CERTIFIED, _("Certify selected metrics")),
    ]
    readonly_fields = [
        "lifecycle",
        "certification",
        "certified_by",
        "certified_at",
        "revision",
        "findings_panel",
        "explanation_panel",
        "lineage_panel",
        "created_at",
        "updated_at",
    ]

    class Media:
        js = ["tracking/js/metric_form.js"]

    def get_fieldsets(
        self, request: HttpRequest, obj: Metric | None = None
    ) -> list[Fieldset]:
        common: list[Fieldset] = [
            (None, {"fields": ["plan", "key", "name_zh", "name_en", "kind"]}),
            *self._kind_fieldsets(),
            (
                _("Meaning"),
                {"fields": ["caliber", ("unit", "format", "direction"), "tags"]},
            ),
            (
                _("Ownership and classification"),
                {
                    "fields": [
                        ("owner", "steward"),
                        ("data_domain", "business_process"),
                        ("category", "aarrr_stage", "is_north_star"),
                        ("indicator_type", "drives"),
                    ]
                },
            ),
        ]
        advanced: Fieldset = (
            _("Advanced"),
            {"classes": ["collapse"], "fields": ["definition"]},
        )
        if obj is None:
            return [*common, advanced]
        return [
            *common,
            (_("Checks"), {"fields": ["findings_panel"]}),
            (_("In words"), {"fields": ["explanation_panel"]}),
            (_("Lineage"), {"fields": ["lineage_panel"]}),
            (
                _("Status and record"),
                {
                    "fields": [
                        ("lifecycle", "revision"),
                        ("certification", "certified_by", "certified_at"),
                        ("created_at", "updated_at"),
                    ]
                },
            ),
            advanced,
        ]

    @staticmethod
    def _kind_fieldsets() -> list[Fieldset]:
        f = KIND_FIELDS
        composite = f[MetricKind.COMPOSITE]
        return [
            _fieldset(
                MetricKind.ATOMIC, _("Atomic definition"), list(f["atomic"].values())
            ),
            _fieldset(
                MetricKind.DERIVED, _("Derived definition"), list(f["derived"].values())
            ),
            _fieldset(
                MetricKind.COMPOSITE,
                _("Composite definition"),
                [composite["form"], composite["group_by"]],
            ),
            _fieldset(
                MetricKind.COMPOSITE,
                _("Ratio"),
                [composite[k] for k in RATIO_ONLY],
                "metric-form-ratio",
            ),
            _fieldset(
                MetricKind.COMPOSITE,
                _("Formula"),
                [composite[k] for k in EXPRESSION_ONLY],
                "metric-form-expression",
            ),
            _fieldset(
                MetricKind.CUMULATIVE,
                _("Cumulative definition"),
                list(f["cumulative"].values()),
            ),
            _fieldset(
                MetricKind.CONVERSION,
                _("Conversion definition"),
                list(f["conversion"].values()),
            ),
        ]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Metric | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["plan", *fields] if obj is not None else fields

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {
            "owner": request.user.pk,
            **super().get_changeform_initial_data(request),
        }

    def save_model(
        self,
        request: HttpRequest,
        obj: Metric,
        form: forms.ModelForm[Metric],
        change: bool,
    ) -> None:
        for finding in store.save_metric(obj, by=staff_user(request)):
            self.message_user(request, finding.message, messages.WARNING)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_short(self, metric: Metric) -> str:
        return str(_KIND_SHORT.get(metric.kind, metric.kind))

    @admin.display(description=_("lifecycle"), ordering="lifecycle")
    def lifecycle_badge(self, metric: Metric) -> SafeString:
        tone = {"online": "active", "offline": "deprecated", "deprecated": "deprecated"}
        return badge(
            tone.get(metric.lifecycle, "draft"), metric.get_lifecycle_display()
        )

    @admin.display(description=_("findings"))
    def findings_panel(self, metric: Metric) -> SafeString:
        live = live_metric_findings(metric.plan).get(metric.key, [])
        return render_to_string(
            "admin/tracking/metric/_findings.html",
            {
                "findings": _badged(store.check_metric_row(metric)),
                "live_findings": _badged(live),
            },
        )

    @admin.display(description=_("explanation"))
    def explanation_panel(self, metric: Metric) -> SafeString:
        return render_to_string(
            "admin/tracking/metric/_explanation.html",
            {"explanation": queries.explain(metric)},
        )

    @admin.display(description=_("lineage"))
    def lineage_panel(self, metric: Metric) -> SafeString:
        below = queries.lineage(metric)
        above = dependents(
            load_catalog(metric.plan), target_type=METRIC, key=metric.key
        )
        events = _linked(Event, metric.plan_id, below.events)
        groups = [
            (_("Events it rests on"), events),
            (_("Properties it rests on"), [(k, None) for k in below.properties]),
            (
                _("Metrics it is built on"),
                _linked(Metric, metric.plan_id, below.metrics),
            ),
            (
                _("Qualifiers and terms"),
                [(k, None) for k in (*below.modifiers, *below.terms)],
            ),
            (_("Time periods"), [(k, None) for k in below.periods]),
            (_("Metrics built on it"), _linked(Metric, metric.plan_id, above)),
        ]
        return render_to_string(
            "admin/tracking/metric/_lineage.html", {"groups": groups}
        )


def _badged(findings: Iterable[MetricFinding]) -> list[dict[str, object]]:
    return [
        {"finding": f, "badge": badge(f.severity, _SEVERITY_LABELS[f.severity])}
        for f in findings
    ]


def _linked(
    model: type[Event] | type[Metric], plan_id: int, keys: Iterable[str]
) -> list[tuple[str, str | None]]:
    """Each key with the admin page of the plan's row of that key, if there is one."""
    keys = list(keys)
    pks = dict(
        model._default_manager.filter(plan_id=plan_id, key__in=keys).values_list(
            "key", "pk"
        )
    )
    name = model._meta.model_name
    return [
        (
            k,
            reverse(f"admin:tracking_{name}_change", args=[pks[k]])
            if k in pks
            else None,
        )
        for k in keys
    ]


def _fieldset(
    kind: str, title: StrOrPromise, fields: Sequence[str], *extra: str
) -> Fieldset:
    return (
        title,
        {
            "classes": ["metric-kind", f"metric-kind-{kind}", *extra],
            "fields": [*fields],
        },
    )
