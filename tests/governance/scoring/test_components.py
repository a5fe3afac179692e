"""The five components: every published breakpoint, the lines between them, not applicable."""

from __future__ import annotations

import pytest

from governance.scoring.components import (
    ArrivalGap,
    Component,
    ComponentScore,
    CoverageCounts,
    NotApplicable,
    PersonalDataFindings,
    ValidityCounts,
    VolumeDeviation,
    coverage,
    freshness,
    piecewise,
    privacy,
    validity,
    volume,
)


@pytest.mark.parametrize(
    ("received", "valid", "expected"),
    [
        pytest.param(1000, 1000, 100.0, id="all-valid"),
        pytest.param(1000, 995, 100.0, id="99.5%-is-full"),
        pytest.param(1000, 994, 99.11, id="just-under-99.5%-loses-points"),
        pytest.param(400, 389, 80.0, id="midway-99.5-95-is-80"),
        pytest.param(1000, 950, 60.0, id="95%-is-60"),
        pytest.param(1000, 875, 30.0, id="midway-95-80-is-30"),
        pytest.param(1000, 800, 0.0, id="80%-is-0"),
        pytest.param(1000, 500, 0.0, id="below-80%-stays-0"),
        pytest.param(1000, 0, 0.0, id="none-valid"),
    ],
)
def test_validity_follows_the_published_breakpoints(received, valid, expected):
    counts = ValidityCounts(received=received, valid=valid)

    assert validity(counts) == ComponentScore(
        component=Component.VALIDITY, score=expected, figures=counts
    )


def test_validity_needs_twenty_samples_and_keeps_the_counts_it_did_not_judge():
    counts = ValidityCounts(received=19, valid=0)

    assert validity(counts) == ComponentScore(
        component=Component.VALIDITY,
        score=None,
        figures=counts,
        not_applicable=NotApplicable.TOO_FEW_SAMPLES,
    )


def test_validity_is_judged_from_exactly_twenty_samples():
    assert validity(ValidityCounts(received=20, valid=20)).score == 100.0


def test_validity_refuses_more_valid_samples_than_received():
    with pytest.raises(ValueError, match="valid"):
        ValidityCounts(received=3, valid=4)


@pytest.mark.parametrize(
    ("z", "change", "expected"),
    [
        pytest.param(0.0, 0.0, 100.0, id="on-expectation"),
        pytest.param(2.0, -0.5, 100.0, id="z-2-is-full"),
        pytest.param(-2.0, -0.5, 100.0, id="sign-of-z-ignored"),
        pytest.param(2.5, -0.5, 85.0, id="midway-2-3-is-85"),
        pytest.param(3.0, -0.5, 70.0, id="z-3-is-70"),
        pytest.param(-3.0, 0.5, 70.0, id="spike-scores-like-drop"),
        pytest.param(4.0, -0.5, 55.0, id="midway-3-5-is-55"),
        pytest.param(5.0, -0.5, 40.0, id="z-5-is-40"),
        pytest.param(6.5, -0.7, 20.0, id="midway-5-8-is-20"),
        pytest.param(8.0, -0.9, 0.0, id="z-8-is-0"),
        pytest.param(40.0, -1.0, 0.0, id="beyond-8-stays-0"),
        pytest.param(9.0, 0.099, 100.0, id="under-10%-change-is-full-whatever-z"),
        pytest.param(9.0, -0.099, 100.0, id="under-10%-drop-is-full-whatever-z"),
        pytest.param(3.0, -0.10, 70.0, id="10%-change-counts"),
    ],
)
def test_volume_follows_the_published_breakpoints(z, change, expected):
    deviation = VolumeDeviation(worst_z=z, change=change)

    assert volume(deviation) == ComponentScore(
        component=Component.VOLUME, score=expected, figures=deviation
    )


def test_volume_without_a_baseline_is_learning():
    assert volume(None) == ComponentScore(
        component=Component.VOLUME,
        score=None,
        figures=None,
        not_applicable=NotApplicable.LEARNING,
    )


def test_volume_refuses_a_nan_z():
    with pytest.raises(ValueError, match="NaN"):
        VolumeDeviation(worst_z=float("nan"), change=0.5)


