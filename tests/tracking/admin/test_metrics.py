"""The metric admin: a form per kind, checks on fields, panels, list filters, actions, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import (
    CommonPropertyFactory,
    EventFactory,
    EventPropertyFactory,
    ModifierFactory,
    PlanFactory,
    PropertyFactory,
    TimePeriodFactory,
)
from tracking.metrics.store import save_metric
from tracking.models import (
    Event,
    Metric,
    MetricDependency,
    Modifier,
    Property,
    TimePeriod,
)

ADD_URL = "/admin/tracking/metric/add/"
CHANGELIST_URL = "/admin/tracking/metric/"
CALIBER = "Every foreground start of the app, counted once per event."
APP_OPENS = {"event": "App Opened", "agg": "count"}
PAID = {"event": "Order Completed", "agg": "sum", "measure": "total"}


@pytest.fixture
def shop(db):
    """App Opened (channel) and Order Completed (total), user_id common, 30d and organic."""
    plan = PlanFactory(key="shop", name="Shop")
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
def make(shop, pm):
    def make(key: str, kind: str, definition: dict, **fields: Any) -> Metric:
        values = {"name_zh": key, "name_en": key, "caliber": CALIBER, **fields}
        values.setdefault("category", "traffic")
        metric = Metric(
            plan=shop, key=key, kind=kind, definition=definition, owner=pm, **values
        )
        save_metric(metric, by=pm)
        return metric

    return make


@pytest.fixture
def metrics(make):
    """One metric of each kind over the shop plan."""
    return {
        "atomic": make("app_open_cnt", "atomic", APP_OPENS),
        "atomic_sum": make("pay_amount", "atomic", PAID, category="business"),
        "derived": make(
            "app_open_cnt__organic__30d",
            "derived",
            {"base": "app_open_cnt", "modifiers": ["organic"], "period": "30d"},
            aarrr_stage="activation",
        ),
        "composite": make(
            "daily_organic_open__30d",
            "composite",
            {
                "form": "expression",
                "expr": "round(opens / 30)",
                "inputs": [{"alias": "opens", "metric": "app_open_cnt__organic__30d"}],
            },
            unit="ratio",
        ),
        "cumulative": make(
            "pay_amount__mtd",
            "cumulative",
            {"base": "pay_amount", "grain_to_date": "month", "period_agg": "last"},
            category="business",
            is_north_star=True,
        ),
        "conversion": make(
            "open_to_pay_cvr__7d",
            "conversion",
            {
                "entity": "user_id",
                "base": "app_open_cnt",
                "conversion": "app_open_cnt",
                "window": "7d",
                "calculation": "conversion_rate",
            },
            category="conversion",
            unit="ratio",
        ),
    }


def metric_form(plan_id: int, key: str, kind: str, **fields: Any) -> dict[str, Any]:
    """A metric add form's common fields; the kind's fields come in `fields`."""
    return {
        "plan": str(plan_id),
        "key": key,
        "name_zh": "近30天_自然流量_APP启动次数",
        "name_en": "Organic app opens, last 30 days",
        "kind": kind,
        "caliber": CALIBER,
        "unit": "count",
        "format": "integer",
        "direction": "higher",
        "category": "traffic",
        "aarrr_stage": "",
        "indicator_type": "",
        "composite_form": "ratio",
        **fields,
    }


@pytest.mark.parametrize(
    "kind", ["atomic", "derived", "composite", "cumulative", "conversion"]
)
def test_change_page_renders_each_kind_with_its_fields_filled_and_explained(
    pm_client, metrics, kind
):
    metric = metrics[kind]

    response = pm_client.get(f"{CHANGELIST_URL}{metric.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "metric-explanation-zh" in page
    assert "metric-kind-conversion" in page
    assert "tracking/js/metric_form.js" in page


def test_derived_change_page_prefills_base_period_and_qualifier(pm_client, metrics):
    form = (
        pm_client.get(f"{CHANGELIST_URL}{metrics['derived'].pk}/change/")
        .context["adminform"]
        .form
    )

    assert form["derived_base"].value() == "app_open_cnt"
    assert form["derived_period"].value() == "30d"
    assert form["derived_modifiers"].value() == ["organic"]


def test_add_page_offers_only_the_chosen_plans_events_and_metrics(pm_client, metrics):
    other = PlanFactory(key="other")
    EventFactory(plan=other, key="Elsewhere Happened")

    response = pm_client.get(f"{ADD_URL}?plan={metrics['atomic'].plan_id}")

    form = response.context["adminform"].form
    assert [k for k, _label in form.fields["atomic_event"].choices] == [
        "",
        "App Opened",
        "Order Completed",
    ]
    assert "app_open_cnt" in dict(form.fields["derived_base"].choices)


def test_pm_creates_a_derived_metric_through_the_form(pm_client, pm, shop, metrics):
    response = pm_client.post(
        ADD_URL,
        metric_form(
            shop.pk,
            "app_open_cnt__organic__7d",
            "derived",
            derived_base="app_open_cnt",
            derived_period="30d",
            derived_modifiers=["organic"],
            derived_group_by=["channel"],
            owner=str(pm.pk),
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    metric = Metric.objects.get(plan=shop, key="app_open_cnt__organic__7d")
    assert metric.definition == {
        "base": "app_open_cnt",
        "modifiers": ["organic"],
        "period": "30d",
        "group_by": ["channel"],
    }
    assert sorted(
        MetricDependency.objects.filter(metric=metric).values_list(
            "target_type", "target_key", "role"
        )
    ) == [
        ("metric", "app_open_cnt", "base"),
        ("modifier", "organic", "filter"),
        ("period", "30d", "period"),
        ("property", "channel", "dimension"),
    ]
    assert metric.revision == 1


def test_pm_creates_a_ratio_and_an_expression_with_offset(pm_client, pm, shop, metrics):
    ratio = metric_form(
        shop.pk,
        "organic_share__30d",
        "composite",
        composite_numerator="app_open_cnt__organic__30d",
        composite_denominator="app_open_cnt__organic__30d",
        composite_on_zero_denominator="null",
        composite_expr="ignored / 1",
        unit="ratio",
        owner=str(pm.pk),
    )
    expression = metric_form(
        shop.pk,
        "organic_open__30d__change",
        "composite",
        composite_form="expression",
        composite_expr="cur / nullif(prev, 0) - 1",
        composite_inputs="cur = app_open_cnt__organic__30d\n"
        "prev = app_open_cnt__organic__30d offset 30d",
        unit="ratio",
        owner=str(pm.pk),
    )

    for data in (ratio, expression):
        response = pm_client.post(ADD_URL, data)
        assert response.status_code == 302, response.context["adminform"].form.errors

    assert Metric.objects.get(key="organic_share__30d").definition == {
        "form": "ratio",
        "numerator": "app_open_cnt__organic__30d",
        "denominator": "app_open_cnt__organic__30d",
        "on_zero_denominator": "null",
    }
    assert Metric.objects.get(key="organic_open__30d__change").definition == {
        "form": "expression",
        "expr": "cur / nullif(prev, 0) - 1",
        "inputs": [
            {"alias": "cur", "metric": "app_open_cnt__organic__30d"},
            {"alias": "prev", "metric": "app_open_cnt__organic__30d", "offset": "30d"},
        ],
    }


@pytest.mark.parametrize(
    ("kind", "fields", "field", "fragment"),
    [
        pytest.param(
            "derived",
            {"derived_base": "app_open_cnt"},
            "derived_period",
            "period",
            id="derived-without-period",
        ),
        pytest.param(
            "derived",
            {"derived_base": "app_open_cnt__organic__30d", "derived_period": "30d"},
            "derived_base",
            "atomic",
            id="derived-over-a-derived-metric",
        ),
        pytest.param(
            "atomic",
            {"atomic_event": "App Opened", "atomic_agg": "sum"},
            "atomic_measure",
            "measure",
            id="sum-without-measure",
        ),
        pytest.param(
            "composite",
            {"composite_numerator": "app_open_cnt"},
            "composite_denominator",
            "denominator",
            id="ratio-without-denominator",
        ),
        pytest.param(
            "composite",
            {
                "composite_form": "expression",
                "composite_expr": "__import__('os')",
                "composite_inputs": "a = app_open_cnt",
            },
            "composite_expr",
            "",
            id="formula-outside-the-grammar",
        ),
        pytest.param(
            "composite",
            {
                "composite_form": "expression",
                "composite_expr": "a + 1",
                "composite_inputs": "a app_open_cnt",
            },
            "composite_inputs",
            "Line 1",
            id="input-line-without-alias",
        ),
    ],
)
def test_invalid_definition_shows_the_error_on_its_field(
    pm_client, shop, metrics, kind, fields, field, fragment
):
    response = pm_client.post(
        ADD_URL, metric_form(shop.pk, "broken_metric", kind, **fields)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert fragment in " ".join(errors[field])
    assert not Metric.objects.filter(key="broken_metric").exists()


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        pytest.param("kind__exact=derived", ["app_open_cnt__organic__30d"], id="kind"),
        pytest.param(
            "aarrr_stage__exact=activation",
            ["app_open_cnt__organic__30d"],
            id="aarrr-stage",
        ),
        pytest.param("is_north_star__exact=1", ["pay_amount__mtd"], id="north-star"),
        pytest.param("lifecycle__exact=online", ["app_open_cnt"], id="lifecycle"),
        pytest.param("q=pay_amount", ["pay_amount", "pay_amount__mtd"], id="search"),
    ],
)
def test_list_filters(pm_client, metrics, query, keys):
    metrics["atomic"].lifecycle = "online"
    save_metric(metrics["atomic"])

    response = pm_client.get(f"{CHANGELIST_URL}?{query}")

    assert sorted(m.key for m in response.context["cl"].result_list) == keys


def test_list_filters_by_owner(pm_client, pm, metrics):
    response = pm_client.get(f"{CHANGELIST_URL}?owner__id__exact={pm.pk}")

    assert len(response.context["cl"].result_list) == len(metrics)


def test_online_action_refuses_with_a_message_when_a_dependency_is_draft(
    pm_client, metrics
):
    derived = metrics["derived"]

    response = pm_client.post(
        CHANGELIST_URL,
        {"action": "set_online", "_selected_action": [str(derived.pk)]},
        follow=True,
    )

    derived.refresh_from_db()
    assert derived.lifecycle == "draft"
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("app_open_cnt__organic__30d: ")


def test_offline_action_refuses_while_online_metrics_use_it(pm_client, metrics):
    for metric in (metrics["atomic"], metrics["derived"]):
        metric.lifecycle = "online"
        save_metric(metric)

    response = pm_client.post(
        CHANGELIST_URL,
        {"action": "set_offline", "_selected_action": [str(metrics["atomic"].pk)]},
        follow=True,
    )

    assert Metric.objects.get(key="app_open_cnt").lifecycle == "online"
    [message] = [str(m) for m in response.context["messages"]]
    assert "app_open_cnt__organic__30d" in message


def test_certify_action_records_who_certified(pm_client, pm, metrics):
    pm_client.post(
        CHANGELIST_URL,
        {"action": "mark_certified", "_selected_action": [str(metrics["atomic"].pk)]},
    )

    metric = Metric.objects.get(key="app_open_cnt")
    assert (metric.certification, metric.certified_by) == ("certified", pm)


def test_certify_action_refuses_deprecated_metrics_by_name(pm_client, pm, metrics):
    Metric.objects.filter(key="pay_amount").update(lifecycle="deprecated")
    chosen = [str(metrics[name].pk) for name in ("atomic", "atomic_sum")]

    response = pm_client.post(
        CHANGELIST_URL,
        {"action": "mark_certified", "_selected_action": chosen},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Certified: app_open_cnt",
        "“pay_amount” is deprecated: its certification can be withdrawn, not given.",
    ]
    levels = dict(Metric.objects.values_list("key", "certification"))
    assert (levels["app_open_cnt"], levels["pay_amount"]) == ("certified", "none")


@pytest.fixture
def online(metrics):
    metrics["atomic"].lifecycle = "online"
    save_metric(metrics["atomic"])
    return metrics["atomic"]


@pytest.fixture
def deleter(pm_client, pm):
    pm.user_permissions.add(
        *pm.user_permissions.model.objects.filter(
            codename__in=["delete_event", "delete_property", "delete_metric"]
        )
    )
    return pm_client


def test_deleting_an_event_online_metrics_use_shows_the_refusal(deleter, shop, online):
    event = Event.objects.get(plan=shop, key="App Opened")

    response = deleter.post(
        f"/admin/tracking/event/{event.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("“App Opened” cannot be deleted: online metrics use it")
    assert "app_open_cnt" in message
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.fixture
def organic_30d_online(make):
    make("app_open_cnt", "atomic", APP_OPENS, lifecycle="online")
    return make(
        "app_open_cnt__organic__30d",
        "derived",
        {"base": "app_open_cnt", "modifiers": ["organic"], "period": "30d"},
        lifecycle="online",
    )


@pytest.mark.parametrize(
    ("model", "key"),
    [
        pytest.param("modifier", "organic", id="qualifier"),
        pytest.param("timeperiod", "30d", id="period"),
    ],
)
def test_deleting_a_glossary_row_online_metrics_use_shows_the_refusal(
    deleter, pm, shop, organic_30d_online, model, key
):
    # Regression: the API refused these deletes (409) but the admin let them through,
    # leaving online metrics pointing at nothing.
    pm.user_permissions.add(
        *pm.user_permissions.model.objects.filter(codename=f"delete_{model}")
    )
    row = {"modifier": Modifier, "timeperiod": TimePeriod}[model].objects.get(
        plan=shop, key=key
    )

    response = deleter.post(
        f"/admin/tracking/{model}/{row.pk}/delete/", {"post": "yes"}, follow=True
    )
    bulk = deleter.post(
        f"/admin/tracking/{model}/",
        {"action": "delete_selected", "_selected_action": [str(row.pk)]},
        follow=True,
    )

    for answer in (response, bulk):
        [message] = [str(m) for m in answer.context["messages"]]
        assert message.startswith(f"“{key}” cannot be deleted: online metrics use it")
        assert "app_open_cnt__organic__30d" in message
    assert type(row).objects.filter(pk=row.pk).exists()


def test_a_glossary_row_no_online_metric_uses_is_deleted(deleter, pm, shop, make):
    make("app_open_cnt", "atomic", APP_OPENS)
    make(
        "app_open_cnt__organic__30d",
        "derived",
        {"base": "app_open_cnt", "modifiers": ["organic"], "period": "30d"},
    )
    pm.user_permissions.add(
        *pm.user_permissions.model.objects.filter(codename="delete_modifier")
    )
    row = Modifier.objects.get(plan=shop, key="organic")

    deleter.post(f"/admin/tracking/modifier/{row.pk}/delete/", {"post": "yes"})

    assert not Modifier.objects.filter(pk=row.pk).exists()


def test_bulk_deleting_a_used_property_shows_the_refusal(deleter, shop, make):
    make("pay_amount_live", "atomic", PAID, lifecycle="online")
    total = Property.objects.get(plan=shop, key="total")

    response = deleter.post(
        "/admin/tracking/property/",
        {"action": "delete_selected", "_selected_action": [str(total.pk)]},
        follow=True,
    )

    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("“total” cannot be deleted")
    assert Property.objects.filter(pk=total.pk).exists()


def test_deprecating_a_used_event_in_its_form_is_refused_on_the_status(
    pm_client, shop, online
):
    event = Event.objects.get(plan=shop, key="App Opened")
    page = pm_client.get(f"/admin/tracking/event/{event.pk}/change/")
    data = {
        k: v for k, v in page.context["adminform"].form.initial.items() if v is not None
    }

    form = (
        pm_client.post(
            f"/admin/tracking/event/{event.pk}/change/",
            {
                "key": event.key,
                "display_name": event.display_name,
                "status": "deprecated",
                "owner": "",
                "trigger": "",
                "description": "",
                "tracked_on": data.get("tracked_on", "client"),
                "category": "",
                "attachments-TOTAL_FORMS": "0",
                "attachments-INITIAL_FORMS": "0",
                "attachments-MIN_NUM_FORMS": "0",
                "attachments-MAX_NUM_FORMS": "1000",
            },
        )
        .context["adminform"]
        .form
    )

    assert "cannot be deprecated" in form.errors["status"][0]


def test_deprecate_action_skips_used_events_with_a_message(pm_client, shop, online):
    event = Event.objects.get(plan=shop, key="App Opened")

    response = pm_client.post(
        "/admin/tracking/event/",
        {"action": "deprecate_events", "_selected_action": [str(event.pk)]},
        follow=True,
    )

    event.refresh_from_db()
    assert event.status != "deprecated"
    [message] = [str(m) for m in response.context["messages"]]
    assert "cannot be deprecated" in message


def test_event_and_property_pages_list_the_metrics_using_them(pm_client, shop, metrics):
    event = Event.objects.get(plan=shop, key="Order Completed")
    total = Property.objects.get(plan=shop, key="total")

    for url in (
        f"/admin/tracking/event/{event.pk}/change/",
        f"/admin/tracking/property/{total.pk}/change/",
    ):
        page = pm_client.get(url).content.decode()
        assert ">pay_amount</a>" in page
        assert ">pay_amount__mtd</a>" in page


def test_add_page_without_a_plan_renders_with_empty_choices(pm_client, metrics):
    response = pm_client.get(ADD_URL)

    assert response.status_code == 200
    assert response.context["adminform"].form.fields["derived_base"].choices == [
        ("", "—")
    ]


def test_saving_shows_the_cores_warnings_as_messages(pm_client, pm, shop, metrics):
    response = pm_client.post(
        ADD_URL,
        metric_form(
            shop.pk,
            "app_open_cnt__organic__30d__by_user",
            "derived",
            derived_base="app_open_cnt",
            derived_period="30d",
            derived_modifiers=["organic"],
            derived_group_by=["user_id"],
            owner=str(pm.pk),
        ),
        follow=True,
    )

    levels = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [tag for tag, _text in levels] == ["warning", "success"]
    assert "user_id" in levels[0][1]


def test_qualifier_over_an_unknown_property_is_refused_on_its_predicate(
    pm_client, shop
):
    response = pm_client.post(
        "/admin/tracking/modifier/add/",
        {
            "plan": str(shop.pk),
            "key": "vip",
            "name_zh": "会员",
            "name_en": "members",
            "modifier_type": "user_segment",
            "predicate": '{"prop": "membership", "op": "eq", "value": "vip"}',
            "term": "",
        },
    )

    assert response.status_code == 200
    assert "membership" in response.context["adminform"].form.errors["predicate"][0]


@pytest.mark.parametrize("model", ["glossaryterm", "modifier", "timeperiod"])
def test_glossary_pages_render(pm_client, shop, model):
    assert pm_client.get(f"/admin/tracking/{model}/").status_code == 200
    assert pm_client.get(f"/admin/tracking/{model}/add/").status_code == 200


def test_deleting_an_object_whose_nested_field_is_used_shows_the_refusal(
    deleter, shop, make
):
    region = PropertyFactory(plan=shop, key="shipping_region", type="object")
    PropertyFactory(plan=shop, parent=region, key="province", enum=["浙江省", "广东省"])
    EventPropertyFactory(
        event=Event.objects.get(plan=shop, key="Order Completed"), property=region
    )
    make("pay_amount", "atomic", PAID, lifecycle="online")
    make(
        "pay_amount__30d",
        "derived",
        {
            "base": "pay_amount",
            "period": "30d",
            "group_by": ["shipping_region.province"],
        },
        lifecycle="online",
    )

    response = deleter.post(
        f"/admin/tracking/property/{region.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert "pay_amount__30d" in message
    assert Property.objects.filter(plan=shop, key="province").exists()


def test_offline_with_cascade_takes_the_online_users_along(pm_client, metrics):
    for metric in (metrics["atomic"], metrics["derived"]):
        metric.lifecycle = "online"
        save_metric(metric)

    response = pm_client.post(
        CHANGELIST_URL,
        {
            "action": "set_offline_cascade",
            "_selected_action": [str(metrics["atomic"].pk)],
        },
        follow=True,
    )

    assert sorted(
        Metric.objects.filter(lifecycle="offline").values_list("key", flat=True)
    ) == ["app_open_cnt", "app_open_cnt__organic__30d"]
    [message] = [str(m) for m in response.context["messages"]]
    assert message == "Moved to Offline: app_open_cnt, app_open_cnt__organic__30d"


def resubmitted(form) -> dict[str, Any]:
    """The POST body of a change form submitted as shown, unchanged."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None or value is False:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is True:
            data[name] = "on"
        else:
            data[name] = field.prepare_value(value)
    return data


@pytest.mark.parametrize(
    "kind", ["atomic", "derived", "composite", "cumulative", "conversion"]
)
def test_saving_a_change_form_unchanged_keeps_the_definition_and_revision(
    pm_client, metrics, kind
):
    metric = metrics[kind]
    url = f"{CHANGELIST_URL}{metric.pk}/change/"
    form = pm_client.get(url).context["adminform"].form

    response = pm_client.post(url, resubmitted(form))

    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Metric.objects.get(pk=metric.pk)
    assert (saved.definition, saved.revision) == (metric.definition, metric.revision)
