"""Plan boundaries in the admin, as in the API: every admin model, every page, every role.

The cast are staff members of one plan ("own"); a second plan ("other") holds the same rows.
A role that may not do something gets 403 before any row is looked up; a row of a plan the user
does not reach is not found (404) and listed nowhere, like a row that does not exist.
Every model registered in the admin must appear in one of the tables below, so a model added
without plan scoping fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.forms import ModelChoiceField
from django.test import Client, RequestFactory
from django.utils.http import urlencode

from tests.factories import (
    EventFactory,
    EventPropertyFactory,
    GlossaryTermFactory,
    GroupFactory,
    MetricFactory,
    ModifierFactory,
    PlanFactory,
    PropertyFactory,
    SourceFactory,
    TimePeriodFactory,
    UserFactory,
)
from tracking.admin.bases import SimpleHistoryAdmin
from tracking.models import PlanMembership, Tag, TrackingPlan, issue_token
from tracking.publishing import open_change_request, publish_version

# Exhaustive: run by `make test` and CI, not by plain pytest.
pytestmark = pytest.mark.slow

OWN, OTHER = "own", "other"
PLANS = (OWN, OTHER)


def _version(plan: TrackingPlan, author) -> Any:
    event = EventFactory(plan=plan, key="Cart Viewed")
    EventPropertyFactory(event=event, property__key="cart_id")
    return publish_version(plan, author=author, note="First cut")


def _tag(plan: TrackingPlan, author) -> Tag:
    tag = Tag.objects.create(name=f"tag-{plan.key}")
    EventFactory(plan=plan, key="Tag Carried").tags.add(tag)
    return tag


def _membership(plan: TrackingPlan, author) -> PlanMembership:
    return PlanMembership.objects.create(
        plan=plan, user=UserFactory(username=f"member-{plan.key}")
    )


# One row of each plan-scoped model in a given plan.
PLAN_ROWS: dict[str, Callable[[TrackingPlan, Any], Any]] = {
    "tracking.TrackingPlan": lambda plan, author: plan,
    "tracking.PlanVersion": _version,
    "tracking.Source": lambda plan, author: SourceFactory(plan=plan),
    "tracking.Event": lambda plan, author: EventFactory(plan=plan),
    "tracking.Property": lambda plan, author: PropertyFactory(plan=plan),
    "tracking.PropertyGroup": lambda plan, author: GroupFactory(plan=plan),
    "tracking.Tag": _tag,
    "tracking.Metric": lambda plan, author: MetricFactory(plan=plan),
    "tracking.GlossaryTerm": lambda plan, author: GlossaryTermFactory(plan=plan),
    "tracking.Modifier": lambda plan, author: ModifierFactory(plan=plan),
    "tracking.TimePeriod": lambda plan, author: TimePeriodFactory(plan=plan),
    "tracking.ChangeRequest": lambda plan, author: open_change_request(
        plan, author=author, title=f"Changes to {plan.key}"
    ),
    "tracking.PlanMembership": _membership,
}
# Rows that belong to users, not plans: one's own, and someone else's.
USER_ROWS = {"tracking.ApiToken"}
# Not plan data: accounts and roles, for those holding auth's permissions (admins) only.
GLOBAL = {"auth.User", "auth.Group"}
# Pipeline rows are covered by tests/governance/test_admin_plan_boundaries.py.
GOVERNANCE = "governance."

# Where each scoped model is offered by autocomplete: (app, model, field) of one such field.
AUTOCOMPLETES = {
    "tracking.Property": ("tracking", "eventproperty", "property"),
    "tracking.Source": ("tracking", "event", "sources"),
    "tracking.PropertyGroup": ("tracking", "event", "groups"),
    "tracking.Tag": ("tracking", "event", "tags"),
    "tracking.TrackingPlan": ("tracking", "planmembership", "plan"),
}


def _admin_of(label: str) -> admin.ModelAdmin:
    return next(a for m, a in admin.site._registry.items() if m._meta.label == label)


def _tracks_history(label: str) -> bool:
    return isinstance(_admin_of(label), SimpleHistoryAdmin)


# ------------------------------------------------------------------------------------------
# The cast: staff members of the own plan, one per role, and two who are not members
# ------------------------------------------------------------------------------------------


def _staff(username: str, *, role: str | None = None) -> Any:
    user = UserFactory(username=username, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _cast(own: TrackingPlan) -> dict[str, Any]:
    pm = _staff("pm")  # as tests/conftest.py: every tracking permission, so every plan
    pm.user_permissions.set(
        Permission.objects.filter(content_type__app_label="tracking").exclude(
            codename="delete_trackingplan"
        )
    )
    # Every view permission of the registry, one plan: reaches every page.
    auditor = _staff("auditor")
    auditor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="tracking", codename__startswith="view_"
        )
    )
    owner = _staff("owner", role="editor")  # not a member: the plan's owner
    own.owner = owner
    own.save(update_fields=["owner"])
    cast = {
        "pm": pm,
        "editor": _staff("editor", role="editor"),
        "approver": _staff("approver", role="approver"),
        "engineer": _staff("engineer", role="engineer"),
        "qa": _staff("qa", role="viewer"),
        "auditor": auditor,
    }
    for name, user in cast.items():
        if name != "pm":
            PlanMembership.objects.create(plan=own, user=user)
    return {**cast, "owner": owner, "outsider": UserFactory(username="outsider")}


ROLES = ("pm", "editor", "owner", "approver", "engineer", "qa", "auditor", "outsider")
# Which plans each role reaches: pm by the see-all permission, owner by owning, others by
# membership; the outsider is not staff and reaches no admin page at all.
REACH = {role: {OWN} for role in ROLES} | {"pm": {OWN, OTHER}, "outsider": set()}


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    """Primary keys of the module's rows: per model label and plan, and of the cast."""

    rows: dict[str, dict[str, Any]]
    history_ids: dict[str, dict[str, int]]
    users: dict[str, int]
    tokens: dict[str, int]


