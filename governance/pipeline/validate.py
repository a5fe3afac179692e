"""One sample judged against the plan: every problem it has, and what it looks like, masked.

Pure: takes a message (already through `wire.messages_of`), the compiled plan that applies and
the server's receive time; returns a `Verdict`. Nothing here stores or logs a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from governance.pipeline import labels, personal, privacy
from governance.pipeline.compiled import CompiledEvent, CompiledPlan
from governance.pipeline.observed import pointer, types_of
from governance.pipeline.personal import Sighting
from governance.pipeline.storable import Repair
from governance.pipeline.wire import parse_timestamp
from tracking.schemas.build import DATE_TIME_PATTERN

ENVELOPE = "envelope"
UNPLANNED_EVENT = "unplanned_event"
SCHEMA = "schema"
COMMON_PROPERTY = "common_property"
UNEXPECTED_PROPERTY = "unexpected_property"
PERSONAL_DATA = "personal_data"
CLOCK_SKEW = "clock_skew"
# The sample could not be stored or judged as sent (see pipeline/storable.py).
UNSTORABLE = "unstorable"

_ALWAYS_INVALID = frozenset(
    {ENVELOPE, UNPLANNED_EVENT, SCHEMA, COMMON_PROPERTY, UNSTORABLE}
)
_VALIDATED_TYPES = frozenset({"track"})
_NAMED_TYPES = frozenset({"track", "page", "screen"})
_MAX_MESSAGE = 300
# Stored names and versions fit their columns; a version is cut to this before it is masked,
# and masked before it is cut to fit.
_MAX_NAME = 200
_MAX_VERSION = 64
_MAX_RAW_NAME = 1000
_MAX_RAW_VERSION = 200
_NO_VERSION = labels.Label("", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    kind: str
    keyword: str  # JSON Schema keyword, personal-data kind, or envelope/skew code
    path: str  # JSON pointer into the message
    message: str  # masked: never a raw value of the sample


@dataclass(frozen=True, slots=True, kw_only=True)
class SkewLimits:
    max_future: timedelta
    max_past: timedelta


# TRICKY: not frozen: one is made per sample, and a frozen dataclass pays a setattr call per
# field on construction. Treat it as a value all the same.
@dataclass(slots=True, kw_only=True)
class Verdict:
    message_type: str
    event_name: str
    app_version: str
    message_id: str | None
    planned: bool
    valid: bool
    violations: tuple[Violation, ...]
    personal_findings: int
    types: tuple[tuple[str, str], ...]  # (path, JSON type) of each property value


def judge(
    message: dict[str, Any],
    plan: CompiledPlan | None,
    *,
    received_at: datetime,
    limits: SkewLimits,
    repairs: tuple[Repair, ...] = (),
) -> Verdict:
    """Every problem of `message`; `repairs` are what was changed to make it storable."""
    message_type = message["type"]
    event_name = _event_name(message)
    validated = message_type in _VALIDATED_TYPES
    event = plan.event(event_name) if plan and validated else None
    name = labels.label(event_name)
    version = _version(message)
    payload = _payload(message)
    violations = [_unstorable(r.keyword, r.path, r.message) for r in repairs]
    violations += _envelope(message)
    skew = _skew(message, received_at, limits)
    if skew is not None:
        violations.append(skew)
    if validated:
        if event is None:
            violations.append(_unplanned(event_name, plan))
        else:
            violations += _schema(event, payload, plan)  # type: ignore[arg-type]
    violations += _personal_labels(message_type, name, version)
    if message_type != "identify":
        violations += _personal(payload, event, thorough=bool(violations))
    if violations:
        forbids = plan is not None and plan.forbids_additional
        personal_findings = sum(1 for v in violations if v.kind == PERSONAL_DATA)
        valid = not any(_invalidates(v, forbids=forbids) for v in violations)
    else:
        personal_findings, valid = 0, True
    return Verdict(
        message_type=message_type,
        event_name=name.text[:_MAX_NAME],
        app_version=version.text[:_MAX_VERSION],
        message_id=message.get("messageId"),
        planned=not validated or event is not None,
        valid=valid,
        violations=tuple(violations),
        personal_findings=personal_findings,
        types=types_of(payload) if message_type in _NAMED_TYPES else (),
    )


def unjudgeable(
    message: dict[str, Any], plan: CompiledPlan | None, *, reason: str
) -> Verdict:
    """The verdict on a sample the validator failed on: counted, as invalid, saying so."""
    message_type = str(message.get("type", ""))
    event_name = _event_name(message) if message_type in _NAMED_TYPES else ""
    validated = message_type in _VALIDATED_TYPES
    planned = not validated or bool(plan and plan.event(event_name))
    message_id = message.get("messageId")
    return Verdict(
        message_type=message_type,
        event_name=labels.masked(event_name)[:_MAX_NAME],
        app_version=app_version(message),
        message_id=message_id if isinstance(message_id, str) else None,
        planned=planned,
        valid=False,
        violations=(
            _unstorable(
                "unjudgeable",
                "",
                f"The sample could not be validated ({reason}); counted as invalid.",
            ),
        ),
        personal_findings=0,
        types=(),
    )


def _unstorable(keyword: str, path: str, message: str) -> Violation:
    return Violation(kind=UNSTORABLE, keyword=keyword, path=path, message=message)


def _event_name(message: dict[str, Any]) -> str:
    if message["type"] == "track":
        return str(message["event"])
    name = message.get("name")
    return (
        name[:_MAX_RAW_NAME]
        if isinstance(name, str) and message["type"] in _NAMED_TYPES
        else ""
    )


def _payload(message: dict[str, Any]) -> dict[str, Any]:
    field = "traits" if message["type"] in {"identify", "group"} else "properties"
    value = message.get(field)
    return value if isinstance(value, dict) else {}


def app_version(message: dict[str, Any]) -> str:
    """context.app.version as it may be stored (masked where it holds personal data)."""
    return _version(message).text[:_MAX_VERSION]


def _version(message: dict[str, Any]) -> labels.Label:
    app = (message.get("context") or {}).get("app")
    version = app.get("version") if isinstance(app, dict) else None
    if isinstance(version, str | int) and not isinstance(version, bool):
        # Masked first, cut after: a cut must never leave part of a number unmasked.
        return labels.label(str(version)[:_MAX_RAW_VERSION])
    return _NO_VERSION


def _invalidates(violation: Violation, *, forbids: bool) -> bool:
    if violation.kind == UNEXPECTED_PROPERTY:
        return forbids
    return violation.kind in _ALWAYS_INVALID


def _envelope(message: dict[str, Any]) -> list[Violation]:
    # No messageId is no violation: Segment's HTTP API makes it optional (its libraries add
    # one). Such a sample is counted each time it arrives, never deduplicated.
    if message.get("userId") in (None, "") and message.get("anonymousId") in (None, ""):
        return [
            Violation(
                kind=ENVELOPE,
                keyword="missing_identity",
                path="/userId",
                message="Neither userId nor anonymousId is set.",
            )
        ]
    return []


def _skew(
    message: dict[str, Any], received_at: datetime, limits: SkewLimits
) -> Violation | None:
    field = "timestamp" if "timestamp" in message else "originalTimestamp"
    sent = _moment(message.get(field))
    if sent is None:
        return None
    ahead = sent - received_at
    if ahead > limits.max_future:
        keyword, text = "future", f"{_duration(ahead)} ahead of the server"
    elif -ahead > limits.max_past:
        keyword, text = "past", f"{_duration(-ahead)} behind the server"
    else:
        return None
    return Violation(
        kind=CLOCK_SKEW,
        keyword=keyword,
        path=f"/{field}",
        message=f"The client's {field} is {text}.",
    )


def _moment(value: object) -> datetime | None:
    # The collector already refused anything but RFC 3339 with a zone, which the C parser reads
    # quickly; the strict parser is the fallback for what it does not (nanoseconds).
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return parse_timestamp(value)
    return moment if moment.tzinfo is not None else None


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 86400:
        return f"{seconds // 86400} d"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min"


def _unplanned(event_name: str, plan: CompiledPlan | None) -> Violation:
    where = f"version {plan.number}" if plan else "any published version"
    return Violation(
        kind=UNPLANNED_EVENT,
        keyword="unplanned",
        path="/event",
        message=f"The event is not in {where} of the plan.",
    )


def _schema(
    event: CompiledEvent, payload: dict[str, Any], plan: CompiledPlan
) -> list[Violation]:
    extra = payload.keys() - event.known if not plan.forbids_additional else ()
    violations = [_unexpected(key) for key in payload if key in extra] if extra else []
    if event.validator.is_valid(payload):
        return violations
    for error in event.validator.iter_errors(payload):
        violations += _from_error(error, event)
    return violations


def _unexpected(key: str) -> Violation:
    return Violation(
        kind=UNEXPECTED_PROPERTY,
        keyword="additionalProperties",
        path=pointer(("properties", key)),
        message="The plan does not declare this property for the event.",
    )


def _from_error(error: Any, event: CompiledEvent) -> list[Violation]:
    keyword = _keyword(error.schema_path)
    path = tuple(error.instance_path)
    kind_name = error.kind.name
    if kind_name == "pattern" and error.kind.pattern == DATE_TIME_PATTERN:
        return []  # the same value also fails `format`, which says it better
    if kind_name == "additionalProperties":
        return [_unexpected_at(path, key) for key in error.kind.unexpected]
    if kind_name == "required":
        path = (*path, str(error.kind.property))
        message = "A required property is missing."
    else:
        message = _safe_message(error.message, path, event)
    kind = COMMON_PROPERTY if _origin(path, event) == "common" else SCHEMA
    return [
        Violation(
            kind=kind,
            keyword=keyword,
            path=pointer(("properties", *map(str, path))),
            message=message,
        )
    ]


def _unexpected_at(path: tuple[Any, ...], key: str) -> Violation:
    return Violation(
        kind=UNEXPECTED_PROPERTY,
        keyword="additionalProperties",
        path=pointer(("properties", *map(str, path), key)),
        message="The plan does not declare this property.",
    )


def _keyword(schema_path: Any) -> str:
    for part in reversed(schema_path):
        if isinstance(part, str):
            return part
    return "schema"


def _origin(path: tuple[Any, ...], event: CompiledEvent) -> str:
    return event.origins.get(str(path[0]), "") if path else ""


def _safe_message(text: str, path: tuple[Any, ...], event: CompiledEvent) -> str:
    # The validator quotes the value; a personal value must not reach the database that way.
    if _privacy_of(path, event.privacy):
        return "The value does not match the plan (value withheld: personal property)."
    # Masked first, cut after: a cut must never leave part of a number unmasked.
    masked = privacy.mask_text(text)
    return masked[:_MAX_MESSAGE]


def _privacy_of(path: tuple[Any, ...], classes: dict[tuple[str, ...], str]) -> str:
    keys = tuple(str(p) for p in path if isinstance(p, str))
    for end in range(1, len(keys) + 1):
        found = classes.get(keys[:end])
        if found:
            return found
    return ""


def _personal_labels(
    message_type: str, name: labels.Label, version: labels.Label
) -> list[Violation]:
    if name.kind is None and version.kind is None:
        return []
    where = "/event" if message_type == "track" else "/name"
    sightings = personal.in_label(name, path=where, place="the event or page name")
    sightings += personal.in_label(
        version, path="/context/app/version", place="the app version"
    )
    return [_personal_violation(s) for s in sightings]


def _personal(
    payload: dict[str, Any], event: CompiledEvent | None, *, thorough: bool
) -> list[Violation]:
    """Personal-looking values and keys outside properties classed personal or sensitive."""
    sightings = personal.in_payload(payload, event, thorough=thorough)
    return [_personal_violation(s) for s in sightings] if sightings else []


def _personal_violation(sighting: Sighting) -> Violation:
    kind = sighting.kind
    return Violation(
        kind=PERSONAL_DATA,
        keyword=str(kind),
        path=sighting.path,
        message=f"Looks like a {kind.replace('_', ' ')} in {sighting.place}.",
    )
