"""Inline rows: event and group attachments, common properties, nested fields, sources."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tracking.admin.fields import OVERRIDES
from tracking.models import (
    CommonProperty,
    EventProperty,
    GroupProperty,
    Property,
    Source,
)
from tracking.naming import fold_key

NARROWING_FIELDS = (
    "enum",
    "pattern",
    ("minimum", "maximum"),
    ("min_length", "max_length"),
    ("min_items", "max_items"),
)


class PlanPropertyFormSet(BaseInlineFormSet):
    """Rows that pick a property: offered only the parent's plan's top-level properties."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "property" in form.fields:
            form.fields["property"].queryset = Property.objects.filter(
                plan_id=self.plan_id, parent__isnull=True
            )

    @property
    def plan_id(self) -> int | None:
        return self.instance.plan_id


class CommonPropertyFormSet(PlanPropertyFormSet):
    @property
    def plan_id(self) -> int | None:
        return self.instance.pk


class EventPropertyInline(admin.StackedInline):
    model = EventProperty
    formfield_overrides = OVERRIDES
    formset = PlanPropertyFormSet
    autocomplete_fields = ["property"]
    extra = 0
    fieldsets = [
        (None, {"fields": [("property", "required"), "note", "position"]}),
        (
            _("Narrowing for this event"),
            {
                "classes": ["collapse"],
                "description": _(
                    "Optional: constrain the property further on this event only, e.g. a "
                    "smaller list of allowed values. It may narrow the shared property, "
                    "never loosen it."
                ),
                "fields": NARROWING_FIELDS,
            },
        ),
    ]


class GroupPropertyInline(admin.TabularInline):
    model = GroupProperty
    formset = PlanPropertyFormSet
    autocomplete_fields = ["property"]
    fields = ["property", "required", "position"]
    extra = 0


class CommonPropertyInline(admin.TabularInline):
    model = CommonProperty
    formset = CommonPropertyFormSet
    autocomplete_fields = ["property"]
    fields = ["property", "required"]
    extra = 0


class NestedPropertyFormSet(BaseInlineFormSet):
    """Nested fields: they live in their parent's plan and must not collide with each other."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.instance.plan_id = self.instance.plan_id

    def clean(self) -> None:
        super().clean()
        seen: dict[str, Property] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("key"):
                continue
            folded = fold_key(data["key"])
            if folded in seen:
                form.add_error("key", form.instance.collision_message(seen[folded]))
            seen.setdefault(folded, form.instance)


class NestedPropertyInline(admin.TabularInline):
    model = Property
    fk_name = "parent"
    formset = NestedPropertyFormSet
    fields = ["key", "display_name", "type", "item_type", "privacy_class"]
    extra = 0
    show_change_link = True
    verbose_name = _("nested field")
    verbose_name_plural = _("nested fields")


def masked_write_key(source: Source) -> str:
    """The write key with all but its last four characters hidden."""
    return "•" * 8 + source.write_key[-4:]


def write_key_with_rotation(source: Source) -> SafeString | str:
    """The masked write key and a link to rotate it."""
    if not source.pk:
        return _("Generated when the source is saved.")
    url = reverse("admin:tracking_source_rotate_write_key", args=[source.pk])
    return format_html(
        '<code>{}</code> <a class="tpg-rotate" href="{}">{}</a>',
        masked_write_key(source),
        url,
        _("Rotate…"),
    )


class SourceInline(admin.TabularInline):
    model = Source
    fields = [
        "name",
        "kind",
        "is_active",
        "pinned_version",
        "write_key_display",
        "write_key_rotated_at",
    ]
    readonly_fields = ["write_key_display", "write_key_rotated_at"]
    extra = 0
    show_change_link = True

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # Only this plan's own versions can be pinned (none while the plan is being added).
        field = formset.form.base_fields["pinned_version"]
        field.queryset = (
            field.queryset.filter(plan=obj) if obj else field.queryset.none()
        )
        return formset

    @admin.display(description=_("write key"))
    def write_key_display(self, source: Source) -> SafeString | str:
        return write_key_with_rotation(source)
