"""Admin and form base classes that take their model as a type argument, for mypy only.

Django's admin and form classes are not subscriptable at run time (django-stubs' monkeypatch
is a development dependency), and django-simple-history ships no type information. So mypy
sees the classes as django-stubs declares them, `SimpleHistoryAdmin` as the `ModelAdmin` it
extends, and at run time `ModelAdmin[Event]` is plain `admin.ModelAdmin`. A generic subclass
adds `Generic[...]` to be subscriptable itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin, StackedInline, TabularInline
    from django.contrib.admin import ModelAdmin as SimpleHistoryAdmin
    from django.forms import BaseInlineFormSet, ModelForm
else:
    from django import forms
    from django.contrib import admin
    from simple_history import admin as history

    class _Erased:
        """Subscripting gives back the class itself: the type arguments are for mypy."""

        def __init__(self, cls: type) -> None:
            self.cls = cls

        def __getitem__(self, _arguments: object) -> type:
            return self.cls

    ModelAdmin = _Erased(admin.ModelAdmin)
    StackedInline = _Erased(admin.StackedInline)
    TabularInline = _Erased(admin.TabularInline)
    SimpleHistoryAdmin = _Erased(history.SimpleHistoryAdmin)
    BaseInlineFormSet = _Erased(forms.BaseInlineFormSet)
    ModelForm = _Erased(forms.ModelForm)

__all__ = [
    "BaseInlineFormSet",
    "ModelAdmin",
    "ModelForm",
    "SimpleHistoryAdmin",
    "StackedInline",
    "TabularInline",
]
