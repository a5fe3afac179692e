"""The pipeline's admin pages: every list and detail page renders, nothing is editable."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import (
    DeadLetterBatch,
    RecentSample,
    ViolationCount,
    WindowCount,
)
from governance.pipeline.store import record_dead_letter
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "windowcount",
    "violationcount",
    "observedtype",
    "lastseen",
    "recentsample",
    "deadletterbatch",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def rows():
    source = SourceFactory()
    now = timezone.now()
    WindowCount.objects.create(
        plan=source.plan,
        source=source,
        message_type="track",
        event_name="订单完成",
        app_version="2.1.0",
        window_start=now,
        is_planned=True,
        received=3,
        valid=2,
        invalid=1,
    )
    violation = ViolationCount.objects.create(
        plan=source.plan,
        source=source,
        message_type="track",
        event_name="订单完成",
        kind="schema",
        keyword="type",
        path="/properties/price",
        count=1,
        message="wrong type",
        first_seen=now,
        last_seen=now,
        examples=[{"properties": {"price": "12"}}],
    )
    letter = DeadLetterBatch.objects.create(
        batch_id=uuid.uuid4(),
        source=source,
        sealed_payload="",
        error="boom",
        failed_at=now,
    )
    return {"violationcount": violation.pk, "deadletterbatch": letter.pk}


@pytest.mark.parametrize("model", MODELS)
def test_each_list_page_renders(admin_client, rows, model):
    response = admin_client.get(reverse(f"admin:governance_{model}_changelist"))
    assert response.status_code == 200


def test_a_violation_shows_its_masked_examples(admin_client, rows):
    url = reverse(
        "admin:governance_violationcount_change", args=[rows["violationcount"]]
    )
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "/properties/price" in response.content.decode()
    assert "&quot;price&quot;: &quot;12&quot;" in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_nobody_adds_pipeline_rows_by_hand(admin_client, model):
    response = admin_client.get(reverse(f"admin:governance_{model}_add"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("message_id", "shown"),
    [
        pytest.param("m-1", "By messageId", id="with-message-id"),
        pytest.param(None, "sent without a messageId", id="without-message-id"),
    ],
)
def test_a_sample_says_whether_it_is_deduplicated(admin_client, message_id, shown):
    source = SourceFactory()
    message = {"type": "track", "event": "Order Completed", "messageId": message_id}
    sample = RecentSample.objects.create(
        plan=source.plan,
        source=source,
        message_type="track",
        event_name="Order Completed",
        is_valid=True,
        received_at=timezone.now(),
        message={k: v for k, v in message.items() if v is not None},
    )
    url = reverse("admin:governance_recentsample_change", args=[sample.pk])

    page = admin_client.get(url).content.decode()

    assert shown in page


def test_a_dead_letter_shows_its_metadata_and_a_masked_preview_only(admin_client):
    source = SourceFactory()
    body = '{"batch": [{"type": "track", "event": "Call 13807221732", "userId": "u"}]}'
    letter = record_dead_letter(
        {
            "batch_id": str(uuid.uuid4()),
            "source_id": source.id,
            "plan_id": source.plan_id,
            "endpoint": "batch",
            "received_at": "2024-05-18T01:32:17+00:00",
            "body": body,
        },
        error="ValueError: 13807221732",
        traceback="",
        attempts=6,
    )
    url = reverse("admin:governance_deadletterbatch_change", args=[letter.pk])

    page = admin_client.get(url).content.decode()

    assert "Call 138****1732" in page
    assert "13807221732" not in page
    assert letter.sealed_payload not in page
    assert 'name="error"' not in page  # shown, not editable


def test_a_dead_letter_no_key_opens_says_so(admin_client, rows):
    url = reverse(
        "admin:governance_deadletterbatch_change", args=[rows["deadletterbatch"]]
    )

    page = admin_client.get(url).content.decode()

    assert "No key in DEAD_LETTER_KEYS opens this batch" in page
