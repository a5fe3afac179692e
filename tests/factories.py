"""factory_boy factories for the registry's rows."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from tracking.models import (
    CommonProperty,
    Event,
    EventProperty,
    EventStatus,
    GroupProperty,
    Property,
    PropertyGroup,
    PropertyType,
    Source,
    SourceKind,
    TrackingPlan,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingPlan

    key = factory.Sequence(lambda n: f"plan-{n}")
    name = factory.Sequence(lambda n: f"Plan {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Source {n}")
    kind = SourceKind.WEB


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    plan = factory.SubFactory(PlanFactory)
    key = factory.Sequence(lambda n: f"property_{n}")
    display_name = factory.LazyAttribute(lambda p: p.key.replace("_", " ").title())
    description = "A property used in tests."
    type = PropertyType.STRING


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    plan = factory.SubFactory(PlanFactory)
    key = factory.Sequence(lambda n: f"Thing Happened{n}")
    display_name = factory.LazyAttribute(lambda e: e.key)
    description = "An event used in tests."
    trigger = "When the test says so."
    status = EventStatus.ACTIVE
    owner = factory.SubFactory(UserFactory)


class EventPropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventProperty

    event = factory.SubFactory(EventFactory)
    property = factory.SubFactory(
        PropertyFactory, plan=factory.SelfAttribute("..event.plan")
    )
    required = True


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PropertyGroup

    plan = factory.SubFactory(PlanFactory)
    key = factory.Sequence(lambda n: f"group_{n}")
    name = factory.Sequence(lambda n: f"Group {n}")


class GroupPropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupProperty

    group = factory.SubFactory(GroupFactory)
    property = factory.SubFactory(
        PropertyFactory, plan=factory.SelfAttribute("..group.plan")
    )


class CommonPropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommonProperty

    plan = factory.SubFactory(PlanFactory)
    property = factory.SubFactory(PropertyFactory, plan=factory.SelfAttribute("..plan"))


# --------------------------------------------------------------------------------------------
# Governance rows (the pipeline writes these by upsert; tests seed them directly)
# --------------------------------------------------------------------------------------------


class ProcessedBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.ProcessedBatch"

    batch_id = factory.Faker("uuid4", cast_to=None)
    source = factory.SubFactory(SourceFactory)
    samples = 1
    duplicates = 0
    processed_at = factory.LazyFunction(timezone.now)


class SeenMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.SeenMessage"

    source = factory.SubFactory(SourceFactory)
    digest = factory.Sequence(lambda n: n)
    seen_at = factory.LazyFunction(timezone.now)


class RecentSampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.RecentSample"

    source = factory.SubFactory(SourceFactory)
    plan = factory.SelfAttribute("source.plan")
    message_type = "track"
    event_name = "Order Completed"
    app_version = "3.2.0"
    is_valid = True
    received_at = factory.LazyFunction(timezone.now)
    message = factory.LazyAttribute(
        lambda s: {"type": s.message_type, "event": s.event_name}
    )


# --------------------------------------------------------------------------------------------
# Metric definitions and their glossary
# --------------------------------------------------------------------------------------------


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracking.GlossaryTerm"

    plan = factory.SubFactory(PlanFactory)
    key = factory.Sequence(lambda n: f"term_{n}")
    name_zh = "新用户"
    name_en = "New users"
    definition_text = "首次启动日期落在统计周期内的设备/用户"


class ModifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracking.Modifier"

    plan = factory.SubFactory(PlanFactory)
    key = factory.Sequence(lambda n: f"modifier_{n}")
    name_zh = "自然流量"
    name_en = "Organic channels"
    modifier_type = "channel"
    predicate = factory.LazyFunction(
        lambda: {"prop": "channel", "op": "in", "value": ["organic", "seo"]}
    )


class TimePeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tracking.TimePeriod"

    plan = factory.SubFactory(PlanFactory)
    key = "30d"
    name_zh = "近30天"
    name_en = "Last 30 days"
    kind = "trailing"
    n = 30
    unit = "day"


class MetricFactory(factory.django.DjangoModelFactory):
    """A row as stored; tests of the rules save through `save_metric` instead."""

    class Meta:
        model = "tracking.Metric"

    plan = factory.SubFactory(PlanFactory)
    key = factory.Sequence(lambda n: f"metric_{n}_cnt")
    name_zh = "APP启动次数"
    name_en = "App opens"
    kind = "atomic"
    definition = factory.LazyFunction(lambda: {"event": "App Opened", "agg": "count"})
    caliber = "Every foreground start of the app, counted once per event."
    owner = factory.SubFactory(UserFactory)
    category = "traffic"
