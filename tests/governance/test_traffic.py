"""The traffic generator: valid samples pass the demo's published schemas, broken ones break as
meant, a seed repeats itself, and the command survives a collector that is down."""

from __future__ import annotations

import base64
import json
import random
import re
import socket
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from jsonschema import Draft202012Validator

from governance.pipeline.privacy import PersonalDataKind, detect
from governance.traffic import (
    Flaw,
    Sample,
    build_batch,
    from_pattern,
    sendable_events,
    value_for,
)
from tracking.demo import load_demo_plan
from tracking.models import Source
from tracking.published import PublishedPlan, applicable_version_id, load_version
from tracking.schemas.build import property_schema
from tracking.snapshot import PropertySpec, SourceSpec

NOW = datetime(2024, 5, 18, 10, 30, tzinfo=UTC)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def _demo_published_once(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, with its published version read back."""
    with django_db_blocker.unblock(), transaction.atomic():
        plan = load_demo_plan()
        source = plan.sources.order_by("name").first()
        published = load_version(applicable_version_id(source.pk))
        yield published
        transaction.set_rollback(True)


@pytest.fixture
def published(_demo_published_once) -> PublishedPlan:
    return _demo_published_once


@pytest.fixture
def validators(published) -> dict[str, Draft202012Validator]:
    return {
        key: Draft202012Validator(
            json.loads(text), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for key, text in published.event_schemas.items()
    }


def _source(published: PublishedPlan, name: str) -> SourceSpec:
    return next(s for s in published.snapshot.sources if s.name == name)


def _traffic(
    published: PublishedPlan,
    *,
    seed: int = 1,
    batches: int = 25,
    source: str | None = None,
    **options,
) -> list[Sample]:
    rng = random.Random(seed)
    sources = [_source(published, source)] if source else published.snapshot.sources
    return [
        sample
        for spec in sources
        for _ in range(batches)
        for sample in build_batch(
            published.snapshot, rng, source=spec, now=NOW, **options
        )
    ]


def _errors(validators, message) -> list[str]:
    validator = validators[message["event"]]
    return [e.message for e in validator.iter_errors(message["properties"])]


# --------------------------------------------------------------------------------------------
# Valid samples
# --------------------------------------------------------------------------------------------


def test_valid_samples_validate_against_the_published_schemas(published, validators):
    samples = _traffic(published, broken_rate=0.0)
    assert len(samples) == 4 * 25 * 20
    failures = [
        (s.message["event"], _errors(validators, s.message))
        for s in samples
        if _errors(validators, s.message)
    ]
    assert failures == []


@pytest.mark.parametrize(
    "source", ["iOS App", "Android App", "Web Shop", "Order Service"]
)
def test_each_source_sends_every_event_planned_for_it_and_no_other(published, source):
    sent = {s.message["event"] for s in _traffic(published, source=source)}
    planned = {e.key for e in sendable_events(published.snapshot, source)}
    assert sent - {n for n in sent if published.snapshot.event(n) is None} == planned


def test_draft_events_are_not_sent(published):
    sent = {s.message["event"] for s in _traffic(published, batches=5)}
    assert {"Product Reviewed", "Group Buy Started"} & sent == set()


def test_app_context_spans_three_releases_and_agrees_with_the_properties(published):
    samples = _traffic(published, source="iOS App", broken_rate=0.0)
    messages = [s.message for s in samples]
    releases = Counter(m["context"]["app"]["version"] for m in messages)
    assert sorted(releases) == ["5.10.2", "5.11.3", "5.12.0"]
    assert releases.most_common(1)[0][0] == "5.12.0"
    assert {m["context"]["os"]["name"] for m in messages} == {"iOS"}
    assert all(m["context"]["library"]["version"] for m in messages)
    assert all(
        m["properties"]["app_version"] == m["context"]["app"]["version"]
        and m["properties"]["platform"] == "ios"
        for m in messages
    )


def test_server_events_carry_a_library_but_no_device(published):
    messages = [s.message for s in _traffic(published, source="Order Service")]
    assert {m["context"]["library"]["name"] for m in messages} == {"analytics-python"}
    assert [m for m in messages if "device" in m["context"]] == []
    assert all(m["userId"] for m in messages)


def test_some_strings_are_chinese(published):
    messages = [s.message for s in _traffic(published, batches=2)]
    chinese = [m for m in messages if _CJK.search(json.dumps(m, ensure_ascii=False))]
    assert chinese


def test_a_seed_gives_the_same_traffic_and_another_seed_other_traffic(published):
    first = [s.message for s in _traffic(published, seed=7, batches=3)]
    assert [s.message for s in _traffic(published, seed=7, batches=3)] == first
    assert [s.message for s in _traffic(published, seed=8, batches=3)] != first


# --------------------------------------------------------------------------------------------
# Broken samples
# --------------------------------------------------------------------------------------------


def test_between_five_and_ten_percent_of_samples_are_broken(published):
    samples = _traffic(published)
    broken = Counter(s.flaw for s in samples if s.flaw)
    assert 0.05 <= sum(broken.values()) / len(samples) <= 0.10
    assert set(broken) == set(Flaw)


def _broken(published, flaw: Flaw) -> list[Sample]:
    samples = _traffic(published, batches=3, broken_rate=1.0, flaws=(flaw,))
    broken = [s for s in samples if s.flaw is flaw]
    assert len(broken) > 100
    return broken


def test_wrong_type_breaks_exactly_the_named_property_by_type(published, validators):
    for sample in _broken(published, Flaw.WRONG_TYPE):
        validator = validators[sample.message["event"]]
        errors = list(validator.iter_errors(sample.message["properties"]))
        assert {tuple(e.path) for e in errors} == {(sample.detail,)}
        assert "type" in {e.validator for e in errors}


def test_missing_required_lacks_only_the_named_property(published, validators):
    for sample in _broken(published, Flaw.MISSING_REQUIRED):
        assert sample.detail not in sample.message["properties"]
        assert _errors(validators, sample.message) == [
            f"'{sample.detail}' is a required property"
        ]


def test_unplanned_event_is_not_in_the_plan(published):
    for sample in _broken(published, Flaw.UNPLANNED_EVENT):
        assert sample.message["event"] == sample.detail
        assert published.snapshot.event(sample.detail) is None


def test_personal_data_is_valid_but_looks_like_a_phone_or_email(published, validators):
    kinds = set()
    for sample in _broken(published, Flaw.PERSONAL_DATA):
        assert _errors(validators, sample.message) == []
        kinds.add(detect(sample.message["properties"][sample.detail]))
    assert kinds == {PersonalDataKind.PHONE, PersonalDataKind.EMAIL}


def test_zoneless_timestamp_has_no_zone_and_is_sent_alone(published, validators):
    for sample in _broken(published, Flaw.ZONELESS_TIMESTAMP):
        assert datetime.fromisoformat(sample.message["timestamp"]).tzinfo is None
        assert _errors(validators, sample.message) == []
        assert sample.flaw.breaks_envelope


def test_future_timestamp_is_at_least_a_month_ahead(published, validators):
    for sample in _broken(published, Flaw.FUTURE_TIMESTAMP):
        moment = datetime.fromisoformat(sample.message["timestamp"])
        assert moment - NOW >= timedelta(days=30)
        assert _errors(validators, sample.message) == []
        assert not sample.flaw.breaks_envelope


def test_repeated_message_id_resends_an_earlier_message_of_the_batch(published):
    rng = random.Random(3)
    source = _source(published, "Web Shop")
    for _ in range(20):
        batch = build_batch(
            published.snapshot,
            rng,
            source=source,
            now=NOW,
            broken_rate=0.5,
            flaws=(Flaw.REPEATED_MESSAGE_ID,),
        )
        for index, sample in enumerate(batch):
            if sample.flaw is Flaw.REPEATED_MESSAGE_ID:
                earlier = [s.message for s in batch[:index] if s.flaw is None]
                assert sample.message in earlier
                assert sample.detail == sample.message["messageId"]


# --------------------------------------------------------------------------------------------
# Values from property specs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(PropertySpec(key="at", type="date-time"), id="date-time"),
        pytest.param(
            PropertySpec(key="n", type="integer", minimum="-3", maximum="4"),
            id="integer-bounds",
        ),
        pytest.param(
            PropertySpec(key="x", type="number", minimum="0.5", maximum="0.75"),
            id="number-bounds",
        ),
        pytest.param(PropertySpec(key="b", type="boolean"), id="boolean"),
        pytest.param(
            PropertySpec(key="s", type="string", min_length=30, max_length=32),
            id="string-lengths-without-examples",
        ),
        pytest.param(
            PropertySpec(
                key="s", type="string", patterns=("^(red|blue)-[a-f0-9]{4}$",)
            ),
            id="pattern-with-alternation",
        ),
        pytest.param(
            PropertySpec(
                key="s", type="string", patterns=("^[^x]+$",), examples=("abc",)
            ),
            id="negated-class-falls-back-to-example",
        ),
        pytest.param(
            PropertySpec(
                key="s",
                type="string",
                patterns=("^[A-Z]{3}$", "^AB"),
                examples=("ABC",),
            ),
            id="narrowed-by-a-second-pattern",
        ),
        pytest.param(
            PropertySpec(
                key="tags",
                type="array",
                item_type="string",
                enum=("a", "b", "c"),
                min_items=2,
                max_items=3,
            ),
            id="array-of-enum",
        ),
        pytest.param(
            PropertySpec(
                key="region",
                type="object",
                fields=(
                    PropertySpec(key="province", type="string", examples=("浙江省",)),
                    PropertySpec(key="zip", type="string", patterns=(r"^\d{6}$",)),
                ),
            ),
            id="object-with-fields",
        ),
        pytest.param(
            PropertySpec(
                key="stamps", type="array", item_type="date-time", max_items=2
            ),
            id="array-of-date-times",
        ),
    ],
)
def test_generated_value_satisfies_its_property_schema(spec):
    validator = Draft202012Validator(
        property_schema(spec), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    rng = random.Random(5)
    values = [value_for(spec, rng, now=NOW) for _ in range(50)]
    assert [v for v in values if not validator.is_valid(v)] == []


@pytest.mark.parametrize(
    "pattern",
    [
        "^SKU-[0-9]{6}$",
        "^u[0-9]{8,12}$",
        "^[A-Z0-9]{6,12}$",
        "^[0-9]+[.][0-9]+[.][0-9]+$",
        r"^1[3-9]\d{9}$",
        "^[0-9]{17}[0-9X]$",
        "^[一-龥]{2,4}$",
        r"^\w+@example\.com$",
    ],
)
def test_from_pattern_makes_a_matching_string(pattern):
    rng = random.Random(11)
    made = [from_pattern(pattern, rng) for _ in range(20)]
    assert [m for m in made if m is None or not re.fullmatch(pattern, m)] == []


@pytest.mark.parametrize("pattern", ["^[^a]+$", r"^(a)\1$", "^(?=a)a$"])
def test_from_pattern_gives_up_on_what_it_cannot_make(pattern):
    assert from_pattern(pattern, random.Random(1)) is None


# --------------------------------------------------------------------------------------------
# The command, against a small collector on a local port
# --------------------------------------------------------------------------------------------


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, str, dict]] = []

    def do_POST(self) -> None:
        auth = self.headers["Authorization"].removeprefix("Basic ")
        user, _, password = base64.b64decode(auth).decode().partition(":")
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, user + password, body))
        status = 200 if self.path == "/v1/batch" else 400
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"success": true}' if status == 200 else b"{}")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def collector():
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Collector.received
    server.shutdown()
    server.server_close()


def test_command_posts_batches_with_the_sources_write_keys(
    _demo_published_once, db, collector
):
    url, received = collector
    out = StringIO()
    call_command(
        "generate_traffic", url=url, duration=0.5, rate=2000, seed=1, stdout=out
    )
    keys = set(Source.objects.values_list("write_key", flat=True))
    assert {path for path, _, _ in received} <= {"/v1/batch", "/v1/track"}
    assert {key for _, key, _ in received} <= keys
    batches = [body["batch"] for path, _, body in received if path == "/v1/batch"]
    assert batches
    # 15 to 25 samples a batch, less those sent alone because they break the envelope.
    assert all(10 <= len(batch) <= 25 for batch in batches)
    assert " 0 refused, 0 dropped" in out.getvalue()


def test_command_keeps_going_while_the_collector_is_down(_demo_published_once, db):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    out = StringIO()
    call_command(
        "generate_traffic",
        url=f"http://127.0.0.1:{port}",
        duration=0.3,
        seed=1,
        stdout=out,
    )
    assert re.search(r": 0 accepted, .* [1-9][0-9]* dropped", out.getvalue())


def test_command_refuses_an_unknown_plan(db):
    with pytest.raises(CommandError, match="no tracking plan 'nope'"):
        call_command("generate_traffic", plan="nope", duration=0.1)
