"""Every kind of metric explained in plain English and Chinese, generated from its definition."""

from __future__ import annotations

import pytest

from tests.tracking.metrics.shop import CATALOG, SNAPSHOT, changed, metric, spec
from tracking.metrics.catalog import PeriodSpec
from tracking.metrics.explain import Explanation, explain_metric
from tracking.metrics.periods import period_words


def explained(candidate):
    return explain_metric(
        candidate, catalog=CATALOG.with_metric(candidate), snapshot=SNAPSHOT
    )


@pytest.mark.parametrize(
    ("key", "en", "zh"),
    [
        pytest.param(
            "app_open_cnt",
            "Number of “App Opened” events",
            "“应用启动”事件的次数",
            id="atomic-count",
        ),
        pytest.param(
            "active_uv",
            "Number of distinct users with “App Opened” events",
            "“应用启动”事件的去重用户数",
            id="atomic-distinct-users",
        ),
        pytest.param(
            "pay_amount",
            "Sum of total in “Order Completed” events",
            "“支付成功”事件中实付金额的总和",
            id="atomic-sum",
        ),
        pytest.param(
            "app_open_cnt__new_user__30d",
            "App opens by new users in the last 30 days, by province",
            "近30天 新用户 的 APP启动次数, 按省份",
            id="derived",
        ),
        pytest.param(
            "pay_amount__paid_channel__30d",
            "Payment amount from paid channels in the last 30 days, by channel",
            "近30天 付费渠道 的 支付金额, 按渠道",
            id="derived-channel-qualifier",
        ),
        pytest.param(
            "purchase_cvr__1d",
            "Daily buyers ÷ Daily product detail viewers",
            "日购买用户数 ÷ 日商品详情浏览用户数",
            id="composite-ratio",
        ),
        pytest.param(
            "channel_roi__30d",
            "(Paid-channel revenue, last 30 days − Ad spend, last 30 days) ÷ Ad spend, last 30 days, by channel",
            "(近30天_付费渠道_支付金额 − 近30天_投放花费) ÷ 近30天_投放花费, 按渠道",
            id="composite-expression",
        ),
        pytest.param(
            "active_uv__1d__wow_change",
            "Daily active users ÷ Daily active users 7 days earlier − 1",
            "日活跃用户数 ÷ 日活跃用户数（7天前） − 1",
            id="composite-offset",
        ),
        pytest.param(
            "pay_amount__mtd",
            "Payment amount so far this month",
            "本月至今 的 支付金额",
            id="cumulative-to-date",
        ),
        pytest.param(
            "active_uv__7d_rolling",
            "Active users over a rolling 7 days",
            "滚动近7天 的 活跃用户数",
            id="cumulative-window",
        ),
        pytest.param(
            "pdp_to_pay_cvr__7d",
            "Share of users who did “Product Viewed” and then “Order Completed” within 7 days, "
            "with the same product id in both; “Product Viewed” only where page source is one of home, search",
            "发生“商品浏览”后7天内完成“支付成功”的用户占比，且两步的商品 ID相同；“商品浏览”限来源页面属于home、search",
            id="conversion",
        ),
    ],
)
def test_each_kind_is_explained_in_both_languages(key, en, zh):
    assert explained(spec(key)) == Explanation(en=en, zh=zh)


