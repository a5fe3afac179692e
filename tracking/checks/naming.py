"""Naming checks: keys that break the plan's convention, and keys a slip away from another."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from django.utils.translation import gettext as _

from tracking import naming
from tracking.checks.findings import Finding, Severity
from tracking.checks.rows import NamingPolicy, PlanRows, PropertyRow
from tracking.patterns import UnsafePatternError, check_pattern

# Why two keys look like one: they share a stem once a plural or past-tense ending is
# dropped, or one edit (insert, delete, replace, swap two neighbours) turns one into the other.
ENDING = "ending"
ONE_EDIT = "one_edit"

# The folded length below which one edit is too likely to be a different word (`os`/`ok`).
_MIN_EDIT_LENGTH = 5
_MIN_STEM_LENGTH = 3
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("d", ""))
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True, kw_only=True)
class NearDuplicate:
    key: str
    other: str
    reason: str  # ENDING or ONE_EDIT


def naming_regex_findings(rows: PlanRows) -> list[Finding]:
    """A custom convention whose regular expression the guard refuses (set by an import)."""
    findings = []
    for policy, message in (
        (rows.event_naming, _("The event naming pattern cannot be used: %s")),
        (rows.property_naming, _("The property naming pattern cannot be used: %s")),
    ):
        problem = _regex_problem(policy)
        if problem:
            findings.append(
                Finding(
                    severity=Severity.ERROR,
                    code="naming_regex_invalid",
                    object_type="plan",
                    object_key=rows.plan_key,
                    object_id=rows.plan_id,
                    message=message % problem,
                )
            )
    return findings


def event_key_findings(rows: PlanRows) -> list[Finding]:
    """Events whose key breaks the event convention; deprecated events are on their way out."""
    if _regex_problem(rows.event_naming):
        return []
    return [
        Finding(
            severity=Severity.ERROR,
            code="event_key_convention",
            object_type="event",
            object_key=event.key,
            object_id=event.id,
            message=_convention_message(
                event.key,
                naming.suggest_key(event.key, rows.event_naming.convention),
                rows.event_naming,
                kind="event",
            ),
        )
        for event in rows.events
        if not event.is_deprecated and not _follows(event.key, rows.event_naming)
    ]


def property_key_findings(rows: PlanRows) -> list[Finding]:
    """Properties, nested fields included, whose key breaks the property convention."""
    if _regex_problem(rows.property_naming):
        return []
    return [
        Finding(
            severity=Severity.ERROR,
            code="property_key_convention",
            object_type="property",
            object_key=prop.path,
            object_id=prop.id,
            message=_convention_message(
                prop.path,
                _suggested_path(prop, rows),
                rows.property_naming,
                kind="property",
            ),
        )
        for prop in rows.properties
        if not _follows(prop.key, rows.property_naming)
    ]


def near_duplicate_event_findings(rows: PlanRows) -> list[Finding]:
    events = {e.key: e for e in rows.events if not e.is_deprecated}
    return [
        _near_duplicate_finding(
            pair, "near_duplicate_event_key", "event", events[pair.key].id
        )
        for pair in near_duplicates(events)
    ]


def near_duplicate_property_findings(rows: PlanRows) -> list[Finding]:
    """Top-level keys compared with each other, nested fields with their siblings."""
    siblings: dict[int | None, dict[str, PropertyRow]] = {}
    for prop in rows.properties:
        siblings.setdefault(prop.parent_id, {})[prop.key] = prop
    findings = []
    for by_key in siblings.values():
        for pair in near_duplicates(by_key):
            first, second = by_key[pair.key], by_key[pair.other]
            findings.append(
                _near_duplicate_finding(
                    NearDuplicate(
                        key=first.path, other=second.path, reason=pair.reason
                    ),
                    "near_duplicate_property_key",
                    "property",
                    first.id,
                )
            )
    return findings


def near_duplicates(keys: Iterable[str]) -> list[NearDuplicate]:
    """Each pair of keys that look like one key, once, in key order.

    Candidates come from shared stems and single-deletion variants of the folded keys, so
    the cost grows with the number of keys, not with the number of pairs.
    """
    by_folded = {naming.fold_key(key): key for key in keys}
    buckets: dict[tuple[str, str], list[str]] = {}
    for folded in by_folded:
        for signature in _signatures(folded):
            buckets.setdefault(signature, []).append(folded)
    pairs: dict[tuple[str, str], NearDuplicate] = {}
    for members in buckets.values():
        for a, b in combinations(sorted(members), 2):
            first, second = sorted((by_folded[a], by_folded[b]))
            if (first, second) in pairs:
                continue
            reason = near_duplicate_reason(a, b)
            if reason:
                pairs[first, second] = NearDuplicate(
                    key=first, other=second, reason=reason
                )
    return [pairs[pair] for pair in sorted(pairs)]


def near_duplicate_reason(a: str, b: str) -> str | None:
    """ENDING or ONE_EDIT when two folded keys look like one key, else None.

    Keys that differ only in their numbers (`step_1_done`, `step_2_done`) are distinct on
    purpose and never near duplicates.
    """
    if a == b or _DIGITS.sub("", a) == _DIGITS.sub("", b):
        return None
    if _stems(a) & _stems(b):
        return ENDING
    if min(len(a), len(b)) >= _MIN_EDIT_LENGTH and _within_one_edit(a, b):
        return ONE_EDIT
    return None


def _signatures(folded: str) -> set[tuple[str, str]]:
    signatures = {("stem", stem) for stem in _stems(folded)}
    if len(folded) >= _MIN_EDIT_LENGTH:
        signatures.add(("edit", folded))
        signatures.update(
            ("edit", folded[:i] + folded[i + 1 :]) for i in range(len(folded))
        )
    return signatures


def _stems(folded: str) -> set[str]:
    stems = {folded}
    for ending, replacement in _ENDINGS:
        stem = folded.removesuffix(ending)
        if stem != folded and len(stem) >= _MIN_STEM_LENGTH:
            stems.add(stem + replacement)
    return stems


def _within_one_edit(a: str, b: str) -> bool:
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    if len(a) < len(b):
        i = next(
            (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a)
        )
        return a[i:] == b[i + 1 :]
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) == 1:
        return True
    if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
        i, j = diffs
        return a[i] == b[j] and a[j] == b[i]
    return False


def _near_duplicate_finding(
    pair: NearDuplicate, code: str, object_type: str, object_id: int
) -> Finding:
    if pair.reason == ENDING:
        message = _(
            "“%(key)s” and “%(other)s” differ only by a plural or past-tense ending. "
            "If they mean the same thing, keep one of them."
        )
    else:
        message = _(
            "“%(key)s” and “%(other)s” differ by a single character. "
            "If they mean the same thing, keep one of them."
        )
    return Finding(
        severity=Severity.WARNING,
        code=code,
        object_type=object_type,
        object_key=pair.key,
        object_id=object_id,
        message=message % {"key": pair.key, "other": pair.other},
    )


def _regex_problem(policy: NamingPolicy) -> str | None:
    if policy.convention != naming.CUSTOM or not policy.regex:
        return None
    try:
        check_pattern(policy.regex)
    except UnsafePatternError as exc:
        return str(exc)
    return None


def _follows(key: str, policy: NamingPolicy) -> bool:
    return naming.follows_convention(key, policy.convention, policy.regex)


def _suggested_path(prop: PropertyRow, rows: PlanRows) -> str:
    suggestion = naming.suggest_key(prop.key, rows.property_naming.convention)
    prefix = prop.path.removesuffix(prop.key)
    return prefix + suggestion


def _convention_message(
    key: str, suggestion: str, policy: NamingPolicy, *, kind: str
) -> str:
    values = {
        "key": key,
        "conv": policy.label,
        "suggestion": suggestion,
        "regex": policy.regex,
    }
    if policy.convention == naming.CUSTOM:
        if kind == "event":
            message = _(
                "“%(key)s” does not match the plan's event naming pattern %(regex)s."
            )
        else:
            message = _(
                "“%(key)s” does not match the plan's property naming pattern %(regex)s."
            )
        return message % values
    # The same wording as the edit form's error, so both read (and translate) alike.
    if kind == "event":
        message = _(
            "“%(key)s” does not follow the plan's event naming convention (%(conv)s)."
            " Try “%(suggestion)s”."
        )
    else:
        message = _(
            "“%(key)s” does not follow the plan's property naming convention (%(conv)s)."
            " Try “%(suggestion)s”."
        )
    return message % values
