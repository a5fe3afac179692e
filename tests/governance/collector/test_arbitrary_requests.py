"""Generated requests: arbitrary JSON and arbitrary write keys get a 2xx or 4xx, never a 500.

Strings are drawn from every code point, NUL, control characters and lone surrogates included
(written as JSON escapes, as a client would send them), in values, keys and the write key.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.collector import keys
from tests.governance.collector.test_hostile import COLLECTOR_PATHS

ANSWERS = frozenset({200, 400, 401, 413})
# Each example is one request and touches no row, so the test's database needs no reset.
PER_REQUEST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=12)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4)
    ),
    max_leaves=25,
)
MESSAGES = st.fixed_dictionaries(
    {"event": ANY_TEXT | JSON_VALUES, "userId": ANY_TEXT},
    optional={
        "type": st.sampled_from(["track", "page", "identify"]) | ANY_TEXT,
        "properties": JSON_VALUES,
        "traits": JSON_VALUES,
        "context": JSON_VALUES,
        "messageId": ANY_TEXT,
        "timestamp": ANY_TEXT,
    },
)


def _encoded(document: Any) -> bytes:
    # ensure_ascii writes lone surrogates as escapes; they have no UTF-8 form.
    return json.dumps(document, ensure_ascii=True).encode()


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    """A message, a batch of them, any JSON value, or deep nesting around a message."""
    message = draw(MESSAGES)
    choice = draw(st.sampled_from(["message", "batch", "any", "nested"]))
    if choice == "message":
        return _encoded(message)
    if choice == "batch":
        return _encoded({"batch": [message, *draw(st.lists(JSON_VALUES, max_size=3))]})
    if choice == "any":
        return _encoded(draw(JSON_VALUES))
    depth = draw(st.integers(min_value=1, max_value=3000))
    return b'{"event": "A", "properties": {"x": %s1%s}}' % (b"[" * depth, b"]" * depth)


def _error_shape(response) -> dict[str, Any]:
    body = orjson.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


@PER_REQUEST
@given(path=st.sampled_from(COLLECTOR_PATHS), body=bodies())
def test_it_answers_any_json_with_a_2xx_or_a_4xx_in_the_error_shape(
    client, source, path, body
):
    response = client.generic(
        "POST",
        f"/v1/{path}",
        body,
        content_type="application/json",
        headers={"Authorization": "Bearer " + source.write_key},
    )

    assert response.status_code in ANSWERS, response.content[:300]
    if response.status_code != 200:
        _error_shape(response)


def _as_header(write_key: str, scheme: str) -> str:
    if scheme == "bearer":
        return f"Bearer {write_key}"
    raw = f"{write_key}:".encode("utf-8", "surrogatepass")
    return "Basic " + base64.b64encode(raw).decode()


@PER_REQUEST
@given(
    write_key=ANY_TEXT | st.text(max_size=200),
    scheme=st.sampled_from(["basic", "bearer", "body"]),
)
def test_it_refuses_any_unknown_write_key_with_401_and_no_query_when_unusable(
    client, source, django_assert_max_num_queries, write_key, scheme
):
    document: dict[str, Any] = {"event": "A", "userId": "u-1"}
    headers = {}
    if scheme == "body":
        document["writeKey"] = write_key
    else:
        headers["Authorization"] = _as_header(write_key, scheme)
    # The key as the collector reads it: a Basic username ends at the first colon.
    read = {
        "basic": write_key.partition(":")[0],
        "bearer": write_key.strip(),
        "body": write_key,
    }[scheme]
    queries = 1 if keys.usable(read) else 0

    with django_assert_max_num_queries(queries):
        response = client.generic(
            "POST",
            "/v1/track",
            _encoded(document),
            content_type="application/json",
            headers=headers,
        )

    # A lone surrogate makes the body itself malformed JSON (400) before any key is read.
    assert response.status_code in {400, 401}, response.content[:300]
    assert _error_shape(response)["code"] in {
        "malformed_json",
        "missing_write_key",
        "invalid_write_key",
    }
