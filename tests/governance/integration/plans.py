"""Published plans for the live pipeline: a small one, and changes to the demo plan's draft."""

from __future__ import annotations

from tests.factories import (
    CommonPropertyFactory,
    EventFactory,
    EventPropertyFactory,
    SourceFactory,
)
from tracking.models import (
    Event,
    EventProperty,
    PrivacyClass,
    Property,
    PropertyType,
    Source,
    SourceKind,
    TrackingPlan,
)
from tracking.publishing import publish_version

# The small plan's one event, and properties valid for it.
VIEWED = "Product Viewed"
VIEWED_PROPERTIES = {"platform": "web", "product_id": "P204518"}


def clear_blocking_findings(plan: TrackingPlan) -> None:
    """Fix the flaws the demo's draft keeps on purpose, which refuse any publish."""
    wishlist = Event.objects.get(plan=plan, key="add_to_wishlist")
    wishlist.key = "Product Wishlisted"
    wishlist.save()
    mobile = Property.objects.get(plan=plan, parent=None, key="contact_mobile")
    mobile.privacy_class = PrivacyClass.PERSONAL
    mobile.save()
    price = Property.objects.get(plan=plan, parent__key="refunded_items", key="price")
    price.type = PropertyType.NUMBER
    price.max_length = None
    price.save()


def add_property(
    plan: TrackingPlan, event_key: str, key: str, type_: str, *, required: bool
) -> Property:
    """A new property of the plan, attached to one event, in the draft only."""
    prop = Property.objects.create(
        plan=plan,
        key=key,
        display_name=key.replace("_", " ").title(),
        description="Added by an integration test.",
        type=type_,
    )
    EventProperty.objects.create(
        event=Event.objects.get(plan=plan, key=event_key),
        property=prop,
        required=required,
        position=99,
    )
    return prop


def publish(plan: TrackingPlan) -> str:
    """Publish the draft; the new version's number."""
    return publish_version(plan, author=None, note="Integration test.").number


def small_plan() -> Source:
    """A plan of one event, published as 1.0.0, and its web source (loads in a blink)."""
    source = SourceFactory(name="Web", kind=SourceKind.WEB)
    plan = source.plan
    viewed = EventFactory(plan=plan, key=VIEWED, owner=None)
    EventPropertyFactory(event=viewed, property__key="product_id", required=True)
    for key, type_ in (
        ("price", PropertyType.NUMBER),
        ("quantity", PropertyType.INTEGER),
        ("viewed_at", PropertyType.DATE_TIME),
    ):
        EventPropertyFactory(
            event=viewed, property__key=key, property__type=type_, required=False
        )
    CommonPropertyFactory(
        plan=plan,
        property__key="platform",
        property__enum=["web", "ios", "android"],
        required=True,
    )
    publish(plan)
    return source
