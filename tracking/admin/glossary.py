"""Admin for the plan's glossary: terms (口径), qualifiers (修饰词) and time periods (时间周期)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tracking.admin.bases import ModelForm
from tracking.admin.fields import form_field
from tracking.admin.metrics import RemovalGuardedAdmin
from tracking.admin.scoping import PlanScopedHistoryAdmin
from tracking.metrics import queries
from tracking.metrics.findings import MetricFinding
from tracking.models import GlossaryTerm, Modifier, TimePeriod

# A row the metric core checks; the row of any glossary admin.
_CheckedT = TypeVar("_CheckedT", bound=GlossaryTerm | Modifier)
_RowT = TypeVar("_RowT", bound=GlossaryTerm | Modifier | TimePeriod)

# Predicates are filter trees (objects), so the plan admin's JSON-list field does not fit.
_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})},
    models.JSONField: {"widget": AdminTextareaWidget(attrs={"rows": 3})},
}


class CheckedGlossaryForm(ModelForm[_CheckedT], Generic[_CheckedT]):
    """Runs the metric core's check of the row as it would be saved; errors land on fields."""

    check: Callable[[_CheckedT], list[MetricFinding]]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        candidate = copy.copy(self.instance)
        for field in self._meta.model._meta.concrete_fields:
            if field.name in cleaned and field.name in self.fields:
                setattr(candidate, field.name, cleaned[field.name])
        if "plan" not in self.fields and not candidate.plan_id:
            return cleaned
        for finding in type(self).check(candidate):
            if finding.is_error:
                head = finding.path.split(".")[0].split("[")[0]
                self.add_error(head if head in self.fields else None, finding.message)
        return cleaned


class GlossaryTermForm(CheckedGlossaryForm[GlossaryTerm]):
    check = staticmethod(queries.check_term_row)

    class Meta:
        model = GlossaryTerm
        fields = [
            "plan",
            "key",
            "name_zh",
            "name_en",
            "owner",
            "definition_text",
            "predicate",
        ]


class ModifierForm(CheckedGlossaryForm[Modifier]):
    check = staticmethod(queries.check_modifier_row)

    class Meta:
        model = Modifier
        fields = [
            "plan",
            "key",
            "name_zh",
            "name_en",
            "modifier_type",
            "predicate",
            "term",
        ]


class GlossaryAdmin(
    RemovalGuardedAdmin[_RowT],
    PlanScopedHistoryAdmin[_RowT],
    Generic[_RowT],
):
    """A plan's glossary rows: the plan is fixed once the row exists, and a row online metrics
    rest on cannot be deleted (as through the API)."""

    formfield_overrides = _OVERRIDES
    ordering = ["plan", "key"]
    search_fields = ["key", "name_zh", "name_en"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: _RowT | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["plan", *fields] if obj is not None else fields


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(GlossaryAdmin[GlossaryTerm]):
    form = GlossaryTermForm
    list_display = ["key", "name_zh", "name_en", "owner", "updated_at"]
    list_filter = ["plan", ("owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["key", "name_zh", "name_en", "definition_text"]
    fieldsets = [
        (None, {"fields": ["plan", "key", "name_zh", "name_en", "owner"]}),
        (_("Meaning"), {"fields": ["definition_text", "predicate"]}),
        (
            _("Record"),
            {"classes": ["collapse"], "fields": ["created_at", "updated_at"]},
        ),
    ]


@admin.register(Modifier)
class ModifierAdmin(GlossaryAdmin[Modifier]):
    form = ModifierForm
    list_display = ["key", "name_zh", "name_en", "modifier_type", "term"]
    list_filter = ["plan", "modifier_type"]
    list_select_related = ["term"]
    fieldsets = [
        (None, {"fields": ["plan", "key", "name_zh", "name_en", "modifier_type"]}),
        (_("Meaning"), {"fields": ["predicate", "term"]}),
        (
            _("Record"),
            {"classes": ["collapse"], "fields": ["created_at", "updated_at"]},
        ),
    ]

    def get_form(
        self,
        request: HttpRequest,
        obj: Modifier | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[Modifier]]:
        form = super().get_form(request, obj, change, **kwargs)
        plan_id = (
            obj.plan_id
            if obj
            else self.get_changeform_initial_data(request).get("plan")
        )
        if "term" in form.base_fields and plan_id is not None:
            form_field(
                form.base_fields, "term", forms.ModelChoiceField
            ).queryset = GlossaryTerm.objects.filter(plan_id=plan_id)
        return form


@admin.register(TimePeriod)
class TimePeriodAdmin(GlossaryAdmin[TimePeriod]):
    list_display = ["key", "name_zh", "name_en", "kind", "n", "unit", "timezone"]
    list_filter = ["plan", "kind", "unit"]
    fieldsets = [
        (None, {"fields": ["plan", "key", "name_zh", "name_en"]}),
        (_("Length"), {"fields": ["kind", ("n", "unit"), "timezone", "anchor"]}),
        (
            _("Record"),
            {"classes": ["collapse"], "fields": ["created_at", "updated_at"]},
        ),
    ]
