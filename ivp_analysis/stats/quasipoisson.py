"""Quasi-Poisson inference for yearly counts: two rates compared, and the interval of one rate.

Yearly crime counts of a municipality vary more than Poisson counts (a campaign, one active
offender, a change in registration). Quasi-likelihood keeps the Poisson mean model and scales
its variance by a dispersion factor: ``Var(y) = phi mu``. The factor is estimated from the
series' own history (Pearson's ``X2 / df`` of a trend model, see
:mod:`ivp_analysis.stats.quasitrend`) and used as ``phi = max(1, phi_hat)``: a series is never
treated as *less* variable than Poisson. Because ``phi_hat`` rests on a handful of years, the
reference distribution is Student's t with the residual degrees of freedom of that history, not
the normal. Dispersion is always on: there is no pre-test that switches it on or off, because such
a switch makes verdicts flip on noise in the test statistic.

Where the dispersion cannot be estimated (``dispersion`` NaN: fewer than five usable years), the
functions fall back to the exact Poisson methods and say so (``method``).

The evaluability of a comparison (the smallest change it detects) is in
:mod:`ivp_analysis.stats.power`, for this same test.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ivp_analysis.stats import countmodels as cm

# every comparison carries one of these verdicts (defined in the vocabulary)
from ivp_analysis.vocab import VERDICT_DOWN, VERDICT_NA, VERDICT_UP, VERDICT_WITHIN

#: ``method`` of a comparison with a dispersion estimate, and of the fall-back without one.
QUASI = "quasi-Poisson"
EXACT = "exact Poisson"


def _arrays(*args):
    return np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in args))


def scale(dispersion) -> np.ndarray:
    """Return the quasi-likelihood scale ``phi = max(1, phi_hat)`` (NaN stays NaN).

    Examples
    --------
    >>> scale([0.6, 1.87, float("nan")]).tolist()
    [1.0, 1.87, nan]
    """
    d = np.asarray(dispersion, dtype=float)
    return np.where(np.isfinite(d), np.maximum(d, 1.0), np.nan)


def t_quantile(prob, df) -> np.ndarray:
    """Return Student's t quantile; an infinite or missing ``df`` gives the normal quantile.

    Examples
    --------
    >>> [round(float(x), 3) for x in t_quantile(0.975, [9, np.inf, np.nan])]
    [2.262, 1.96, 1.96]
    """
    prob, df = _arrays(prob, df)
    finite = np.isfinite(df) & (df > 0)
    return np.where(
        finite, stats.t.ppf(prob, np.where(finite, df, 1.0)), stats.norm.ppf(prob)
    ).astype(float)


def t_two_sided(statistic, df) -> np.ndarray:
    """Return the two-sided p-value of a t statistic (normal where ``df`` is infinite or NaN).

    Examples
    --------
    >>> round(float(t_two_sided(-2.6698, 9)), 4), round(float(t_two_sided(-2.6698, np.inf)), 4)
    (0.0256, 0.0076)
    """
    x, df = _arrays(statistic, df)
    finite = np.isfinite(df) & (df > 0)
    tail = np.where(
        finite, stats.t.sf(np.abs(x), np.where(finite, df, 1.0)), stats.norm.sf(np.abs(x))
    )
    return np.where(np.isfinite(x), 2.0 * tail, np.nan)


def compare_rates(
    count0, exposure0, count1, exposure1, dispersion, df, level: float = 0.95
) -> dict[str, np.ndarray]:
    """Compare two yearly counts as rates per exposure, with the series' dispersion.

    The test is the quasi-score test of equal rates, conditional on the total ``n = c0 + c1``:
    under equal rates the later count has mean ``n p0`` with ``p0 = e1 / (e0 + e1)``, and with
    the scale ``phi = max(1, dispersion)`` the variance ``phi n p0 (1 - p0)``. The statistic
    ``z = (c1 - n p0) / sqrt(phi n p0 (1 - p0))`` is referred to t with ``df`` degrees of
    freedom. With ``phi = 1`` and a normal reference it is the score test of two Poisson rates
    (statsmodels' ``test_poisson_2indep(method="score")``). The interval of the rate ratio
    inverts the same test for every ratio (a Wilson-type interval for the later count's share,
    with ``z^2`` replaced by ``phi t^2``), so the verdict and the interval always agree; it works
    with a zero count, where a log ratio would not.

    Parameters
    ----------
    count0, exposure0 : float or array
        Count and exposure (population) of the earlier year.
    count1, exposure1 : float or array
        Count and exposure of the later year.
    dispersion : float or array
        Pearson dispersion ``phi_hat`` of the series' history; NaN: not estimable (the exact
        Poisson test stands, ``method`` says so).
    df : float or array
        Residual degrees of freedom of that history (the t reference).
    level : float
        Confidence level of the interval.

    Returns
    -------
    dict of arrays
        ``rate_ratio`` (NaN when the earlier count is 0: no ratio from zero), ``ci_low``,
        ``ci_high`` (NaN when unbounded), ``p_value``, ``p_value_exact`` (the exact Poisson
        test, for comparison), ``method`` and ``direction`` (+1 rise, -1 fall, 0 equal rates,
        NaN without a test).

    Examples
    --------
    Burglary in Pijnacker-Nootdorp, 76 in the base year 2022 (population 57,122) and 37 in
    2023 (57,802), with the dispersion of 2012-2022 (1.87 on 9 degrees of freedom):

    >>> r = compare_rates(76, 57122, 37, 57802, 1.8689, 9)
    >>> round(float(r["rate_ratio"]), 3), round(float(r["p_value"]), 3)
    (0.481, 0.023)
    >>> round(float(r["p_value_exact"]), 5), str(r["method"][()])
    (0.00024, 'quasi-Poisson')
    """
    c0, e0, c1, e1, d, df = _arrays(count0, exposure0, count1, exposure1, dispersion, df)
    exact = cm.rate_ratio_test(c0, e0, c1, e1, level)
    n = c0 + c1
    ok = np.isfinite(n) & np.isfinite(e0) & np.isfinite(e1) & (e0 > 0) & (e1 > 0) & (n > 0)
    quasi = ok & np.isfinite(d)
    phi = np.where(quasi, scale(d), 1.0)
    tq = t_quantile(0.5 + level / 2, df)
    score = _score_test(c0, e0, c1, e1, phi, df, tq)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate0, rate1 = c0 / e0, c1 / e1
        direction = np.where(ok, np.sign(rate1 - rate0), np.nan)
        rr = np.where(ok & (c0 > 0), rate1 / rate0, np.nan)
    return {
        "rate_ratio": rr,
        "ci_low": _finite(np.where(quasi, score["ci_low"], exact["ci_low"])),
        "ci_high": _finite(np.where(quasi, score["ci_high"], exact["ci_high"])),
        "p_value": np.where(quasi, score["p_value"], np.where(ok, exact["p_value"], np.nan)),
        "p_value_exact": np.where(ok, exact["p_value"], np.nan),
        "method": np.where(quasi, QUASI, np.where(ok, EXACT, "")).astype(object),
        "direction": direction,
    }


def _finite(a: np.ndarray) -> np.ndarray:
    """Return ``a`` with every infinite value (an unbounded limit) as NaN."""
    return np.where(np.isfinite(a), a, np.nan)


def _score_test(c0, e0, c1, e1, phi, df, tq) -> dict[str, np.ndarray]:
    """Return the quasi-score test of equal rates and the interval of the ratio that inverts it."""
    n = c0 + c1
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = e1 / (e0 + e1)
        z = (c1 - n * p0) / np.sqrt(phi * n * p0 * (1 - p0))
        k2 = phi * tq**2
        share = c1 / n
        centre = (share + k2 / (2 * n)) / (1 + k2 / n)
        half = np.sqrt(k2) / (1 + k2 / n) * np.sqrt(share * (1 - share) / n + k2 / (4 * n**2))
        s_lo, s_hi = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
        to_ratio = e0 / e1
        lo = s_lo / (1 - s_lo) * to_ratio
        hi = np.where(s_hi < 1, s_hi / (1 - s_hi) * to_ratio, np.inf)
    return {"p_value": t_two_sided(z, df), "ci_low": lo, "ci_high": hi}


def rate_interval(
    count, exposure, dispersion, df, level: float = 0.95, per: float = 1000.0
) -> tuple[np.ndarray, np.ndarray]:
    """Return the interval of a rate per ``per`` with the series' dispersion.

    The count ``k`` of an overdispersed series carries the information of ``k / phi`` Poisson
    events. The interval is the exact (Garwood) Poisson interval of that effective count,
    scaled back by ``phi``, at the level that matches the t reference: ``2 Phi(t_df) - 1`` with
    ``t_df`` the t quantile of ``level``. With ``phi = 1`` and infinite ``df`` it is the exact
    Poisson interval; with a zero count it still has an upper limit.

    Examples
    --------
    Ten events in 1,000 inhabitants, Poisson (exact 4.795 to 18.390) and with dispersion 2 and
    an infinite ``df`` (the exact interval of 5 events, 1.624 to 11.668, doubled):

    >>> [round(float(x), 3) for x in rate_interval(10, 1000, float("nan"), np.inf)]
    [4.795, 18.39]
    >>> [round(float(x), 3) for x in rate_interval(10, 1000, 2.0, np.inf)]
    [3.247, 23.337]
    """
    k, n, d, df = _arrays(count, exposure, dispersion, df)
    phi = np.where(np.isfinite(d), np.maximum(d, 1.0), 1.0)
    tq = t_quantile(0.5 + level / 2, np.where(np.isfinite(d), df, np.inf))
    tail = stats.norm.sf(tq)  # the normal tail with the t quantile's width
    eff = k / phi
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(eff > 0, stats.chi2.ppf(tail, 2 * np.where(eff > 0, eff, 1)) / 2, 0.0)
        hi = stats.chi2.ppf(1 - tail, 2 * (eff + 1)) / 2
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0)
    return (
        np.where(ok, phi * lo / np.where(ok, n, 1) * per, np.nan),
        np.where(ok, phi * hi / np.where(ok, n, 1) * per, np.nan),
    )


def verdict(direction, p_value, alpha: float = 0.05) -> np.ndarray:
    """Label each comparison from its direction and p- (or q-) value.

    ``direction`` is the sign of the change (a rate difference, a log ratio, or the
    ``direction`` of :func:`compare_rates`); NaN in either gives ``niet te toetsen``.

    Examples
    --------
    >>> verdict([1, -1, 1, np.nan], [0.01, 0.001, 0.4, np.nan]).tolist()
    ['significante stijging', 'significante daling', 'binnen normale schommeling', 'niet te toetsen']
    """
    d, p = _arrays(direction, p_value)
    out = np.full(d.shape, VERDICT_WITHIN, dtype=object)
    sig = p < alpha
    out[sig & (d > 0)] = VERDICT_UP
    out[sig & (d < 0)] = VERDICT_DOWN
    out[~np.isfinite(p) | np.isnan(d)] = VERDICT_NA
    return out
