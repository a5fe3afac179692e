"""Metrics through the API: saved under every rule with findings, explained, traced both ways,
moved between lifecycles, and the refusals to remove what online metrics rest on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CommonPropertyFactory,
    EventFactory,
    EventPropertyFactory,
    MetricFactory,
    ModifierFactory,
    PropertyFactory,
    TimePeriodFactory,
)
from tests.tracking.api.conftest import member
from tests.tracking.api.test_permissions import ALLOWED, READ, ROLES, WRITE, Call
from tracking.metrics.store import save_metric
from tracking.models import Event, Metric, MetricDependency, Property

P = "/api/v1/plans/shop-app"
METRICS = f"{P}/metrics"
CALIBER = "Every foreground start of the app, counted once per event."


def build_shop(plan):
    """App Opened (channel) and Order Completed (total); user_id everywhere; 30d; organic."""
    CommonPropertyFactory(plan=plan, property=PropertyFactory(plan=plan, key="user_id"))
    channel = PropertyFactory(plan=plan, key="channel", enum=["organic", "seo", "paid"])
    total = PropertyFactory(plan=plan, key="total", type="number")
    opened = EventFactory(plan=plan, key="App Opened", display_name="应用启动")
    EventPropertyFactory(event=opened, property=channel)
    completed = EventFactory(plan=plan, key="Order Completed", display_name="支付成功")
    EventPropertyFactory(event=completed, property=total)
    TimePeriodFactory(plan=plan, key="30d")
    ModifierFactory(plan=plan, key="organic")
    return plan


@pytest.fixture
def shop(plan):
    return build_shop(plan)


def body(key: str, kind: str, definition: dict, **fields) -> dict:
    return {
        "key": key,
        "name_zh": key,
        "name_en": key,
        "kind": kind,
        "definition": definition,
        "caliber": CALIBER,
        "category": "traffic",
        **fields,
    }


APP_OPENS = body("app_open_cnt", "atomic", {"event": "App Opened", "agg": "count"})
ORGANIC_30D = body(
    "app_open_cnt__organic__30d",
    "derived",
    {"base": "app_open_cnt", "modifiers": ["organic"], "period": "30d"},
)
PAY_AMOUNT = body(
    "pay_amount",
    "atomic",
    {"event": "Order Completed", "agg": "sum", "measure": "total"},
    category="business",
    aarrr_stage="revenue",
)


def saver(plan, owner):
    """`save(body, lifecycle=…, **fields)`: a metric saved through `save_metric`."""

    def save(given: dict, *, lifecycle: str = "draft", **fields) -> Metric:
        values = {"owner": owner, **given, **fields}
        metric = Metric(plan=plan, lifecycle=lifecycle, **values)
        save_metric(metric, by=owner)
        return metric

    return save


@pytest.fixture
def stored(shop, editor):
    """`stored(body, lifecycle=…)`: a metric saved through `save_metric`, owned by the editor."""
    return saver(shop, editor)


@pytest.fixture
def online(stored):
    """The atomic app opens and the derived organic 30-day opens on it, both online."""
    return (
        stored(APP_OPENS, lifecycle="online"),
        stored(ORGANIC_30D, lifecycle="online"),
    )


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


def test_editor_creates_a_metric_explained_with_its_dependencies(as_user, editor, shop):
    response = as_user(editor).post(METRICS, APP_OPENS)

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["owner"], data["lifecycle"], data["revision"]) == (
        "editor",
        "draft",
        1,
    )
    assert len(data["canonical_hash"]) == 64
    assert data["dependencies"] == [
        {"target_type": "event", "target_key": "App Opened", "role": "base"}
    ]
    assert data["explanation"] == {
        "en": "Number of “App Opened” events",
        "zh": "“应用启动”事件的次数",
    }
    assert data["findings"] == []
    assert MetricDependency.objects.filter(metric__key="app_open_cnt").count() == 1


@pytest.mark.parametrize(
    ("definition", "code", "path"),
    [
        pytest.param(
            {"event": "Cart Viewed", "agg": "count"},
            "unknown_event",
            "definition.event",
            id="unknown-event",
        ),
        pytest.param(
            {"event": "App Opened"},
            "definition_missing_field",
            "definition.agg",
            id="shape-missing-agg",
        ),
        pytest.param(
            {"event": "App Opened", "agg": "sum", "measure": "nope"},
            "unknown_property",
            "definition.measure",
            id="unknown-measure",
        ),
    ],
)
def test_invalid_definition_is_400_with_findings_pointing_at_the_part(
    as_user, editor, shop, definition, code, path
):
    response = as_user(editor).post(METRICS, body("bad_cnt", "atomic", definition))

    error = _error(response, 400)
    assert error["code"] == "metric_definition_invalid"
    assert [(f["code"], f["path"]) for f in error["details"]] == [(code, path)]
    assert not Metric.objects.filter(key="bad_cnt").exists()


def test_field_errors_outside_the_definition_stay_field_errors(as_user, editor, shop):
    response = as_user(editor).post(METRICS, {**APP_OPENS, "key": "App Opens"})

    error = _error(response, 400)
    assert error["code"] == "invalid"
    assert list(error["details"]) == ["key"]


def test_duplicate_definition_names_the_metric_it_already_exists_as(
    as_user, editor, stored
):
    stored(APP_OPENS)

    response = as_user(editor).post(METRICS, {**APP_OPENS, "key": "open_cnt"})

    error = _error(response, 400)
    assert [f["code"] for f in error["details"]] == ["duplicate_definition"]
    assert "app_open_cnt" in error["details"][0]["message"]


def test_warnings_come_back_in_findings(as_user, editor, stored):
    stored(APP_OPENS, is_north_star=True)

    response = as_user(editor).post(METRICS, {**PAY_AMOUNT, "is_north_star": True})

    assert response.status_code == 201, response.content
    assert [(f["severity"], f["code"]) for f in response.json()["findings"]] == [
        ("warning", "several_north_stars")
    ]


def test_changing_the_meaning_bumps_the_revision_and_rewrites_dependencies(
    as_user, editor, stored
):
    stored(APP_OPENS)
    api = as_user(editor)

    renamed = api.patch(f"{METRICS}/app_open_cnt", {"name_en": "App opens"})
    changed = api.patch(
        f"{METRICS}/app_open_cnt",
        {
            "definition": {
                "event": "App Opened",
                "agg": "count_distinct",
                "distinct_on": "user_id",
            }
        },
    )

    assert renamed.json()["revision"] == 1
    assert changed.status_code == 200, changed.content
    assert changed.json()["revision"] == 2
    assert changed.json()["dependencies"] == [
        {"target_type": "event", "target_key": "App Opened", "role": "base"},
        {"target_type": "property", "target_key": "user_id", "role": "distinct_on"},
    ]


def test_invalid_update_changes_nothing(as_user, editor, stored):
    stored(APP_OPENS)

    response = as_user(editor).patch(
        f"{METRICS}/app_open_cnt",
        {"definition": {"event": "Cart Viewed", "agg": "count"}},
    )

    assert [f["path"] for f in _error(response, 400)["details"]] == ["definition.event"]
    assert Metric.objects.get(key="app_open_cnt").definition["event"] == "App Opened"


def test_lifecycle_is_not_written_by_a_plain_edit(as_user, editor, stored):
    stored(APP_OPENS)

    response = as_user(editor).patch(f"{METRICS}/app_open_cnt", {"lifecycle": "online"})

    assert response.json()["lifecycle"] == "draft"


def test_metric_is_found_by_key_ignoring_case_or_by_id(as_user, viewer, stored):
    metric = stored(APP_OPENS)
    api = as_user(viewer)

    assert api.get(f"{METRICS}/APP_OPEN_CNT").json()["id"] == metric.pk
    assert api.get(f"{METRICS}/{metric.pk}").json()["key"] == "app_open_cnt"


# --------------------------------------------------------------------------------------------
# Lineage both ways
# --------------------------------------------------------------------------------------------


def test_lineage_of_a_derived_metric_reaches_events_and_properties(
    as_user, viewer, stored
):
    stored(APP_OPENS)
    stored(ORGANIC_30D)

    response = as_user(viewer).get(f"{METRICS}/app_open_cnt__organic__30d/lineage")

    assert response.json() == {
        "metrics": ["app_open_cnt"],
        "events": ["App Opened"],
        "properties": ["channel"],
        "terms": [],
        "modifiers": ["organic"],
        "periods": ["30d"],
        "used_by": [],
    }


def test_lineage_of_an_atomic_metric_lists_the_metrics_built_on_it(
    as_user, viewer, stored
):
    stored(APP_OPENS)
    stored(ORGANIC_30D)

    response = as_user(viewer).get(f"{METRICS}/app_open_cnt/lineage")

    assert response.json()["used_by"] == ["app_open_cnt__organic__30d"]
    assert response.json()["events"] == ["App Opened"]


def test_event_lists_every_metric_resting_on_it(as_user, viewer, stored):
    stored(APP_OPENS)
    stored(ORGANIC_30D)
    stored(PAY_AMOUNT)

    response = as_user(viewer).get(f"{P}/events/App%20Opened/metrics")

    assert [m["key"] for m in response.json()] == [
        "app_open_cnt",
        "app_open_cnt__organic__30d",
    ]


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        pytest.param("channel", ["app_open_cnt__organic__30d"], id="through-qualifier"),
        pytest.param("total", ["pay_amount"], id="measure"),
        pytest.param("user_id", [], id="unused"),
    ],
)
def test_property_lists_every_metric_resting_on_it(
    as_user, viewer, stored, prop, expected
):
    stored(APP_OPENS)
    stored(ORGANIC_30D)
    stored(PAY_AMOUNT)

    response = as_user(viewer).get(f"{P}/properties/{prop}/metrics")

    assert [m["key"] for m in response.json()] == expected


# --------------------------------------------------------------------------------------------
# Lifecycle and refusals
# --------------------------------------------------------------------------------------------


def test_going_online_with_a_draft_base_is_400_pointing_at_the_base(
    as_user, editor, stored
):
    stored(APP_OPENS)
    stored(ORGANIC_30D)

    response = as_user(editor).post(
        f"{METRICS}/app_open_cnt__organic__30d/lifecycle", {"lifecycle": "online"}
    )

    error = _error(response, 400)
    assert [(f["code"], f["path"]) for f in error["details"]] == [
        ("dependency_not_online", "definition.base")
    ]
    assert Metric.objects.get(key="app_open_cnt__organic__30d").lifecycle == "draft"


def test_taking_offline_a_metric_online_metrics_use_is_409_with_their_list(
    as_user, editor, online
):
    response = as_user(editor).post(
        f"{METRICS}/app_open_cnt/lifecycle", {"lifecycle": "offline"}
    )

    error = _error(response, 409)
    assert error["code"] == "used_by_online_metrics"
    assert error["details"]["metrics"] == ["app_open_cnt__organic__30d"]
    assert Metric.objects.get(key="app_open_cnt").lifecycle == "online"


def test_cascade_takes_the_metrics_using_it_offline_too(as_user, editor, online):
    response = as_user(editor).post(
        f"{METRICS}/app_open_cnt/lifecycle", {"lifecycle": "offline", "cascade": True}
    )

    assert response.status_code == 200, response.content
    assert response.json()["moved"] == ["app_open_cnt", "app_open_cnt__organic__30d"]
    assert response.json()["metric"]["lifecycle"] == "offline"
    assert set(Metric.objects.values_list("lifecycle", flat=True)) == {"offline"}


@pytest.mark.parametrize(
    ("path", "target_type", "metrics"),
    [
        pytest.param(
            f"{P}/events/App%20Opened",
            "event",
            ["app_open_cnt", "app_open_cnt__organic__30d"],
            id="event",
        ),
        pytest.param(
            f"{P}/properties/channel",
            "property",
            ["app_open_cnt__organic__30d"],
            id="property",
        ),
        pytest.param(
            f"{METRICS}/app_open_cnt",
            "metric",
            ["app_open_cnt__organic__30d"],
            id="metric",
        ),
    ],
)
def test_deleting_what_online_metrics_use_is_409_with_their_list(
    as_user, editor, online, path, target_type, metrics
):
    response = as_user(editor).delete(path)

    error = _error(response, 409)
    assert error["code"] == "used_by_online_metrics"
    assert error["details"]["target_type"] == target_type
    assert error["details"]["metrics"] == metrics
    assert Event.objects.filter(key="App Opened").exists()
    assert Property.objects.filter(key="channel").exists()
    assert Metric.objects.count() == 2


def test_event_only_draft_metrics_use_may_be_deleted(as_user, editor, stored):
    stored(PAY_AMOUNT)

    response = as_user(editor).delete(f"{P}/events/Order%20Completed")

    assert response.status_code == 204


# --------------------------------------------------------------------------------------------
# Filters and search
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"kind": "derived"}, ["app_open_cnt__organic__30d"], id="kind"),
        pytest.param({"lifecycle": "online"}, ["app_open_cnt"], id="lifecycle"),
        pytest.param({"aarrr_stage": "revenue"}, ["pay_amount"], id="aarrr-stage"),
        pytest.param({"category": "business"}, ["pay_amount"], id="category"),
        pytest.param({"owner": "qa"}, ["pay_amount"], id="owner"),
        pytest.param({"is_north_star": "true"}, ["app_open_cnt"], id="north-star"),
        pytest.param(
            {"search": "organic"}, ["app_open_cnt__organic__30d"], id="search-key"
        ),
        pytest.param({"search": "Revenue"}, ["pay_amount"], id="search-name"),
    ],
)
def test_metric_list_filters(as_user, viewer, stored, qa, query, expected):
    stored(APP_OPENS, lifecycle="online", is_north_star=True)
    stored(ORGANIC_30D)
    stored({**PAY_AMOUNT, "name_en": "Revenue"}, owner=qa)

    response = as_user(viewer).get(METRICS, query)

    assert [m["key"] for m in response.json()["results"]] == expected


# --------------------------------------------------------------------------------------------
# Query counts
# --------------------------------------------------------------------------------------------


def add_metrics(plan, owner, n: int) -> None:
    """`n` more metrics of the plan, each with a tag and a dependency row."""
    for _ in range(n):
        metric = MetricFactory(plan=plan, owner=owner, steward=owner)
        metric.tags.create(name=f"tag{metric.pk}")
        MetricDependency.objects.create(
            metric=metric, target_type="event", target_key="App Opened", role="base"
        )


def _queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(
    "path",
    [METRICS, f"{P}/events/App%20Opened/metrics", f"{P}/properties/channel/metrics"],
)
def test_metric_lists_cost_the_same_queries_for_one_row_or_many(
    as_user, editor, shop, path, django_assert_num_queries
):
    api = as_user(editor)
    add_metrics(shop, editor, 1)
    api.get(path)  # caches the caller's permissions on the user
    one = _queries(api, path)

    add_metrics(shop, editor, 9)

    with django_assert_num_queries(one):
        api.get(path)


# --------------------------------------------------------------------------------------------
# Who may call what
# --------------------------------------------------------------------------------------------

_USERS = {
    "outsider": "outsider",
    "qa": "qa",
    "engineer": "engineer",
    "approver": "approver",
    "editor": "editor",
    "plan_admin": "plan_admin",
    "superuser": "admin_user",
}


def caller(request, plan, role: str):
    """The user of a role in the permission tables, a member of the plan unless an outsider."""
    if role == "anonymous":
        return None
    user = request.getfixturevalue(_USERS[role])
    if role in {"qa", "engineer", "approver"}:
        member(user, plan)
    return user


def expected_status(role: str, call: Call) -> int:
    if role == "anonymous":
        return 401
    return call.success if role in ALLOWED[call.right] else 403


M = f"{METRICS}/app_open_cnt"
CALLS = {
    "list metrics": Call("get", METRICS, READ, 200),
    "read metric": Call("get", M, READ, 200),
    "add metric": Call("post", METRICS, WRITE, 201, PAY_AMOUNT),
    "edit metric": Call("patch", M, WRITE, 200, {"name_en": "App opens"}),
    "replace metric": Call("put", M, WRITE, 200, {**APP_OPENS, "name_en": "Opens"}),
    "delete metric": Call("delete", M, WRITE, 204),
    "metric lineage": Call("get", f"{M}/lineage", READ, 200),
    "metric lifecycle": Call(
        "post", f"{M}/lifecycle", WRITE, 200, {"lifecycle": "online"}
    ),
    "metrics on an event": Call("get", f"{P}/events/App%20Opened/metrics", READ, 200),
    "metrics on a property": Call("get", f"{P}/properties/channel/metrics", READ, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CALLS))
def test_role_gets_the_expected_status_on_metrics(
    request, api, plan, stored, name, role
):
    call = CALLS[name]
    stored(APP_OPENS)
    api.force_authenticate(caller(request, plan, role))

    response = getattr(api, call.method)(call.path, call.body)

    assert response.status_code == expected_status(role, call), response.content
