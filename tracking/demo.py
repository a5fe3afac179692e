"""The demo plan, Shop App (商城 App), as data, and the loader that writes it idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from tracking.demo_metrics import load_demo_metrics
from tracking.models import (
    AdditionalProperties,
    CommonProperty,
    Event,
    EventProperty,
    EventStatus,
    GroupProperty,
    NamingConvention,
    PrivacyClass,
    Property,
    PropertyGroup,
    PropertyType,
    Source,
    SourceKind,
    Tag,
    TrackedOn,
    TrackingPlan,
)
from tracking.publishing import publish_version


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoSource:
    name: str
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoProperty:
    key: str
    display_name: str
    description: str
    type: str
    item_type: str = ""
    enum: tuple[Any, ...] = ()
    pattern: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    privacy_class: str = PrivacyClass.NONE
    examples: tuple[Any, ...] = ()
    children: tuple[DemoProperty, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoAttachment:
    """A property on an event or in a group; `enum` narrows the shared property's enum."""

    key: str
    required: bool
    note: str = ""
    enum: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoGroup:
    key: str
    name: str
    description: str
    properties: tuple[DemoAttachment, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoEvent:
    key: str
    display_name: str
    description: str
    trigger: str
    category: str
    tags: tuple[str, ...]
    owner: str | None
    sources: tuple[str, ...]
    status: str = EventStatus.ACTIVE
    tracked_on: str = TrackedOn.CLIENT
    groups: tuple[str, ...] = ()
    properties: tuple[DemoAttachment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliberateFinding:
    """A flaw left in the demo on purpose, as the plan checks report it (code, object).

    `passes_validation` is False for a row the admin would refuse; the loader saves it without
    `full_clean()`, the way an import or an old row can reach the database.
    """

    code: str
    object_type: str
    object_key: str
    why: str
    passes_validation: bool = True


def _required(key: str, **narrowing: Any) -> DemoAttachment:
    return DemoAttachment(key=key, required=True, **narrowing)


def _optional(key: str, **narrowing: Any) -> DemoAttachment:
    return DemoAttachment(key=key, required=False, **narrowing)


PM = "demo-pm"
ENGINEER = "demo-engineer"

USERS = (
    DemoUser(username=PM, first_name="Na", last_name="Li", email="demo-pm@example.com"),
    DemoUser(
        username=ENGINEER,
        first_name="Wei",
        last_name="Zhang",
        email="demo-engineer@example.com",
    ),
)

PLAN: dict[str, str] = {
    "key": "shop-app",
    "name": "Shop App",
    "description": (
        "商城 App — the demo e-commerce plan: the iOS and Android apps, the web shop and the "
        "order service. Loaded by `manage.py load_demo`; a few flaws are left in on purpose "
        "so the plan checks have something to show."
    ),
    "event_naming": NamingConvention.OBJECT_ACTION,
    "event_naming_regex": "",
    "property_naming": NamingConvention.SNAKE_CASE,
    "property_naming_regex": "",
    "additional_properties": AdditionalProperties.ALLOW,
}

IOS, ANDROID, WEB, SERVER = (
    SourceKind.IOS,
    SourceKind.ANDROID,
    SourceKind.WEB,
    SourceKind.SERVER,
)
APPS = (IOS, ANDROID)
CLIENTS = (IOS, ANDROID, WEB)

SOURCES = (
    DemoSource(name="iOS App", kind=IOS),
    DemoSource(name="Android App", kind=ANDROID),
    DemoSource(name="Web Shop", kind=WEB),
    DemoSource(name="Order Service", kind=SERVER),
)

STRING, INTEGER, NUMBER, BOOLEAN, ARRAY, OBJECT = (
    PropertyType.STRING,
    PropertyType.INTEGER,
    PropertyType.NUMBER,
    PropertyType.BOOLEAN,
    PropertyType.ARRAY,
    PropertyType.OBJECT,
)
ZERO = Decimal(0)
SKU_PATTERN = "^SKU-[0-9]{6}$"
CURRENCIES = ("CNY", "USD", "HKD")
PAYMENT_METHODS = ("alipay", "wechat_pay", "card", "apple_pay", "cash_on_delivery")
SHARE_CHANNELS = (
    "wechat_friend",
    "wechat_moments",
    "weibo",
    "qq",
    "copy_link",
    "system_share",
)

_COMMON = (
    DemoProperty(
        key="user_id",
        display_name="用户 ID",
        description="The account id; absent until the user signs in or signs up.",
        type=STRING,
        pattern="^u[0-9]{8,12}$",
        examples=("u10482913",),
    ),
    DemoProperty(
        key="device_id",
        display_name="设备 ID",
        description="The SDK's install-scoped device id (IDFV on iOS, a generated UUID "
        "elsewhere); absent on server events.",
        type=STRING,
        max_length=64,
        examples=("5C2F8E1A-3B7D-4E6A-9F10-2A4B6C8D0E12",),
    ),
    DemoProperty(
        key="app_version",
        display_name="应用版本",
        description="Semantic version of the app, web bundle or service that sent the event.",
        type=STRING,
        pattern="^[0-9]+[.][0-9]+[.][0-9]+$",
        examples=("5.12.0", "5.11.3"),
    ),
    DemoProperty(
        key="platform",
        display_name="平台",
        description="Where the event was sent from.",
        type=STRING,
        enum=("ios", "android", "web", "server"),
        examples=("ios",),
    ),
    DemoProperty(
        key="session_id",
        display_name="会话 ID",
        description="Client session; a new one starts after 30 minutes in the background.",
        type=STRING,
        max_length=64,
        examples=("s-7f3a9c2e",),
    ),
)

_PAGE = (
    DemoProperty(
        key="page_name",
        display_name="页面名称",
        description="The screen or page, as named in the app's router.",
        type=STRING,
        max_length=64,
        examples=("home", "product_detail", "cart"),
    ),
    DemoProperty(
        key="page_url",
        display_name="页面 URL",
        description="Full URL on the web; the router path in the apps.",
        type=STRING,
        max_length=2048,
        examples=("https://shop.example.com/p/SKU-100231",),
    ),
    DemoProperty(
        key="referrer_url",
        display_name="来源页面",
        description="The previous page's URL or router path, if any.",
        type=STRING,
        max_length=2048,
        examples=("https://www.baidu.com/",),
    ),
)

_CAMPAIGN = (
    DemoProperty(
        key="utm_source",
        display_name="投放来源",
        description="Campaign source from the link's utm_source parameter.",
        type=STRING,
        max_length=100,
        examples=("douyin", "wechat"),
    ),
    DemoProperty(
        key="utm_medium",
        display_name="投放媒介",
        description="Campaign medium from the link's utm_medium parameter.",
        type=STRING,
        max_length=100,
        examples=("cpc", "social"),
    ),
    DemoProperty(
        key="utm_campaign",
        display_name="投放活动",
        description="Campaign name from the link's utm_campaign parameter.",
        type=STRING,
        max_length=100,
        examples=("618_presale",),
    ),
)

_LINE_ITEM_FIELDS = (
    DemoProperty(
        key="sku",
        display_name="商品 SKU",
        description="The SKU of the line item.",
        type=STRING,
        pattern=SKU_PATTERN,
        examples=("SKU-100231",),
    ),
    DemoProperty(
        key="name",
        display_name="商品名称",
        description="Product name as shown in the cart.",
        type=STRING,
        max_length=200,
        examples=("无线降噪耳机",),
    ),
    DemoProperty(
        key="price",
        display_name="单价",
        description="Unit price paid, in the order currency.",
        type=NUMBER,
        minimum=ZERO,
        examples=(899.0,),
    ),
    DemoProperty(
        key="quantity",
        display_name="数量",
        description="Units of this SKU.",
        type=INTEGER,
        minimum=Decimal(1),
        examples=(1, 2),
    ),
)

_PRODUCT = (
    DemoProperty(
        key="product_id",
        display_name="商品 ID",
        description="The product (SPU) id; all variants of a product share it.",
        type=STRING,
        pattern="^P[0-9]{6}$",
        examples=("P204518",),
    ),
    DemoProperty(
        key="sku",
        display_name="商品 SKU",
        description="The variant's stock-keeping unit.",
        type=STRING,
        pattern=SKU_PATTERN,
        examples=("SKU-100231",),
    ),
    DemoProperty(
        key="product_name",
        display_name="商品名称",
        description="Product name in the language shown to the user.",
        type=STRING,
        max_length=200,
        examples=("无线降噪耳机",),
    ),
    DemoProperty(
        key="category",
        display_name="商品类目",
        description="Category path, top level first, separated by “/”.",
        type=STRING,
        max_length=200,
        examples=("数码/耳机",),
    ),
    DemoProperty(
        key="brand",
        display_name="品牌",
        description="Brand name.",
        type=STRING,
        max_length=100,
        examples=("声悦",),
    ),
    DemoProperty(
        key="price",
        display_name="价格",
        description="Current unit price after product-level promotions, before coupons.",
        type=NUMBER,
        minimum=ZERO,
        examples=(899.0, 59.9),
    ),
    DemoProperty(
        key="currency",
        display_name="币种",
        description="ISO 4217 code of the currency every amount on the event is in.",
        type=STRING,
        enum=CURRENCIES,
        examples=("CNY",),
    ),
    DemoProperty(
        key="variant",
        display_name="规格",
        description="The chosen variant, as shown on the product page.",
        type=STRING,
        max_length=100,
        examples=("黑色 / 标准版",),
    ),
    DemoProperty(
        key="quantity",
        display_name="数量",
        description="Units added, removed or ordered.",
        type=INTEGER,
        minimum=Decimal(1),
        maximum=Decimal(999),
        examples=(1, 3),
    ),
)

_ORDER = (
    DemoProperty(
        key="order_id",
        display_name="订单号",
        description="The order number shown to the buyer.",
        type=STRING,
        pattern="^SO[0-9]{14}$",
        examples=("SO20240518000127",),
    ),
    DemoProperty(
        key="total",
        display_name="实付金额",
        description="Amount the buyer pays: subtotal minus discount plus shipping.",
        type=NUMBER,
        minimum=ZERO,
        examples=(1788.0,),
    ),
    DemoProperty(
        key="subtotal",
        display_name="商品总额",
        description="Sum of line items before discounts and shipping.",
        type=NUMBER,
        minimum=ZERO,
        examples=(1798.0,),
    ),
    DemoProperty(
        key="discount",
        display_name="优惠金额",
        description="Total discount from coupons and promotions.",
        type=NUMBER,
        minimum=ZERO,
        examples=(20.0,),
    ),
    DemoProperty(
        key="shipping",
        display_name="运费",
        description="Shipping fee charged.",
        type=NUMBER,
        minimum=ZERO,
        examples=(10.0, 0.0),
    ),
    DemoProperty(
        key="payment_method",
        display_name="支付方式",
        description="How the buyer pays.",
        type=STRING,
        enum=PAYMENT_METHODS,
        examples=("alipay", "wechat_pay"),
    ),
    DemoProperty(
        key="products",
        display_name="商品列表",
        description="The line items, one object per SKU.",
        type=ARRAY,
        item_type=OBJECT,
        min_items=1,
        max_items=100,
        examples=(
            [
                {
                    "sku": "SKU-100231",
                    "name": "无线降噪耳机",
                    "price": 899.0,
                    "quantity": 2,
                },
            ],
        ),
        children=_LINE_ITEM_FIELDS,
    ),
)

_PERSONAL = (
    DemoProperty(
        key="phone",
        display_name="手机号",
        description="Mobile number the account was registered with.",
        type=STRING,
        pattern="^1[3-9][0-9]{9}$",
        privacy_class=PrivacyClass.PERSONAL,
        examples=("13800138000",),
    ),
    DemoProperty(
        key="email",
        display_name="邮箱",
        description="E-mail address the account was registered with, if any.",
        type=STRING,
        max_length=254,
        privacy_class=PrivacyClass.PERSONAL,
        examples=("li.lei@example.com",),
    ),
    DemoProperty(
        key="id_card_number",
        display_name="身份证号",
        description="Resident ID number, collected only for cross-border orders (customs "
        "clearance). Never stored by this service.",
        type=STRING,
        pattern="^[0-9]{17}[0-9X]$",
        privacy_class=PrivacyClass.SENSITIVE,
    ),
    DemoProperty(
        key="contact_mobile",
        display_name="收货人电话",
        description="Phone number the courier calls for this delivery.",
        type=STRING,
        max_length=20,
        examples=("13912345678",),
    ),
)

_REFUNDED_ITEM_FIELDS = (
    DemoProperty(
        key="sku",
        display_name="商品 SKU",
        description="The SKU of the refunded line item.",
        type=STRING,
        pattern=SKU_PATTERN,
        examples=("SKU-100231",),
    ),
    DemoProperty(
        key="quantity",
        display_name="退款数量",
        description="Units refunded.",
        type=INTEGER,
        minimum=Decimal(1),
        examples=(1,),
    ),
    DemoProperty(
        key="price",
        display_name="退款单价",
        description="Unit price refunded, as the refund provider formats it.",
        type=STRING,
        max_length=20,
        examples=("899.00",),
    ),
)

_CART_AND_CHECKOUT = (
    DemoProperty(
        key="cart_id",
        display_name="购物车 ID",
        description="The cart, shared by all devices of a signed-in user.",
        type=STRING,
        max_length=64,
        examples=("c-3f9e2a",),
    ),
    DemoProperty(
        key="coupon_code",
        display_name="优惠码",
        description="Coupon code as entered or picked, upper-cased.",
        type=STRING,
        pattern="^[A-Z0-9]{6,12}$",
        examples=("SPRING2024",),
    ),
    DemoProperty(
        key="coupon_codes",
        display_name="优惠码列表",
        description="Coupon codes redeemed on the order.",
        type=ARRAY,
        item_type=STRING,
        examples=(["SPRING2024"],),
    ),
    DemoProperty(
        key="denial_reason",
        display_name="拒绝原因",
        description="Why the coupon service refused the code.",
        type=STRING,
        enum=("expired", "not_applicable", "usage_limit_reached", "invalid_code"),
        examples=("expired",),
    ),
    DemoProperty(
        key="error_code",
        display_name="错误码",
        description="The payment provider's error code, unchanged.",
        type=STRING,
        max_length=64,
        examples=("ACQ.TRADE_HAS_CLOSE", "INSUFFICIENT_BALANCE"),
    ),
    DemoProperty(
        key="cancel_reason",
        display_name="取消原因",
        description="Why the order was cancelled.",
        type=STRING,
        enum=(
            "changed_mind",
            "found_cheaper",
            "wrong_address",
            "payment_timeout",
            "merchant_out_of_stock",
        ),
        examples=("payment_timeout",),
    ),
    DemoProperty(
        key="refund_amount",
        display_name="退款金额",
        description="Amount returned to the buyer by this refund.",
        type=NUMBER,
        minimum=ZERO,
        examples=(899.0,),
    ),
    DemoProperty(
        key="refunded_items",
        display_name="退款商品",
        description="The line items this refund covers.",
        type=ARRAY,
        item_type=OBJECT,
        min_items=1,
        examples=([{"sku": "SKU-100231", "quantity": 1, "price": "899.00"}],),
        children=_REFUNDED_ITEM_FIELDS,
    ),
    DemoProperty(
        key="shipping_region",
        display_name="收货地区",
        description="Province and city of the delivery address (never the street).",
        type=OBJECT,
        examples=({"province": "浙江省", "city": "杭州市"},),
        children=(
            DemoProperty(
                key="province",
                display_name="省份",
                description="Province, municipality or autonomous region.",
                type=STRING,
                max_length=20,
                examples=("浙江省",),
            ),
            DemoProperty(
                key="city",
                display_name="城市",
                description="City.",
                type=STRING,
                max_length=20,
                examples=("杭州市",),
            ),
        ),
    ),
)

_ACCOUNT_AND_DISCOVERY = (
    DemoProperty(
        key="channel",
        display_name="获客渠道",
        description="The acquisition channel attributed to the user: the last paid touch "
        "within 30 days, otherwise organic or seo.",
        type=STRING,
        enum=("organic", "seo", "paid", "referral"),
        examples=("paid",),
    ),
    DemoProperty(
        key="acquisition_cost",
        display_name="获客花费",
        description="What the ad network charged for this install, in yuan, as the "
        "attribution callback reports it; 0 for organic installs.",
        type=NUMBER,
        minimum=ZERO,
        examples=(12.5,),
    ),
    DemoProperty(
        key="first_open_date",
        display_name="首次启动日期",
        description="When this device first started the app, kept by the SDK across "
        "upgrades; the glossary's “new user” is defined by it.",
        type=PropertyType.DATE_TIME,
        examples=("2026-03-01T09:30:00+08:00",),
    ),
    DemoProperty(
        key="install_channel",
        display_name="安装渠道",
        description="App store or channel package the app was installed from.",
        type=STRING,
        max_length=50,
        examples=("app_store", "huawei", "xiaomi"),
    ),
    DemoProperty(
        key="link_url",
        display_name="链接 URL",
        description="The deep link or universal link as received, query string included.",
        type=STRING,
        max_length=2048,
        examples=("shopapp://product/P204518?utm_source=douyin",),
    ),
    DemoProperty(
        key="entry_point",
        display_name="注册入口",
        description="Where the user started signing up from.",
        type=STRING,
        enum=("profile", "checkout", "invite", "onboarding"),
        examples=("checkout",),
    ),
    DemoProperty(
        key="signup_method",
        display_name="注册方式",
        description="How the account was created.",
        type=STRING,
        enum=("phone", "email", "wechat", "apple"),
        examples=("phone",),
    ),
    DemoProperty(
        key="login_method",
        display_name="登录方式",
        description="How the user proved who they are.",
        type=STRING,
        enum=("password", "sms_code", "wechat", "apple"),
        examples=("sms_code",),
    ),
    DemoProperty(
        key="interests",
        display_name="兴趣偏好",
        description="Interests picked during onboarding.",
        type=ARRAY,
        item_type=STRING,
        enum=(
            "digital",
            "fashion",
            "beauty",
            "home",
            "food",
            "sports",
            "books",
            "baby",
        ),
        max_items=8,
        examples=(["digital", "books"],),
    ),
    DemoProperty(
        key="query",
        display_name="搜索词",
        description="The search term as submitted, trimmed.",
        type=STRING,
        min_length=1,
        max_length=100,
        examples=("降噪耳机",),
    ),
    DemoProperty(
        key="result_count",
        display_name="结果数",
        description="Number of products the search found.",
        type=INTEGER,
        minimum=ZERO,
        examples=(128, 0),
    ),
    DemoProperty(
        key="list_id",
        display_name="列表 ID",
        description="The category or search-result list shown.",
        type=STRING,
        max_length=64,
        examples=("category:digital-headphones",),
    ),
    DemoProperty(
        key="banner_id",
        display_name="横幅 ID",
        description="The banner as configured in the content system.",
        type=STRING,
        max_length=64,
        examples=("bn-618-home-01",),
    ),
    DemoProperty(
        key="banner_position",
        display_name="横幅位置",
        description="Slot of the banner in the carousel, from 1.",
        type=INTEGER,
        minimum=Decimal(1),
        maximum=Decimal(10),
        examples=(1,),
    ),
)

_ENGAGEMENT = (
    DemoProperty(
        key="open_source",
        display_name="启动来源",
        description="What opened the app.",
        type=STRING,
        enum=("icon", "push", "deep_link", "widget"),
        examples=("icon",),
    ),
    DemoProperty(
        key="from_background",
        display_name="后台唤起",
        description="True when the app returned from the background rather than a cold start.",
        type=BOOLEAN,
        examples=(False,),
    ),
    DemoProperty(
        key="message_id",
        display_name="消息 ID",
        description="The push message as sent by the messaging service.",
        type=STRING,
        max_length=64,
        examples=("msg-20240518-0042",),
    ),
    DemoProperty(
        key="message_type",
        display_name="消息类型",
        description="Kind of push message.",
        type=STRING,
        enum=("promotion", "order_update", "logistics", "system"),
        examples=("logistics",),
    ),
    DemoProperty(
        key="rating",
        display_name="评分",
        description="Stars given, 1 to 5.",
        type=INTEGER,
        minimum=Decimal(1),
        maximum=Decimal(5),
        examples=(5,),
    ),
    DemoProperty(
        key="has_images",
        display_name="含图片",
        description="Whether the review carries photos.",
        type=BOOLEAN,
        examples=(True,),
    ),
    DemoProperty(
        key="wishlist_id",
        display_name="收藏夹 ID",
        description="The wishlist a product was saved to.",
        type=STRING,
        max_length=64,
        examples=("wl-8812",),
    ),
)

_REFERRAL = (
    DemoProperty(
        key="share_channel",
        display_name="分享渠道",
        description="Channel picked in the share sheet.",
        type=STRING,
        enum=SHARE_CHANNELS,
        examples=("wechat_friend",),
    ),
    DemoProperty(
        key="content_type",
        display_name="分享内容",
        description="What was shared.",
        type=STRING,
        enum=("product", "order", "activity", "invite"),
        examples=("product",),
    ),
    DemoProperty(
        key="invite_code",
        display_name="邀请码",
        description="The inviter's personal invite code.",
        type=STRING,
        pattern="^[A-Z0-9]{8}$",
        examples=("K7Q2M9XA",),
    ),
    DemoProperty(
        key="inviter_user_id",
        display_name="邀请人 ID",
        description="Account id of the user whose invite code was used.",
        type=STRING,
        pattern="^u[0-9]{8,12}$",
        examples=("u10233871",),
    ),
    DemoProperty(
        key="group_buy_id",
        display_name="拼团 ID",
        description="The group-buy the organiser created.",
        type=STRING,
        max_length=64,
        examples=("gb-55120",),
    ),
    DemoProperty(
        key="group_size",
        display_name="成团人数",
        description="Buyers needed for the group price.",
        type=INTEGER,
        minimum=Decimal(2),
        maximum=Decimal(10),
        examples=(3,),
    ),
)

PROPERTIES: tuple[DemoProperty, ...] = (
    _COMMON
    + _PAGE
    + _CAMPAIGN
    + _PRODUCT
    + _ORDER
    + _PERSONAL
    + _CART_AND_CHECKOUT
    + _ACCOUNT_AND_DISCOVERY
    + _ENGAGEMENT
    + _REFERRAL
)

COMMON_PROPERTIES = (
    _required("platform"),
    _required("app_version"),
    _optional("user_id"),
    _optional("device_id"),
    _optional("session_id"),
)

GROUPS = (
    DemoGroup(
        key="product_fields",
        name="Product fields (商品字段)",
        description="What every product event says about the product.",
        properties=(
            _required("product_id"),
            _required("sku"),
            _required("product_name"),
            _optional("category"),
            _optional("brand"),
            _optional("variant"),
            _required("price"),
            _required("currency"),
        ),
    ),
    DemoGroup(
        key="page_context",
        name="Page context (页面上下文)",
        description="Where in the app or site the event happened.",
        properties=(
            _required("page_name"),
            _optional("page_url"),
            _optional("referrer_url"),
        ),
    ),
    DemoGroup(
        key="order_fields",
        name="Order fields (订单字段)",
        description="The order's amounts and line items, as the order service holds them.",
        properties=(
            _required("order_id"),
            _required("products"),
            _required("subtotal"),
            _optional("discount"),
            _optional("shipping"),
            _required("total"),
            _required("currency"),
            _required("payment_method"),
        ),
    ),
    DemoGroup(
        key="campaign_fields",
        name="Campaign fields (投放字段)",
        description="UTM parameters of the link or ad that brought the user.",
        properties=(
            _optional("utm_source"),
            _optional("utm_medium"),
            _optional("utm_campaign"),
        ),
    ),
)

ACQUISITION, ACTIVATION, RETENTION, REVENUE, REFERRAL = (
    "acquisition",
    "activation",
    "retention",
    "revenue",
    "referral",
)

_ACQUISITION_EVENTS = (
    DemoEvent(
        key="App Installed",
        display_name="应用安装",
        description="The app was installed and opened for the first time on this device.",
        trigger="On the first cold start after installation, once the SDK has initialised "
        "and before the first screen renders; once per install (a reinstall fires again).",
        category=ACQUISITION,
        tags=("lifecycle", "attribution"),
        owner=ENGINEER,
        sources=APPS,
        groups=("campaign_fields",),
        properties=(
            _optional("install_channel"),
            _optional("channel"),
            _optional("acquisition_cost"),
        ),
    ),
    DemoEvent(
        key="Deep Link Opened",
        display_name="深度链接打开",
        description="The app was opened, or brought forward, by a deep link or universal link.",
        trigger="When the app handles an incoming link and routing has resolved the target "
        "screen; links tapped inside the app do not fire it.",
        category=ACQUISITION,
        tags=("attribution",),
        owner=ENGINEER,
        sources=APPS,
        groups=("campaign_fields",),
        properties=(_required("link_url"),),
    ),
    DemoEvent(
        key="Landing Page Viewed",
        display_name="落地页浏览",
        description="A visitor arrived on a campaign landing page of the web shop.",
        trigger="When a landing page has finished loading (DOMContentLoaded), once per page "
        "load.",
        category=ACQUISITION,
        tags=("attribution", "web"),
        owner=PM,
        sources=(WEB,),
        groups=("page_context", "campaign_fields"),
    ),
    DemoEvent(
        key="Sign Up Started",
        display_name="开始注册",
        description="The user opened the sign-up form.",
        trigger="When the sign-up screen is shown, whether from the profile tab, a checkout "
        "prompt, an invite link or onboarding.",
        category=ACQUISITION,
        tags=("account", "funnel:signup"),
        owner=PM,
        sources=CLIENTS,
        groups=("page_context",),
        properties=(_required("entry_point"),),
    ),
    DemoEvent(
        key="Signed Up",
        display_name="注册成功",
        description="A new account was created. Counted by the server so that retried "
        "requests and closed apps do not skew sign-ups.",
        trigger="When the account service has committed the new account after the SMS or "
        "e-mail verification succeeded; once per account.",
        category=ACQUISITION,
        tags=("account", "funnel:signup"),
        owner=PM,
        sources=(SERVER,),
        tracked_on=TrackedOn.SERVER,
        properties=(
            _required("signup_method"),
            _optional("phone"),
            _optional("email"),
            _optional("invite_code"),
        ),
    ),
)

_ACTIVATION_EVENTS = (
    DemoEvent(
        key="Signed In",
        display_name="登录成功",
        description="The user signed in to an existing account.",
        trigger="When the login API answers success and the session token is stored on the "
        "device; silent token refreshes do not fire it.",
        category=ACTIVATION,
        tags=("account",),
        owner=ENGINEER,
        sources=CLIENTS,
        properties=(_required("login_method"),),
    ),
    DemoEvent(
        key="Onboarding Completed",
        display_name="新手引导完成",
        description="The user finished the onboarding screens.",
        trigger="When the user taps “Start shopping” on the last onboarding screen; "
        "skipping onboarding does not fire it.",
        category=ACTIVATION,
        tags=("onboarding",),
        owner=PM,
        sources=APPS,
        properties=(_optional("interests"),),
    ),
    DemoEvent(
        key="Products Searched",
        display_name="商品搜索",
        description="The user searched the catalogue.",
        trigger="When a search is submitted (return key, search button or a suggested "
        "term); typing alone does not fire it.",
        category=ACTIVATION,
        tags=("discovery", "funnel:purchase"),
        owner=PM,
        sources=CLIENTS,
        groups=("page_context",),
        properties=(_required("query"), _optional("result_count")),
    ),
    DemoEvent(
        key="Product List Viewed",
        display_name="商品列表浏览",
        description="The user saw a category or search-result list.",
        trigger="When a list has rendered its first page of products; loading further "
        "pages does not fire it again.",
        category=ACTIVATION,
        tags=("discovery",),
        owner=PM,
        sources=CLIENTS,
        groups=("page_context",),
        properties=(
            _required("list_id"),
            _optional("category"),
            _optional("products", note="The products on the first page, in order."),
        ),
    ),
    DemoEvent(
        key="Product Viewed",
        display_name="商品浏览",
        description="The user opened a product's detail page.",
        trigger="When the product detail page has finished loading price and stock, once "
        "per visit; returning from a sub-page (reviews, size guide) does not fire it again.",
        category=ACTIVATION,
        tags=("discovery", "funnel:purchase"),
        owner=PM,
        sources=CLIENTS,
        groups=("product_fields", "page_context"),
    ),
    DemoEvent(
        key="Product Added",
        display_name="加入购物车",
        description="The user added a product to the cart.",
        trigger="When the cart API confirms the item was added (not on the tap itself), "
        "from the detail page, a list or the recommendations.",
        category=ACTIVATION,
        tags=("cart", "funnel:purchase"),
        owner=PM,
        sources=CLIENTS,
        groups=("product_fields",),
        properties=(_required("quantity"), _required("cart_id")),
    ),
    DemoEvent(
        key="Product Removed",
        display_name="移出购物车",
        description="The user removed a product from the cart.",
        trigger="When the cart API confirms the item was removed, by the delete button or "
        "by setting the quantity to zero.",
        category=ACTIVATION,
        tags=("cart",),
        owner=ENGINEER,
        sources=CLIENTS,
        groups=("product_fields",),
        properties=(_required("quantity"), _required("cart_id")),
    ),
    DemoEvent(
        key="Cart Viewed",
        display_name="购物车浏览",
        description="The user looked at the cart.",
        trigger="When the cart screen has loaded its contents, also when the cart is empty.",
        category=ACTIVATION,
        tags=("cart",),
        owner=ENGINEER,
        sources=CLIENTS,
        groups=("page_context",),
        properties=(_required("cart_id"), _optional("products")),
    ),
    DemoEvent(
        key="Banner Clicked",
        display_name="横幅点击",
        description="",
        trigger="",
        category=ACTIVATION,
        tags=("marketing",),
        owner=ENGINEER,
        sources=CLIENTS,
        groups=("page_context",),
        properties=(_required("banner_id"), _optional("banner_position")),
    ),
)

_REVENUE_EVENTS = (
    DemoEvent(
        key="Checkout Started",
        display_name="开始结算",
        description="The user began checking out.",
        trigger="When the order confirmation screen has loaded after “Checkout” in the cart "
        "or “Buy now” on a product page.",
        category=REVENUE,
        tags=("checkout", "funnel:purchase"),
        owner=PM,
        sources=CLIENTS,
        properties=(
            _required("cart_id"),
            _required("products"),
            _required("subtotal"),
            _required("currency"),
            _optional("coupon_code"),
        ),
    ),
    DemoEvent(
        key="Payment Info Entered",
        display_name="选择支付方式",
        description="The user chose how to pay for a created order.",
        trigger="When the user confirms a payment method on the cashier screen, before the "
        "payment is submitted to the provider.",
        category=REVENUE,
        tags=("checkout", "funnel:purchase"),
        owner=ENGINEER,
        sources=CLIENTS,
        properties=(_required("order_id"), _required("payment_method")),
    ),
    DemoEvent(
        key="Coupon Applied",
        display_name="使用优惠券",
        description="A coupon was accepted and lowered the order total.",
        trigger="When the coupon service accepts a code typed or picked at checkout and the "
        "discounted total is shown.",
        category=REVENUE,
        tags=("checkout", "promotion"),
        owner=PM,
        sources=CLIENTS,
        properties=(
            _required("coupon_code"),
            _required("discount"),
            _required("cart_id"),
        ),
    ),
    DemoEvent(
        key="Coupon Denied",
        display_name="优惠券不可用",
        description="A coupon code was refused at checkout.",
        trigger="When the coupon service refuses a code at checkout and the error is shown.",
        category=REVENUE,
        tags=("checkout", "promotion"),
        owner=PM,
        sources=CLIENTS,
        properties=(
            _required("coupon_code"),
            _required("denial_reason"),
            _required("cart_id"),
        ),
    ),
    DemoEvent(
        key="Coupon Entered",
        display_name="输入优惠码",
        description="Replaced by Coupon Applied and Coupon Denied, which say whether the "
        "code worked. App versions before 5.0 still send it.",
        trigger="When the user tapped “Use” after typing a coupon code, before the coupon "
        "service answered.",
        category=REVENUE,
        tags=("checkout", "promotion", "legacy"),
        owner=ENGINEER,
        sources=APPS,
        status=EventStatus.DEPRECATED,
        properties=(_required("coupon_code"),),
    ),
    DemoEvent(
        key="Order Completed",
        display_name="支付成功",
        description="An order was paid. The source of truth for revenue: sent by the "
        "server, never by the client's result page.",
        trigger="When the payment service receives the provider's success callback and "
        "marks the order paid; once per order.",
        category=REVENUE,
        tags=("order", "funnel:purchase", "north-star"),
        owner=PM,
        sources=(SERVER,),
        tracked_on=TrackedOn.SERVER,
        groups=("order_fields",),
        properties=(
            _optional("coupon_codes"),
            _optional("shipping_region"),
            _optional("channel"),
            _optional("contact_mobile"),
            _optional(
                "id_card_number",
                note="Cross-border orders only, for customs clearance.",
            ),
        ),
    ),
    DemoEvent(
        key="Payment Failed",
        display_name="支付失败",
        description="A payment attempt for an order failed.",
        trigger="When the provider's callback reports a failed payment, or the payment "
        "times out after 15 minutes without a callback.",
        category=REVENUE,
        tags=("order",),
        owner=ENGINEER,
        sources=(SERVER,),
        tracked_on=TrackedOn.SERVER,
        properties=(
            _required("order_id"),
            _required(
                "payment_method",
                enum=("alipay", "wechat_pay", "card", "apple_pay"),
                note="Online methods only: cash on delivery cannot fail here.",
            ),
            _required("error_code"),
            _required("total"),
            _required("currency"),
        ),
    ),
    DemoEvent(
        key="Order Cancelled",
        display_name="订单取消",
        description="An order was cancelled before shipping.",
        trigger="When the order service moves an unpaid or unshipped order to cancelled, by "
        "the buyer, the merchant or the 30-minute unpaid timeout.",
        category=REVENUE,
        tags=("order",),
        owner=ENGINEER,
        sources=(SERVER,),
        tracked_on=TrackedOn.SERVER,
        properties=(
            _required("order_id"),
            _required("cancel_reason"),
            _required("total"),
            _required("currency"),
        ),
    ),
    DemoEvent(
        key="Order Refunded",
        display_name="订单退款",
        description="Money for some or all of an order's items went back to the buyer.",
        trigger="When the refund provider confirms the money was returned, once per refund "
        "(an order can have several).",
        category=REVENUE,
        tags=("order", "after-sales"),
        owner=ENGINEER,
        sources=(SERVER,),
        tracked_on=TrackedOn.SERVER,
        properties=(
            _required("order_id"),
            _required("refund_amount"),
            _required("currency"),
            _required("refunded_items"),
        ),
    ),
)

_RETENTION_EVENTS = (
    DemoEvent(
        key="App Opened",
        display_name="应用启动",
        description="The app came to the foreground. Daily active users count this event.",
        trigger="On every cold start, and on every return from the background after more "
        "than 30 seconds, once the first screen is visible.",
        category=RETENTION,
        tags=("lifecycle", "north-star"),
        owner=ENGINEER,
        sources=APPS,
        properties=(
            _required("from_background"),
            _optional("open_source"),
            _optional("channel"),
            _optional("first_open_date"),
        ),
    ),
    DemoEvent(
        key="Notification Opened",
        display_name="推送打开",
        description="The user opened the app from a push notification.",
        trigger="When the user taps a push notification and the app has opened the screen "
        "it points to.",
        category=RETENTION,
        tags=("messaging",),
        owner=None,
        sources=APPS,
        properties=(_required("message_id"), _required("message_type")),
    ),
    DemoEvent(
        key="add_to_wishlist",
        display_name="加入收藏",
        description="The user saved a product to their wishlist.",
        trigger="When the wishlist API confirms the product was saved, from the heart icon "
        "on a product page or a list.",
        category=RETENTION,
        tags=("wishlist",),
        owner=ENGINEER,
        sources=CLIENTS,
        groups=("product_fields",),
    ),
    DemoEvent(
        key="Product Reviewed",
        display_name="商品评价",
        description="The buyer reviewed a delivered item. Planned for release 5.13.",
        trigger="When the review service has accepted a submitted review (rating, optional "
        "text and photos) for an item of a delivered order.",
        category=RETENTION,
        tags=("after-sales",),
        owner=PM,
        sources=CLIENTS,
        status=EventStatus.DRAFT,
        properties=(
            _required("order_id"),
            _required("product_id"),
            _required("rating"),
            _optional("has_images"),
        ),
    ),
    DemoEvent(
        key="Delivery Confirmed",
        display_name="确认收货",
        description="The buyer confirmed an order arrived.",
        trigger="When the user taps “Confirm receipt” on a shipped order and the order "
        "service accepts it; automatic confirmation after 10 days does not fire it.",
        category=RETENTION,
        tags=("order", "after-sales"),
        owner=PM,
        sources=CLIENTS,
        properties=(_required("order_id"),),
    ),
)

_REFERRAL_EVENTS = (
    DemoEvent(
        key="Share Clicked",
        display_name="分享点击",
        description="The user shared a product, an order or an activity page.",
        trigger="When the user picks a channel in the share sheet (not when the sheet "
        "opens).",
        category=REFERRAL,
        tags=("sharing",),
        owner=PM,
        sources=CLIENTS,
        groups=("page_context",),
        properties=(
            _required("share_channel"),
            _required("content_type"),
            _optional("product_id"),
        ),
    ),
    DemoEvent(
        key="Invite Sent",
        display_name="发送邀请",
        description="The user sent their invite link to a friend.",
        trigger="When the user sends the invite link from the “Invite friends” page through "
        "a share channel.",
        category=REFERRAL,
        tags=("sharing", "invite"),
        owner=PM,
        sources=APPS,
        properties=(
            _required("invite_code"),
            _required(
                "share_channel",
                enum=("wechat_friend", "qq", "copy_link"),
                note="Invites go to one person: moments, Weibo and the system sheet are "
                "not offered.",
            ),
        ),
    ),
    DemoEvent(
        key="Invite Accepted",
        display_name="邀请注册成功",
        description="Someone signed up through an invite; the inviter earns a reward.",
        trigger="When an account created with an invite code is verified and the code is "
        "credited to the inviter; once per invited account.",
        category=REFERRAL,
        tags=("invite",),
        owner=ENGINEER,
        sources=(SERVER,),
        tracked_on=TrackedOn.SERVER,
        properties=(_required("invite_code"), _required("inviter_user_id")),
    ),
    DemoEvent(
        key="Group Buy Started",
        display_name="发起拼团",
        description="The user started a group-buy for a product. Planned for release 5.13.",
        trigger="When the group-buy service has created the group and the share sheet opens "
        "for the organiser.",
        category=REFERRAL,
        tags=("group-buy",),
        owner=PM,
        sources=APPS,
        status=EventStatus.DRAFT,
        groups=("product_fields",),
        properties=(_required("group_buy_id"), _required("group_size")),
    ),
)

EVENTS: tuple[DemoEvent, ...] = (
    _ACQUISITION_EVENTS
    + _ACTIVATION_EVENTS
    + _REVENUE_EVENTS
    + _RETENTION_EVENTS
    + _REFERRAL_EVENTS
)

DELIBERATE_FINDINGS = (
    DeliberateFinding(
        code="event_key_convention",
        object_type="event",
        object_key="add_to_wishlist",
        why="snake_case in an Object Action plan; it should be “Product Wishlisted”.",
        passes_validation=False,
    ),
    DeliberateFinding(
        code="near_duplicate_property_key",
        object_type="property",
        object_key="coupon_code",
        why="coupon_codes, added later for Order Completed, differs only by a plural “s”.",
    ),
    DeliberateFinding(
        code="event_missing_description",
        object_type="event",
        object_key="Banner Clicked",
        why="Added in a hurry for a campaign: no description.",
    ),
    DeliberateFinding(
        code="event_missing_trigger",
        object_type="event",
        object_key="Banner Clicked",
        why="Nor does anyone know when exactly it fires.",
    ),
    DeliberateFinding(
        code="property_looks_personal",
        object_type="property",
        object_key="contact_mobile",
        why="A phone number by its name and example, but classed not personal.",
    ),
    DeliberateFinding(
        code="property_type_conflict",
        object_type="property",
        object_key="price",
        why="refunded_items.price is text; price and products.price are numbers.",
    ),
    DeliberateFinding(
        code="unused_property",
        object_type="property",
        object_key="wishlist_id",
        why="Left over from a wishlist design: on no event, in no group, not common.",
    ),
    DeliberateFinding(
        code="event_without_owner",
        object_type="event",
        object_key="Notification Opened",
        why="Nobody owns it, so nobody is told when it breaks.",
    ),
)

# Version 1.0.0 of the demo was published before these arrived: the draft then shows what a
# hurried release adds — a breaking change (a new required property on Order Refunded) and the
# plan-check errors that block publishing it.
ADDED_AFTER_FIRST_VERSION = frozenset(
    {"add_to_wishlist", "contact_mobile", "refunded_items"}
)
FIRST_VERSION_NOTE = "First published version of the Shop App tracking plan."

_UNVALIDATED = {
    (f.object_type, f.object_key)
    for f in DELIBERATE_FINDINGS
    if not f.passes_validation
}

# An attachment's narrowing fields the demo never sets; written so a reload clears edits.
_NO_OTHER_NARROWING: dict[str, Any] = {
    "pattern": "",
    "minimum": None,
    "maximum": None,
    "min_length": None,
    "max_length": None,
    "min_items": None,
    "max_items": None,
}

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def load_demo_plan(*, owner: User | None = None) -> TrackingPlan:
    """Create the demo plan, or bring an existing one back to the demo's content.

    Idempotent: a row is saved only when one of its values differs, so a second run writes
    nothing (not even history). Rows the demo does not define are left alone; the demo's
    events and groups, and the plan's common properties, get exactly the demo's attachments.
    Every row except the deliberately invalid ones passes `full_clean()` before it is saved.
    """
    users = {spec.username: _demo_user(spec) for spec in USERS}
    plan = _upsert(
        TrackingPlan,
        {"key": PLAN["key"]},
        {**PLAN, "owner": owner or users[PM]},
    )
    if not plan.versions.exists():
        _load_content(plan, users, leave_out=ADDED_AFTER_FIRST_VERSION)
        load_demo_metrics(plan, users)
        publish_version(plan, author=users[PM], note=FIRST_VERSION_NOTE)
    _load_content(plan, users, leave_out=frozenset())
    load_demo_metrics(plan, users)
    return plan


def _load_content(
    plan: TrackingPlan,
    users: dict[str, User],
    *,
    leave_out: frozenset[str],
) -> None:
    """Sources, properties, groups, common properties and events, minus the keys left out."""
    sources = {
        spec.kind: _upsert(
            Source, {"plan": plan, "name": spec.name}, {"kind": spec.kind}
        )
        for spec in SOURCES
    }
    stored = _StoredRows.of(plan)
    properties: dict[str, Property] = {}
    for spec in PROPERTIES:
        if spec.key not in leave_out:
            properties[spec.key] = _load_property(plan, spec, stored, parent=None)
    groups = {spec.key: _load_group(plan, spec, properties) for spec in GROUPS}
    _attach(
        CommonProperty,
        {"plan": plan},
        [
            (properties[a.key], {"required": a.required})
            for a in COMMON_PROPERTIES
            if a.key in properties
        ],
    )
    events = [event for event in EVENTS if event.key not in leave_out]
    # In order of first use, so tags are created in the order events name them.
    tags = {
        name: _upsert(Tag, {"name": name}, {})
        for name in dict.fromkeys(name for event in events for name in event.tags)
    }
    for event in events:
        _load_event(
            plan,
            event,
            stored=stored,
            related=_Related(
                users=users,
                sources=sources,
                groups=groups,
                properties=properties,
                tags=tags,
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class _StoredRows:
    """The plan's properties and events as stored before a pass, read in a few queries.

    Looking each row up by its own query was most of a load's time. Every row is visited
    at most once per pass, so what the pass itself writes never needs to be read back.
    """

    properties: dict[tuple[int | None, str], Property]
    events: dict[str, Event]
    event_links: dict[str, dict[str, frozenset[int]]]

    @classmethod
    def of(cls, plan: TrackingPlan) -> _StoredRows:
        events = {
            event.key: event
            for event in Event.objects.filter(plan=plan)
            .select_related("owner")
            .prefetch_related("tags", "sources", "groups")
        }
        return cls(
            properties={
                (prop.parent_id, prop.key): prop
                for prop in Property.objects.filter(plan=plan)
            },
            events=events,
            event_links={
                key: {
                    name: frozenset(row.pk for row in getattr(event, name).all())
                    for name in ("tags", "sources", "groups")
                }
                for key, event in events.items()
            },
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Related:
    """The rows an event refers to, by the demo's names for them."""

    users: dict[str, User]
    sources: dict[str, Source]
    groups: dict[str, PropertyGroup]
    properties: dict[str, Property]
    tags: dict[str, Tag]


def _demo_user(spec: DemoUser) -> User:
    """The demo user, created without a usable password if missing; never changed after."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=spec.username).first()
    if user is None:
        user = user_model(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=spec.email,
        )
        user.set_unusable_password()
        user.save()
    return user


def _load_property(
    plan: TrackingPlan,
    spec: DemoProperty,
    stored: _StoredRows,
    *,
    parent: Property | None,
) -> Property:
    row = _sync(
        stored.properties.get((parent.pk if parent else None, spec.key)),
        Property,
        {"plan": plan, "parent": parent, "key": spec.key},
        {
            "display_name": spec.display_name,
            "description": spec.description,
            "type": spec.type,
            "item_type": spec.item_type,
            "enum": list(spec.enum),
            "pattern": spec.pattern,
            "minimum": spec.minimum,
            "maximum": spec.maximum,
            "min_length": spec.min_length,
            "max_length": spec.max_length,
            "min_items": spec.min_items,
            "max_items": spec.max_items,
            "privacy_class": spec.privacy_class,
            "examples": list(spec.examples),
        },
        validate=("property", _path(spec.key, parent)) not in _UNVALIDATED,
    )
    for child in spec.children:
        _load_property(plan, child, stored, parent=row)
    return row


def _path(key: str, parent: Property | None) -> str:
    return f"{parent.path}.{key}" if parent is not None else key


def _load_group(
    plan: TrackingPlan, spec: DemoGroup, properties: dict[str, Property]
) -> PropertyGroup:
    group = _upsert(
        PropertyGroup,
        {"plan": plan, "key": spec.key},
        {"name": spec.name, "description": spec.description},
    )
    _attach(
        GroupProperty,
        {"group": group},
        [
            (properties[a.key], {"required": a.required, "position": position})
            for position, a in enumerate(spec.properties)
            if a.key in properties
        ],
    )
    return group


def _load_event(
    plan: TrackingPlan,
    spec: DemoEvent,
    *,
    stored: _StoredRows,
    related: _Related,
) -> Event:
    event = _sync(
        stored.events.get(spec.key),
        Event,
        {"plan": plan, "key": spec.key},
        {
            "display_name": spec.display_name,
            "description": spec.description,
            "trigger": spec.trigger,
            "category": spec.category,
            "owner": related.users[spec.owner] if spec.owner else None,
            "status": spec.status,
            "tracked_on": spec.tracked_on,
            "deprecated_at": _deprecated_at(plan, spec),
        },
        validate=("event", spec.key) not in _UNVALIDATED,
    )
    links = stored.event_links.get(spec.key, {})
    for name, rows in (
        ("tags", [related.tags[key] for key in spec.tags]),
        ("sources", [related.sources[kind] for kind in spec.sources]),
        ("groups", [related.groups[key] for key in spec.groups]),
    ):
        if name not in links or links[name] != {row.pk for row in rows}:
            getattr(event, name).set(rows)
    _attach(
        EventProperty,
        {"event": event},
        [
            (related.properties[a.key], _attachment_values(a, position))
            for position, a in enumerate(spec.properties)
            if a.key in related.properties
        ],
    )
    return event


def _deprecated_at(plan: TrackingPlan, spec: DemoEvent) -> datetime | None:
    """Keep the first deprecation time across reloads, so a reload changes nothing."""
    if spec.status != EventStatus.DEPRECATED:
        return None
    existing = (
        Event.objects.filter(plan=plan, key=spec.key)
        .values_list("deprecated_at", flat=True)
        .first()
    )
    return existing or timezone.now()


def _attachment_values(spec: DemoAttachment, position: int) -> dict[str, Any]:
    return {
        "required": spec.required,
        "note": spec.note,
        "position": position,
        "enum": list(spec.enum),
        **_NO_OTHER_NARROWING,
    }


def _attach(
    model: type[M],
    holder: dict[str, Any],
    rows: list[tuple[Property, dict[str, Any]]],
) -> None:
    """Make the holder's attachments exactly `rows`: upsert each, delete the rest."""
    stored = {
        row.property_id: row  # type: ignore[attr-defined]
        for row in model._default_manager.filter(**holder)
    }
    kept = {
        _sync(stored.get(prop.pk), model, {**holder, "property": prop}, values).pk
        for prop, values in rows
    }
    stale = [row.pk for row in stored.values() if row.pk not in kept]
    if stale:
        model._default_manager.filter(pk__in=stale).delete()


def _upsert(
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    validate: bool = True,
) -> M:
    """The row matching `lookup` with `values` set, saved only if new or changed."""
    row = model._default_manager.filter(**lookup).first()
    return _sync(row, model, lookup, values, validate=validate)


def _sync(
    row: M | None,
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    validate: bool = True,
) -> M:
    """`row` (the stored row matching `lookup`, or None) with `values` set.

    Validated and saved only if new or changed: a row the loader leaves as it is was either
    validated when the loader saved it or never written by the loader.
    """
    changed = row is None
    # Setting the lookup's objects on a fetched row too spares clean() a query per relation.
    row = model(**lookup) if row is None else _with_values(row, lookup)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if not changed:
        return row
    if validate:
        row.full_clean(exclude=["key_folded"])
    row.save()
    return row


def _with_values(row: M, values: dict[str, Any]) -> M:
    for name, value in values.items():
        setattr(row, name, value)
    return row
