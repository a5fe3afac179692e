"""Plan boundaries in the admin: rows of the user's plans only, and choices from the page's plan.

The admin answers as the API does. What the user's role does not allow is refused with 403
before any row is looked up; a row of a plan the user may not see is then not found (404),
whatever page, action or history view asks for it, exactly like a row that does not exist. So
nobody learns from the admin which ids other plans use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.db.models.fields.related import RelatedField
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from simple_history.utils import get_history_manager_for_model

from tracking.admin.bases import ModelAdmin, SimpleHistoryAdmin
from tracking.models import Event, Property, PropertyGroup, Source
from tracking.models.members import plans_visible_to, rows_visible_to

if TYPE_CHECKING:
    from django.contrib.admin.options import _ListFilterT
    from django_stubs_ext import StrOrPromise

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


class RowScopedAdmin(ModelAdmin[_ModelT], Generic[_ModelT]):
    """An admin whose rows are narrowed per user by `scope`; the others are listed nowhere.

    Lists, change, delete and history pages, actions and autocompletes all start from
    `get_queryset` or `get_object`. The role is asked first (403); a row outside the user's
    scope is then not found (404), like one that does not exist. Related-field choices and list
    filters naming rows of another scoped admin's model are narrowed by that admin.
    """

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The rows of `queryset` the user may reach."""
        return queryset

    def get_queryset(self, request: HttpRequest) -> QuerySet[_ModelT]:
        return self.scope(request, super().get_queryset(request))

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> _ModelT | None:
        """The row, if the user may reach it. Raises PermissionDenied, then Http404."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def object_or_404(self, request: HttpRequest, object_id: str) -> _ModelT:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # get_object raises instead; this narrows the type
            raise Http404
        return obj

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        allowed = (
            self.has_change_permission(request)
            if request.method == "POST"
            else self.has_view_or_change_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().delete_view(request, object_id, extra_context)

    def get_field_queryset(
        self, db: str | None, db_field: RelatedField[Any, Any], request: HttpRequest
    ) -> QuerySet[Any] | None:
        queryset = super().get_field_queryset(db, db_field, request)
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if not isinstance(related_admin, RowScopedAdmin):
            return queryset
        if queryset is None:
            queryset = db_field.related_model._default_manager.using(db)
        return related_admin.scope(request, queryset)

    def get_list_filter(self, request: HttpRequest) -> list[_ListFilterT]:
        return [
            self._scoped_filter(entry) for entry in super().get_list_filter(request)
        ]

    def _scoped_filter(self, entry: _ListFilterT) -> _ListFilterT:
        """A filter on a relation to scoped rows offers only the rows the user may reach."""
        if not isinstance(entry, str):
            return entry
        try:
            field = get_fields_from_path(self.model, entry)[-1]
        except FieldDoesNotExist:
            return entry
        related = field.related_model
        if related is None:
            return entry
        if isinstance(self.admin_site._registry.get(related), RowScopedAdmin):
            return (entry, ScopedRelatedFilter)
        return entry


class PlanScopedAdmin(RowScopedAdmin[_ModelT], Generic[_ModelT]):
    """Rows of the plans the user may see, as the API narrows them (`rows_visible_to`).

    Autocomplete answers are further limited to the referring page's plan, and add forms start
    in the plan the address names if the user may reach it.
    """

    # The path from a row to its plan.
    plan_lookup = "plan"
    # Whether autocomplete answers keep only the rows of the referring page's plan.
    narrows_to_referring_plan = True

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return rows_visible_to(queryset, request.user, plan_lookup=self.plan_lookup)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[_ModelT], bool]:
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if self.narrows_to_referring_plan and is_autocomplete(request):
            plan_id = referring_plan_id(request)
            if plan_id is not None:
                queryset = queryset.filter(**{self.plan_lookup: plan_id})
        return queryset, may_have_duplicates

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # Initial values are field values (here a plan id), not only query-string text.
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        plan_id = plan_from_query(request.META.get("QUERY_STRING", ""))
        if plan_id is None or not plans_visible_to(request.user).filter(pk=plan_id):
            # Another plan's rows must not fill the form's choices (metric and qualifier forms).
            initial.pop("plan", None)
            return initial
        initial.setdefault("plan", plan_id)
        return initial


class PlanScopedHistoryAdmin(
    PlanScopedAdmin[_ModelT], SimpleHistoryAdmin[_ModelT], Generic[_ModelT]
):
    """A scoped admin with django-simple-history's pages, scoped alike.

    Its history page would otherwise show a row it cannot find from its recorded past, and its
    past-version page looks the version up by id alone and saves a revert with no change
    permission asked.
    """

    def history_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._require_history_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        self._require_history_in_scope(request, object_id, version_id=version_id)
        # The stubs see SimpleHistoryAdmin as ModelAdmin, which has no past-version page.
        return super().history_form_view(  # type: ignore[misc, no-any-return]
            request, object_id, version_id, extra_context
        )

    def _require_history_in_scope(
        self, request: HttpRequest, object_id: str, *, version_id: str | None = None
    ) -> None:
        """403 without any permission on the model; 404 unless the row (or its recorded
        past, for a deleted row) lies in a plan the user may reach."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        try:
            pk = opts.pk.to_python(unquote(object_id))
            version = int(version_id) if version_id is not None else None
        except (ValidationError, ValueError):
            raise Http404 from None
        history = get_history_manager_for_model(self.model)
        records = history.filter(**{opts.pk.attname: pk})
        if version is not None:
            records = records.filter(history_id=version)
        elif self.get_queryset(request).filter(pk=pk).exists():
            return
        if not self.scope(request, records).exists():
            raise Http404


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A list filter on a relation whose choices are only the rows the user may reach."""

    def field_choices(
        self,
        field: RelatedField[Any, Any],
        request: HttpRequest,
        model_admin: admin.ModelAdmin[Any],
    ) -> list[tuple[str, StrOrPromise]]:
        related = field.related_model
        queryset = related._default_manager.all()
        related_admin = model_admin.admin_site._registry.get(related)
        if isinstance(related_admin, RowScopedAdmin):
            queryset = related_admin.scope(request, queryset)
        choices = field.get_choices(
            include_blank=False,
            ordering=self.field_admin_ordering(field, request, model_admin),
            limit_choices_to={"pk__in": queryset.values("pk")},
        )
        # A relation's choices are never grouped: (value, label) pairs.
        return choices  # type: ignore[return-value]
