"""Admin for metrics: a form per kind that assembles the definition, checks, words and lineage."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tracking.admin.badges import badge
from tracking.admin.fields import OVERRIDES
from tracking.admin.scoping import PlanScopedAdmin
from tracking.errors import MetricDependencyError, MetricInvalid
from tracking.metrics import queries, store
from tracking.metrics.dependencies import METRIC
from tracking.metrics.guard import refuse_removal
from tracking.metrics.lineage import dependents
from tracking.metrics.load import load_catalog
from tracking.metrics.resolve import IDENTITY_FIELDS
from tracking.models import (
    Certification,
    Event,
    Metric,
    MetricKind,
    MetricLifecycle,
    Modifier,
    Property,
    TimePeriod,
)

# Definition key -> form field, per kind (composites hold both forms' fields).
KIND_FIELDS: dict[str, dict[str, str]] = {
    MetricKind.ATOMIC: {
        "event": "atomic_event",
        "agg": "atomic_agg",
        "measure": "atomic_measure",
        "distinct_on": "atomic_distinct_on",
        "percentile": "atomic_percentile",
    },
    MetricKind.DERIVED: {
        "base": "derived_base",
        "modifiers": "derived_modifiers",
        "period": "derived_period",
        "group_by": "derived_group_by",
        "extra_filter": "derived_extra_filter",
    },
    MetricKind.COMPOSITE: {
        "form": "composite_form",
        "numerator": "composite_numerator",
        "denominator": "composite_denominator",
        "on_zero_denominator": "composite_on_zero_denominator",
        "expr": "composite_expr",
        "inputs": "composite_inputs",
        "group_by": "composite_group_by",
    },
    MetricKind.CUMULATIVE: {
        "base": "cumulative_base",
        "window": "cumulative_window",
        "grain_to_date": "cumulative_grain_to_date",
        "period_agg": "cumulative_period_agg",
    },
    MetricKind.CONVERSION: {
        "entity": "conversion_entity",
        "base": "conversion_base",
        "conversion": "conversion_conversion",
        "window": "conversion_window",
        "calculation": "conversion_calculation",
        "base_filter": "conversion_base_filter",
        "conversion_filter": "conversion_conversion_filter",
        "constant_properties": "conversion_constant_properties",
    },
}
_RATIO_ONLY = ("numerator", "denominator", "on_zero_denominator")
_EXPRESSION_ONLY = ("expr", "inputs")
_BLANK: tuple[Any, ...] = (None, "", [], {})

_AGGREGATIONS = [
    ("count", _("count events")),
    ("count_distinct", _("count distinct values")),
    ("sum", _("sum")),
    ("avg", _("average")),
    ("min", _("minimum")),
    ("max", _("maximum")),
    ("percentile", _("percentile")),
]
_GRAINS = [
    ("", "—"),
    ("week", _("week to date")),
    ("month", _("month to date")),
    ("quarter", _("quarter to date")),
    ("year", _("year to date")),
]
_PERIOD_AGGS = [
    ("", "—"),
    ("last", _("last value")),
    ("first", _("first value")),
    ("average", _("average")),
]
_FORMS = [("ratio", _("ratio of two metrics")), ("expression", _("formula"))]
_ON_ZERO = [("", "—"), ("null", _("no value")), ("zero", _("zero"))]
_CALCULATIONS = [
    ("", "—"),
    ("conversion_rate", _("conversion rate")),
    ("conversions", _("number of conversions")),
]


class OptionalJSONField(forms.JSONField):
    """A JSON box where blank means none, shown blank rather than as `null`."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


def _choice(label: Any, **more: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=capfirst(label), required=False, **more)


def _multi(label: Any, **more: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=capfirst(label),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **more,
    )


def _text(label: Any, **more: Any) -> forms.CharField:
    return forms.CharField(label=capfirst(label), required=False, **more)


def _filter(label: Any) -> forms.JSONField:
    return OptionalJSONField(
        label=capfirst(label),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text=_(
            'Optional filter tree, e.g. {"prop": "channel", "op": "in", '
            '"value": ["organic", "seo"]}.'
        ),
    )


def _lines(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=capfirst(label),
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
    )


