"""A small shop plan and a clean metric catalog over it; tests break one thing at a time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tracking.metrics.catalog import (
    MetricCatalog,
    MetricSpec,
    ModifierSpec,
    PeriodSpec,
    TermSpec,
)
from tracking.snapshot import AttachedProperty, EventSpec, PlanSnapshot, PropertySpec

CALIBER = "Counted once per event the app reports, in Beijing time."


def _p(key: str, type: str = "string", **more: Any) -> PropertySpec:
    return PropertySpec(key=key, type=type, **more)


PROPERTIES = {
    p.key: p
    for p in (
        _p("user_id"),
        _p("device_id"),
        _p("app_version"),
        _p("platform", enum=("ios", "android", "web"), display_name="平台"),
        _p("first_open_date", "date-time", display_name="首次启动日期"),
        _p("from_background", "boolean"),
        _p("channel", enum=("organic", "seo", "paid", "referral"), display_name="渠道"),
        _p("province", enum=("浙江省", "广东省", "北京市"), display_name="省份"),
        _p("product_id", display_name="商品 ID"),
        _p("price", "number", display_name="价格"),
        _p("page_source", enum=("home", "search", "ads"), display_name="来源页面"),
        _p("total", "number", display_name="实付金额"),
        _p("products", "array", item_type="object"),
        _p("tags", "array", item_type="string", enum=("new", "sale")),
        _p(
            "shipping_region",
            "object",
            fields=(
                _p("province", display_name="省份"),
                _p("city", display_name="城市"),
            ),
        ),
        _p("spend", "number", display_name="投放花费"),
        _p("coupon_code"),
        _p("signup_method", enum=("phone", "wechat")),
    )
}
COMMON = ("user_id", "device_id", "app_version", "platform", "first_open_date")


def _attached(*keys: str, origin: str = "event") -> tuple[AttachedProperty, ...]:
    return tuple(
        AttachedProperty(property=PROPERTIES[k], required=False, origin=origin)
        for k in keys
    )


def _event(
    key: str, display_name: str, *keys: str, status: str = "active"
) -> EventSpec:
    properties = (*_attached(*keys), *_attached(*COMMON, origin="common"))
    return EventSpec(
        key=key,
        display_name=display_name,
        status=status,
        properties=tuple(sorted(properties, key=lambda a: a.key)),
    )


SNAPSHOT = PlanSnapshot(
    key="shop",
    name="Shop",
    properties=tuple(sorted(PROPERTIES.values(), key=lambda p: p.key)),
    common_properties=_attached(*COMMON, origin="common"),
    events=(
        _event("Ad Spend Recorded", "投放花费记录", "spend", "channel"),
        _event(
            "App Opened", "应用启动", "from_background", "channel", "province", "tags"
        ),
        _event("Coupon Entered", "输入优惠券", "coupon_code", status="deprecated"),
        _event(
            "Order Completed",
            "支付成功",
            "total",
            "product_id",
            "products",
            "shipping_region",
            "channel",
        ),
        _event("Product Viewed", "商品浏览", "product_id", "price", "page_source"),
        _event("Signed Up", "注册成功", "signup_method", status="draft"),
    ),
)


def metric(
    key: str, kind: str, definition: dict[str, Any], **fields: Any
) -> MetricSpec:
    defaults: dict[str, Any] = {
        "caliber": CALIBER,
        "owner": "pm",
        "lifecycle": "online",
        "unit": "count",
    }
    return MetricSpec(
        key=key, kind=kind, definition=definition, **{**defaults, **fields}
    )


def _derived(base: str, period: str, *modifiers: str, **more: Any) -> dict[str, Any]:
    return {"base": base, "modifiers": list(modifiers), "period": period, **more}


METRICS = (
    metric(
        "app_open_cnt",
        "atomic",
        {"event": "App Opened", "agg": "count"},
        name_zh="APP启动次数",
        name_en="App opens",
    ),
    metric(
        "active_uv",
        "atomic",
        {"event": "App Opened", "agg": "count_distinct", "distinct_on": "user_id"},
        name_zh="活跃用户数",
        name_en="Active users",
        unit="users",
    ),
    metric(
        "pdp_view_cnt",
        "atomic",
        {"event": "Product Viewed", "agg": "count"},
        name_zh="商品详情浏览次数",
        name_en="Product detail views",
    ),
    metric(
        "pdp_viewer_uv",
        "atomic",
        {"event": "Product Viewed", "agg": "count_distinct", "distinct_on": "user_id"},
        name_zh="商品详情浏览用户数",
        name_en="Product detail viewers",
        unit="users",
    ),
    metric(
        "order_paid_cnt",
        "atomic",
        {"event": "Order Completed", "agg": "count"},
        name_zh="支付订单数",
        name_en="Paid orders",
    ),
    metric(
        "buyer_uv",
        "atomic",
        {"event": "Order Completed", "agg": "count_distinct", "distinct_on": "user_id"},
        name_zh="购买用户数",
        name_en="Buyers",
        unit="users",
    ),
    metric(
        "pay_amount",
        "atomic",
        {"event": "Order Completed", "agg": "sum", "measure": "total"},
        name_zh="支付金额",
        name_en="Payment amount",
        unit="CNY",
    ),
    metric(
        "ad_spend",
        "atomic",
        {"event": "Ad Spend Recorded", "agg": "sum", "measure": "spend"},
        name_zh="投放花费",
        name_en="Ad spend",
        unit="CNY",
    ),
    metric(
        "app_open_cnt__new_user__30d",
        "derived",
        _derived("app_open_cnt", "30d", "new_user", group_by=["province"]),
        name_zh="近30天_新用户_APP启动次数",
        name_en="App opens by new users, last 30 days",
    ),
    metric(
        "active_uv__1d",
        "derived",
        _derived("active_uv", "1d"),
        name_zh="日活跃用户数",
        name_en="Daily active users",
        unit="users",
        is_north_star=True,
    ),
    metric(
        "buyer_uv__1d",
        "derived",
        _derived("buyer_uv", "1d"),
        name_zh="日购买用户数",
        name_en="Daily buyers",
        unit="users",
    ),
    metric(
        "pdp_viewer_uv__1d",
        "derived",
        _derived("pdp_viewer_uv", "1d"),
        name_zh="日商品详情浏览用户数",
        name_en="Daily product detail viewers",
        unit="users",
    ),
    metric(
        "pay_amount__paid_channel__30d",
        "derived",
        _derived("pay_amount", "30d", "paid_channel", group_by=["channel"]),
        name_zh="近30天_付费渠道_支付金额",
        name_en="Paid-channel revenue, last 30 days",
        unit="CNY",
    ),
    metric(
        "ad_spend__30d",
        "derived",
        _derived("ad_spend", "30d", group_by=["channel"]),
        name_zh="近30天_投放花费",
        name_en="Ad spend, last 30 days",
        unit="CNY",
    ),
    metric(
        "purchase_cvr__1d",
        "composite",
        {
            "form": "ratio",
            "numerator": "buyer_uv__1d",
            "denominator": "pdp_viewer_uv__1d",
            "on_zero_denominator": "null",
        },
        name_zh="购买转化率",
        name_en="Purchase conversion rate",
        unit="ratio",
    ),
    metric(
        "channel_roi__30d",
        "composite",
        {
            "form": "expression",
            "expr": "(rev - spend) / nullif(spend, 0)",
            "inputs": [
                {"alias": "rev", "metric": "pay_amount__paid_channel__30d"},
                {"alias": "spend", "metric": "ad_spend__30d"},
            ],
            "group_by": ["channel"],
        },
        name_zh="渠道ROI",
        name_en="Channel ROI",
        unit="ratio",
    ),
    metric(
        "active_uv__1d__wow_change",
        "composite",
        {
            "form": "expression",
            "expr": "cur / nullif(prev, 0) - 1",
            "inputs": [
                {"alias": "cur", "metric": "active_uv__1d"},
                {"alias": "prev", "metric": "active_uv__1d", "offset": "7d"},
            ],
        },
        name_zh="日活周环比",
        name_en="Daily active users, week-over-week change",
        unit="percent",
    ),
    metric(
        "pay_amount__mtd",
        "cumulative",
        {"base": "pay_amount", "grain_to_date": "month", "period_agg": "last"},
        name_zh="本月累计支付金额",
        name_en="Payment amount",
        unit="CNY",
    ),
    metric(
        "active_uv__7d_rolling",
        "cumulative",
        {"base": "active_uv", "window": "7d", "period_agg": "last"},
        name_zh="活跃用户数",
        name_en="Active users",
        unit="users",
    ),
    metric(
        "pdp_to_pay_cvr__7d",
        "conversion",
        {
            "entity": "user_id",
            "base": "pdp_view_cnt",
            "conversion": "order_paid_cnt",
            "window": "7d",
            "calculation": "conversion_rate",
            "base_filter": {
                "prop": "page_source",
                "op": "in",
                "value": ["home", "search"],
            },
            "constant_properties": [{"base": "product_id", "conversion": "product_id"}],
        },
        name_zh="商品浏览到支付转化率",
        name_en="View-to-pay conversion rate",
        unit="ratio",
    ),
)

TERMS = (
    TermSpec(
        key="new_user",
        name_zh="新用户",
        name_en="New users",
        definition_text="首次启动日期落在统计周期内的设备/用户",
        predicate={"prop": "first_open_date", "op": "in_period"},
    ),
    TermSpec(
        key="active_user",
        name_zh="活跃用户",
        name_en="Active users",
        definition_text="统计周期内至少启动一次应用的用户",
    ),
)

MODIFIERS = (
    ModifierSpec(
        key="new_user",
        name_zh="新用户",
        name_en="New users",
        modifier_type="user_segment",
        term="new_user",
    ),
    ModifierSpec(
        key="organic",
        name_zh="自然流量",
        name_en="Organic channels",
        modifier_type="channel",
        predicate={"prop": "channel", "op": "in", "value": ["organic", "seo"]},
    ),
    ModifierSpec(
        key="paid_channel",
        name_zh="付费渠道",
        name_en="Paid channels",
        modifier_type="channel",
        predicate={"prop": "channel", "op": "eq", "value": "paid"},
    ),
)

PERIODS = (
    PeriodSpec(key="1d", kind="trailing", n=1, unit="day"),
    PeriodSpec(key="7d", kind="trailing", n=7, unit="day"),
    PeriodSpec(key="30d", kind="trailing", n=30, unit="day"),
    PeriodSpec(key="last_30_days", kind="trailing", n=30, unit="day"),
    PeriodSpec(key="mtd", kind="to_date", unit="month"),
    PeriodSpec(key="last_month", kind="calendar", n=1, unit="month"),
    PeriodSpec(key="all", kind="all_time"),
)

CATALOG = MetricCatalog(
    metrics=METRICS, terms=TERMS, modifiers=MODIFIERS, periods=PERIODS
)
# The plan as a published version freezes it: events, metrics and the glossary they use.
SNAPSHOT_WITH_METRICS = replace(
    SNAPSHOT,
    metrics=CATALOG.metrics,
    terms=CATALOG.terms,
    modifiers=CATALOG.modifiers,
    periods=CATALOG.periods,
)


def spec(key: str) -> MetricSpec:
    found = CATALOG.metric(key)
    assert found is not None, key
    return found


def changed(
    key: str, definition: dict[str, Any] | None = None, **fields: Any
) -> MetricSpec:
    """The catalog's metric `key` with definition entries and fields replaced (None drops)."""
    original = spec(key)
    merged = {**original.definition, **(definition or {})}
    merged = {k: v for k, v in merged.items() if v is not None}
    return replace(original, definition=merged, **fields)


def catalog_with(*specs: MetricSpec) -> MetricCatalog:
    catalog = CATALOG
    for item in specs:
        catalog = catalog.with_metric(item)
    return catalog
