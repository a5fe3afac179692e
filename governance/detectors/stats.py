"""The small statistics the detectors need: median, MAD, quantiles, Wilson, Poisson tails, PSI."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

MAD_TO_SIGMA = (
    1.4826  # MAD of a normal distribution times this is its standard deviation
)


def median(values: Sequence[float]) -> float:
    """The median; raises ValueError on an empty sequence."""
    if not values:
        msg = "median of no values"
        raise ValueError(msg)
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def mad(values: Sequence[float]) -> float:
    """Median absolute deviation from the median; raises ValueError on an empty sequence."""
    centre = median(values)
    return median([abs(v - centre) for v in values])


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile with linear interpolation between order statistics (NumPy's default)."""
    if not values:
        msg = "quantile of no values"
        raise ValueError(msg)
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def wilson_interval(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n; (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    return max(0.0, (centre - margin) / denominator), min(
        1.0, (centre + margin) / denominator
    )


def _poisson_log_pmf(k: int, mu: float) -> float:
    return k * math.log(mu) - mu - math.lgamma(k + 1)


def poisson_cdf(x: int, mu: float) -> float:
    """P(X <= x) for X ~ Poisson(mu), summed exactly (meant for small mu)."""
    if x < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    return min(1.0, sum(math.exp(_poisson_log_pmf(k, mu)) for k in range(x + 1)))


def poisson_sf(x: int, mu: float) -> float:
    """P(X >= x) for X ~ Poisson(mu), summed upwards from x (no cancellation in the tail)."""
    if x <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    total = 0.0
    k = x
    while True:
        term = math.exp(_poisson_log_pmf(k, mu))
        total += term
        if k > mu and term < total * 1e-16:
            return min(1.0, total)
        k += 1


def psi(old: Mapping[str, int], new: Mapping[str, int], *, floor: float) -> float:
    """Population stability index of the new distribution against the old (0: identical).

    A value absent on one side counts as `floor` of that side, so a new value weighs in
    instead of making the index infinite. Raises ValueError when either side is empty.
    """
    old_total, new_total = sum(old.values()), sum(new.values())
    if old_total <= 0 or new_total <= 0:
        msg = "PSI of an empty distribution"
        raise ValueError(msg)
    index = 0.0
    for value in set(old) | set(new):
        p_old = max(old.get(value, 0) / old_total, floor)
        p_new = max(new.get(value, 0) / new_total, floor)
        index += (p_new - p_old) * math.log(p_new / p_old)
    return index
