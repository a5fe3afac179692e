"""Differences found inside one object (`Delta`), their wording, and placing them as `Change`s."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracking.diff.changes import ADDED, CHANGED, REMOVED, Change, JsonValue

# Field labels as people read them; lazy, so they are translated when a summary is written.
_LABELS = {
    "additional_properties": gettext_lazy("additional properties"),
    "category": gettext_lazy("category"),
    "description": gettext_lazy("description"),
    "display_name": gettext_lazy("display name"),
    "enum": gettext_lazy("enum"),
    "event_naming": gettext_lazy("event naming convention"),
    "event_naming_regex": gettext_lazy("event naming pattern"),
    "examples": gettext_lazy("examples"),
    "item_type": gettext_lazy("item type"),
    "key": gettext_lazy("key"),
    "kind": gettext_lazy("kind"),
    "max_items": gettext_lazy("maximum number of items"),
    "max_length": gettext_lazy("maximum length"),
    "maximum": gettext_lazy("maximum"),
    "min_items": gettext_lazy("minimum number of items"),
    "min_length": gettext_lazy("minimum length"),
    "minimum": gettext_lazy("minimum"),
    "name": gettext_lazy("name"),
    "note": gettext_lazy("note"),
    "owner": gettext_lazy("owner"),
    "patterns": gettext_lazy("pattern"),
    "privacy_class": gettext_lazy("privacy class"),
    "property_naming": gettext_lazy("property naming convention"),
    "property_naming_regex": gettext_lazy("property naming pattern"),
    "status": gettext_lazy("status"),
    "tags": gettext_lazy("tags"),
    "tracked_on": gettext_lazy("tracked on"),
    "trigger": gettext_lazy("trigger"),
    "type": gettext_lazy("type"),
}

# Fields whose values are keywords from a fixed list: shown bare, not quoted.
_KEYWORDS = frozenset(
    {
        "additional_properties",
        "event_naming",
        "item_type",
        "kind",
        "privacy_class",
        "property_naming",
        "status",
        "tracked_on",
        "type",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Delta:
    """A difference inside one object, before it is placed on it as a `Change`.

    `path` is relative to the object; `name` is the (dotted, for nested fields) property the
    difference concerns, empty when it concerns the object itself; `phrase` says what happened.
    """

    kind: str
    path: str
    field: str
    before: JsonValue
    after: JsonValue
    level: str
    phrase: str
    name: str = ""


def join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def label(field: str) -> str:
    return str(_LABELS.get(field, field))


def kind_of(before: object, after: object) -> str:
    """Added when there was no value, removed when there is none left, otherwise changed."""
    if before in (None, "", (), []):
        return ADDED
    if after in (None, "", (), []):
        return REMOVED
    return CHANGED


def plain(value: object) -> JsonValue:
    """A JSON-safe copy: tuples become lists."""
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value  # type: ignore[return-value]


def show(value: object, *, quoted: bool = True) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(show(v, quoted=quoted) for v in value) if value else _("none")
    if value is None or value == "":
        return _("none")
    if isinstance(value, str):
        return f"“{value}”" if quoted else value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def value_delta(
    field: str,
    before: object,
    after: object,
    *,
    level: str,
    path: str = "",
    name: str = "",
    with_values: bool = True,
) -> list[Delta]:
    """A delta for a plain field (text, keyword, list), or none when the values are equal."""
    if before == after:
        return []
    kind = kind_of(before, after)
    values = {
        "label": label(field),
        "before": show(before, quoted=field not in _KEYWORDS),
        "after": show(after, quoted=field not in _KEYWORDS),
    }
    if not with_values:
        phrase = {
            ADDED: _("%(label)s added"),
            REMOVED: _("%(label)s removed"),
            CHANGED: _("%(label)s changed"),
        }[kind]
    else:
        phrase = {
            ADDED: _("%(label)s set to %(after)s"),
            REMOVED: _("%(label)s removed (was %(before)s)"),
            CHANGED: _("%(label)s changed from %(before)s to %(after)s"),
        }[kind]
    return [
        Delta(
            kind=kind,
            path=join(path, field),
            field=field,
            before=plain(before),
            after=plain(after),
            level=level,
            phrase=phrase % values,
            name=name,
        )
    ]


def place(
    deltas: Iterable[Delta],
    *,
    object_type: str,
    key: str,
    subject: Callable[[str], str],
) -> list[Change]:
    """The deltas as changes of one object; `subject(name)` names what each one concerns."""
    return [
        Change(
            kind=d.kind,
            object_type=object_type,
            key=key,
            path=d.path,
            field=d.field,
            before=d.before,
            after=d.after,
            level=d.level,
            summary=_("%(subject)s: %(change)s")
            % {"subject": subject(d.name), "change": d.phrase},
        )
        for d in deltas
    ]


def whole(
    kind: str,
    essentials: JsonValue,
    *,
    level: str,
    phrase: str,
    path: str = "",
    name: str = "",
) -> Delta:
    """An object or nested field added or removed as one; `essentials` say what it was."""
    return Delta(
        kind=kind,
        path=path,
        field="",
        before=essentials if kind == REMOVED else None,
        after=essentials if kind == ADDED else None,
        level=level,
        phrase=phrase,
        name=name,
    )
