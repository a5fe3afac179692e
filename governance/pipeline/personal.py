"""Where a sample carries personal data the plan does not class personal: values, keys, names.

Pure. `in_payload` looks at a sample's properties (or traits): strings, long whole numbers and
property keys, at any depth the scan reaches; `in_label` at a name or version the sample gives.
Each sighting carries a masked JSON pointer: a pointer names keys, and a key may be the
personal value itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from governance.pipeline import labels, privacy, scan
from governance.pipeline.compiled import CompiledEvent
from governance.pipeline.observed import pointer
from governance.pipeline.privacy import PersonalDataKind

IN_VALUE = "a property not classed personal"
IN_KEY = "a property key"

# Whole numbers this small hold no phone, card or ID number (see `normal.number_text`).
_SMALL = 10_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Sighting:
    kind: PersonalDataKind
    path: str  # JSON pointer into the message, masked
    place: str  # where, in words: IN_VALUE, IN_KEY, "the event name"…


def in_label(label: labels.Label, *, path: str, place: str) -> list[Sighting]:
    """The sighting in a name or version the sample gives, if it held personal data."""
    if label.kind is None:
        return []
    return [Sighting(kind=label.kind, path=path, place=place)]


def in_payload(
    payload: dict[str, Any], event: CompiledEvent | None, *, thorough: bool
) -> list[Sighting]:
    """Personal-looking values and keys outside properties classed personal or sensitive.

    Values the plan fixes or shapes (enums, date-times, numbers, lists of them) are skipped
    while the sample is valid; once it is not, anything may be in them, so everything is
    scanned. Keys the plan declares are not looked at. Sightings come in the payload's order.
    """
    skip = (event.classed if thorough else event.scan_skip) if event else frozenset()
    classes = event.privacy if event else {}
    found: dict[str, list[Sighting]] = {}
    # TRICKY: only the keys left after the skip (a set difference, in C), value by value with
    # the cheap gate of `scan.may_hold` first, and no copy of the payload.
    for key in payload.keys() - skip:
        value = payload[key]
        kind = type(value)
        if kind is str:
            if scan.may_hold(value):
                _add(found, key, _sighted((key,), value))
        elif kind is int:
            if value >= _SMALL or value <= -_SMALL:
                _add(found, key, _number((key,), value))
        elif kind is float or kind is Decimal:
            _add(found, key, _number((key,), value))
        elif (kind is dict or kind is list) and scan.container_may_hold(value):
            _add(found, key, _inside(value, key, classes))
    # Keys the plan declares need no look: mostly all of them (a superset test, no copy).
    if event is None or not event.known.issuperset(payload):
        _add_keys(found, payload, event)
    if not found:
        return []
    return [sighting for key in payload if key in found for sighting in found[key]]


def _add_keys(
    found: dict[str, list[Sighting]],
    payload: dict[str, Any],
    event: CompiledEvent | None,
) -> None:
    for key in payload.keys() - event.known if event else payload:
        kind = labels.label(key).kind
        if kind is not None:
            path = pointer(("properties", key))
            _add(found, key, [Sighting(kind=kind, path=path, place=IN_KEY)])


def _add(found: dict[str, list[Sighting]], key: str, sightings: list[Sighting]) -> None:
    if sightings:
        found.setdefault(key, []).extend(sightings)


def _inside(
    value: dict[str, Any] | list[Any], key: str, classes: dict[tuple[str, ...], str]
) -> list[Sighting]:
    sightings: list[Sighting] = []
    for spot in scan.spots(value, (key,), classes, depth=1, budget=[scan.MAX_STRINGS]):
        if scan.may_hold(spot.text):
            place = IN_KEY if spot.key else IN_VALUE
            sightings += _sighted(spot.path, spot.text, place=place)
    return sightings


def _sighted(
    path: tuple[str, ...], text: str, *, place: str = IN_VALUE
) -> list[Sighting]:
    kind = privacy.detect(text)
    if kind is None:
        return []
    return [Sighting(kind=kind, path=pointer(("properties", *path)), place=place)]


def _number(path: tuple[str, ...], value: object) -> list[Sighting]:
    kind = privacy.detect_number(value)
    if kind is None:
        return []
    return [Sighting(kind=kind, path=pointer(("properties", *path)), place=IN_VALUE)]
