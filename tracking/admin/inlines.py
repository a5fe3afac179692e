"""Inline rows: event and group attachments, common properties, nested fields, sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracking.admin.bases import (
    BaseInlineFormSet,
    ModelForm,
    StackedInline,
    TabularInline,
)
from tracking.admin.fields import OVERRIDES, form_field
from tracking.models import (
    CommonProperty,
    Event,
    EventProperty,
    GroupProperty,
    Property,
    PropertyGroup,
    Source,
    TrackingPlan,
)
from tracking.models.sources import may_read_write_keys
from tracking.naming import fold_key

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_RowT = TypeVar("_RowT", bound=Model)
_ParentT = TypeVar("_ParentT", bound=Model)

NARROWING_FIELDS = (
    "enum",
    "pattern",
    ("minimum", "maximum"),
    ("min_length", "max_length"),
    ("min_items", "max_items"),
)


class PlanPropertyFormSet(
    BaseInlineFormSet[_RowT, _ParentT, ModelForm[_RowT]], Generic[_RowT, _ParentT]
):
    """Rows that pick a property: offered only the parent's plan's top-level properties."""

    def add_fields(self, form: ModelForm[_RowT], index: int | None) -> None:
        super().add_fields(form, index)
        if "property" in form.fields:
            field = form_field(form.fields, "property", ModelChoiceField)
            field.queryset = Property.objects.filter(
                plan_id=self.plan_id, parent__isnull=True
            )

    @property
    def plan_id(self) -> int | None:
        raise NotImplementedError


class EventPropertyFormSet(PlanPropertyFormSet[EventProperty, Event]):
    @property
    def plan_id(self) -> int | None:
        return self.instance.plan_id


class GroupPropertyFormSet(PlanPropertyFormSet[GroupProperty, PropertyGroup]):
    @property
    def plan_id(self) -> int | None:
        return self.instance.plan_id


class CommonPropertyFormSet(PlanPropertyFormSet[CommonProperty, TrackingPlan]):
    @property
    def plan_id(self) -> int | None:
        return self.instance.pk


class EventPropertyInline(StackedInline[EventProperty, Event]):
    model = EventProperty
    formfield_overrides = OVERRIDES
    formset = EventPropertyFormSet
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


class GroupPropertyInline(TabularInline[GroupProperty, PropertyGroup]):
    model = GroupProperty
    formset = GroupPropertyFormSet
    autocomplete_fields = ["property"]
    fields = ["property", "required", "position"]
    extra = 0


class CommonPropertyInline(TabularInline[CommonProperty, TrackingPlan]):
    model = CommonProperty
    formset = CommonPropertyFormSet
    autocomplete_fields = ["property"]
    fields = ["property", "required"]
    extra = 0


class NestedPropertyFormSet(BaseInlineFormSet[Property, Property, ModelForm[Property]]):
    """Nested fields: they live in their parent's plan and must not collide with each other."""

    def add_fields(self, form: ModelForm[Property], index: int | None) -> None:
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


class NestedPropertyInline(TabularInline[Property, Property]):
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


def write_key_masked(source: Source) -> StrOrPromise:
    """The masked write key alone, for users who may neither reveal nor rotate it."""
    if not source.pk:
        return _("Generated when the source is saved.")
    return format_html("<code>{}</code>", masked_write_key(source))


def write_key_with_rotation(source: Source) -> StrOrPromise:
    """The masked write key and a link to rotate it. Offer it only to users who may rotate."""
    if not source.pk:
        return _("Generated when the source is saved.")
    url = reverse("admin:tracking_source_rotate_write_key", args=[source.pk])
    return format_html(
        '<code>{}</code> <a class="tpg-rotate" href="{}">{}</a>',
        masked_write_key(source),
        url,
        _("Rotate…"),
    )


def write_key_with_reveal(source: Source) -> StrOrPromise:
    """The masked write key with controls to reveal and copy it, and to rotate it.

    The full key is not in the page: "Reveal" links to a page showing it, which the page
    script fetches instead. Offer this only to users who may read the key.
    """
    if not source.pk:
        return _("Generated when the source is saved.")
    return format_html(
        '<span class="tpg-write-key" data-copied="{copied}" data-selected="{selected}" '
        'data-failed="{failed}"><code>{masked}</code> '
        '<a class="tpg-reveal" href="{reveal_url}">{reveal}</a> '
        '<button type="button" class="tpg-copy" hidden>{copy}</button> '
        '<a class="tpg-rotate" href="{rotate_url}">{rotate}</a> '
        '<span class="tpg-write-key-status" role="status"></span></span>',
        copied=_("Copied."),
        selected=_("Selected: press Ctrl+C (⌘C on a Mac) to copy."),
        failed=_("Could not reveal the key. Reload the page and try again."),
        masked=masked_write_key(source),
        reveal_url=reverse("admin:tracking_source_write_key", args=[source.pk]),
        reveal=_("Reveal"),
        copy=_("Copy"),
        rotate_url=reverse("admin:tracking_source_rotate_write_key", args=[source.pk]),
        rotate=_("Rotate…"),
    )


def write_key_fields(fields: Sequence[str], *, revealable: bool) -> tuple[str, ...]:
    """The admin fields, the masked key swapped for the one with a Reveal control if allowed."""
    if not revealable:
        return tuple(fields)
    return tuple("write_key_reveal" if f == "write_key_display" else f for f in fields)


_SOURCE_ROW = (
    "name",
    "kind",
    "is_active",
    "pinned_version",
    "write_key_display",
    "write_key_rotated_at",
)


class SourceInline(TabularInline[Source, TrackingPlan]):
    model = Source
    fields = _SOURCE_ROW
    readonly_fields = ["write_key_display", "write_key_reveal", "write_key_rotated_at"]
    extra = 0
    show_change_link = True

    class Media:
        js = ["tracking/js/write_key.js"]

    def get_fields(
        self, request: HttpRequest, obj: TrackingPlan | None = None
    ) -> tuple[str, ...]:
        revealable = obj is not None and may_read_write_keys(obj, request.user)
        return write_key_fields(_SOURCE_ROW, revealable=revealable)

    def get_formset(
        self, request: HttpRequest, obj: TrackingPlan | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Source, TrackingPlan, ModelForm[Source]]]:
        formset = super().get_formset(request, obj, **kwargs)
        # Only this plan's own versions can be pinned (none while the plan is being added).
        field = form_field(formset.form.base_fields, "pinned_version", ModelChoiceField)
        versions = field.queryset
        if versions is not None:
            field.queryset = versions.filter(plan=obj) if obj else versions.none()
        return formset

    @admin.display(description=_("write key"))
    def write_key_display(self, source: Source) -> StrOrPromise:
        return write_key_masked(source)

    @admin.display(description=_("write key"))
    def write_key_reveal(self, source: Source) -> StrOrPromise:
        return write_key_with_reveal(source)
