"""The demo plan's metrics and their glossary (terms, qualifiers, periods), as data, and their loader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import models

from tracking.metrics.store import save_metric
from tracking.models import (
    GlossaryTerm,
    Metric,
    Modifier,
    TimePeriod,
    TrackingPlan,
)
from tracking.snapshot import PlanSnapshot, take_snapshot

PM = "demo-pm"
ENGINEER = "demo-engineer"

TRAFFIC, CONVERSION, BUSINESS = "traffic", "conversion", "business"
ACQUISITION, ACTIVATION, RETENTION, REVENUE, REFERRAL = (
    "acquisition",
    "activation",
    "retention",
    "revenue",
    "referral",
)
ONLINE, DRAFT = "online", "draft"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoTerm:
    key: str
    name_zh: str
    name_en: str
    definition_text: str
    predicate: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoModifier:
    key: str
    name_zh: str
    name_en: str
    modifier_type: str
    predicate: dict[str, Any] | None = None
    term: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoPeriod:
    key: str
    name_zh: str
    name_en: str
    kind: str
    n: int | None = None
    unit: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoMetric:
    """A metric of the demo; listed so that every metric comes after what it uses."""

    key: str
    kind: str
    definition: dict[str, Any]
    name_zh: str
    name_en: str
    caliber: str
    category: str
    aarrr_stage: str
    unit: str = "count"
    format: str = "integer"
    direction: str = "higher"
    owner: str = PM
    data_domain: str = ""
    business_process: str = ""
    is_north_star: bool = False
    indicator_type: str = ""
    drives: str | None = None
    lifecycle: str = ONLINE


TERMS = (
    DemoTerm(
        key="active_user",
        name_zh="活跃用户",
        name_en="Active user",
        definition_text=(
            "统计周期内至少有一次 App Opened（冷启动，或离开后台超过 30 秒回到前台）且已登录"
            "（带 user_id）的用户；只在后台运行、仅收到推送或未登录的设备不算活跃。"
            " / A signed-in user (user_id present) who brought the app to the foreground at "
            "least once in the period; background-only sessions, pushes and signed-out "
            "devices do not count."
        ),
        predicate={"prop": "user_id", "op": "is_not_null"},
    ),
    DemoTerm(
        key="new_user",
        name_zh="新用户",
        name_en="New user",
        definition_text=(
            "首次启动日期（first_open_date）落在统计周期内的设备/用户。"
            " / A device or user whose first app start falls inside the metric's period."
        ),
        predicate={"prop": "first_open_date", "op": "in_period"},
    ),
    DemoTerm(
        key="paying_user",
        name_zh="付费用户",
        name_en="Paying user",
        definition_text=(
            "统计周期内至少有一笔已支付订单（Order Completed，实付金额大于 0）的用户。"
            " / A user with at least one paid order (Order Completed, total above zero) in "
            "the period."
        ),
        predicate={"prop": "total", "op": "gt", "value": 0},
    ),
)

MODIFIERS = (
    DemoModifier(
        key="active_user",
        name_zh="活跃用户",
        name_en="Active users",
        modifier_type="user_segment",
        term="active_user",
    ),
    DemoModifier(
        key="new_user",
        name_zh="新用户",
        name_en="New users",
        modifier_type="user_segment",
        term="new_user",
    ),
    DemoModifier(
        key="paying_user",
        name_zh="付费用户",
        name_en="Paying users",
        modifier_type="user_segment",
        term="paying_user",
    ),
    DemoModifier(
        key="organic",
        name_zh="自然流量",
        name_en="Organic channels",
        modifier_type="channel",
        predicate={"prop": "channel", "op": "in", "value": ["organic", "seo"]},
    ),
    DemoModifier(
        key="paid_channel",
        name_zh="付费渠道",
        name_en="Paid channels",
        modifier_type="channel",
        predicate={"prop": "channel", "op": "eq", "value": "paid"},
    ),
)

PERIODS = (
    DemoPeriod(
        key="1d", name_zh="近1天", name_en="Last day", kind="trailing", n=1, unit="day"
    ),
    DemoPeriod(
        key="7d",
        name_zh="近7天",
        name_en="Last 7 days",
        kind="trailing",
        n=7,
        unit="day",
    ),
    DemoPeriod(
        key="30d",
        name_zh="近30天",
        name_en="Last 30 days",
        kind="trailing",
        n=30,
        unit="day",
    ),
    DemoPeriod(
        key="mtd",
        name_zh="本月至今",
        name_en="Month to date",
        kind="to_date",
        unit="month",
    ),
)


def _atomic(event: str, agg: str, **more: str) -> dict[str, Any]:
    return {"event": event, "agg": agg, **more}


def _derived(base: str, period: str, *modifiers: str, **more: Any) -> dict[str, Any]:
    return {"base": base, "modifiers": sorted(modifiers), "period": period, **more}


_BY_USER = {"distinct_on": "user_id"}

METRICS = (
    # Atomic metrics (原子指标): one event, one aggregation.
    DemoMetric(
        key="app_open_cnt",
        kind="atomic",
        definition=_atomic("App Opened", "count"),
        name_zh="APP启动次数",
        name_en="App opens",
        caliber="Every App Opened event: each cold start and each return from the background "
        "after more than 30 seconds.",
        category=TRAFFIC,
        aarrr_stage=ACTIVATION,
        data_domain="traffic",
        business_process="app_open",
    ),
    DemoMetric(
        key="app_opener_uv",
        kind="atomic",
        definition=_atomic("App Opened", "count_distinct", **_BY_USER),
        name_zh="APP启动用户数",
        name_en="App openers",
        caliber="Distinct user_id values among App Opened events; signed-out opens carry no "
        "user_id and are not counted.",
        unit="users",
        category=TRAFFIC,
        aarrr_stage=ACTIVATION,
        data_domain="traffic",
        business_process="app_open",
    ),
    DemoMetric(
        key="install_cnt",
        kind="atomic",
        definition=_atomic("App Installed", "count"),
        name_zh="APP安装数",
        name_en="App installs",
        caliber="App Installed events: the first cold start after an install; a reinstall "
        "counts again.",
        category=TRAFFIC,
        aarrr_stage=ACQUISITION,
        owner=ENGINEER,
        data_domain="traffic",
        business_process="install",
    ),
    DemoMetric(
        key="acquisition_cost",
        kind="atomic",
        definition=_atomic("App Installed", "sum", measure="acquisition_cost"),
        name_zh="获客花费",
        name_en="Acquisition cost",
        caliber="Sum of acquisition_cost on App Installed: what the ad network charged for "
        "each attributed install, in yuan; organic installs cost 0.",
        unit="CNY",
        format="currency",
        direction="lower",
        category=BUSINESS,
        aarrr_stage=ACQUISITION,
        data_domain="marketing",
        business_process="install",
    ),
    DemoMetric(
        key="signup_uv",
        kind="atomic",
        definition=_atomic("Signed Up", "count_distinct", **_BY_USER),
        name_zh="注册用户数",
        name_en="Sign-ups",
        caliber="Distinct accounts created, as the account service reports Signed Up after "
        "verification; retried requests count once.",
        unit="users",
        category=CONVERSION,
        aarrr_stage=ACQUISITION,
        data_domain="user",
        business_process="signup",
    ),
    DemoMetric(
        key="pdp_view_cnt",
        kind="atomic",
        definition=_atomic("Product Viewed", "count"),
        name_zh="商品详情浏览次数",
        name_en="Product detail views",
        caliber="Product Viewed events: one per visit to a product detail page once price "
        "and stock have loaded.",
        category=TRAFFIC,
        aarrr_stage=ACTIVATION,
        data_domain="trade",
        business_process="product_view",
    ),
    DemoMetric(
        key="pdp_viewer_uv",
        kind="atomic",
        definition=_atomic("Product Viewed", "count_distinct", **_BY_USER),
        name_zh="商品详情浏览用户数",
        name_en="Product detail viewers",
        caliber="Distinct signed-in users (user_id) with at least one Product Viewed event.",
        unit="users",
        category=TRAFFIC,
        aarrr_stage=ACTIVATION,
        data_domain="trade",
        business_process="product_view",
    ),
    DemoMetric(
        key="order_paid_cnt",
        kind="atomic",
        definition=_atomic("Order Completed", "count"),
        name_zh="支付订单数",
        name_en="Paid orders",
        caliber="Orders the payment service marked paid (Order Completed, sent by the server "
        "once per order).",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="buyer_uv",
        kind="atomic",
        definition=_atomic("Order Completed", "count_distinct", **_BY_USER),
        name_zh="支付用户数",
        name_en="Buyers",
        caliber="Distinct user_id values among Order Completed events: people who paid for "
        "at least one order.",
        unit="users",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="pay_amount",
        kind="atomic",
        definition=_atomic("Order Completed", "sum", measure="total"),
        name_zh="支付金额",
        name_en="Payment amount (GMV)",
        caliber="Sum of total on Order Completed: what buyers paid after discounts, "
        "shipping included, in yuan; refunds are not deducted.",
        unit="CNY",
        format="currency",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="refund_amount",
        kind="atomic",
        definition=_atomic("Order Refunded", "sum", measure="refund_amount"),
        name_zh="退款金额",
        name_en="Refund amount",
        caliber="Sum of refund_amount on Order Refunded: money the refund provider confirmed "
        "returned to buyers, in yuan.",
        unit="CNY",
        format="currency",
        direction="lower",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        owner=ENGINEER,
        data_domain="trade",
        business_process="refund",
    ),
    DemoMetric(
        key="invite_accepted_cnt",
        kind="atomic",
        definition=_atomic("Invite Accepted", "count"),
        name_zh="邀请接受数",
        name_en="Invites accepted",
        caliber="Invite Accepted events: an invited person accepted an invitation from an "
        "existing user.",
        category=CONVERSION,
        aarrr_stage=REFERRAL,
        data_domain="user",
        business_process="referral",
    ),
    DemoMetric(
        key="share_cnt",
        kind="atomic",
        definition=_atomic("Share Clicked", "count"),
        name_zh="分享次数",
        name_en="Shares",
        caliber="Share Clicked events: taps on a share target, whether or not the share was "
        "completed.",
        category=TRAFFIC,
        aarrr_stage=REFERRAL,
        lifecycle=DRAFT,
        data_domain="user",
        business_process="referral",
    ),
    # Derived metrics (派生指标): atomic + period + qualifiers.
    DemoMetric(
        key="app_opener_uv__active_user__1d",
        kind="derived",
        definition=_derived(
            "app_opener_uv", "1d", "active_user", group_by=["platform"]
        ),
        name_zh="日活跃用户数 (DAU)",
        name_en="Daily active users (DAU)",
        caliber="Active users (see the glossary term “active user”) of the last complete "
        "day, Beijing time, by platform.",
        unit="users",
        category=TRAFFIC,
        aarrr_stage=ACTIVATION,
        indicator_type="leading",
        data_domain="traffic",
        business_process="app_open",
    ),
    DemoMetric(
        key="app_opener_uv__active_user__30d",
        kind="derived",
        definition=_derived("app_opener_uv", "30d", "active_user"),
        name_zh="月活跃用户数 (MAU)",
        name_en="Monthly active users (MAU)",
        caliber="Active users (see the glossary term “active user”) of the last 30 complete "
        "days, each counted once.",
        unit="users",
        category=TRAFFIC,
        aarrr_stage=RETENTION,
        data_domain="traffic",
        business_process="app_open",
    ),
    DemoMetric(
        key="app_opener_uv__new_user__1d",
        kind="derived",
        definition=_derived("app_opener_uv", "1d", "new_user"),
        name_zh="日新增活跃用户数",
        name_en="Daily new active users",
        caliber="Users who opened the app on the last complete day and whose first app "
        "start fell on that day.",
        unit="users",
        category=TRAFFIC,
        aarrr_stage=ACQUISITION,
        data_domain="traffic",
        business_process="app_open",
    ),
    DemoMetric(
        key="pdp_viewer_uv__1d",
        kind="derived",
        definition=_derived("pdp_viewer_uv", "1d"),
        name_zh="日商品详情浏览用户数",
        name_en="Daily product detail viewers",
        caliber="Signed-in users who viewed at least one product detail page on the last "
        "complete day.",
        unit="users",
        category=TRAFFIC,
        aarrr_stage=ACTIVATION,
        data_domain="trade",
        business_process="product_view",
    ),
    DemoMetric(
        key="buyer_uv__1d",
        kind="derived",
        definition=_derived("buyer_uv", "1d"),
        name_zh="日支付用户数",
        name_en="Daily buyers",
        caliber="Users who paid for at least one order on the last complete day.",
        unit="users",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="order_paid_cnt__1d",
        kind="derived",
        definition=_derived("order_paid_cnt", "1d"),
        name_zh="日支付订单数",
        name_en="Daily paid orders",
        caliber="Orders marked paid by the payment service on the last complete day.",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="pay_amount__1d",
        kind="derived",
        definition=_derived("pay_amount", "1d"),
        name_zh="日支付金额 (GMV)",
        name_en="Daily payment amount (GMV)",
        caliber="What buyers paid on the last complete day, Beijing time, after discounts "
        "and before refunds, in yuan. The shop's north-star metric.",
        unit="CNY",
        format="currency",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        is_north_star=True,
        indicator_type="lagging",
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="pay_amount__paid_channel__30d",
        kind="derived",
        definition=_derived("pay_amount", "30d", "paid_channel", group_by=["channel"]),
        name_zh="近30天_付费渠道_支付金额",
        name_en="Paid-channel payment amount, last 30 days",
        caliber="What buyers attributed to a paid channel paid in the last 30 complete days, "
        "in yuan, by channel.",
        unit="CNY",
        format="currency",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        data_domain="marketing",
        business_process="payment",
    ),
    DemoMetric(
        key="pay_amount__organic__30d",
        kind="derived",
        definition=_derived("pay_amount", "30d", "organic"),
        name_zh="近30天_自然流量_支付金额",
        name_en="Organic payment amount, last 30 days",
        caliber="What buyers from organic channels (organic, seo) paid in the last 30 "
        "complete days, in yuan.",
        unit="CNY",
        format="currency",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        lifecycle=DRAFT,
        data_domain="marketing",
        business_process="payment",
    ),
    DemoMetric(
        key="acquisition_cost__30d",
        kind="derived",
        definition=_derived("acquisition_cost", "30d", group_by=["channel"]),
        name_zh="近30天_获客花费",
        name_en="Acquisition cost, last 30 days",
        caliber="What ad networks charged for attributed installs in the last 30 complete "
        "days, in yuan, by channel.",
        unit="CNY",
        format="currency",
        direction="lower",
        category=BUSINESS,
        aarrr_stage=ACQUISITION,
        data_domain="marketing",
        business_process="install",
    ),
    DemoMetric(
        key="invite_accepted_cnt__7d",
        kind="derived",
        definition=_derived("invite_accepted_cnt", "7d"),
        name_zh="近7天_邀请接受数",
        name_en="Invites accepted, last 7 days",
        caliber="Invitations accepted in the last 7 complete days, Beijing time.",
        category=CONVERSION,
        aarrr_stage=REFERRAL,
        data_domain="user",
        business_process="referral",
    ),
    # Composite metrics (复合指标): arithmetic over metrics.
    DemoMetric(
        key="purchase_cvr__1d",
        kind="composite",
        definition={
            "form": "ratio",
            "numerator": "buyer_uv__1d",
            "denominator": "pdp_viewer_uv__1d",
            "on_zero_denominator": "null",
        },
        name_zh="日购买转化率",
        name_en="Daily purchase conversion rate",
        caliber="Daily buyers divided by daily product detail viewers; empty on a day "
        "without viewers.",
        unit="ratio",
        format="percent",
        category=CONVERSION,
        aarrr_stage=ACTIVATION,
        indicator_type="leading",
        drives="pay_amount__1d",
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="avg_order_value__1d",
        kind="composite",
        definition={
            "form": "ratio",
            "numerator": "pay_amount__1d",
            "denominator": "order_paid_cnt__1d",
            "on_zero_denominator": "null",
        },
        name_zh="日客单价",
        name_en="Daily average order value",
        caliber="Daily payment amount divided by daily paid orders, in yuan per order; empty "
        "on a day without orders.",
        unit="CNY",
        format="currency",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="channel_roi__30d",
        kind="composite",
        definition={
            "form": "expression",
            "expr": "(rev - spend) / nullif(spend, 0)",
            "inputs": [
                {"alias": "rev", "metric": "pay_amount__paid_channel__30d"},
                {"alias": "spend", "metric": "acquisition_cost__30d"},
            ],
            "group_by": ["channel"],
        },
        name_zh="渠道ROI",
        name_en="Channel ROI",
        caliber="(Paid-channel payment amount − acquisition cost) ÷ acquisition cost over the "
        "last 30 days, by channel; empty for a channel that cost nothing.",
        unit="ratio",
        format="decimal",
        category=BUSINESS,
        aarrr_stage=ACQUISITION,
        data_domain="marketing",
        business_process="payment",
    ),
    DemoMetric(
        key="dau__wow_change",
        kind="composite",
        definition={
            "form": "expression",
            "expr": "cur / nullif(prev, 0) - 1",
            "inputs": [
                {"alias": "cur", "metric": "app_opener_uv__active_user__1d"},
                {
                    "alias": "prev",
                    "metric": "app_opener_uv__active_user__1d",
                    "offset": "7d",
                },
            ],
        },
        name_zh="日活周环比",
        name_en="DAU, week-over-week change",
        caliber="DAU of the last complete day against the same weekday a week earlier, as a "
        "relative change.",
        unit="percent",
        format="percent",
        category=TRAFFIC,
        aarrr_stage=ACTIVATION,
        lifecycle=DRAFT,
        data_domain="traffic",
        business_process="app_open",
    ),
    # Cumulative (累计) and conversion (转化) metrics.
    DemoMetric(
        key="pay_amount__mtd",
        kind="cumulative",
        definition={
            "base": "pay_amount",
            "grain_to_date": "month",
            "period_agg": "last",
        },
        name_zh="本月累计支付金额",
        name_en="Payment amount, month to date",
        caliber="What buyers paid from the first of the month up to the end of the last "
        "complete day, in yuan.",
        unit="CNY",
        format="currency",
        category=BUSINESS,
        aarrr_stage=REVENUE,
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="pdp_to_pay_cvr__7d",
        kind="conversion",
        definition={
            "entity": "user_id",
            "base": "pdp_view_cnt",
            "conversion": "order_paid_cnt",
            "window": "7d",
            "calculation": "conversion_rate",
        },
        name_zh="商品浏览到支付转化率 (7天)",
        name_en="Product view to paid order conversion, 7 days",
        caliber="Share of users who viewed a product detail page and paid an order within 7 "
        "days after that view; each user counted once.",
        unit="ratio",
        format="percent",
        category=CONVERSION,
        aarrr_stage=ACTIVATION,
        data_domain="trade",
        business_process="payment",
    ),
    DemoMetric(
        key="install_to_open_retention__7d",
        kind="conversion",
        definition={
            "entity": "device_id",
            "base": "install_cnt",
            "conversion": "app_open_cnt",
            "window": "7d",
            "calculation": "conversion_rate",
        },
        name_zh="新装设备7日留存率",
        name_en="7-day retention of new installs",
        caliber="Share of devices installed in the period that opened the app again within 7 "
        "days after the install; each device counted once.",
        unit="ratio",
        format="percent",
        category=CONVERSION,
        aarrr_stage=RETENTION,
        indicator_type="leading",
        data_domain="traffic",
        business_process="app_open",
    ),
    DemoMetric(
        key="signup_to_pay_cvr__30d",
        kind="conversion",
        definition={
            "entity": "user_id",
            "base": "signup_uv",
            "conversion": "order_paid_cnt",
            "window": "30d",
            "calculation": "conversion_rate",
        },
        name_zh="注册到首单转化率 (30天)",
        name_en="Sign-up to paid order conversion, 30 days",
        caliber="Share of new accounts that paid an order within 30 days after signing up.",
        unit="ratio",
        format="percent",
        category=CONVERSION,
        aarrr_stage=ACTIVATION,
        lifecycle=DRAFT,
        data_domain="user",
        business_process="signup",
    ),
)

M = TypeVar("M", bound=models.Model)


def load_demo_metrics(plan: TrackingPlan, users: dict[str, User]) -> list[Metric]:
    """Bring the plan's glossary and metrics to the demo's; a second run saves nothing.

    Every metric goes through `save_metric`, so each is validated against the plan as loaded;
    MetricInvalid escapes if the demo data and the plan ever disagree.
    """
    terms = {spec.key: _load_term(plan, spec) for spec in TERMS}
    for modifier in MODIFIERS:
        _load_modifier(plan, modifier, terms)
    for period in PERIODS:
        _upsert(
            TimePeriod,
            {"plan": plan, "key": period.key},
            {
                "name_zh": period.name_zh,
                "name_en": period.name_en,
                "kind": period.kind,
                "n": period.n,
                "unit": period.unit,
            },
        )
    # Loading metrics changes no event or property: one snapshot of the draft serves every
    # metric saved, taken only if one is.
    draft = cache(partial(take_snapshot, plan))
    loaded: dict[str, Metric] = {}
    for metric in METRICS:
        loaded[metric.key] = _load_metric(
            plan, metric, users=users, loaded=loaded, draft=draft
        )
    return list(loaded.values())


def _load_term(plan: TrackingPlan, spec: DemoTerm) -> GlossaryTerm:
    return _upsert(
        GlossaryTerm,
        {"plan": plan, "key": spec.key},
        {
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "definition_text": spec.definition_text,
            "predicate": spec.predicate,
        },
    )


def _load_modifier(
    plan: TrackingPlan, spec: DemoModifier, terms: dict[str, GlossaryTerm]
) -> Modifier:
    return _upsert(
        Modifier,
        {"plan": plan, "key": spec.key},
        {
            "name_zh": spec.name_zh,
            "name_en": spec.name_en,
            "modifier_type": spec.modifier_type,
            "predicate": spec.predicate,
            "term": terms[spec.term] if spec.term else None,
        },
    )


def _load_metric(
    plan: TrackingPlan,
    spec: DemoMetric,
    *,
    users: dict[str, User],
    loaded: dict[str, Metric],
    draft: Callable[[], PlanSnapshot],
) -> Metric:
    values: dict[str, Any] = {
        "kind": spec.kind,
        "definition": spec.definition,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "caliber": spec.caliber,
        "unit": spec.unit,
        "format": spec.format,
        "direction": spec.direction,
        "owner": users[spec.owner],
        "data_domain": spec.data_domain,
        "business_process": spec.business_process,
        "category": spec.category,
        "aarrr_stage": spec.aarrr_stage,
        "is_north_star": spec.is_north_star,
        "indicator_type": spec.indicator_type,
        "drives": loaded[spec.drives] if spec.drives else None,
        "lifecycle": spec.lifecycle,
    }
    row = Metric.objects.filter(plan=plan, key=spec.key).first()
    changed = row is None
    if row is None:
        row = Metric(plan=plan, key=spec.key)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.full_clean(exclude=["plan"])
        save_metric(row, by=users[PM], draft=draft())
    return row


def _upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """The row matching `lookup` with `values` set, validated and saved only if new or changed."""
    row = model._default_manager.filter(**lookup).first()
    changed = row is None
    if row is None:
        row = model(**lookup)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.full_clean()
        row.save()
    return row