def _build_world() -> World:
    own, other = PlanFactory(key="own", name="Own plan"), PlanFactory(key="other")
    cast = _cast(own)
    rows: dict[str, dict[str, Any]] = {}
    history: dict[str, dict[str, int]] = {}
    for label, make in PLAN_ROWS.items():
        made = {OWN: make(own, cast["editor"]), OTHER: make(other, cast["editor"])}
        rows[label] = {plan: row.pk for plan, row in made.items()}
        if _tracks_history(label):
            history[label] = {
                plan: row.history.earliest("history_date").history_id
                for plan, row in made.items()
            }
    tokens = {
        name: issue_token(user, name="laptop")[0].pk for name, user in cast.items()
    }
    stranger = UserFactory(username="stranger")
    tokens["stranger"] = issue_token(stranger, name="ci")[0].pk
    users = {name: user.pk for name, user in cast.items()}
    return World(rows=rows, history_ids=history, users=users, tokens=tokens)


@pytest.fixture(scope="module")
def _world_for_module(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The two plans, their rows and the cast, written once per module and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = _build_world()
        with django_db_blocker.block():
            yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_for_module, db) -> World:
    return _world_for_module


def _user(world: World, role: str) -> Any:
    return get_user_model().objects.get(pk=world.users[role])


def _client_as(world: World, role: str) -> Client:
    client = Client()
    client.force_login(_user(world, role))
    return client


def _request_as(world: World, role: str) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = _user(world, role)
    return request


# ------------------------------------------------------------------------------------------
# Pages: what each asks of the role, its address, and how its answer is read
# ------------------------------------------------------------------------------------------

OK, NOT_FOUND, DENIED, LOGIN = "ok", "not found", "denied", "login"


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    name: str
    # What the role must hold, asked of the model's admin (or a permission codename).
    allowed: Callable[[admin.ModelAdmin, Any], bool]
    method: str = "get"
    is_list: bool = False


def _view(model_admin: admin.ModelAdmin, request: Any) -> bool:
    return model_admin.has_view_or_change_permission(request)


def _change(model_admin: admin.ModelAdmin, request: Any) -> bool:
    return model_admin.has_change_permission(request)


