"""The door the pipeline reads the live plan through: write keys, pinned and latest versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import PlanFactory, SourceFactory
from tracking.models import PlanVersion, rotate_write_key
from tracking.published import (
    applicable_version_id,
    load_version,
    source_for_write_key,
)

pytestmark = pytest.mark.django_db


def test_source_for_write_key_names_the_source_and_its_plan(demo_plan):
    source = demo_plan.sources.order_by("id").first()
    ref = source_for_write_key(source.write_key)
    assert (ref.source_id, ref.plan_id, ref.name, ref.is_active) == (
        source.id,
        demo_plan.id,
        source.name,
        True,
    )


def test_a_rotated_write_key_names_no_source(demo_plan):
    source = demo_plan.sources.order_by("id").first()
    old = source.write_key
    rotate_write_key(source)
    assert source_for_write_key(old) is None
    assert source_for_write_key(source.write_key).source_id == source.id


def test_latest_published_version_applies_unless_the_source_pins_one(demo_plan):
    source = demo_plan.sources.order_by("id").first()
    latest = (
        PlanVersion.objects.filter(plan=demo_plan).order_by("-major", "-minor").first()
    )
    assert applicable_version_id(source.id) == latest.id
    pinned = PlanVersion.objects.create(
        plan=demo_plan,
        number="0.9.0",
        bump="minor",
        snapshot=latest.snapshot,
        snapshot_hash=latest.snapshot_hash,
        event_schemas=latest.event_schemas,
        diff=[],
    )
    source.pinned_version = pinned
    source.save()
    assert applicable_version_id(source.id) == pinned.id


def test_an_unpublished_plan_has_no_applicable_version():
    source = SourceFactory()
    assert applicable_version_id(source.id) is None
    assert applicable_version_id(10**9) is None


def test_load_version_returns_the_snapshot_and_schema_texts(demo_plan):
    version = PlanVersion.objects.filter(plan=demo_plan).first()
    published = load_version(version.id)
    assert published.number == version.number
    assert {e.key for e in published.snapshot.events} == set(published.event_schemas)
    assert load_version(10**9) is None


def test_a_source_cannot_pin_another_plans_version(demo_plan):
    other = SourceFactory(plan=PlanFactory())
    other.pinned_version = PlanVersion.objects.filter(plan=demo_plan).first()
    with pytest.raises(ValidationError) as raised:
        other.full_clean()
    assert "pinned_version" in raised.value.message_dict


def test_deleting_a_whole_plan_goes_through_attachments_pins_and_metrics(demo_plan):
    source = demo_plan.sources.order_by("id").first()
    source.pinned_version = PlanVersion.objects.filter(plan=demo_plan).first()
    source.save()

    demo_plan.delete()

    assert not PlanVersion.objects.filter(plan_id=demo_plan.id).exists()