class MetricForm(forms.ModelForm):
    """One form for every kind; `clean` assembles `definition` from the chosen kind's fields."""

    atomic_event = _choice(_("event"))
    atomic_agg = _choice(_("aggregation"), choices=[("", "—"), *_AGGREGATIONS])
    atomic_measure = _choice(_("measure (numeric property)"))
    atomic_distinct_on = _choice(_("count distinct values of"))
    atomic_percentile = forms.FloatField(label=_("Percentile"), required=False)
    derived_base = _choice(_("base atomic metric"))
    derived_modifiers = _multi(_("qualifiers (修饰词)"))
    derived_period = _choice(_("time period (时间周期)"))
    derived_group_by = _multi(_("group by"))
    derived_extra_filter = _filter(_("extra filter"))
    composite_form = _choice(_("form"), choices=_FORMS)
    composite_numerator = _choice(_("numerator"))
    composite_denominator = _choice(_("denominator"))
    composite_on_zero_denominator = _choice(
        _("when the denominator is zero"), choices=_ON_ZERO
    )
    composite_expr = _text(
        _("formula"),
        help_text=_("e.g. (rev - spend) / nullif(spend, 0)"),
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    composite_inputs = _lines(
        _("inputs"),
        _(
            "One per line: alias = metric_key, optionally followed by offset and a "
            "duration, e.g. “prev = active_uv__1d offset 7d”."
        ),
    )
    composite_group_by = _multi(_("group by"))
    cumulative_base = _choice(_("base metric"))
    cumulative_window = _text(_("trailing window"), help_text=_("e.g. 7d"))
    cumulative_grain_to_date = _choice(_("or to date"), choices=_GRAINS)
    cumulative_period_agg = _choice(_("value per period"), choices=_PERIOD_AGGS)
    conversion_entity = _choice(_("who converts (entity)"))
    conversion_base = _choice(_("base step (atomic count)"))
    conversion_conversion = _choice(_("conversion step (atomic count)"))
    conversion_window = _text(_("window"), help_text=_("e.g. 7d"))
    conversion_calculation = _choice(_("calculation"), choices=_CALCULATIONS)
    conversion_base_filter = _filter(_("base step filter"))
    conversion_conversion_filter = _filter(_("conversion step filter"))
    conversion_constant_properties = _lines(
        _("constant properties"),
        _(
            "One per line: base property = conversion property, e.g. "
            "“product_id = product_id”."
        ),
    )
    definition = forms.JSONField(
        label=_("Definition (assembled)"),
        required=False,
        disabled=True,
        widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
    )

    class Meta:
        model = Metric
        fields = [
            "plan",
            "key",
            "name_zh",
            "name_en",
            "kind",
            "caliber",
            "unit",
            "format",
            "direction",
            "tags",
            "owner",
            "steward",
            "data_domain",
            "business_process",
            "category",
            "aarrr_stage",
            "is_north_star",
            "indicator_type",
            "drives",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition_reported = False
        plan_id = self._plan_id()
        self._scope_choices(plan_id)
        if self.instance.pk and self.instance.kind in KIND_FIELDS:
            self._fill_initial(self.instance.kind, self.instance.definition or {})

    def _plan_id(self) -> int | None:
        raw = self.data.get("plan") or self.initial.get("plan") or self.instance.plan_id
        return int(raw) if str(raw or "").isdigit() else None

    def _scope_choices(self, plan_id: int | None) -> None:
        """Events, properties, metrics, qualifiers and periods of the metric's plan only."""
        events = Event.objects.filter(plan_id=plan_id).order_by("key")
        props = Property.objects.filter(plan_id=plan_id).select_related("parent")
        paths = sorted(p.path for p in props)
        # Identity fields are always there to count distinct or to convert, planned or not.
        identities = sorted({*paths, *IDENTITY_FIELDS})
        metrics = Metric.objects.filter(plan_id=plan_id).exclude(pk=self.instance.pk)
        keys = list(metrics.order_by("key").values_list("key", flat=True))
        blank = [("", "—")]
        options = {
            "atomic_event": blank + [(e.key, e.key) for e in events],
            "atomic_measure": blank + [(p, p) for p in paths],
            "atomic_distinct_on": blank + [(p, p) for p in identities],
            "conversion_entity": blank + [(p, p) for p in identities],
            "derived_modifiers": [
                (m.key, f"{m.key} · {m.name_zh}")
                for m in Modifier.objects.filter(plan_id=plan_id).order_by("key")
            ],
            "derived_period": blank
            + [
                (p.key, f"{p.key} · {p.name_zh}")
                for p in TimePeriod.objects.filter(plan_id=plan_id).order_by("key")
            ],
        }
        for name in ("derived_group_by", "composite_group_by"):
            options[name] = [(p, p) for p in paths]
        for name in (
            "derived_base",
            "composite_numerator",
            "composite_denominator",
            "cumulative_base",
            "conversion_base",
            "conversion_conversion",
        ):
            options[name] = blank + [(k, k) for k in keys]
        for name, choices in options.items():
            self.fields[name].choices = choices
        if "drives" in self.fields:
            self.fields["drives"].queryset = metrics

    def _fill_initial(self, kind: str, definition: dict[str, Any]) -> None:
        for key, name in KIND_FIELDS[kind].items():
            value = definition.get(key)
            if value is None:
                continue
            if key == "inputs":
                value = "\n".join(_input_line(item) for item in value)
            elif key == "constant_properties":
                value = "\n".join(f"{p['base']} = {p['conversion']}" for p in value)
            self.initial[name] = value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind not in KIND_FIELDS:
            return cleaned
        try:
            cleaned["definition"] = self._assemble(kind, cleaned)
        except ValidationError as exc:
            self.add_error(exc.params["field"], exc)  # type: ignore[index]
            return cleaned
        if not self.errors:
            self._check(kind, cleaned)
        return cleaned

    def _assemble(self, kind: str, cleaned: dict[str, Any]) -> dict[str, Any]:
        definition: dict[str, Any] = {}
        for key, name in KIND_FIELDS[kind].items():
            value = cleaned.get(name)
            if key == "inputs":
                value = _parse_inputs(value or "", field=name)
            elif key == "constant_properties":
                value = _parse_pairs(value or "", field=name)
            if value not in _BLANK:
                definition[key] = value
        if kind == MetricKind.COMPOSITE:
            unused = (
                _EXPRESSION_ONLY if definition.get("form") == "ratio" else _RATIO_ONLY
            )
            for key in unused:
                definition.pop(key, None)
        if kind == MetricKind.DERIVED:
            definition.setdefault("modifiers", [])
        return definition

    def _check(self, kind: str, cleaned: dict[str, Any]) -> None:
        """Passes 1 and 2 of the core on the metric as it would be saved."""
        candidate = copy.copy(self.instance)
        for field in Metric._meta.concrete_fields:
            if field.name in cleaned and field.name in self.fields:
                setattr(candidate, field.name, cleaned[field.name])
        candidate.definition = cleaned["definition"]
        # Warnings are shown once saved, from what `save_metric` returns.
        for finding in store.check_metric_row(candidate):
            if not finding.is_error:
                continue
            field = self.field_for(kind, finding.path)
            if field is None or finding.message not in self.errors.get(field, []):
                self.add_error(field, finding.message)
            self.definition_reported = True

    def field_for(self, kind: str, path: str) -> str | None:
        """The form field a finding's path points at, e.g. definition.numerator."""
        head, _dot, rest = path.partition(".")
        if head != "definition":
            return head if head in self.fields else None
        key = rest.split(".")[0].split("[")[0]
        if not key:
            return None  # the definition as a whole, e.g. a duplicate of another metric
        return KIND_FIELDS[kind].get(key) or "definition"

    def _update_errors(self, errors: ValidationError) -> None:
        # The model's own shape check repeats on `definition` what the fields already say.
        if self.definition_reported and hasattr(errors, "error_dict"):
            errors.error_dict.pop("definition", None)
            if not errors.error_dict:
                return
        super()._update_errors(errors)


def _input_line(item: dict[str, str]) -> str:
    line = f"{item['alias']} = {item['metric']}"
    return f"{line} offset {item['offset']}" if item.get("offset") else line


def _parse_inputs(text: str, *, field: str) -> list[dict[str, str]]:
    inputs = []
    for number, line in _numbered(text):
        alias, sep, rest = line.partition("=")
        words = rest.split()
        if (
            not sep
            or len(words) not in (1, 3)
            or (len(words) == 3 and words[1] != "offset")
        ):
            raise _line_error(field, number, _("write “alias = metric_key”"))
        item = {"alias": alias.strip(), "metric": words[0]}
        if len(words) == 3:
            item["offset"] = words[2]
        inputs.append(item)
    return inputs


def _parse_pairs(text: str, *, field: str) -> list[dict[str, str]]:
    pairs = []
    for number, line in _numbered(text):
        base, sep, conversion = (part.strip() for part in line.partition("="))
        if not (sep and base and conversion):
            raise _line_error(
                field, number, _("write “base property = conversion property”")
            )
        pairs.append({"base": base, "conversion": conversion})
    return pairs


def _numbered(text: str) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def _line_error(field: str, number: int, hint: Any) -> ValidationError:
    return ValidationError(
        _("Line %(number)d: %(hint)s."),
        code="bad_line",
        params={"number": number, "hint": hint, "field": field},
    )


def _fieldset(kind: str, title: Any, fields: list[str], *extra: str) -> tuple[Any, ...]:
    return (
        title,
        {"classes": ["metric-kind", f"metric-kind-{kind}", *extra], "fields": fields},
    )


class RemovalGuardedAdmin(admin.ModelAdmin):
    """Deletes of what online metrics use are refused with a message, not an error page."""

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        refusal = removal_refusal(obj) if obj is not None else None
        if refusal is None:
            try:
                return super().delete_view(request, object_id, extra_context)
            except MetricDependencyError as exc:
                # Something deleted along with the object (a nested field) is in use.
                refusal = exc.message
        self.message_user(request, refusal, messages.ERROR)
        opts = self.opts
        return HttpResponseRedirect(
            reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]
            )
        )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (guarded_delete_selected, name, description)
        return actions


