"""Every write endpoint of the API, as the plan's admin, against a corpus of hostile bodies.

The operations come from the OpenAPI document, so an endpoint added later is walked too; their
path parameters name real rows of the demo plan, so bodies reach the serializers. Each answer
must be below 500 and, when an error, in the API's error shape. A 500 raises in the test client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.contrib.auth.models import Group
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tracking.api.parsers import MAX_DEPTH
from tracking.models import (
    ChangeRequest,
    ChangeStatus,
    CommonProperty,
    EventProperty,
    GroupProperty,
    Metric,
    Modifier,
    Property,
    PropertyGroup,
    Source,
    TimePeriod,
    TrackingPlan,
    issue_token,
)
from tracking.models import GlossaryTerm as Term

# Exhaustive: run by `make test` and CI, not by plain pytest.
pytestmark = pytest.mark.slow

JSON = "application/json"
WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True, kw_only=True)
class Body:
    id: str
    data: bytes
    content_type: str = JSON


@dataclass(frozen=True, kw_only=True)
class Operation:
    method: str
    path: str
    fields: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path}"


@cache
def operations() -> tuple[Operation, ...]:
    """The API's write operations and the fields their JSON bodies take, from OpenAPI."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, item in schema["paths"].items():
        for method in WRITE_METHODS:
            if method in item:
                fields = _fields(item[method], components)
                found.append(Operation(method=method, path=path, fields=fields))
    return tuple(found)


def _fields(operation: dict[str, Any], components: dict[str, Any]) -> tuple[str, ...]:
    content = operation.get("requestBody", {}).get("content", {})
    ref = content.get(JSON, {}).get("schema", {}).get("$ref", "")
    component = components.get(ref.rsplit("/", 1)[-1], {})
    return tuple(
        name
        for name, spec in component.get("properties", {}).items()
        if not spec.get("readOnly")
    )


def _every_field(fields: tuple[str, ...], value: Any) -> bytes:
    return json.dumps(dict.fromkeys(fields or ("key",), value)).encode()


def corpus(operation: Operation) -> list[Body]:
    """Hostile bodies: syntax, encoding, nesting, NUL, numbers, media types, wrong types."""
    fields = operation.fields
    nested = [1]
    for _ in range(MAX_DEPTH + 1):
        nested = [nested]
    bodies = [
        Body(id="deep-arrays", data=b"[" * 5000),
        Body(id="deep-objects", data=b'{"a":' * 5000),
        Body(id="deep-closed", data=b"[" * 5000 + b"]" * 5000),
        Body(id="deep-past-limit", data=json.dumps({"key": nested}).encode()),
        Body(id="nul-in-every-field", data=_every_field(fields, "x\u0000")),
        Body(id="nul-in-a-list", data=_every_field(fields, ["a", "b\u0000"])),
        Body(id="nul-in-a-key", data=_every_field(fields, {"a\u0000": 1})),
        Body(id="nul-top-key", data=b'{"\\u0000": 1}'),
        Body(id="raw-nul-byte", data=b'{"key": "a\x00"}'),
        Body(id="lone-surrogate", data=_every_field(fields, "\ud800")),
        Body(id="surrogate-key", data=b'{"\\udc00": 1}'),
        Body(id="controls", data=_every_field(fields, "\u0001\u001b[31m\u007f")),
        Body(id="invalid-utf8", data=b'{"key": "\xff\xfe"}'),
        Body(id="utf8-bom", data=b'\xef\xbb\xbf{"key": "a"}'),
        Body(id="utf16", data='{"key": "a"}'.encode("utf-16")),
        Body(
            id="latin-1-declared",
            data=b'{"key": "caf\xe9"}',
            content_type=JSON + "; charset=latin-1",
        ),
        Body(id="huge-integer", data=b'{"key": 1' + b"0" * 5000 + b"}"),
        Body(id="20-digit-integers", data=_every_field(fields, 12345678901234567890)),
        Body(id="1e400", data=b'{"key": 1e400}'),
        Body(id="nan", data=b'{"key": NaN}'),
        Body(id="duplicate-keys", data=b'{"key": "a", "key": {"b": 1}}'),
        Body(id="empty", data=b""),
        Body(id="whitespace", data=b"  \n"),
        Body(id="null", data=b"null"),
        Body(id="array", data=b"[]"),
        Body(id="number", data=b"1"),
        Body(id="string", data=b'"x"'),
        Body(id="truncated", data=b'{"key": "a'),
        Body(id="oversized", data=b'{"key": "' + b"x" * (3 * 1024 * 1024) + b'"}'),
        Body(
            id="form",
            data=b"key=a%00b&name=x",
            content_type="application/x-www-form-urlencoded",
        ),
        Body(
            id="multipart",
            data=b'--b\r\nContent-Disposition: form-data; name="key"\r\n\r\na\x00\r\n--b--\r\n',
            content_type="multipart/form-data; boundary=b",
        ),
        Body(
            id="multipart-no-boundary",
            data=b"--b\r\n",
            content_type="multipart/form-data",
        ),
        Body(id="text-plain", data=b'{"key": "a"}', content_type="text/plain"),
        Body(id="xml", data=b"<key>a</key>", content_type="application/xml"),
        Body(id="no-content-type", data=b'{"key": "a"}', content_type=""),
    ]
    bodies += [
        Body(
            id=f"multipart-{count}-{kind}",
            data=_multipart(count, files=kind == "files"),
            content_type="multipart/form-data; boundary=b",
        )
        for count, kind in ((1100, "fields"), (150, "files"))
    ]
    for label, value in {
        "object": {"a": {"b": [1, None]}},
        "array": [[], {}, None],
        "number": 1e308,
        "negative": -(2**63),
        "bool": True,
        "null": None,
        "long-string": "x" * 100_000,
        "chinese": "事件" * 200,
        "empty-string": "",
    }.items():
        bodies.append(Body(id=f"every-field-{label}", data=_every_field(fields, value)))
    return bodies