def _delete(model_admin: admin.ModelAdmin, request: Any) -> bool:
    return model_admin.has_delete_permission(request)


def _holds(codename: str) -> Callable[[admin.ModelAdmin, Any], bool]:
    return lambda model_admin, request: request.user.has_perm(codename)


PAGES = {
    "list": Page(name="list", allowed=_view, is_list=True),
    "autocomplete": Page(name="autocomplete", allowed=_view, is_list=True),
    "change": Page(name="change", allowed=_view),
    "save": Page(name="save", allowed=_change, method="post"),
    "history": Page(name="history", allowed=_view),
    "past version": Page(name="past version", allowed=_view),
    "delete": Page(name="delete", allowed=_delete),
    "reveal write key": Page(
        name="reveal write key", allowed=_holds("tracking.change_source")
    ),
    "rotate write key": Page(
        name="rotate write key", allowed=_holds("tracking.change_source")
    ),
    "review": Page(
        name="review", allowed=_holds("tracking.change_changerequest"), method="post"
    ),
    "publish": Page(name="publish", allowed=_holds("tracking.add_planversion")),
}
# Pages of the admin's own views, beyond the standard ones, per model.
CUSTOM_PAGES = {
    "tracking.Source": ["reveal write key", "rotate write key"],
    "tracking.ChangeRequest": ["review"],
    "tracking.TrackingPlan": ["publish"],
}


def _url(label: str, page: str, world: World, plan: str) -> str:
    app, model = label.lower().split(".")
    base = f"/admin/{app}/{model}/"
    pk = world.rows[label][plan]
    return {
        "list": base,
        "change": f"{base}{pk}/change/",
        "save": f"{base}{pk}/change/",
        "history": f"{base}{pk}/history/",
        "past version": f"{base}{pk}/history/{world.history_ids.get(label, {}).get(plan)}/",
        "delete": f"{base}{pk}/delete/",
        "reveal write key": f"{base}{pk}/write-key/",
        "rotate write key": f"{base}{pk}/rotate-write-key/",
        "review": f"{base}{pk}/review/",
        "publish": f"/admin/tracking/planversion/publish/{pk}/",
    }.get(page) or _autocomplete_url(label)


def _autocomplete_url(label: str) -> str:
    app, model, field = AUTOCOMPLETES[label]
    query = urlencode({"app_label": app, "model_name": model, "field_name": field})
    return f"/admin/autocomplete/?{query}"


def _pages_of(label: str) -> list[str]:
    pages = ["list", "change", "save", "history", "delete"]
    if _tracks_history(label):
        pages.append("past version")
    if label in AUTOCOMPLETES:
        pages.append("autocomplete")
    return pages + CUSTOM_PAGES.get(label, [])


def _expected(world: World, role: str, label: str, page: Page, plan: str) -> str:
    if role == "outsider":
        return LOGIN
    if not page.allowed(_admin_of(label), _request_as(world, role)):
        return DENIED
    return OK if plan in REACH[role] else NOT_FOUND


def _answer(response: Any, page: Page, row_pk: Any, label: str) -> str:
    """What the admin answered, in the table's words."""
    if response.status_code == 302 and response.url.startswith("/admin/login/"):
        return LOGIN
    if response.status_code == 403:
        return DENIED
    if response.status_code == 404:
        return NOT_FOUND
    if page.name == "autocomplete":
        shown = {r["id"] for r in response.json()["results"]}
        return OK if str(row_pk) in shown else NOT_FOUND
    if page.is_list:
        app, model = label.lower().split(".")
        link = f'href="/admin/{app}/{model}/{row_pk}/change/'
        return OK if link in response.content.decode() else NOT_FOUND
    # Saving an empty form answers the form with its errors, or saves and redirects.
    assert response.status_code in (200, 302), response.status_code
    return OK


CASES = [
    pytest.param(role, label, page, plan, id=f"{role}-{label}-{page}-{plan}")
    for label in PLAN_ROWS
    for page in _pages_of(label)
    for role in ROLES
    for plan in PLANS
]


