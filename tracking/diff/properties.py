"""How one property differs from another, and how a set of attached properties changed.

Shape first: when the type (or an array's item type) changes, the old constraints say nothing
about the new values, so only the shape change and text changes are reported for that property.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tracking.diff.changes import (
    ADDED,
    ADDITIVE,
    BREAKING,
    CHANGED,
    REMOVED,
    TEXT,
    JsonValue,
)
from tracking.diff.deltas import (
    Delta,
    join,
    kind_of,
    label,
    plain,
    show,
    value_delta,
    whole,
)

# TRICKY: tracking.snapshot also loads snapshots from the database; importing it only for
# type checking keeps the diff free of the ORM at run time.
if TYPE_CHECKING:
    from tracking.snapshot import AttachedProperty, PropertySpec


_LOWER_BOUNDS = ("minimum", "min_length", "min_items")
_UPPER_BOUNDS = ("maximum", "max_length", "max_items")


def property_deltas(
    old: PropertySpec, new: PropertySpec, *, path: str, name: str
) -> list[Delta]:
    """Everything that differs between two versions of one property, nested fields included."""
    deltas = _shape_deltas(old, new, path=path, name=name)
    if not deltas:
        deltas += _enum_deltas(old, new, path=path, name=name)
        deltas += _pattern_deltas(old, new, path=path, name=name)
        for field in (*_LOWER_BOUNDS, *_UPPER_BOUNDS):
            deltas += _bound_deltas(field, old, new, path=path, name=name)
        deltas += _nested_deltas(old, new, path=path, name=name)
    for field in ("display_name", "description", "examples"):
        before, after = getattr(old, field), getattr(new, field)
        deltas += value_delta(
            field,
            before,
            after,
            level=TEXT,
            path=path,
            name=name,
            with_values=field == "display_name",
        )
    if old.privacy_class != new.privacy_class:
        deltas += _privacy_deltas(old, new, path=path, name=name)
    return deltas


def attachment_deltas(
    old: AttachedProperty | None,
    new: AttachedProperty | None,
    *,
    path: str,
    constraints: bool = True,
) -> list[Delta]:
    """How one attachment changed; `constraints=False` leaves out the property's own definition."""
    if old is None:
        return [] if new is None else [_attachment_added(new, path=path)]
    if new is None:
        before = _essentials(old)
        return [
            whole(
                REMOVED,
                before,
                level=BREAKING,
                phrase=_("removed"),
                path=path,
                name=old.key,
            )
        ]
    deltas = []
    if old.required != new.required:
        deltas.append(
            Delta(
                kind=CHANGED,
                path=join(path, "required"),
                field="required",
                before=old.required,
                after=new.required,
                level=BREAKING if new.required else ADDITIVE,
                phrase=_("now required") if new.required else _("now optional"),
                name=new.key,
            )
        )
    deltas += value_delta(
        "note",
        old.note,
        new.note,
        level=TEXT,
        path=path,
        name=new.key,
        with_values=False,
    )
    if constraints:
        deltas += property_deltas(old.property, new.property, path=path, name=new.key)
    return deltas


def attachments_deltas(
    old: Iterable[AttachedProperty],
    new: Iterable[AttachedProperty],
    *,
    prefix: str,
    constraints: bool = True,
    skip: frozenset[str] = frozenset(),
) -> list[Delta]:
    """Per property key (sorted), how a set of attachments changed; keys in `skip` are left out."""
    olds = {a.key: a for a in old}
    news = {a.key: a for a in new}
    deltas: list[Delta] = []
    for key in sorted(olds.keys() | news.keys()):
        if key not in skip:
            deltas += attachment_deltas(
                olds.get(key),
                news.get(key),
                path=join(prefix, key),
                constraints=constraints,
            )
    return deltas


def _attachment_added(new: AttachedProperty, *, path: str) -> Delta:
    """A new property breaks old senders when it is required: they do not send it yet."""
    return Delta(
        kind=ADDED,
        path=path,
        field="",
        before=None,
        after=_essentials(new),
        level=BREAKING if new.required else ADDITIVE,
        phrase=_("added as required") if new.required else _("added as optional"),
        name=new.key,
    )


def _essentials(attached: AttachedProperty) -> JsonValue:
    return {"type": attached.property.type, "required": attached.required}


def _shape_deltas(
    old: PropertySpec, new: PropertySpec, *, path: str, name: str
) -> list[Delta]:
    if old.type != new.type:
        return value_delta(
            "type", old.type, new.type, level=BREAKING, path=path, name=name
        )
    # An item type dropped lets any item through (looser); set or changed, it rejects senders.
    level = ADDITIVE if old.item_type and not new.item_type else BREAKING
    return value_delta(
        "item_type", old.item_type, new.item_type, level=level, path=path, name=name
    )


def _canonical(value: object) -> str:
    # TRICKY: compare enum values by their JSON text, since True == 1 and 1 == 1.0 in Python.
    return json.dumps(value, sort_keys=True)


