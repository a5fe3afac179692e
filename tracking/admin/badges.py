"""Coloured badges for statuses, privacy classes and check severities (styled in base_site.html)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

# Tone per stored value; a value missing here renders neutral.
_TONES = {
    "draft": "neutral",
    "active": "good",
    "deprecated": "caution",
    "none": "neutral",
    "personal": "caution",
    "sensitive": "danger",
    "error": "danger",
    "warning": "caution",
    "info": "note",
}


def badge(value: str, label: object, *, title: object = "") -> SafeString:
    """A badge toned for the stored `value`, showing `label` (and `title` on hover)."""
    if title:
        return format_html(
            '<span class="tpg-badge tpg-badge--{}" title="{}">{}</span>',
            _TONES.get(value, "neutral"),
            title,
            label,
        )
    return format_html(
        '<span class="tpg-badge tpg-badge--{}">{}</span>',
        _TONES.get(value, "neutral"),
        label,
    )
