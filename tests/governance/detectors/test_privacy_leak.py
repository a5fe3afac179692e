"""Personal data in a property not classed personal: critical at once, one per property and kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from governance.detectors.base import Anomaly, Fingerprint, Outcome, Severity
from governance.detectors.privacy_leak import PersonalDataHit, PrivacyLeakInput, detect

NOW = datetime(2024, 4, 29, 12, 0, tzinfo=UTC)


def _hit(**overrides) -> PersonalDataHit:
    fields = {
        "path": "/properties/note",
        "kind": "phone",
        "source": "ios",
        "app_version": "5.2.0",
        "count": 1,
        "first_seen": NOW - timedelta(minutes=3),
        "last_seen": NOW - timedelta(minutes=3),
        "masked_example": "138****5678",
    }
    return PersonalDataHit(**{**fields, **overrides})


def _detect(*hits, personal_paths=frozenset()) -> Outcome:
    return detect(
        PrivacyLeakInput(
            event="Order Completed", personal_paths=personal_paths, hits=hits
        )
    )


def test_the_first_phone_number_in_a_free_text_property_is_critical_at_once():
    assert _detect(_hit()).anomalies == (
        Anomaly(
            fingerprint=Fingerprint(
                detector="privacy_leak",
                event="Order Completed",
                kind="phone",
                path="/properties/note",
            ),
            severity=Severity.CRITICAL,
            code="privacy.leak",
            evidence={
                "path": "/properties/note",
                "kind": "phone",
                "observed": 1,
                "sources": "ios",
                "app_versions": "5.2.0",
                "since": "2024-04-29T11:57:00+00:00",
                "last_seen": "2024-04-29T11:57:00+00:00",
                "masked_example": "138****5678",
            },
        ),
    )


def test_hits_on_several_sources_are_one_anomaly_per_property_and_kind():
    (anomaly,) = _detect(
        _hit(),
        _hit(
            source="android",
            app_version="",
            count=4,
            last_seen=NOW,
            masked_example="139****0000",
        ),
    ).anomalies

    assert anomaly.evidence["observed"] == 5
    assert anomaly.evidence["sources"] == "android, ios"
    assert anomaly.evidence["app_versions"] == "5.2.0, ?"
    assert anomaly.evidence["masked_example"] == "139****0000"


def test_another_kind_in_the_same_property_is_its_own_anomaly():
    outcome = _detect(_hit(), _hit(kind="email", masked_example="a***@example.com"))

    assert [a.fingerprint.kind for a in outcome.anomalies] == ["email", "phone"]


def test_personal_data_in_a_property_classed_personal_is_expected():
    assert (
        _detect(
            _hit(path="/properties/phone"),
            personal_paths=frozenset({"/properties/phone"}),
        ).anomalies
        == ()
    )
