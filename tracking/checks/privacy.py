"""Privacy checks: properties that look personal but are not classed so, and leaky examples."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from tracking.checks.findings import Finding, Severity
from tracking.checks.rows import PlanRows, PropertyRow

# Whole words of a key or display name (`client_ip`, `userEmail`, "Phone number").
_PERSONAL_WORDS = frozenset(
    {
        "addr",
        "address",
        "bankcard",
        "birthday",
        "birthdate",
        "cellphone",
        "email",
        "idcard",
        "idnumber",
        "ip",
        "ipaddress",
        "ipv",  # ipv4, ipv6: digits end a word
        "latitude",
        "longitude",
        "mail",
        "mobile",
        "passport",
        "phone",
        "realname",
        "tel",
        "telephone",
    }
)
# Runs of words that are personal together though not apart (`id_card`, but not `card`).
_PERSONAL_PHRASES = (
    ("bank", "card"),
    ("birth", "date"),
    ("first", "name"),
    ("full", "name"),
    ("id", "card"),
    ("id", "number"),
    ("last", "name"),
    ("real", "name"),
)
# Chinese has no separators between words, so these match anywhere in the text.
_PERSONAL_HANZI = (
    "身份证",
    "手机",
    "电话",
    "邮箱",
    "地址",
    "住址",
    "姓名",
    "生日",
    "银行卡",
    "护照",
)

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[A-Za-z]+")

# TRICKY: examples come from people and imports; only a bounded prefix of each is scanned,
# so these fixed patterns stay cheap whatever the input.
_SCAN_LIMIT = 1000
_VALUE_KINDS = (
    (
        "email",
        re.compile(
            r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
        ),
    ),
    ("e164", re.compile(r"(?<![\w+])\+[1-9]\d{6,14}(?!\d)")),
    (
        "mobile",
        re.compile(r"(?<![\d+])(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)"),
    ),
    (
        "ipv4",
        re.compile(
            r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
            r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])"
        ),
    ),
)


def personal_data_findings(rows: PlanRows) -> list[Finding]:
    """Properties whose key, name or examples look personal, outside any personal class.

    A field nested in an object classed personal or sensitive is covered by that class.
    """
    by_id = rows.property_by_id()
    findings = []
    for prop in rows.properties:
        if _is_classed(prop, by_id):
            continue
        reasons = _reasons(prop)
        if reasons:
            findings.append(
                Finding(
                    severity=Severity.ERROR,
                    code="property_looks_personal",
                    object_type="property",
                    object_key=prop.path,
                    object_id=prop.id,
                    message=_(
                        "“%(key)s” looks like personal data (%(reasons)s) but is not classed "
                        "as personal or sensitive. Class it so its values are masked, or "
                        "rename it if it is not personal."
                    )
                    % {"key": prop.path, "reasons": "; ".join(reasons)},
                )
            )
    return findings


def sensitive_example_findings(rows: PlanRows) -> list[Finding]:
    return [
        Finding(
            severity=Severity.WARNING,
            code="sensitive_property_has_examples",
            object_type="property",
            object_key=prop.path,
            object_id=prop.id,
            message=_(
                "“%s” is sensitive but carries example values, which the plan, its schemas "
                "and generated code would show. Remove them."
            )
            % prop.path,
        )
        for prop in rows.properties
        if prop.is_sensitive and prop.examples
    ]


def personal_term(text: str) -> str | None:
    """The personal word or phrase a key or display name mentions, if any."""
    words = _words(text)
    for word in words:
        if word in _PERSONAL_WORDS:
            return word
    for first, second in zip(words, words[1:], strict=False):
        if (first, second) in _PERSONAL_PHRASES:
            return f"{first}_{second}"
    return next((term for term in _PERSONAL_HANZI if term in text), None)


def personal_value_kind(value: Any) -> str | None:
    """ "email", "e164", "mobile" or "ipv4" when a value (or anything in it) looks personal."""
    for text in _texts(value):
        for kind, pattern in _VALUE_KINDS:
            if pattern.search(text[:_SCAN_LIMIT]):
                return kind
    return None


def _reasons(prop: PropertyRow) -> list[str]:
    reasons = []
    term = personal_term(prop.key) or personal_term(prop.display_name)
    if term:
        reasons.append(_("its key or name mentions “%s”") % term)
    kind = _example_kind(prop)
    if kind:
        reasons.append(_value_reason(kind))
    return reasons


def _example_kind(prop: PropertyRow) -> str | None:
    examples = prop.examples if isinstance(prop.examples, list) else [prop.examples]
    kinds = (personal_value_kind(example) for example in examples)
    found = [kind for kind in kinds if kind]
    # TRICKY: four-part build numbers (`10.3.0.1`) read as IPv4 addresses.
    if {"version", "build"} & set(_words(prop.key)):
        found = [kind for kind in found if kind != "ipv4"]
    return found[0] if found else None


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(_CAMEL_BOUNDARY.sub(" ", text))]


def _value_reason(kind: str) -> str:
    return {
        "email": _("an example looks like an email address"),
        "mobile": _("an example looks like a mobile phone number"),
        "e164": _("an example looks like an international phone number"),
        "ipv4": _("an example looks like an IP address"),
    }[kind]


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)


def _is_classed(prop: PropertyRow, by_id: dict[int, PropertyRow]) -> bool:
    lineage = [prop] + [by_id[i] for i in prop.ancestor_ids if i in by_id]
    return any(p.is_classed_personal for p in lineage)