@pytest.mark.parametrize(
    ("candidate", "en", "zh"),
    [
        pytest.param(
            changed("pay_amount", {"agg": "percentile", "percentile": 90}),
            "90th percentile of total in “Order Completed” events",
            "“支付成功”事件中实付金额的第90百分位数",
            id="percentile",
        ),
        pytest.param(
            changed("pay_amount", {"agg": "avg"}),
            "Average of total in “Order Completed” events",
            "“支付成功”事件中实付金额的平均值",
            id="average",
        ),
        pytest.param(
            metric(
                "sku_uv",
                "atomic",
                {
                    "event": "Product Viewed",
                    "agg": "count_distinct",
                    "distinct_on": "product_id",
                },
            ),
            "Number of distinct product id values in “Product Viewed” events",
            "“商品浏览”事件中商品 ID的去重数",
            id="distinct-property",
        ),
        pytest.param(
            changed(
                "app_open_cnt__new_user__30d",
                {
                    "modifiers": ["organic"],
                    "group_by": ["platform", "province"],
                    "extra_filter": {
                        "any": [
                            {"prop": "from_background", "op": "eq", "value": False},
                            {"not": {"term": "new_user"}},
                        ]
                    },
                },
            ),
            "App opens from organic channels where from background is false or not (new users) "
            "in the last 30 days, by platform and province",
            "近30天 自然流量 的 APP启动次数（from_background为false或非（新用户））, 按平台、省份",
            id="derived-filter-and-dimensions",
        ),
        pytest.param(
            changed("purchase_cvr__1d", {"on_zero_denominator": "zero"}),
            "Daily buyers ÷ Daily product detail viewers (0 when Daily product detail viewers is 0)",
            "日购买用户数 ÷ 日商品详情浏览用户数（日商品详情浏览用户数为0时记为0）",
            id="ratio-zero",
        ),
        pytest.param(
            changed(
                "active_uv__1d__wow_change",
                {"expr": "round(abs(coalesce(cur, prev)), 2)"},
            ),
            "|Daily active users (or Daily active users 7 days earlier when empty)| rounded to 2 decimals",
            "|日活跃用户数（为空时取日活跃用户数（7天前））|（保留2位小数）",
            id="functions",
        ),
        pytest.param(
            changed(
                "pdp_to_pay_cvr__7d",
                {
                    "calculation": "conversions",
                    "entity": "device_id",
                    "constant_properties": None,
                    "base_filter": None,
                    "window": "24h",
                },
            ),
            "Number of devices who did “Product Viewed” and then “Order Completed” within 24 hours",
            "发生“商品浏览”后24小时内完成“支付成功”的设备数",
            id="conversion-count",
        ),
    ],
)
def test_variants_read_naturally(candidate, en, zh):
    assert explained(candidate) == Explanation(en=en, zh=zh)


@pytest.mark.parametrize(
    ("period", "en", "zh"),
    [
        pytest.param(
            PeriodSpec(key="1d", kind="trailing", n=1, unit="day"),
            "in the last day",
            "近1天",
            id="one-day",
        ),
        pytest.param(
            PeriodSpec(key="12w", kind="trailing", n=12, unit="week"),
            "in the last 12 weeks",
            "近12周",
            id="weeks",
        ),
        pytest.param(
            PeriodSpec(key="mtd", kind="to_date", unit="month"),
            "month to date",
            "本月至今",
            id="to-date",
        ),
        pytest.param(
            PeriodSpec(key="ytd", kind="to_date", unit="year"),
            "year to date",
            "本年至今",
            id="year-to-date",
        ),
        pytest.param(
            PeriodSpec(key="lm", kind="calendar", n=1, unit="month"),
            "in the last complete month",
            "上一个自然月",
            id="calendar-month",
        ),
        pytest.param(
            PeriodSpec(key="l3m", kind="calendar", n=3, unit="month"),
            "in the last 3 complete months",
            "近3个自然月",
            id="calendar-months",
        ),
        pytest.param(
            PeriodSpec(key="all", kind="all_time"),
            "over all time",
            "历史累计",
            id="all-time",
        ),
    ],
)
def test_time_periods_in_words(period, en, zh):
    assert (period_words(period, "en"), period_words(period, "zh")) == (en, zh)


def test_names_missing_from_the_plan_show_as_keys():
    orphan = metric(
        "orphan__30d",
        "derived",
        {"base": "gone_cnt", "period": "45d", "modifiers": ["vip"]},
    )
    assert explained(orphan) == Explanation(
        en="gone_cnt from vip 45d", zh="45d vip 的 gone_cnt"
    )
