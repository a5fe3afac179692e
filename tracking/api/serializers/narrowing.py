"""The constraint fields shared by properties and the attachments that narrow them."""

from __future__ import annotations

from typing import Any

CONSTRAINT_FIELDS = [
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "min_length",
    "max_length",
    "min_items",
    "max_items",
]

CONSTRAINT_HELP: dict[str, dict[str, Any]] = {
    "enum": {"help_text": 'Allowed values, e.g. ["CNY", "USD"]; empty means any.'},
    "pattern": {"help_text": "A regular expression text values must match."},
    "minimum": {"help_text": "Smallest allowed number."},
    "maximum": {"help_text": "Largest allowed number."},
    "min_length": {"help_text": "Shortest allowed text."},
    "max_length": {"help_text": "Longest allowed text."},
    "min_items": {"help_text": "Fewest items in a list."},
    "max_items": {"help_text": "Most items in a list."},
}
