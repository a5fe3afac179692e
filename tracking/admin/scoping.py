"""Narrowing admin choices to the plan a PM is working in, found from the page they are on."""

from __future__ import annotations

from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import Resolver404, resolve

from tracking.admin.bases import ModelAdmin
from tracking.models import Event, Property, PropertyGroup, Source

_ModelT = TypeVar("_ModelT", bound=Model)

# Change pages whose object belongs to a plan, by admin URL name.
_PLAN_OWNED: dict[str, type[Model]] = {
    "tracking_event_change": Event,
    "tracking_property_change": Property,
    "tracking_propertygroup_change": PropertyGroup,
    "tracking_source_change": Source,
}
_PLAN_PARAMETERS = ("plan", "plan__id__exact")


def is_autocomplete(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name == "autocomplete"


def plan_from_query(query: str) -> int | None:
    """The plan id in a query string, also inside the admin's preserved changelist filters."""
    params = parse_qs(query)
    nested = params.get("_changelist_filters", [])
    for source in [params, *(parse_qs(n) for n in nested)]:
        for name in _PLAN_PARAMETERS:
            value = source.get(name, [""])[0]
            if value.isdigit():
                return int(value)
    return None


def referring_plan_id(request: HttpRequest) -> int | None:
    """The plan of the admin page an autocomplete request comes from, if it names one.

    Select2 sends no form state, only the page's address (Referer). The result only narrows
    choices; validation on save does not rely on it.
    """
    referer = urlsplit(request.headers.get("referer", ""))
    try:
        match = resolve(referer.path)
    except Resolver404:
        return None
    object_id = match.kwargs.get("object_id", "")
    if match.url_name == "tracking_trackingplan_change" and object_id.isdigit():
        return int(object_id)
    model = _PLAN_OWNED.get(match.url_name or "")
    if model is not None and object_id.isdigit():
        return (
            model._default_manager.filter(pk=object_id)
            .values_list("plan_id", flat=True)
            .first()
        )
    return plan_from_query(referer.query)


class PlanScopedAdmin(ModelAdmin[_ModelT], Generic[_ModelT]):
    """Autocomplete answers limited to the referring page's plan; add forms start in it."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[_ModelT], bool]:
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if is_autocomplete(request):
            plan_id = referring_plan_id(request)
            if plan_id is not None:
                queryset = queryset.filter(plan_id=plan_id)
        return queryset, may_have_duplicates

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # Initial values are field values (here a plan id), not only query-string text.
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        plan_id = plan_from_query(request.META.get("QUERY_STRING", ""))
        if plan_id is not None:
            initial.setdefault("plan", plan_id)
        return initial
