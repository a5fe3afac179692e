"""The demo plan: realistic, valid where meant to be, flawed where meant to be, idempotent."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models, transaction

from tests.factories import UserFactory
from tracking.checks import run_plan_checks
from tracking.demo import DELIBERATE_FINDINGS, load_demo_plan
from tracking.models import (
    CommonProperty,
    Event,
    EventProperty,
    GroupProperty,
    PrivacyClass,
    Property,
    PropertyGroup,
    Source,
    Tag,
    TrackingPlan,
)
from tracking.publishing import preview_publish

pytestmark = pytest.mark.django_db

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ROW_MODELS: list[type[models.Model]] = [
    TrackingPlan,
    Source,
    Property,
    PropertyGroup,
    GroupProperty,
    CommonProperty,
    Event,
    EventProperty,
    Tag,
    Event.tags.through,
    Event.sources.through,
    Event.groups.through,
    get_user_model(),
]


def _snapshot() -> dict[str, list[int]]:
    """Primary keys of every row, plain and historical, per model."""
    snapshot = {}
    for model in _ROW_MODELS:
        rows = model._default_manager.values_list("pk", flat=True)
        snapshot[model.__name__] = sorted(rows)
        if hasattr(model, "history"):
            history = model.history.values_list("pk", flat=True)
            snapshot[f"history of {model.__name__}"] = sorted(history)
    return snapshot


@pytest.fixture(scope="module")
def _demo_loaded_once(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (a load takes about a second); rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_plan()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def plan(_demo_loaded_once, db) -> TrackingPlan:
    return TrackingPlan.objects.get(key="shop-app")


def _events_by_key(plan: TrackingPlan) -> dict[str, Event]:
    return {event.key: event for event in plan.events.all()}


def _property(plan: TrackingPlan, path: str) -> Property:
    parent = None
    for key in path.split("."):
        parent = Property.objects.get(plan=plan, parent=parent, key=key)
    assert parent is not None
    return parent


def test_loading_twice_writes_no_row_the_second_time():
    load_demo_plan()
    first = _snapshot()
    load_demo_plan()
    assert _snapshot() == first


def test_reload_restores_edited_and_removed_attachments(plan):
    event = plan.events.get(key="Payment Failed")
    event.attachments.filter(property__key="error_code").delete()
    event.attachments.filter(property__key="payment_method").update(enum=["alipay"])
    event.groups.add(plan.groups.get(key="page_context"))
    load_demo_plan()
    assert [(a.property.key, a.required, a.enum) for a in event.attachments.all()] == [
        ("order_id", True, []),
        ("payment_method", True, ["alipay", "wechat_pay", "card", "apple_pay"]),
        ("error_code", True, []),
        ("total", True, []),
        ("currency", True, []),
    ]
    assert list(event.groups.all()) == []


def test_plan_has_thirty_two_events_across_all_five_aarrr_stages(plan):
    categories = {}
    for event in plan.events.all():
        categories[event.category] = categories.get(event.category, 0) + 1
    assert categories == {
        "acquisition": 5,
        "activation": 9,
        "revenue": 9,
        "retention": 5,
        "referral": 4,
    }


def test_plan_has_one_source_of_each_kind_and_server_events_only_on_the_server(plan):
    assert sorted(plan.sources.values_list("kind", "name")) == [
        ("android", "Android App"),
        ("ios", "iOS App"),
        ("server", "Order Service"),
        ("web", "Web Shop"),
    ]
    server_events = plan.events.filter(tracked_on="server")
    assert sorted(server_events.values_list("key", flat=True)) == [
        "Invite Accepted",
        "Order Cancelled",
        "Order Completed",
        "Order Refunded",
        "Payment Failed",
        "Signed Up",
    ]
    assert {s.kind for e in server_events for s in e.sources.all()} == {"server"}


def test_statuses_are_mostly_active_with_two_drafts_and_one_deprecated(plan):
    assert sorted(
        plan.events.exclude(status="active").values_list("status", "key")
    ) == [
        ("deprecated", "Coupon Entered"),
        ("draft", "Group Buy Started"),
        ("draft", "Product Reviewed"),
    ]
    assert plan.events.get(key="Coupon Entered").deprecated_at is not None


def test_every_row_meant_to_be_valid_passes_full_clean(plan):
    invalid = {
        (f.object_type, f.object_key)
        for f in DELIBERATE_FINDINGS
        if not f.passes_validation
    }
    assert invalid == {("event", "add_to_wishlist")}
    rows: list[models.Model] = [plan, *plan.sources.all(), *plan.groups.all()]
    rows += [p for p in plan.properties.all() if ("property", p.path) not in invalid]
    rows += [e for e in plan.events.all() if ("event", e.key) not in invalid]
    rows += list(EventProperty.objects.filter(event__plan=plan))
    rows += list(GroupProperty.objects.filter(group__plan=plan))
    rows += list(plan.common_properties.all())
    for row in rows:
        row.full_clean(exclude=["key_folded"])
    assert len(rows) == 1 + 4 + 4 + 76 + 31 + 76 + 22 + 5


def test_naming_break_is_a_row_the_admin_would_refuse(plan):
    event = plan.events.get(key="add_to_wishlist")
    with pytest.raises(ValidationError) as caught:
        event.full_clean(exclude=["key_folded"])
    assert caught.value.message_dict == {
        "key": [
            "“add_to_wishlist” does not follow the plan's event naming convention "
            "(Object Action title case (Product Viewed)). Try “Add To Wishlist”."
        ]
    }


def test_deliberate_flaws_are_planted_in_the_loaded_plan(plan):
    events = _events_by_key(plan)
    wishlist = _property(plan, "wishlist_id")
    assert not plan.event_key_follows_convention("add_to_wishlist")
    assert _property(plan, "coupon_code").type == "string"
    assert _property(plan, "coupon_codes").type == "array"
    banner = events["Banner Clicked"]
    assert (banner.description, banner.trigger) == ("", "")
    assert _property(plan, "contact_mobile").privacy_class == PrivacyClass.NONE
    assert _property(plan, "contact_mobile").examples == ["13912345678"]
    assert _property(plan, "products.price").type == "number"
    assert _property(plan, "refunded_items.price").type == "string"
    assert (
        wishlist.event_attachments.count(),
        wishlist.group_memberships.count(),
        wishlist.common_in.count(),
    ) == (0, 0, 0)
    assert [key for key, e in events.items() if e.owner is None] == [
        "Notification Opened"
    ]


def test_plan_checks_report_exactly_the_deliberate_findings(plan):
    reported = [(f.code, f.object_type, f.object_key) for f in run_plan_checks(plan)]
    assert sorted(reported) == sorted(
        (f.code, f.object_type, f.object_key) for f in DELIBERATE_FINDINGS
    )


def test_personal_properties_are_classed_as_such(plan):
    classed = plan.properties.exclude(privacy_class=PrivacyClass.NONE)
    assert sorted(classed.values_list("key", "privacy_class")) == [
        ("email", "personal"),
        ("id_card_number", "sensitive"),
        ("phone", "personal"),
    ]


def test_events_and_properties_have_chinese_display_names(plan):
    names = [e.display_name for e in plan.events.all()]
    names += [p.display_name for p in plan.properties.all()]
    assert [name for name in names if not _CJK.search(name)] == []
    assert plan.events.get(key="Product Viewed").display_name == "商品浏览"


def test_nested_properties_hang_under_their_object_and_lists(plan):
    nested = plan.properties.filter(parent__isnull=False).order_by("parent__key", "key")
    assert [(p.path, p.type) for p in nested] == [
        ("products.name", "string"),
        ("products.price", "number"),
        ("products.quantity", "integer"),
        ("products.sku", "string"),
        ("refunded_items.price", "string"),
        ("refunded_items.quantity", "integer"),
        ("refunded_items.sku", "string"),
        ("shipping_region.city", "string"),
        ("shipping_region.province", "string"),
    ]


def test_groups_and_common_properties_are_shared(plan):
    assert sorted(plan.groups.values_list("key", flat=True)) == [
        "campaign_fields",
        "order_fields",
        "page_context",
        "product_fields",
    ]
    assert sorted(plan.common_properties.values_list("property__key", "required")) == [
        ("app_version", True),
        ("device_id", False),
        ("platform", True),
        ("session_id", False),
        ("user_id", False),
    ]
    product_events = plan.events.filter(groups__key="product_fields")
    assert sorted(product_events.values_list("key", flat=True)) == [
        "Group Buy Started",
        "Product Added",
        "Product Removed",
        "Product Viewed",
        "add_to_wishlist",
    ]


def test_events_narrow_shared_enums(plan):
    narrowed = EventProperty.objects.filter(event__plan=plan).exclude(enum=[])
    assert sorted((a.event.key, a.property.key, a.enum) for a in narrowed) == [
        ("Invite Sent", "share_channel", ["wechat_friend", "qq", "copy_link"]),
        (
            "Payment Failed",
            "payment_method",
            ["alipay", "wechat_pay", "card", "apple_pay"],
        ),
    ]


def test_demo_users_own_the_events_and_cannot_log_in(plan):
    owners = set(plan.events.values_list("owner__username", flat=True))
    assert owners == {"demo-pm", "demo-engineer", None}
    users = get_user_model().objects.filter(username__startswith="demo-")
    assert [u.has_usable_password() for u in users] == [False, False]
    assert plan.owner.username == "demo-pm"


def test_given_owner_becomes_the_plan_owner():
    pm = UserFactory(username="pm")
    assert load_demo_plan(owner=pm).owner == pm


def test_command_prints_a_one_line_summary():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue() == (
        "Loaded the demo plan shop-app: 32 events, 76 properties (9 nested), "
        "4 groups, 4 sources.\n"
    )


def test_version_1_0_0_is_published_and_the_draft_adds_a_breaking_change(plan):
    assert list(plan.versions.values_list("number", flat=True)) == ["1.0.0"]
    preview = preview_publish(plan)
    assert (preview.previous, preview.number, preview.can_publish) == (
        "1.0.0",
        "2.0.0",
        False,
    )
    assert {f.code for f in preview.blocking} == {
        "event_key_convention",
        "property_looks_personal",
        "property_type_conflict",
    }
    assert [(c.key, c.path) for c in preview.diff.of_level("breaking")] == [
        ("Order Refunded", "properties.refunded_items")
    ]
