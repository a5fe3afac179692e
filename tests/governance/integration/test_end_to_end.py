"""Samples in through the collector over HTTP, counts and violations out of a real worker.

The demo plan, with a date-time property added and published, judges one sample of each kind
of problem the pipeline knows; every count and every violation is asserted exactly.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from governance.models import DeadLetterBatch, RecentSample, ViolationCount
from tests.governance.integration.plans import (
    add_property,
    clear_blocking_findings,
    publish,
)
from tests.governance.integration.samples import (
    SEARCHED,
    WEB,
    batch_body,
    body,
    headers,
    now_iso,
    received,
    searched,
    track,
    violation_counts,
    window_totals,
)
from tests.governance.integration.services import wait_for
from tracking.models import PropertyType

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = "13812345678"
BEYOND_64_BITS = 2**64 + 1
DELIVERED = "Delivery Confirmed"
SIGN_UP = "Sign Up Started"
UNPLANNED = "Wishlist Shared"


@pytest.fixture
def demo_web(demo_web):
    """The demo's web source, its plan published again with a date-time property."""
    plan = demo_web.plan
    clear_blocking_findings(plan)
    add_property(
        plan, DELIVERED, "delivered_at", PropertyType.DATE_TIME, required=False
    )
    assert publish(plan) == "2.0.0"
    return demo_web


def one_of_each_problem() -> list[dict[str, Any]]:
    no_message_id = track(SEARCHED, searched())
    del no_message_id["messageId"]
    nobody = track(SEARCHED, searched())
    del nobody["anonymousId"]
    return [
        no_message_id,
        nobody,
        track(UNPLANNED, dict(WEB)),
        track(SEARCHED, searched(result_count="twelve")),
        track(SEARCHED, {**WEB, "page_name": "search"}),
        track(SIGN_UP, {**WEB, "page_name": "signup", "entry_point": "banner"}),
        track(
            DELIVERED,
            {
                **WEB,
                "order_id": "SO20240518000127",
                "delivered_at": "2024-05-20T10:00:00",
            },
        ),
        track(SEARCHED, searched(platform="windows")),
        track(SEARCHED, searched(colour="黑色")),
        track(SEARCHED, searched(query=f"请回电 {PHONE}")),
        track(SEARCHED, searched(), timestamp=now_iso(ahead=timedelta(days=2))),
        track(SEARCHED, searched(big_number=BEYOND_64_BITS)),
    ]


def test_every_kind_of_problem_is_counted_exactly_and_stored_masked(pipeline, demo_web):
    collector = pipeline.ready()
    auth = headers(demo_web.write_key)
    chinese = track(SEARCHED, searched(query="无线降噪耳机 🎧"))
    page = {"name": "首页", "properties": {"path": "/"}, "anonymousId": "a-1"}
    identify = {"userId": "u10482913", "traits": {"phone": PHONE, "city": "上海"}}

    answers = [
        collector.post("track", body(chinese), headers=auth),
        collector.post("batch", batch_body(one_of_each_problem()), headers=auth),
        collector.post("page", body({**page, "messageId": "page-1"}), headers=auth),
        collector.post(
            "identify", body({**identify, "messageId": "id-1"}), headers=auth
        ),
    ]

    assert [(status, answer) for status, _, answer in answers] == [
        (200, b'{"success":true}')
    ] * 4
    wait_for(lambda: received(demo_web) == 15, timeout=30, what="15 samples counted")
    assert window_totals(demo_web) == {
        # The sample without a messageId is valid: counted, only never deduplicated.
        ("track", SEARCHED): (10, 6, 4, 1),
        ("track", SIGN_UP): (1, 0, 1, 0),
        ("track", DELIVERED): (1, 0, 1, 0),
        ("track", UNPLANNED): (1, 0, 1, 0),
        ("page", "首页"): (1, 1, 0, 0),
        ("identify", ""): (1, 1, 0, 0),
    }
    assert violation_counts(demo_web) == {
        (SEARCHED, "envelope", "missing_identity", "/userId"): 1,
        (UNPLANNED, "unplanned_event", "unplanned", "/event"): 1,
        (SEARCHED, "schema", "type", "/properties/result_count"): 1,
        (SEARCHED, "schema", "required", "/properties/query"): 1,
        (SIGN_UP, "schema", "enum", "/properties/entry_point"): 1,
        (DELIVERED, "schema", "format", "/properties/delivered_at"): 1,
        (SEARCHED, "common_property", "enum", "/properties/platform"): 1,
        (
            SEARCHED,
            "unexpected_property",
            "additionalProperties",
            "/properties/colour",
        ): 1,
        (
            SEARCHED,
            "unexpected_property",
            "additionalProperties",
            "/properties/big_number",
        ): 1,
        (SEARCHED, "personal_data", "phone", "/properties/query"): 1,
        (SEARCHED, "clock_skew", "future", "/timestamp"): 1,
    }
    assert DeadLetterBatch.objects.count() == 0

    stored = [
        *(row.examples for row in ViolationCount.objects.all()),
        *(row.message for row in RecentSample.objects.all()),
    ]
    big = ViolationCount.objects.get(path="/properties/big_number").examples[0]
    queries = {
        row.message["properties"].get("query")
        for row in RecentSample.objects.filter(event_name=SEARCHED)
    }
    assert PHONE not in json.dumps(stored, ensure_ascii=False)
    assert big["properties"]["big_number"] == BEYOND_64_BITS
    assert "无线降噪耳机 🎧" in queries
    assert (
        RecentSample.objects.get(message_type="identify").message["traits"]["city"]
        == "上海"
    )
