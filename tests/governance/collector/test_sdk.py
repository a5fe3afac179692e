"""Segment's own Python SDK talks to the collector over HTTP, as a customer's server would."""

from __future__ import annotations

import pytest
from segment.analytics import Client
from segment.analytics.request import APIError

from governance.pipeline.wire import parse_json
from tests.factories import SourceFactory


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_it_takes_calls_from_segments_python_sdk(
    live_server, transactional_db, django_db_serialized_rollback, ingest, gzip
):
    source = SourceFactory()
    sdk = Client(source.write_key, host=live_server.url, sync_mode=True, gzip=gzip)

    sdk.track(
        user_id="u-1",
        event="Order Completed",
        properties={"order_id": 123456789012345678901234, "城市": "上海"},
        message_id="m-1",
    )
    sdk.identify(user_id="u-1", traits={"plan": "pro"}, message_id="m-2")

    batches = ingest.batches()
    assert [(b["source_id"], b["endpoint"]) for b in batches] == [
        (source.id, "batch"),
        (source.id, "batch"),
    ]
    track, identify = (parse_json(b["body"].encode())["batch"][0] for b in batches)
    assert (track["type"], track["messageId"]) == ("track", "m-1")
    assert track["properties"] == {"order_id": 123456789012345678901234, "城市": "上海"}
    assert (identify["type"], identify["traits"]) == ("identify", {"plan": "pro"})


def test_the_sdk_sees_an_unknown_write_key_refused(
    live_server, transactional_db, django_db_serialized_rollback, ingest
):
    sdk = Client("wk_unknown", host=live_server.url, sync_mode=True, max_retries=0)

    with pytest.raises(APIError) as raised:
        sdk.track(user_id="u-1", event="Order Completed")

    # The SDK reads a top-level `code`; ours sits in the API's one error shape, so it reports
    # "unknown" with our body as the message. Only the status steers its retries.
    assert raised.value.status == 401
    assert '"code":"invalid_write_key"' in raised.value.message
    assert ingest.batches() == []
