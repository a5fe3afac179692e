"""The glossary through the API: terms, qualifiers and periods checked against the plan, found
by key, refused deletion while online metrics use them, and who may call what."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CommonPropertyFactory,
    GlossaryTermFactory,
    ModifierFactory,
    PropertyFactory,
    TimePeriodFactory,
)
from tests.tracking.api.test_metrics import (
    APP_OPENS,
    ORGANIC_30D,
    P,
    build_shop,
    caller,
    expected_status,
    saver,
)
from tests.tracking.api.test_permissions import READ, ROLES, WRITE, Call
from tracking.models import GlossaryTerm, Modifier, TimePeriod

TERMS, MODIFIERS, PERIODS = f"{P}/terms", f"{P}/modifiers", f"{P}/periods"
NEW_USER = {
    "key": "new_user",
    "name_zh": "新用户",
    "name_en": "New users",
    "definition_text": "首次启动日期落在统计周期内的设备/用户",
    "predicate": {"prop": "first_open_date", "op": "in_period"},
}
PAID = {
    "key": "paid",
    "name_zh": "付费渠道",
    "name_en": "Paid channels",
    "modifier_type": "channel",
    "predicate": {"prop": "channel", "op": "eq", "value": "paid"},
}
LAST_7_DAYS = {
    "key": "7d",
    "name_zh": "近7天",
    "name_en": "Last 7 days",
    "kind": "trailing",
    "n": 7,
    "unit": "day",
}


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.fixture
def shop(plan):
    return build_shop(plan)


@pytest.fixture
def stored(shop, editor):
    return saver(shop, editor)


@pytest.fixture
def first_open(shop):
    prop = PropertyFactory(plan=shop, key="first_open_date", type="date-time")
    CommonPropertyFactory(plan=shop, property=prop)
    return prop


def test_editor_adds_a_term_owned_by_them(as_user, editor, first_open):
    response = as_user(editor).post(TERMS, NEW_USER)

    assert response.status_code == 201, response.content
    assert response.json()["owner"] == "editor"
    assert GlossaryTerm.objects.get(key="new_user").predicate == NEW_USER["predicate"]


def test_term_whose_predicate_names_an_unknown_property_is_400_at_its_path(
    as_user, editor, shop
):
    response = as_user(editor).post(TERMS, NEW_USER)

    error = _error(response, 400)
    assert error["code"] == "invalid"
    assert list(error["details"]) == ["predicate"]
    assert error["details"]["predicate"][0].startswith("predicate.prop: ")
    assert not GlossaryTerm.objects.exists()


def test_term_whose_predicate_is_not_a_filter_tree_is_400(as_user, editor, shop):
    response = as_user(editor).post(TERMS, {**NEW_USER, "predicate": {"eval": "1"}})

    assert list(_error(response, 400)["details"]) == ["predicate"]


def test_qualifier_is_checked_against_the_plans_properties(as_user, editor, shop):
    api = as_user(editor)

    good = api.post(MODIFIERS, PAID)
    bad = api.post(
        MODIFIERS,
        {
            **PAID,
            "key": "vip",
            "predicate": {"prop": "channel", "op": "eq", "value": "x"},
        },
    )

    assert good.status_code == 201, good.content
    assert list(_error(bad, 400)["details"]) == ["predicate"]


def test_qualifier_may_stand_for_a_term_of_the_same_plan(as_user, editor, shop):
    GlossaryTermFactory(plan=shop, key="whale", predicate=None)
    body = {**PAID, "key": "whales", "predicate": None, "term": "whale"}

    response = as_user(editor).post(MODIFIERS, body)

    assert response.status_code == 201, response.content
    assert Modifier.objects.get(key="whales").term.key == "whale"


def test_qualifier_pointing_at_an_unknown_term_is_400(as_user, editor, shop):
    body = {**PAID, "key": "whales", "predicate": None, "term": "whale"}

    assert list(_error(as_user(editor).post(MODIFIERS, body), 400)["details"]) == [
        "term"
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"n": None}, "non_field_errors", id="trailing-without-length"),
        pytest.param({"timezone": "Mars/Olympus"}, "timezone", id="unknown-zone"),
        pytest.param({"kind": "weekly"}, "kind", id="unknown-kind"),
    ],
)
def test_period_breaking_the_models_rules_is_400(as_user, editor, shop, change, field):
    response = as_user(editor).post(PERIODS, {**LAST_7_DAYS, **change})

    assert field in _error(response, 400)["details"]
    assert not TimePeriod.objects.filter(key="7d").exists()


def test_period_is_found_by_key(as_user, viewer, shop):
    response = as_user(viewer).get(f"{PERIODS}/30d")

    assert response.json()["name_en"] == "Last 30 days"


@pytest.mark.parametrize(
    ("path", "target_type"),
    [
        pytest.param(f"{MODIFIERS}/organic", "modifier", id="qualifier"),
        pytest.param(f"{PERIODS}/30d", "period", id="period"),
    ],
)
def test_deleting_what_online_metrics_use_is_409_with_their_list(
    as_user, editor, stored, path, target_type
):
    stored(APP_OPENS, lifecycle="online")
    stored(ORGANIC_30D, lifecycle="online")

    error = _error(as_user(editor).delete(path), 409)

    assert error["code"] == "used_by_online_metrics"
    assert error["details"] == {
        "target_type": target_type,
        "key": path.rsplit("/", 1)[1],
        "metrics": ["app_open_cnt__organic__30d"],
    }


def test_period_only_draft_metrics_use_may_be_deleted(as_user, editor, stored):
    stored(APP_OPENS)
    stored(ORGANIC_30D)

    assert as_user(editor).delete(f"{PERIODS}/30d").status_code == 204


def test_term_a_qualifier_stands_for_is_409_in_use(as_user, editor, shop):
    whale = GlossaryTermFactory(plan=shop, key="whale", predicate=None)
    ModifierFactory(plan=shop, key="whales", predicate=None, term=whale)

    error = _error(as_user(editor).delete(f"{TERMS}/whale"), 409)

    assert error["code"] == "in_use"


@pytest.mark.parametrize("path", [TERMS, MODIFIERS, PERIODS])
def test_glossary_lists_cost_the_same_queries_for_one_row_or_many(
    as_user, editor, shop, path, django_assert_num_queries
):
    def grow(n: int) -> None:
        for i in range(n):
            term = GlossaryTermFactory(plan=shop, owner=editor)
            ModifierFactory(plan=shop, term=term)
            TimePeriodFactory(plan=shop, key=f"{len(term.key)}{term.pk}d{i}")

    api = as_user(editor)
    grow(1)
    api.get(path)  # caches the caller's permissions on the user
    with CaptureQueriesContext(connection) as one:
        api.get(path)

    grow(9)

    with django_assert_num_queries(len(one)):
        assert api.get(path).status_code == 200


CALLS = {
    "list terms": Call("get", TERMS, READ, 200),
    "read term": Call("get", f"{TERMS}/active", READ, 200),
    "add term": Call("post", TERMS, WRITE, 201, {**NEW_USER, "predicate": None}),
    "edit term": Call("patch", f"{TERMS}/active", WRITE, 200, {"name_en": "Active"}),
    "delete term": Call("delete", f"{TERMS}/active", WRITE, 204),
    "list qualifiers": Call("get", MODIFIERS, READ, 200),
    "read qualifier": Call("get", f"{MODIFIERS}/organic", READ, 200),
    "add qualifier": Call("post", MODIFIERS, WRITE, 201, PAID),
    "edit qualifier": Call(
        "patch", f"{MODIFIERS}/organic", WRITE, 200, {"name_en": "Organic"}
    ),
    "delete qualifier": Call("delete", f"{MODIFIERS}/organic", WRITE, 204),
    "list periods": Call("get", PERIODS, READ, 200),
    "read period": Call("get", f"{PERIODS}/30d", READ, 200),
    "add period": Call("post", PERIODS, WRITE, 201, LAST_7_DAYS),
    "edit period": Call("patch", f"{PERIODS}/30d", WRITE, 200, {"n": 31}),
    "delete period": Call("delete", f"{PERIODS}/30d", WRITE, 204),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CALLS))
def test_role_gets_the_expected_status_on_the_glossary(
    request, api, plan, shop, name, role
):
    call = CALLS[name]
    GlossaryTermFactory(plan=shop, key="active", predicate=None)
    api.force_authenticate(caller(request, plan, role))

    response = getattr(api, call.method)(call.path, call.body)

    assert response.status_code == expected_status(role, call), response.content
