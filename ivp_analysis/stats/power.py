"""Evaluability: the smallest change of a yearly count that a test could detect.

A municipality of 57,000 inhabitants has some 70 burglaries a year. A test of one year against
the baseline at the 5 % level, with the series' dispersion, can then show only large changes;
a plan that aims for 10 % fewer burglaries sets a target its own evaluation cannot judge.
:func:`min_detectable_change` gives, for the quasi-Poisson comparison of
:func:`ivp_analysis.stats.quasipoisson.compare_rates`, the smallest change against the baseline
that the test detects with the given power (80 %) at the given two-sided level (5 %).

The test statistic ``log RR / se`` with ``se = sqrt(phi (1/c0 + 1/c1))`` is t-distributed with
``df`` degrees of freedom under no change, and approximately noncentral t with noncentrality
``delta = log RR / se`` under a change. The required ``delta`` (:func:`noncentrality`) solves
``P(|T'| > t_{1-alpha/2, df}) = power``; with a normal reference it is about
``z_{1-alpha/2} + z_{power} = 2.80``. The change follows by solving ``|log RR| / se(RR) = delta``
for the expected later count ``c1 = c0 RR e1 / e0``.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

#: Power and two-sided level of the evaluability check.
POWER = 0.80
ALPHA = 0.05


def noncentrality(df: float = np.inf, alpha: float = ALPHA, power: float = POWER) -> float:
    """Return the noncentrality a two-sided t test on ``df`` degrees of freedom needs for ``power``.

    Examples
    --------
    >>> round(noncentrality(), 4), round(noncentrality(9), 4)
    (2.8016, 3.1496)
    """
    normal = not np.isfinite(df) or df <= 0
    crit = stats.norm.ppf(1 - alpha / 2) if normal else stats.t.ppf(1 - alpha / 2, df)

    def achieved(delta: float) -> float:
        if normal:
            return stats.norm.sf(crit - delta) + stats.norm.cdf(-crit - delta) - power
        # the far tail vanishes for a large delta (scipy may then return NaN for it)
        far = float(np.nan_to_num(stats.nct.cdf(-crit, df, delta)))
        return stats.nct.sf(crit, df, delta) + far - power

    hi = 4.0
    while achieved(hi) < 0:  # widen the bracket (a few degrees of freedom need a large delta)
        hi *= 1.5
    return float(optimize.brentq(achieved, 0.0, hi, xtol=1e-12))


def _statistic(ratio, count0, exposure_ratio, phi):
    """The expected test statistic ``|log RR| / se`` when the rate changes by ``ratio``."""
    c1 = count0 * ratio * exposure_ratio
    return np.abs(np.log(ratio)) / np.sqrt(phi * (1.0 / count0 + 1.0 / c1))


def min_detectable_change(
    count0: float,
    exposure0: float,
    exposure1: float,
    phi: float = 1.0,
    df: float = np.inf,
    direction: int = -1,
    alpha: float = ALPHA,
    power: float = POWER,
) -> float:
    """Return the smallest change of the rate (in %) that the comparison detects with ``power``.

    Parameters
    ----------
    count0, exposure0 : float
        The baseline count and its exposure (summed over the years of a mean baseline).
    exposure1 : float
        The exposure of the evaluated year.
    phi : float
        The quasi-likelihood scale ``max(1, phi_hat)``.
    df : float
        Degrees of freedom of the t reference (``inf``: normal).
    direction : {-1, 1}
        A fall (-1) or a rise (1).
    alpha, power : float
        Two-sided level and power.

    Returns
    -------
    float
        The change in % (negative for a fall); NaN when no change in that direction can be
        detected (a fall from a baseline of 0, or even a fall to 0 is too small for the test).

    Examples
    --------
    Burglary in Pijnacker-Nootdorp, 76 in the baseline year (equal populations): Poisson with a
    normal reference, and with the dispersion 1.87 of its history:

    >>> round(min_detectable_change(76, 1.0, 1.0), 1)
    -41.0
    >>> round(min_detectable_change(76, 1.0, 1.0, phi=1.87), 1)
    -54.4
    >>> round(min_detectable_change(76, 1.0, 1.0, phi=1.87, direction=1), 1)
    73.6
    """
    if not (count0 > 0 and exposure0 > 0 and exposure1 > 0 and np.isfinite(phi)):
        return float("nan")
    delta = noncentrality(df, alpha, power)
    er = exposure1 / exposure0
    phi = max(float(phi), 1.0)

    def gap(log_ratio: float) -> float:
        return float(_statistic(np.exp(log_ratio), count0, er, phi)) - delta

    if direction > 0:
        hi = 1.0
        while gap(hi) < 0:
            hi *= 2
        return float(100 * (np.exp(optimize.brentq(gap, 0.0, hi, xtol=1e-12)) - 1))
    # A fall: the statistic rises from 0, peaks, and falls again as c1 -> 0 (se grows).
    peak = optimize.minimize_scalar(lambda x: -gap(x), bounds=(-30.0, 0.0), method="bounded")
    if gap(peak.x) < 0:
        return float("nan")
    return float(100 * (np.exp(optimize.brentq(gap, peak.x, 0.0, xtol=1e-12)) - 1))
