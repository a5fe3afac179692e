"""Plan boundaries on the pipeline's admin pages: counts, samples and dead letters of one's plans.

The same rule as the registry's admin (tests/tracking/admin/test_plan_boundaries.py): a role
that may not do something gets 403 first; a row of a plan the user does not reach is listed
nowhere and not found (404). Every pipeline model registered in the admin must be in the table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import timezone
from kombu import Connection

from governance.models import (
    DeadLetterBatch,
    LastSeen,
    ObservedType,
    RecentSample,
    ViolationCount,
    WindowCount,
)
from governance.pipeline.store import record_dead_letter
from tests.factories import PlanFactory, SourceFactory, UserFactory
from tracking.models import PlanMembership, Source

OWN, OTHER = "own", "other"
PLANS = (OWN, OTHER)


def _counts(source: Source) -> dict[str, Any]:
    return {"plan": source.plan, "source": source, "event_name": "Order Completed"}


def _window(source: Source) -> WindowCount:
    return WindowCount.objects.create(
        **_counts(source),
        message_type="track",
        window_start=timezone.now(),
        is_planned=True,
    )


def _violation(source: Source) -> ViolationCount:
    now = timezone.now()
    return ViolationCount.objects.create(
        **_counts(source),
        message_type="track",
        kind="schema",
        keyword="type",
        path="/properties/price",
        message="wrong type",
        first_seen=now,
        last_seen=now,
    )


def _observed(source: Source) -> ObservedType:
    now = timezone.now()
    return ObservedType.objects.create(
        plan=source.plan,
        event_name="Order Completed",
        path="/properties/price",
        json_type="string",
        first_seen=now,
        last_seen=now,
    )


def _last_seen(source: Source) -> LastSeen:
    now = timezone.now()
    return LastSeen.objects.create(
        **_counts(source), message_type="track", first_seen=now, last_seen=now
    )


def _sample(source: Source) -> RecentSample:
    return RecentSample.objects.create(
        **_counts(source),
        message_type="track",
        is_valid=True,
        received_at=timezone.now(),
        message={"type": "track", "event": "Order Completed"},
    )


def _letter(source: Source) -> DeadLetterBatch:
    batch = {
        "batch_id": str(uuid.uuid4()),
        "source_id": source.id,
        "plan_id": source.plan_id,
        "endpoint": "track",
        "received_at": timezone.now().isoformat(),
        "body": '{"event": "Order Completed", "messageId": "m1"}',
    }
    return record_dead_letter(batch, error="ValueError: boom", traceback="", attempts=6)


def _orphan_letter() -> DeadLetterBatch:
    """A dead letter whose source has since been deleted."""
    letter = _letter(SourceFactory())
    Source.objects.filter(pk=letter.source_id).delete()
    letter.refresh_from_db()
    assert letter.source_id is None
    return letter


ROWS: dict[str, Callable[[Source], Any]] = {
    "governance.WindowCount": _window,
    "governance.ViolationCount": _violation,
    "governance.ObservedType": _observed,
    "governance.LastSeen": _last_seen,
    "governance.RecentSample": _sample,
    "governance.DeadLetterBatch": _letter,
}

ROLES = ("root", "operator", "editor", "outsider")
# Root is a superuser (every plan); the operator and the editor are members of the own plan.
REACH = {"root": {OWN, OTHER}, "operator": {OWN}, "editor": {OWN}, "outsider": set()}


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    rows: dict[str, dict[str, int]]
    orphan_letter: int
    users: dict[str, int]


def _build_world() -> World:
    own = PlanFactory(key="own", name="Own plan")
    sources = {OWN: SourceFactory(plan=own), OTHER: SourceFactory(name="Other source")}
    operator = UserFactory(username="operator", is_staff=True)
    operator.user_permissions.set(
        Permission.objects.filter(content_type__app_label="governance").filter(
            codename__startswith="view_"
        )
        | Permission.objects.filter(codename="change_deadletterbatch")
    )
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    for user in (operator, editor):
        PlanMembership.objects.create(plan=own, user=user)
    users = {
        "root": UserFactory(username="root", is_staff=True, is_superuser=True),
        "operator": operator,
        "editor": editor,
        "outsider": UserFactory(username="outsider"),
    }
    rows = {
        label: {plan: make(source).pk for plan, source in sources.items()}
        for label, make in ROWS.items()
    }
    return World(
        rows=rows,
        orphan_letter=_orphan_letter().pk,
        users={name: user.pk for name, user in users.items()},
    )


@pytest.fixture(scope="module")
def _world_for_module(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The two plans' pipeline rows and the cast, written once per module and rolled back."""
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


def _admin_of(label: str) -> admin.ModelAdmin:
    return next(a for m, a in admin.site._registry.items() if m._meta.label == label)


