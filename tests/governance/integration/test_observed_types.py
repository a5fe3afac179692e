"""A worker running beat folds the observed types its batches appended, within seconds."""

from __future__ import annotations

import pytest

from governance.collector.enqueue import enqueue_batch
from governance.models import ObservedType, PendingTypes
from tests.governance.integration.plans import VIEWED, VIEWED_PROPERTIES
from tests.governance.integration.samples import direct_batch, received, track
from tests.governance.integration.services import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_observed_types_reach_their_counters_through_beat(services, source):
    # Regression: with types appended as pending rows, a deployment whose beat does not
    # schedule the fold would never show an observed type.
    services.env["PIPELINE_TYPES_FOLD_SECONDS"] = "1"
    services.worker(beat=True)
    properties = {**VIEWED_PROPERTIES, "quantity": "three"}
    for _ in range(3):
        enqueue_batch(
            direct_batch(source, [track(VIEWED, properties) for _ in range(4)])
        )

    wait_for(lambda: received(source) == 12, timeout=60, what="12 counted")
    wait_for(
        lambda: (
            not PendingTypes.objects.exists()
            and ObservedType.objects.filter(path="/properties/quantity").exists()
        ),
        timeout=30,
        what="pending types folded",
    )
    assert dict(
        ObservedType.objects.filter(path="/properties/quantity").values_list(
            "json_type", "count"
        )
    ) == {"string": 12}