def _multipart(count: int, *, files: bool) -> bytes:
    """More fields, or files, than Django lets one request carry."""
    part = b'--b\r\nContent-Disposition: form-data; name="f%d"%s\r\n\r\nx\r\n'
    named = b'; filename="f.csv"' if files else b""
    return b"".join(part % (n, named) for n in range(count)) + b"--b--\r\n"


@pytest.fixture
def caller(demo_plan) -> Any:
    """The admin role: every permission on every plan."""
    user = UserFactory(username="hostile-admin")
    user.groups.add(Group.objects.get(name="admin"))
    return user


def _filled(template: str, plan: TrackingPlan, user: Any) -> str:
    """The path with each parameter naming a real row of the demo plan."""
    values = {"plan_key": plan.key, "format": "native"}
    kinds = {
        "/events/{ref}": lambda: plan.events.filter(attachments__isnull=False).first(),
        "/properties/{ref}": lambda: Property.objects.filter(
            plan=plan, parent=None
        ).first(),
        "/groups/{ref}": lambda: PropertyGroup.objects.filter(
            plan=plan, members__isnull=False
        ).first(),
        "/metrics/{ref}": lambda: Metric.objects.filter(plan=plan).first(),
        "/terms/{ref}": lambda: Term.objects.filter(plan=plan).first(),
        "/modifiers/{ref}": lambda: Modifier.objects.filter(plan=plan).first(),
        "/periods/{ref}": lambda: TimePeriod.objects.filter(plan=plan).first(),
        "/sources/{id}": lambda: Source.objects.filter(plan=plan).first(),
        "/common-properties/{id}": lambda: CommonProperty.objects.filter(
            plan=plan
        ).first(),
        "/change-requests/{id}": lambda: ChangeRequest.objects.filter(
            plan=plan
        ).first(),
        "/tokens/{id}": lambda: issue_token(user, name="hostile")[0],
    }
    for marker, row in kinds.items():
        if marker in template:
            values[marker.rsplit("{", 1)[1].rstrip("}")] = str(row().pk)
    if "{event_ref}" in template:
        attachment = EventProperty.objects.filter(event__plan=plan).first()
        values |= {"event_ref": str(attachment.event_id), "id": str(attachment.pk)}
    if "{group_ref}" in template:
        member = GroupProperty.objects.filter(group__plan=plan).first()
        values |= {"group_ref": str(member.group_id), "id": str(member.pk)}
    if "{change_request_id}" in template:
        values["change_request_id"] = str(
            ChangeRequest.objects.filter(plan=plan).first().pk
        )
    return template.format(**values)


@pytest.fixture
def change_request(demo_plan) -> Iterator[ChangeRequest]:
    """One change request in review, opened by someone else, so the admin may act on it."""
    author = UserFactory(username="hostile-author")
    yield ChangeRequest.objects.create(
        plan=demo_plan,
        title="Track carts",
        author=author,
        status=ChangeStatus.IN_REVIEW,
    )


def _problem(body: Body, response) -> str | None:
    if response.status_code >= 500:
        return f"{body.id}: {response.status_code}"
    if response.status_code < 400:
        return None
    try:
        answer = json.loads(response.content)
    except ValueError:
        return f"{body.id}: {response.status_code} not JSON: {response.content[:120]!r}"
    error = answer.get("error") if isinstance(answer, dict) else None
    if set(answer) != {"error"} or set(error or {}) != {"code", "message", "details"}:
        return f"{body.id}: not the error shape: {response.content[:200]!r}"
    return None


def test_the_walk_covers_every_write_endpoint_of_the_api():
    ids = {operation.id for operation in operations()}

    assert len(ids) >= 60
    assert {
        "POST /api/v1/plans/{plan_key}/events",
        "PATCH /api/v1/plans/{plan_key}/metrics/{ref}",
        "POST /api/v1/plans/{plan_key}/import/{format}",
        "POST /api/v1/tokens",
    } <= ids


@pytest.mark.parametrize("operation", operations(), ids=lambda o: o.id)
def test_no_hostile_body_gets_a_500(demo_plan, caller, change_request, operation):
    api = APIClient()
    api.force_authenticate(caller)
    # Named once: a DELETE removes the row, and the bodies after it meet a 404.
    path = _filled(operation.path, demo_plan, caller)
    problems = []
    for body in corpus(operation):
        response = api.generic(
            operation.method.upper(), path, body.data, content_type=body.content_type
        )
        problem = _problem(body, response)
        if problem:
            problems.append(problem)

    assert problems == []