@pytest.mark.parametrize(
    ("rate", "minutes", "expected"),
    [
        pytest.param(0.1, 29.9, 100.0, id="λd-just-under-3-is-full"),
        pytest.param(0.1, 30.0, 100.0, id="λd-3-is-full"),
        pytest.param(0.2, 42.5, 50.0, id="midway-λd-8.5-is-50"),
        pytest.param(0.5, 28.0, 0.0, id="λd-14-is-0"),
        pytest.param(1.0, 600.0, 0.0, id="beyond-14-stays-0"),
        pytest.param(100.0, 14.9, 100.0, id="gap-under-15-min-is-full"),
        pytest.param(1.0, 15.0, 0.0, id="gap-of-15-min-counts"),
    ],
)
def test_freshness_follows_the_published_breakpoints(rate, minutes, expected):
    gap = ArrivalGap(expected_per_minute=rate, minutes_since_seen=minutes)

    assert freshness(gap) == ComponentScore(
        component=Component.FRESHNESS, score=expected, figures=gap
    )


def test_freshness_without_an_expected_rate_is_learning():
    assert freshness(None).not_applicable is NotApplicable.LEARNING


@pytest.mark.parametrize(
    ("rate", "minutes", "critical"),
    [
        pytest.param(1.0, 14.0, False, id="λd-under-14"),
        pytest.param(1.0, 15.0, True, id="λd-15-after-15-min"),
        pytest.param(100.0, 10.0, False, id="high-λd-but-under-15-min"),
        pytest.param(0.5, 28.0, True, id="λd-exactly-14"),
    ],
)
def test_critical_silence_needs_λd_14_and_a_15_minute_gap(rate, minutes, critical):
    gap = ArrivalGap(expected_per_minute=rate, minutes_since_seen=minutes)

    assert gap.is_critical_silence is critical


@pytest.mark.parametrize(
    ("expected", "seen", "score"),
    [
        pytest.param(4, 4, 100.0, id="seen-everywhere"),
        pytest.param(4, 3, 75.0, id="three-of-four"),
        pytest.param(3, 1, 33.33, id="one-of-three-rounded"),
        pytest.param(4, 0, 0.0, id="seen-nowhere"),
    ],
)
def test_coverage_is_the_share_of_expected_pairs_seen(expected, seen, score):
    counts = CoverageCounts(expected=expected, seen=seen)

    assert coverage(counts) == ComponentScore(
        component=Component.COVERAGE, score=score, figures=counts
    )


def test_coverage_with_nothing_expected_is_not_applicable():
    counts = CoverageCounts(expected=0, seen=0)

    assert coverage(counts) == ComponentScore(
        component=Component.COVERAGE,
        score=None,
        figures=counts,
        not_applicable=NotApplicable.NOTHING_EXPECTED,
    )


def test_coverage_refuses_more_pairs_seen_than_expected():
    with pytest.raises(ValueError, match="seen"):
        CoverageCounts(expected=1, seen=2)


@pytest.mark.parametrize(
    ("count", "score"),
    [
        pytest.param(0, 100.0, id="no-finding"),
        pytest.param(1, 0.0, id="one-finding"),
        pytest.param(250, 0.0, id="many-findings"),
    ],
)
def test_privacy_is_all_or_nothing(count, score):
    findings = PersonalDataFindings(count=count)

    assert privacy(findings) == ComponentScore(
        component=Component.PRIVACY, score=score, figures=findings
    )


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        pytest.param(-1.0, 10.0, id="flat-before-the-first-point"),
        pytest.param(0.0, 10.0, id="first-point"),
        pytest.param(0.5, 15.0, id="on-the-first-line"),
        pytest.param(1.0, 20.0, id="middle-point"),
        pytest.param(2.0, 0.0, id="on-the-second-line"),
        pytest.param(3.0, -20.0, id="last-point"),
        pytest.param(9.0, -20.0, id="flat-after-the-last-point"),
    ],
)
def test_piecewise_interpolates_between_points_and_is_flat_beyond(x, expected):
    assert piecewise(x, ((0.0, 10.0), (1.0, 20.0), (3.0, -20.0))) == expected
