"""The diff between two plan snapshots, each change classified, and the version number it implies.

`diff_snapshots(old, new)` compares two `PlanSnapshot`s and returns a `PlanDiff` whose changes
are sorted by object type (events, library properties, groups, common properties, sources,
plan), key, path, field and kind. `old=None` stands for the first version: every object is one
"added" change, and the diff is `initial`, which bumps major (to 1.0.0).

Levels: **breaking** changes make samples that passed before fail; **additive** ones change
what the plan accepts or expects without failing old samples; **text** ones change only what
people read. The version number bumps major, minor or patch accordingly (`next_version`).

Breaking: an event removed (deprecated or not; the summary says when it was deprecated); a
property removed from an event, a group or the common properties, or from the library while an
event carried it; a group removed while an event used it; a required property added to an existing event, group or the common properties;
a property becoming required; a type or item type set or changed; an enum narrowed (values
removed) or newly added; a pattern added or changed (all patterns must match, so anything but
dropping patterns tightens); a lower bound (minimum, min_length, min_items) raised or newly set, an
upper bound (maximum, max_length, max_items) lowered or newly set; a nested field removed or its
type changed (nested fields carry no required flag); unlisted properties newly forbidden; a
source removed from the plan (what it sends is no longer planned).

Additive: an event, group, source or library property added; an optional property or nested
field added; a library property or group removed that no event used; an enum widened or dropped;
a pattern dropped; a bound loosened or dropped; an item type dropped; a property becoming
optional; unlisted properties allowed; any status change (draft → active, active → deprecated
with a deprecation summary, back from deprecated); tracked on client/server; an event's
expected source added or removed (only coverage expectations change, samples stay valid); a
privacy class change (it changes masking, not validity; the summary says so).

Text: display names, descriptions, triggers, notes, examples, categories, tags, owners, group
names, source kinds, the plan's name, description and naming rules, and an event starting or
stopping to use a group (its effect on properties is reported per property).

Metrics and their glossary (terms, qualifiers, periods) are diffed too, in
`tracking.diff.metrics`: a metric removed, or its kind or canonical definition changed (event or
base, aggregation, measure, filters, qualifiers, period, window, entity, formula) breaks; a metric
added or moved in its lifecycle is additive; its names, caliber, unit, owner, classification
and tags are text. A term, qualifier or period removed or given another meaning breaks when a
metric of the old version rests on it.

Where each change is reported (once per place it matters, never more):
- events are compared on their *effective* properties (own attachments with narrowing, groups,
  common properties merged), so a narrowed enum on one event shows up on that event only;
- a library property's own change is reported once as a `property` change and once on each
  event whose effective property changed (a narrowing that still holds hides it there);
- properties an event carries only as common properties are not repeated per event: their
  changes, definitions included, are reported once as `common_property` changes;
- groups report their membership, required flags and texts; their members' definitions are
  reported in the library and on the events;
- an added or removed object is one change; its contents are not listed one by one;
- when a property's type or item type changes, its old constraints say nothing about the new
  values: only the shape change (and text changes) are reported for it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tracking.diff.changes import (
    ADDED,
    ADDITIVE,
    BREAKING,
    CHANGED,
    REMOVED,
    TEXT,
    Change,
    ChangeDict,
    DiffDict,
    PlanDiff,
    diff_from_dict,
)
from tracking.diff.events import event_changes
from tracking.diff.metrics import (
    metric_changes,
    modifier_changes,
    period_changes,
    term_changes,
)
from tracking.diff.plan import (
    common_changes,
    group_changes,
    library_changes,
    plan_changes,
    source_changes,
)
from tracking.diff.versioning import FIRST_VERSION, next_version

# TRICKY: tracking.snapshot also loads snapshots from the database; importing it only for
# type checking keeps the diff free of the ORM at run time.
if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot


__all__ = [
    "ADDED",
    "ADDITIVE",
    "BREAKING",
    "CHANGED",
    "FIRST_VERSION",
    "REMOVED",
    "TEXT",
    "Change",
    "ChangeDict",
    "DiffDict",
    "PlanDiff",
    "diff_from_dict",
    "diff_snapshots",
    "next_version",
]


def diff_snapshots(old: PlanSnapshot | None, new: PlanSnapshot) -> PlanDiff:
    """Every change from `old` to `new`, classified and sorted; `old=None` means a first version."""
    initial = old is None
    if old is None:
        # Same plan settings, no content: the first version adds everything and changes nothing.
        old = replace(
            new,
            sources=(),
            properties=(),
            groups=(),
            common_properties=(),
            events=(),
            metrics=(),
            terms=(),
            modifiers=(),
            periods=(),
        )
    changes = [
        *event_changes(old, new),
        *library_changes(old, new),
        *group_changes(old, new),
        *common_changes(old, new),
        *source_changes(old, new),
        *plan_changes(old, new),
        *metric_changes(old, new),
        *term_changes(old, new),
        *modifier_changes(old, new),
        *period_changes(old, new),
    ]
    if initial:
        # Nothing published before, so no sender can break: a first version only adds.
        changes = [
            replace(c, level=ADDITIVE) if c.level == BREAKING else c for c in changes
        ]
    return PlanDiff(
        changes=tuple(sorted(changes, key=Change.sort_key)), initial=initial
    )
