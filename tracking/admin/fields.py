"""Form fields and widgets for the admin: JSON lists blank for "none", compact text boxes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class JSONListField(forms.JSONField):
    """A JSON list; a blank box is the empty list, not null (the columns are NOT NULL)."""

    default_error_messages = {
        "not_a_list": _('Give a JSON list, e.g. ["CNY", "USD"].'),
    }

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return []
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if not isinstance(value, list):
            raise ValidationError(self.error_messages["not_a_list"], code="not_a_list")

    def prepare_value(self, value: Any) -> Any:
        return "" if value == [] else super().prepare_value(value)


# Descriptions and triggers are a few sentences; the default 10-row box buries the form.
OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})},
    models.JSONField: {
        "form_class": JSONListField,
        "widget": AdminTextareaWidget(attrs={"rows": 2}),
    },
}


_FieldT = TypeVar("_FieldT", bound=forms.Field)


def form_field(
    fields: Mapping[str, forms.Field], name: str, kind: type[_FieldT]
) -> _FieldT:
    """The form's field `name`, which the caller relies on being a `kind`: a relation's
    field to narrow its queryset, a choice field to set its choices.

    Raises TypeError when it is not (the form changed under the caller).
    """
    field = fields[name]
    if not isinstance(field, kind):
        message = f"{name} is a {type(field).__name__}, not a {kind.__name__}"
        raise TypeError(message)
    return field