def _may(world: World, role: str, label: str, page: str) -> bool:
    request = RequestFactory().get("/admin/")
    request.user = _user(world, role)
    model_admin = _admin_of(label)
    if page == "delete":
        return model_admin.has_delete_permission(request)
    if page == "save":
        return model_admin.has_change_permission(request)
    return model_admin.has_view_or_change_permission(request)


def _path(label: str) -> str:
    app, model = label.lower().split(".")
    return f"/admin/{app}/{model}/"


PAGES = ("list", "change", "save", "history", "delete")
CASES = [
    pytest.param(role, label, page, plan, id=f"{role}-{label}-{page}-{plan}")
    for label in ROWS
    for page in PAGES
    for role in ROLES
    for plan in PLANS
]


@pytest.mark.parametrize(("role", "label", "page", "plan"), CASES)
def test_pipeline_pages_reach_only_the_rows_of_the_users_plans(
    world, role, label, page, plan
):
    pk = world.rows[label][plan]
    url = {
        "list": _path(label),
        "change": f"{_path(label)}{pk}/change/",
        "save": f"{_path(label)}{pk}/change/",
        "history": f"{_path(label)}{pk}/history/",
        "delete": f"{_path(label)}{pk}/delete/",
    }[page]
    client = _client_as(world, role)

    response = client.post(url, {}) if page == "save" else client.get(url)

    if role == "outsider":
        expected = "login"
    elif not _may(world, role, label, page):
        expected = "denied"
    else:
        expected = "ok" if plan in REACH[role] else "not found"
    assert _answer(response, page, f"{_path(label)}{pk}/change/") == expected


def _answer(response: Any, page: str, link: str) -> str:
    if response.status_code == 302 and response.url.startswith("/admin/login/"):
        return "login"
    if response.status_code in (403, 404):
        return {403: "denied", 404: "not found"}[response.status_code]
    # Saving a row whose every field is read-only changes nothing and returns to the list.
    assert response.status_code in (200, 302), response.status_code
    if page == "list":
        return "ok" if f'href="{link}' in response.content.decode() else "not found"
    return "ok"


def test_every_pipeline_model_in_the_admin_is_in_the_table():
    registered = {model._meta.label for model in admin.site._registry}

    assert {label for label in registered if label.startswith("governance.")} == set(
        ROWS
    )


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        pytest.param("root", True, id="superuser"),
        pytest.param("operator", False, id="member-of-a-plan"),
    ],
)
def test_a_dead_letter_of_no_plan_is_only_for_admins_of_every_plan(world, role, shown):
    client = _client_as(world, role)
    url = f"{_path('governance.DeadLetterBatch')}{world.orphan_letter}/change/"

    listed = client.get(_path("governance.DeadLetterBatch")).content.decode()
    page = client.get(url)

    assert (f'href="{url}' in listed, page.status_code) == (
        (True, 200) if shown else (False, 404)
    )


@pytest.mark.parametrize("role", ["root", "operator"])
@pytest.mark.parametrize("label", sorted(ROWS))
def test_list_filters_name_no_source_or_plan_of_another_plan(world, label, role):
    response = _client_as(world, role).get(_path(label))

    named = {
        str(choice)
        for spec in response.context["cl"].filter_specs
        if isinstance(spec, RelatedFieldListFilter)
        for _pk, choice in spec.lookup_choices
    }
    others = {n for n in named if "Other source" in n or n.startswith("Plan ")}
    # Root reaches both plans, so the filters offer both: the check is not vacuous.
    assert bool(others) == (role == "root")


def _queued_batch_ids() -> list[str]:
    """Drain the test settings' in-memory ingest queue, returning what was on it."""
    ids = []
    with Connection("memory://") as connection:
        queue = connection.SimpleQueue("ingest")
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            ids.append(message.headers["id"])
            message.ack()
        queue.close()
    return ids


@pytest.fixture
def memory_broker() -> Iterator[None]:
    _queued_batch_ids()
    yield
    _queued_batch_ids()


@pytest.mark.parametrize("across", ["selected", "all"])
@pytest.mark.parametrize("role", ["operator", "editor"])
def test_replaying_never_touches_another_plans_dead_letters(
    world, memory_broker, role, across
):
    rows = world.rows["governance.DeadLetterBatch"]
    chosen = rows[OTHER] if across == "selected" else rows[OWN]

    _client_as(world, role).post(
        _path("governance.DeadLetterBatch"),
        {
            "action": "replay",
            "_selected_action": [str(chosen)],
            "select_across": "1" if across == "all" else "0",
            "index": "0",
        },
    )

    replayed = set(
        DeadLetterBatch.objects.filter(replayed_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    own_replayed = role == "operator" and across == "all"
    assert replayed == ({rows[OWN]} if own_replayed else set())