@pytest.mark.parametrize(("role", "label", "page_name", "plan"), CASES)
def test_admin_reaches_only_the_rows_of_the_users_plans(
    world, role, label, page_name, plan
):
    page = PAGES[page_name]
    client = _client_as(world, role)
    url = _url(label, page_name, world, plan)
    data = {"action": "submit"} if page_name == "review" else {}

    response = getattr(client, page.method)(url, data)

    answer = _answer(response, page, world.rows[label][plan], label)
    assert answer == _expected(world, role, label, page, plan)


def test_every_registered_admin_model_is_in_a_table():
    registered = {model._meta.label for model in admin.site._registry}
    tracking_side = {label for label in registered if not label.startswith(GOVERNANCE)}

    assert tracking_side == set(PLAN_ROWS) | USER_ROWS | GLOBAL


def test_every_autocomplete_field_is_in_the_table():
    targets = set()
    for model_admin in admin.site._registry.values():
        admins = [
            model_admin,
            *(inline(model_admin.model, admin.site) for inline in model_admin.inlines),
        ]
        for each in admins:
            for name in each.autocomplete_fields:
                field = each.model._meta.get_field(name)
                targets.add(field.related_model._meta.label)

    assert targets <= set(AUTOCOMPLETES) | GLOBAL


# ------------------------------------------------------------------------------------------
# Tokens belong to users: one's own, and a stranger's
# ------------------------------------------------------------------------------------------

TOKEN_CASES = [
    pytest.param(role, page, whose, id=f"{role}-{page}-{whose}")
    for role in ROLES
    for page in ("list", "change", "delete")
    for whose in ("own", "stranger")
]


@pytest.mark.parametrize(("role", "page_name", "whose"), TOKEN_CASES)
def test_token_pages_show_only_the_users_own_tokens_unless_they_manage_all(
    world, role, page_name, whose
):
    page = PAGES[page_name]
    pk = world.tokens[role if whose == "own" else "stranger"]
    urls = {
        "list": "/admin/tracking/apitoken/",
        "change": f"/admin/tracking/apitoken/{pk}/change/",
        "delete": f"/admin/tracking/apitoken/{pk}/delete/",
    }

    response = _client_as(world, role).get(urls[page_name])

    request = _request_as(world, role)
    manages_all = request.user.has_perm("tracking.change_apitoken")
    if role == "outsider":
        expected = LOGIN
    elif not page.allowed(_admin_of("tracking.ApiToken"), request):
        expected = DENIED
    else:
        expected = OK if whose == "own" or manages_all else NOT_FOUND
    assert _answer(response, page, pk, "tracking.ApiToken") == expected


@pytest.mark.parametrize("label", sorted(GLOBAL))
@pytest.mark.parametrize("role", ROLES)
def test_accounts_and_roles_are_for_admins_only(world, role, label):
    app, model = label.lower().split(".")

    response = _client_as(world, role).get(f"/admin/{app}/{model}/")

    assert response.status_code == (302 if role == "outsider" else 403)


# ------------------------------------------------------------------------------------------
# Choices, filters and actions never offer or touch another plan's rows
# ------------------------------------------------------------------------------------------


def _other_rows(world: World) -> dict[type, set[Any]]:
    by_model: dict[type, set[Any]] = {}
    for label, pks in world.rows.items():
        by_model.setdefault(_admin_of(label).model, set()).add(pks[OTHER])
    return by_model


def _choice_fields(response: Any) -> Iterator[tuple[str, ModelChoiceField]]:
    forms = [response.context["adminform"].form]
    for formset in response.context.get("inline_admin_formsets", []):
        forms += list(formset.formset.forms) + [formset.formset.empty_form]
    for form in forms:
        for name, field in form.fields.items():
            # Hidden fields (an inline row's own id) offer nothing to choose from.
            if isinstance(field, ModelChoiceField) and not field.widget.is_hidden:
                yield name, field


CHOICE_CASES = [
    pytest.param(role, label, form, id=f"{role}-{label}-{form}")
    for label in PLAN_ROWS
    for form in ("add", "change")
    for role in ("editor", "owner", "pm")
]


