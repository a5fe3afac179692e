"""Segment's own Python SDK, pointed at the collector: every call is accepted and counted."""

from __future__ import annotations

import pytest
from segment.analytics import Client

from governance.models import DeadLetterBatch
from tests.governance.integration.samples import (
    SEARCHED,
    received,
    searched,
    window_totals,
)
from tests.governance.integration.services import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

USER = "u10482913"


def test_sdk_calls_in_sync_mode_and_gzipped_batches_are_counted(pipeline, demo_web):
    collector = pipeline.ready()
    failures = []
    direct = Client(write_key=demo_web.write_key, host=collector.url, sync_mode=True)
    batched = Client(
        write_key=demo_web.write_key,
        host=collector.url,
        gzip=True,
        max_retries=0,
        on_error=lambda error, batch: failures.append(error),
    )

    direct.track(user_id=USER, event=SEARCHED, properties=searched())
    direct.identify(user_id=USER, traits={"city": "上海", "plan": "pro"})
    direct.page(user_id=USER, name="首页", properties={"path": "/"})
    direct.screen(user_id=USER, name="购物车", properties={"items": 2})
    for _ in range(20):
        batched.track(user_id=USER, event=SEARCHED, properties=searched())
    batched.shutdown()

    assert failures == []
    wait_for(lambda: received(demo_web) == 24, timeout=30, what="24 samples counted")
    assert window_totals(demo_web) == {
        ("track", SEARCHED): (21, 21, 0, 0),
        ("identify", ""): (1, 1, 0, 0),
        ("page", "首页"): (1, 1, 0, 0),
        ("screen", "购物车"): (1, 1, 0, 0),
    }
    assert DeadLetterBatch.objects.count() == 0
