"""The metric form: one form for every kind, assembling `definition` from the kind's fields."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tracking.admin.bases import ModelForm
from tracking.admin.fields import form_field
from tracking.admin.metrics.kind_fields import EXPRESSION_ONLY, KIND_FIELDS, RATIO_ONLY
from tracking.admin.metrics.lines import input_line, parse_inputs, parse_pairs
from tracking.metrics import store
from tracking.metrics.resolve import IDENTITY_FIELDS
from tracking.models import Event, Metric, MetricKind, Modifier, Property, TimePeriod

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


def _choice(label: StrOrPromise, **more: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=capfirst(label), required=False, **more)


def _multi(label: StrOrPromise, **more: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=capfirst(label),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **more,
    )


def _text(label: StrOrPromise, **more: Any) -> forms.CharField:
    return forms.CharField(label=capfirst(label), required=False, **more)


def _filter(label: StrOrPromise) -> forms.JSONField:
    return OptionalJSONField(
        label=capfirst(label),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text=_(
            'Optional filter tree, e.g. {"prop": "channel", "op": "in", '
            '"value": ["organic", "seo"]}.'
        ),
    )


def _lines(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=capfirst(label),
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
    )


class MetricForm(ModelForm[Metric]):
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
        if not str(raw or "").isdigit():
            return None
        plans = self.fields.get("plan")
        if isinstance(plans, forms.ModelChoiceField) and plans.queryset is not None:
            # A plan the admin does not offer the user lends the form none of its rows.
            return int(raw) if plans.queryset.filter(pk=raw).exists() else None
        return int(raw)

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
            form_field(self.fields, name, forms.ChoiceField).choices = choices
        if "drives" in self.fields:
            drives = form_field(self.fields, "drives", forms.ModelChoiceField)
            drives.queryset = metrics

    def _fill_initial(self, kind: str, definition: dict[str, Any]) -> None:
        for key, name in KIND_FIELDS[kind].items():
            value = definition.get(key)
            if value is None:
                continue
            if key == "inputs":
                value = "\n".join(input_line(item) for item in value)
            elif key == "constant_properties":
                value = "\n".join(f"{p['base']} = {p['conversion']}" for p in value)
            self.initial[name] = value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("kind")
        if kind not in KIND_FIELDS:
            return cleaned
        try:
            cleaned["definition"] = self._assemble(kind, cleaned)
        except ValidationError as exc:
            # The line parsers name the field the bad line is in.
            self.add_error(exc.params["field"] if exc.params else None, exc)
            return cleaned
        if not self.errors:
            self._check(kind, cleaned)
        return cleaned

    def _assemble(self, kind: str, cleaned: dict[str, Any]) -> dict[str, Any]:
        definition: dict[str, Any] = {}
        for key, name in KIND_FIELDS[kind].items():
            value = cleaned.get(name)
            if key == "inputs":
                value = parse_inputs(value or "", field=name)
            elif key == "constant_properties":
                value = parse_pairs(value or "", field=name)
            if value not in _BLANK:
                definition[key] = value
        if kind == MetricKind.COMPOSITE:
            unused = (
                EXPRESSION_ONLY if definition.get("form") == "ratio" else RATIO_ONLY
            )
            for key in unused:
                definition.pop(key, None)
        if kind == MetricKind.DERIVED:
            definition.setdefault("modifiers", [])
        return definition

    def _check(self, kind: str, cleaned: dict[str, Any]) -> None:
        """Passes 1 and 2 of the core on the metric as it would be saved."""
        candidate = copy.copy(self.instance)
        for model_field in Metric._meta.concrete_fields:
            if model_field.name in cleaned and model_field.name in self.fields:
                setattr(candidate, model_field.name, cleaned[model_field.name])
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
        # django-stubs omits this private hook of BaseModelForm, which Django has.
        super()._update_errors(errors)  # type: ignore[misc]