@pytest.mark.parametrize(("role", "label", "form"), CHOICE_CASES)
def test_forms_offer_only_choices_from_the_users_plans(world, role, label, form):
    app, model = label.lower().split(".")
    pk = world.rows[label][OWN]
    url = (
        f"/admin/{app}/{model}/add/"
        if form == "add"
        else f"/admin/{app}/{model}/{pk}/change/"
    )
    # An add form started in the other plan by its address takes none of its rows either.
    query = (
        f"?plan={world.rows['tracking.TrackingPlan'][OTHER]}" if form == "add" else ""
    )

    response = _client_as(world, role).get(url + query)
    if response.status_code == 403:
        pytest.skip("the role may not open this form")

    other = _other_rows(world)
    offered = {
        (name, row.pk)
        for name, field in _choice_fields(response)
        for row in field.queryset
        if row.pk in other.get(type(row), set())
    }
    if REACH[role] == {OWN}:
        assert offered == set()
    elif form == "add" and any(name == "plan" for name, _f in _choice_fields(response)):
        # Admins of every plan are offered every plan: the check above is not vacuous.
        assert ("plan", world.rows["tracking.TrackingPlan"][OTHER]) in offered


FILTER_CASES = [
    pytest.param(role, label, id=f"{role}-{label}")
    for label in PLAN_ROWS
    for role in ("editor", "auditor", "pm")
]


@pytest.mark.parametrize(("role", "label"), FILTER_CASES)
def test_list_filters_name_only_rows_of_the_users_plans(world, role, label):
    app, model = label.lower().split(".")

    response = _client_as(world, role).get(f"/admin/{app}/{model}/")
    if response.status_code == 403:
        pytest.skip("the role may not open this list")

    other = _other_rows(world)
    named = {
        (spec.field.related_model, pk)
        for spec in response.context["cl"].filter_specs
        if isinstance(spec, RelatedFieldListFilter)
        for pk, _label in spec.lookup_choices
        if pk in other.get(spec.field.related_model, set())
    }
    if REACH[role] == {OWN}:
        assert named == set()
        assert "Plan other" not in response.content.decode()


def _actions(label: str) -> list[str]:
    """The site's delete action and the admin's own, by name."""
    declared = _admin_of(label).actions or []
    return ["delete_selected", *(getattr(a, "__name__", a) for a in declared)]


ACTION_CASES = [
    pytest.param(role, label, action, across, id=f"{role}-{label}-{action}-{across}")
    for label in PLAN_ROWS
    for action in _actions(label)
    for role in ("editor", "owner", "approver", "auditor")
    for across in ("selected", "all")
]


@pytest.mark.parametrize(("role", "label", "action", "across"), ACTION_CASES)
def test_actions_never_touch_another_plans_rows(world, role, label, action, across):
    model = _admin_of(label).model
    app, name = label.lower().split(".")
    pk = world.rows[label][OTHER]
    before = list(model._default_manager.filter(pk=pk).values())
    selection = {
        "action": action,
        "_selected_action": [str(pk)]
        if across == "selected"
        else [str(world.rows[label][OWN])],
        "select_across": "1" if across == "all" else "0",
        "index": "0",
        # Confirmation pages (delete, rotate) are answered yes at once.
        "post": "yes",
        "confirm": "yes",
    }

    _client_as(world, role).post(f"/admin/{app}/{name}/", selection)

    assert list(model._default_manager.filter(pk=pk).values()) == before


@pytest.mark.parametrize(
    ("role", "plan", "status"),
    [
        pytest.param("auditor", OWN, 403, id="view-only-member"),
        pytest.param("editor", OTHER, 404, id="editor-of-another-plan"),
    ],
)
def test_a_past_version_is_restored_only_by_editors_of_its_plan(
    world, role, plan, status
):
    label = "tracking.Event"
    pk = world.rows[label][plan]
    event = _admin_of(label).model.objects.get(pk=pk)
    event.display_name = "Renamed since"
    event.save()
    url = _url(label, "past version", world, plan)

    response = _client_as(world, role).post(
        url, {"key": event.key, "display_name": "Restored", "status": event.status}
    )

    event.refresh_from_db()
    assert (response.status_code, event.display_name) == (status, "Renamed since")
