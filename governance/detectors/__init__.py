"""Anomaly detectors over loaded count series; importing the package registers them all."""

from governance.detectors import (
    new_violation,
    privacy_leak,
    silence,
    unplanned_flood,
    validity,
    version_breakage,
    volume,
)

__all__ = [
    "new_violation",
    "privacy_leak",
    "silence",
    "unplanned_flood",
    "validity",
    "version_breakage",
    "volume",
]
