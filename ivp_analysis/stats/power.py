"""Evaluability: the smallest change of a yearly count that the test could detect.

A municipality of 57,000 inhabitants has some 70 burglaries a year. A test of one year against
the baseline at the 5 % level, with the series' dispersion, can then show only large changes;
a plan that aims for 10 % fewer burglaries sets a target its own evaluation cannot judge.
:func:`min_detectable_change` gives, for the quasi-score test of
:func:`ivp_analysis.stats.quasipoisson.compare_rates`, the smallest change against the baseline
that the test detects with the given power (80 %) at the given two-sided level (5 %).

Conditional on the total ``n = c0 + c1``, the later count's share is ``p0 = e1 / (e0 + e1)``
under no change and ``p1 = RR e1 / (e0 + RR e1)`` under a rate ratio ``RR``. With the expected
counts (``c1 = RR c0 e1 / e0``), the standard sample-size relation of a score test with
different null and alternative variances,

    n |p1 - p0| = t_{1 - alpha/2} sqrt(phi n p0 (1 - p0)) + t_{power} sqrt(phi n p1 (1 - p1)),

with t quantiles on the dispersion's degrees of freedom (normal quantiles when they are
infinite), is solved for ``RR``. A fall can be undetectable even down to zero: then the
function returns NaN.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from ivp_analysis.stats.quasipoisson import t_quantile

#: Power and two-sided level of the evaluability check.
POWER = 0.80
ALPHA = 0.05


def _margin(ratio: float, count0: float, er: float, phi: float, ta: float, tb: float) -> float:
    """Return ``n |p1 - p0| - ta s0 - tb s1``: positive when ``ratio`` is detectable."""
    n = count0 * (1.0 + ratio * er)
    p0 = er / (1.0 + er)
    p1 = ratio * er / (1.0 + ratio * er)
    s0 = np.sqrt(phi * n * p0 * (1 - p0))
    s1 = np.sqrt(phi * n * p1 * (1 - p1))
    return float(n * abs(p1 - p0) - ta * s0 - tb * s1)


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
        The quasi-likelihood scale (raised to at least 1).
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
        detected (a fall from a baseline of 0, or one that even a fall to 0 cannot show).

    Examples
    --------
    Burglary in Pijnacker-Nootdorp, 76 in the baseline year (equal populations): Poisson with a
    normal reference, and with the dispersion 1.87 of its history:

    >>> round(min_detectable_change(76, 1.0, 1.0), 1)
    -40.2
    >>> round(min_detectable_change(76, 1.0, 1.0, phi=1.87), 1)
    -52.4
    >>> round(min_detectable_change(76, 1.0, 1.0, phi=1.87, direction=1), 1)
    71.7
    """
    if not (count0 > 0 and exposure0 > 0 and exposure1 > 0 and np.isfinite(phi)):
        return float("nan")
    er = exposure1 / exposure0
    phi = max(float(phi), 1.0)
    ta = float(t_quantile(1 - alpha / 2, df))
    tb = float(t_quantile(power, df))

    def gap(log_ratio: float) -> float:
        return _margin(float(np.exp(log_ratio)), count0, er, phi, ta, tb)

    if direction > 0:
        hi = 1.0
        while gap(hi) < 0:
            hi *= 2
        return float(100 * (np.exp(optimize.brentq(gap, 0.0, hi, xtol=1e-12)) - 1))
    if _margin(0.0, count0, er, phi, ta, tb) < 0:  # even a fall to 0 is not enough
        return float("nan")
    lo = -1.0
    while gap(lo) < 0:
        lo *= 2
    return float(100 * (np.exp(optimize.brentq(gap, lo, 0.0, xtol=1e-12)) - 1))
