"""Deletes of what online metrics use, refused with a message instead of an error page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from tracking.admin.bases import ModelAdmin
from tracking.errors import MetricDependencyError
from tracking.metrics.guard import refuse_removal
from tracking.models import Event, GlossaryTerm, Metric, Modifier, Property, TimePeriod

# What metrics can rest on, so what the guard refuses to remove while they are online.
Guarded = Event | Property | Metric | GlossaryTerm | Modifier | TimePeriod
_GuardedT = TypeVar("_GuardedT", bound=Guarded)


class RemovalGuardedAdmin(ModelAdmin[_GuardedT], Generic[_GuardedT]):
    """Deletes of what online metrics use are refused with a message, not an error page."""

    def delete_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not self.has_delete_permission(request):
            raise PermissionDenied  # the role first, before any row is looked up
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

    def get_actions(
        self, request: HttpRequest
    ) -> dict[str, tuple[Callable[..., str], str, str] | None]:
        actions = super().get_actions(request)
        delete = actions.get("delete_selected")
        if delete is not None:
            _func, name, description = delete
            # django-stubs declares an action as returning str; actions return a response.
            actions["delete_selected"] = (guarded_delete_selected, name, description)  # type: ignore[assignment]
        return actions


def guarded_delete_selected(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
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


def removal_refusal(obj: Guarded, *, verb: str = "delete") -> str | None:
    """Why the object cannot be deleted or deprecated (online metrics use it), or None."""
    try:
        refuse_removal(obj, verb=verb)
    except MetricDependencyError as exc:
        return exc.message
    return None