def _enum_deltas(
    old: PropertySpec, new: PropertySpec, *, path: str, name: str
) -> list[Delta]:
    old_keys = {_canonical(v) for v in old.enum}
    new_keys = {_canonical(v) for v in new.enum}
    if old_keys == new_keys:
        return []
    gone = [v for v in old.enum if _canonical(v) not in new_keys]
    extra = [v for v in new.enum if _canonical(v) not in old_keys]
    values = {"gone": show(gone), "extra": show(extra)}
    if not old.enum:
        phrase, level = _("enum added: %(extra)s"), BREAKING
    elif not new.enum:
        phrase, level = _("enum removed (was %(gone)s)"), ADDITIVE
    elif gone and extra:
        phrase, level = _("enum narrowed: removed %(gone)s; added %(extra)s"), BREAKING
    elif gone:
        phrase, level = _("enum narrowed: removed %(gone)s"), BREAKING
    else:
        phrase, level = _("enum widened: added %(extra)s"), ADDITIVE
    return [_delta("enum", old.enum, new.enum, level, phrase % values, path, name)]


def _pattern_deltas(
    old: PropertySpec, new: PropertySpec, *, path: str, name: str
) -> list[Delta]:
    """Every pattern must match, so only dropping patterns loosens; any new one tightens."""
    if set(old.patterns) == set(new.patterns):
        return []
    values = {"before": show(old.patterns), "after": show(new.patterns)}
    if set(new.patterns) < set(old.patterns):
        gone = [p for p in old.patterns if p not in new.patterns]
        phrase, level = _("pattern removed: %(gone)s") % {"gone": show(gone)}, ADDITIVE
    elif not old.patterns:
        phrase, level = _("pattern added: %(after)s") % values, BREAKING
    else:
        phrase, level = (
            _("pattern changed from %(before)s to %(after)s") % values,
            BREAKING,
        )
    return [_delta("patterns", old.patterns, new.patterns, level, phrase, path, name)]


def _bound_deltas(
    field: str, old: PropertySpec, new: PropertySpec, *, path: str, name: str
) -> list[Delta]:
    before, after = getattr(old, field), getattr(new, field)
    if before is None and after is None:
        return []
    values = {"label": label(field), "before": before, "after": after}
    if before is None:
        phrase, level = _("%(label)s set to %(after)s (there was none)"), BREAKING
    elif after is None:
        phrase, level = _("%(label)s %(before)s removed"), ADDITIVE
    elif Decimal(before) == Decimal(after):
        return []
    else:
        raised = Decimal(after) > Decimal(before)
        phrase = (
            _("%(label)s raised from %(before)s to %(after)s")
            if raised
            else _("%(label)s lowered from %(before)s to %(after)s")
        )
        level = BREAKING if raised == (field in _LOWER_BOUNDS) else ADDITIVE
    return [_delta(field, before, after, level, phrase % values, path, name)]


def _nested_deltas(
    old: PropertySpec, new: PropertySpec, *, path: str, name: str
) -> list[Delta]:
    """Nested fields carry no required flag: removing one or changing its type breaks."""
    olds = {f.key: f for f in old.fields}
    news = {f.key: f for f in new.fields}
    deltas: list[Delta] = []
    for key in sorted(olds.keys() | news.keys()):
        where, nested = join(path, "fields", key), join(name, key)
        if key not in news:
            gone: JsonValue = {"type": olds[key].type}
            phrase = _("removed")
            deltas.append(
                whole(
                    REMOVED,
                    gone,
                    level=BREAKING,
                    phrase=phrase,
                    path=where,
                    name=nested,
                )
            )
        elif key not in olds:
            new_field: JsonValue = {"type": news[key].type}
            phrase = _("added")
            deltas.append(
                whole(
                    ADDED,
                    new_field,
                    level=ADDITIVE,
                    phrase=phrase,
                    path=where,
                    name=nested,
                )
            )
        else:
            deltas += property_deltas(olds[key], news[key], path=where, name=nested)
    return deltas


def _privacy_deltas(
    old: PropertySpec, new: PropertySpec, *, path: str, name: str
) -> list[Delta]:
    # Privacy changes how values are masked and stored, not which samples are valid.
    phrase = _(
        "privacy class changed from %(before)s to %(after)s "
        "(this changes masking, not validity)"
    ) % {"before": old.privacy_class, "after": new.privacy_class}
    return [
        _delta(
            "privacy_class",
            old.privacy_class,
            new.privacy_class,
            ADDITIVE,
            phrase,
            path,
            name,
        )
    ]


def _delta(
    field: str,
    before: object,
    after: object,
    level: str,
    phrase: str,
    path: str,
    name: str,
) -> Delta:
    return Delta(
        kind=kind_of(before, after),
        path=join(path, field),
        field=field,
        before=plain(before),
        after=plain(after),
        level=level,
        phrase=phrase,
        name=name,
    )
