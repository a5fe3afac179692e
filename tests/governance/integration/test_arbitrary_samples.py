"""Arbitrary JSON through the real collector and worker: every 2xx sample is counted exactly once.

Hypothesis writes the batches: names, keys, values and app versions with every control
character (NUL included) and lone surrogates, numbers past 64 bits, and nesting from a few
levels to past what any parser takes. Whatever the collector answers 200 for must be counted,
every sample once (each carries its own messageId, and some requests are sent twice); whatever
it refuses must be a 4xx, never a 5xx. No batch becomes a dead letter, on either database.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.models import DeadLetterBatch, ProcessedBatch, ViolationCount
from tests.governance.integration.samples import headers, received
from tests.governance.integration.services import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EXAMPLES = 120

# Every control character, NUL first, and both halves of a surrogate pair on their own.
_NASTY = [chr(c) for c in range(32)] + ["\x7f", "\ud800", "\udfff", "\u2028", "\ufeff"]
texts = st.text(
    alphabet=st.one_of(st.sampled_from(_NASTY), st.characters()), max_size=12
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def messages(draw: st.DrawFn) -> str:
    """One track call as JSON text; deep nesting is written as text, past json.dumps' reach."""
    message: dict[str, Any] = {
        "type": "track",
        "event": draw(st.one_of(texts.filter(bool), st.just("Product Viewed"))),
        "anonymousId": draw(st.one_of(st.just("a-1"), texts.filter(bool))),
        "messageId": str(uuid.uuid4()),
        "properties": draw(st.dictionaries(texts, json_values, max_size=4)),
    }
    if draw(st.booleans()):
        message["context"] = {"app": {"version": draw(texts)}}
    # ensure_ascii writes NUL and lone surrogates as the escapes a client would send.
    text = json.dumps(message, ensure_ascii=True)
    depth = draw(st.one_of(st.just(0), st.integers(1, 1100)))
    if depth:
        deep = "[" * depth + "0" + "]" * depth
        text = text[:-1] + ', "nested": {"d": ' + deep + "}}"
    return text


@st.composite
def requests(draw: st.DrawFn) -> tuple[bytes, int]:
    batch = draw(st.lists(messages(), min_size=1, max_size=6))
    return ('{"batch": [' + ", ".join(batch) + "]}").encode(), len(batch)


def test_every_sample_answered_2xx_is_counted_exactly_once(pipeline, demo_plan):
    source = demo_plan.sources.get(kind="web")
    collector = pipeline.ready()
    auth = headers(source.write_key)
    accepted: list[int] = []  # samples of each accepted request, its repeat left out
    refused: list[int] = []
    answered_200 = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(requests(), st.booleans())
    def post(request: tuple[bytes, int], twice: bool) -> None:
        nonlocal answered_200
        body, size = request
        statuses = []
        for _ in range(2 if twice else 1):
            status, _, answer = collector.post("batch", body, headers=auth)
            assert status < 500, answer
            statuses.append(status)
            if status != 200:
                assert b'"error"' in answer or b'"success":false' in answer, answer
        answered_200 += statuses.count(200)
        # A repeat carries the same messageIds: its samples are counted once.
        (accepted if 200 in statuses else refused).append(size)

    post()

    expected = sum(accepted)
    print(  # the figures for the record
        f"requests answered 200 {answered_200} ({len(accepted)} distinct), "
        f"refused {len(refused)}; "
        f"samples accepted {expected}"
    )
    wait_for(
        lambda: (
            received(source) >= expected
            and ProcessedBatch.objects.count() >= answered_200
        ),
        timeout=120,
        what=f"{expected} samples counted",
    )
    assert received(source) == expected
    assert DeadLetterBatch.objects.count() == 0
    assert not any(
        "\x00" in text
        for row in ViolationCount.objects.values_list("event_name", "path", "message")
        for text in row
    )
