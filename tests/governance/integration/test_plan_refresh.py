"""A newly published version judges samples within seconds on the running worker."""

from __future__ import annotations

import pytest

from governance.collector.enqueue import enqueue_batch
from governance.models import ViolationCount
from tests.governance.integration.plans import (
    VIEWED,
    VIEWED_PROPERTIES,
    add_property,
    publish,
)
from tests.governance.integration.samples import (
    direct_batch,
    received,
    track,
    window_totals,
)
from tests.governance.integration.services import wait_for
from tracking.models import PropertyType

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_new_required_property_is_enforced_without_a_restart(
    services, broker, source
):
    worker = services.worker()
    sent = 0

    def judged_by_the_new_version() -> bool:
        nonlocal sent
        enqueue_batch(direct_batch(source, [track(VIEWED, VIEWED_PROPERTIES)]))
        sent += 1
        wait_for(lambda: received(source) == sent, timeout=10, what=f"sample {sent}")
        return ViolationCount.objects.filter(keyword="required").exists()

    assert not judged_by_the_new_version()
    add_property(source.plan, VIEWED, "currency", PropertyType.STRING, required=True)
    assert publish(source.plan) == "2.0.0"
    wait_for(
        judged_by_the_new_version,
        timeout=15,
        interval=0.2,
        what="a sample judged by version 2.0.0",
    )

    assert window_totals(source) == {("track", VIEWED): (sent, sent - 1, 1, 0)}
    assert list(
        ViolationCount.objects.values_list("kind", "keyword", "path", "count")
    ) == [("schema", "required", "/properties/currency", 1)]
    assert worker.alive()
    assert "version=2.0.0" in worker.log_text()
