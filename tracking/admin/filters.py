"""Changelist filters beyond a field's own: a property's nesting level."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tracking.models import Property

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class NestingFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrPromise]]:
        return [("top", _("Top-level properties")), ("nested", _("Nested fields"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Property]
    ) -> QuerySet[Property]:
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        if self.value() == "nested":
            return queryset.filter(parent__isnull=False)
        return queryset
