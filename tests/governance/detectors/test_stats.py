"""The small statistics: medians, quantiles, Wilson bounds, Poisson tails, PSI."""

from __future__ import annotations

import math

import pytest

from governance.detectors.stats import (
    mad,
    median,
    poisson_cdf,
    poisson_sf,
    psi,
    quantile,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([3, 1, 2], 2.0, id="odd"),
        pytest.param([4, 1, 3, 2], 2.5, id="even"),
        pytest.param([7], 7.0, id="one"),
    ],
)
def test_median_of_odd_and_even_counts(values, expected):
    assert median(values) == expected


def test_median_of_nothing_is_refused():
    with pytest.raises(ValueError, match="median of no values"):
        median([])


def test_mad_ignores_one_wild_value():
    assert mad([10, 11, 9, 10, 1000]) == 1.0


def test_quantile_interpolates_like_numpy():
    assert quantile([1, 2, 3, 4], 0.99) == pytest.approx(3.97)
    assert quantile([5], 0.99) == 5


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        # The roots of (k/n - p)^2 = z^2 p (1 - p) / n, solved independently.
        pytest.param(120, 1200, (0.0798, 0.1246), id="10%-of-1200"),
        pytest.param(0, 100, (0.0, 0.0622), id="none-of-100"),
        pytest.param(3, 10, (0.0796, 0.68), id="3-of-10"),
    ],
)
def test_wilson_interval_at_99_percent(k, n, expected):
    low, high = wilson_interval(k, n, 2.576)

    assert (round(low, 4), round(high, 4)) == expected


def test_wilson_interval_of_no_samples_is_everything():
    assert wilson_interval(0, 0, 2.576) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("x", "mu", "cdf"),
    [
        pytest.param(0, 9.0, math.exp(-9), id="nothing-where-9-expected"),
        pytest.param(2, 5.0, math.exp(-5) * (1 + 5 + 12.5), id="two-where-5-expected"),
    ],
)
def test_poisson_cdf_sums_the_exact_terms(x, mu, cdf):
    assert poisson_cdf(x, mu) == pytest.approx(cdf, rel=1e-12)


def test_poisson_upper_tail_keeps_its_precision_far_out():
    # P(X >= 30 | mu = 2): the first term dominates; 1 - cdf would round to zero.
    first = math.exp(30 * math.log(2) - 2 - math.lgamma(31))

    assert poisson_sf(30, 2.0) == pytest.approx(first * 1.0667, rel=1e-3)
    assert poisson_sf(0, 2.0) == 1.0


def test_psi_of_identical_shares_is_zero_and_a_new_value_weighs_in():
    old = {"card": 600, "alipay": 400}

    assert psi(old, {"card": 300, "alipay": 200}, floor=1e-4) == 0.0
    # (0.2 - 0.4) ln(0.2 / 0.4) + (0.2 - 0.0001) ln(0.2 / 0.0001)
    assert psi(old, {"card": 300, "alipay": 100, "wechat": 100}, floor=1e-4) == (
        pytest.approx(1.6580, abs=1e-4)
    )