def guarded_delete_selected(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    refusals = [r for obj in queryset if (r := removal_refusal(obj)) is not None]
    for refusal in refusals:
        modeladmin.message_user(request, refusal, messages.ERROR)
    if refusals:
        return None
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, queryset)
    except MetricDependencyError as exc:
        modeladmin.message_user(request, exc.message, messages.ERROR)
        return None


def removal_refusal(obj: Model, *, verb: str = "delete") -> str | None:
    """Why the object cannot be deleted or deprecated (online metrics use it), or None."""
    try:
        refuse_removal(obj, verb=verb)  # type: ignore[arg-type]
    except MetricDependencyError as exc:
        return exc.message
    return None


def used_by_metrics(obj: Event | Property) -> SafeString | str:
    """The read-only panel listing every metric resting on an event or property."""
    if obj.pk is None:
        return "—"
    keys = queries.metrics_using(obj)
    rows = Metric.objects.filter(plan_id=obj.plan_id, key__in=keys).order_by("key")
    return render_to_string("admin/tracking/metric/_used_by.html", {"metrics": rows})


def _lifecycle_action(
    lifecycle: str, description: Any, *, cascade: bool = False
) -> Any:
    @admin.action(description=description, permissions=["change"])
    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Metric]
    ) -> None:
        moved: list[str] = []
        for metric in queryset.select_related("plan", "owner"):
            try:
                moved += store.set_metric_lifecycle(
                    metric, lifecycle, cascade=cascade, by=request.user
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


def _certify_action(level: str, description: Any) -> Any:
    @admin.action(description=description, permissions=["change"])
    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Metric]
    ) -> None:
        keys = [
            store.certify_metric(m, level=level, by=request.user).key for m in queryset
        ]
        modeladmin.message_user(
            request,
            _("%(level)s: %(metrics)s")
            % {"level": Certification(level).label, "metrics": ", ".join(keys)},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{level}"
    return action


# The kinds' full labels explain them on the form; a list column needs only the word.
_KIND_SHORT = {
    MetricKind.ATOMIC: _("atomic"),
    MetricKind.DERIVED: _("derived"),
    MetricKind.COMPOSITE: _("composite"),
    MetricKind.CUMULATIVE: _("cumulative"),
    MetricKind.CONVERSION: _("conversion"),
}
_SEVERITY_LABELS = {"error": _("error"), "warning": _("warning"), "info": _("info")}


@admin.register(Metric)
class MetricAdmin(RemovalGuardedAdmin, PlanScopedAdmin, SimpleHistoryAdmin):
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
    ) -> list[Any]:
        common = [
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
        advanced = (_("Advanced"), {"classes": ["collapse"], "fields": ["definition"]})
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
    def _kind_fieldsets() -> list[Any]:
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
                [composite[k] for k in _RATIO_ONLY],
                "metric-form-ratio",
            ),
            _fieldset(
                MetricKind.COMPOSITE,
                _("Formula"),
                [composite[k] for k in _EXPRESSION_ONLY],
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
        self, request: HttpRequest, obj: Metric, form: forms.ModelForm, change: bool
    ) -> None:
        for finding in store.save_metric(obj, by=request.user):
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
        rows = [
            {"finding": f, "badge": badge(f.severity, _SEVERITY_LABELS[f.severity])}
            for f in store.check_metric_row(metric)
        ]
        return render_to_string(
            "admin/tracking/metric/_findings.html", {"findings": rows}
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
