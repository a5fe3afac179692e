"""The admin's base classes, to subclass with their model as type argument.

Django's own classes take one at run time once `django_stubs_ext.monkeypatch()` has run (the
settings run it). django-simple-history ships no type information, so mypy sees
`SimpleHistoryAdmin` as the `ModelAdmin` it extends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.admin import ModelAdmin, StackedInline, TabularInline
from django.forms import BaseInlineFormSet, ModelForm

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin as SimpleHistoryAdmin
else:
    from simple_history.admin import SimpleHistoryAdmin

__all__ = [
    "BaseInlineFormSet",
    "ModelAdmin",
    "ModelForm",
    "SimpleHistoryAdmin",
    "StackedInline",
    "TabularInline",
]
