"""The stored values the checks compare against stay those of the model choices."""

from __future__ import annotations

from tracking.checks import rows
from tracking.models import EventStatus, PrivacyClass


def test_row_constants_match_the_model_choices():
    assert (rows.PRIVACY_NONE, rows.PRIVACY_SENSITIVE) == (
        PrivacyClass.NONE,
        PrivacyClass.SENSITIVE,
    )
    assert (rows.STATUS_ACTIVE, rows.STATUS_DEPRECATED) == (
        EventStatus.ACTIVE,
        EventStatus.DEPRECATED,
    )
