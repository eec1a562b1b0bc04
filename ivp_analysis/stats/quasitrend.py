"""Quasi-Poisson trends of yearly counts: the fit, the yearly change, and a projection with a
prediction interval, for many series at once.

The model of a series is log-linear with the population as exposure and, where the fitted years
include them, one extra level for the pandemic years::

    log E[y_t] = log(exposure_t) + a + b (t - centre) + c [t in pandemic years]
    Var(y_t)   = phi E[y_t]

The mean is fitted by Poisson maximum likelihood (:func:`countmodels.fit_poisson`); the dispersion
``phi_hat`` is Pearson's ``X2 / df`` and enters as ``phi = max(1, phi_hat)``; intervals and tests use
Student's t with the residual degrees of freedom ``df = n - p``. The pandemic level keeps a
temporary shock out of the slope and out of ``phi_hat`` without dropping years (with one level for
both years it costs one degree of freedom, not two). A projected year is a normal year.

The prediction interval of a future count (:func:`project`) is that of Farrington et al. (1996,
JRSS A 159:547-563), the outbreak-detection method of public-health surveillance: the variance of
``y0 - mu0_hat`` is ``phi mu0 + mu0^2 x' Sigma x`` (count noise plus the uncertainty of the
estimated trend, ``Sigma = phi (X'WX)^-1``), and the limits are set on the 2/3-power scale, where
a count is close to normal, then transformed back::

    limits = mu0 (1 -+ (2/3) t sqrt(V) / mu0)^(3/2)

with ``t`` the t quantile of the level (Farrington uses the normal quantile; t adds the
uncertainty of ``phi_hat`` from a short history).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ivp_analysis.stats import countmodels as cm
from ivp_analysis.stats.quasipoisson import scale, t_quantile, t_two_sided

#: Fewest usable years for a trend with a dispersion estimate.
MIN_YEARS = 5
#: Number of parameters of the full model: intercept, slope, pandemic level.
_P = 3


@dataclass
class QuasiTrend:
    """Quasi-Poisson trends of a batch of series (one row per series).

    Attributes
    ----------
    params : ndarray (S, 3)
        Intercept, slope per year and pandemic level (0 where no pandemic year was fitted).
    cov : ndarray (S, 3, 3)
        Poisson (unscaled) covariance of ``params``; multiply by ``phi`` for quasi-Poisson.
    dispersion : ndarray (S,)
        Pearson ``X2 / df`` (``phi_hat``); NaN where not estimable.
    df : ndarray (S,)
        Residual degrees of freedom.
    n_obs : ndarray (S,)
        Years fitted.
    pandemic : ndarray (S,) of bool
        Whether the pandemic level is in the model.
    centre : float
        The year the slope is centred on.
    """

    params: np.ndarray
    cov: np.ndarray
    dispersion: np.ndarray
    df: np.ndarray
    n_obs: np.ndarray
    pandemic: np.ndarray
    centre: float

    @property
    def ok(self) -> np.ndarray:
        """Whether each series has a trend and a dispersion estimate."""
        return np.isfinite(self.dispersion)

    @property
    def phi(self) -> np.ndarray:
        """The quasi-likelihood scale ``max(1, phi_hat)`` of each series (NaN where not fitted)."""
        return scale(self.dispersion)


def design(years: Iterable[int], pandemic_years: Iterable[int] = (), centre: float | None = None):
    """Return the design of the trend model: intercept, centred year, pandemic indicator.

    Examples
    --------
    >>> design([2019, 2020, 2021, 2022], (2020, 2021), centre=2020).tolist()
    [[1.0, -1.0, 0.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [1.0, 2.0, 0.0]]
    """
    y = np.asarray(list(years), dtype=float)
    c = float(centre) if centre is not None else (float(y.mean()) if len(y) else 0.0)
    return np.column_stack([np.ones_like(y), y - c, np.isin(y, list(pandemic_years)).astype(float)])


def fit(
    counts,
    exposure,
    years: Iterable[int],
    pandemic_years: Iterable[int] = (),
    min_years: int = MIN_YEARS,
) -> QuasiTrend:
    """Fit the quasi-Poisson trend of every row of ``counts``.

    Parameters
    ----------
    counts, exposure : array (S, T)
        Yearly counts and exposures; NaN (or an exposure <= 0) drops a year.
    years : sequence of int, length T
        The year of each column.
    pandemic_years : sequence of int
        Years that get a level of their own (see the module docstring).
    min_years : int
        Fewer usable years, or no residual degree of freedom, give no estimate (NaN).

    Returns
    -------
    QuasiTrend

    Examples
    --------
    Counts that double every year are a perfect Poisson fit (``X2 = 0``): dispersion 0, scale 1.

    >>> f = fit([[10.0, 20, 40, 80, 160]], [[1000.0] * 5], range(2018, 2023))
    >>> round(float(np.exp(f.params[0, 1])), 6), float(f.phi[0]), int(f.df[0])
    (2.0, 1.0, 3)
    """
    y = np.atleast_2d(np.asarray(counts, dtype=float))
    e = np.broadcast_to(np.asarray(exposure, dtype=float), y.shape)
    yrs = np.asarray(list(years), dtype=float)
    X = design(yrs, pandemic_years)
    used = np.isfinite(y) & np.isfinite(e) & (e > 0)
    in_pandemic = used & (X[:, 2] > 0)[None, :]
    S = y.shape[0]
    out = QuasiTrend(
        params=np.full((S, _P), np.nan),
        cov=np.full((S, _P, _P), np.nan),
        dispersion=np.full(S, np.nan),
        df=np.full(S, np.nan),
        n_obs=used.sum(axis=1).astype(float),
        pandemic=in_pandemic.any(axis=1),
        centre=float(yrs.mean()) if len(yrs) else 0.0,
    )
    for with_level in (True, False):
        rows = np.flatnonzero(out.pandemic == with_level)
        if len(rows):
            _fit_rows(out, rows, y[rows], e[rows], X if with_level else X[:, :2], min_years)
    return out


def _fit_rows(out: QuasiTrend, rows, y, e, X, min_years: int) -> None:
    """Fit one group of series sharing a design, and write the estimates into ``out``."""
    f = cm.fit_poisson(y, X, e)
    p = X.shape[1]
    df = f.n_obs - p
    ok = f.converged & (f.n_obs >= min_years) & (df >= 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        disp = np.where(ok, f.pearson_chi2 / np.where(df > 0, df, 1), np.nan)
    params = np.zeros((len(rows), _P))
    params[:, :p] = f.params
    cov = np.zeros((len(rows), _P, _P))
    cov[:, :p, :p] = f.cov
    params[~ok], cov[~ok] = np.nan, np.nan
    out.params[rows], out.cov[rows] = params, cov
    out.dispersion[rows] = disp
    out.df[rows] = np.where(ok, df, np.nan)


def slope(trend: QuasiTrend, level: float = 0.95) -> dict[str, np.ndarray]:
    """Return the yearly change in percent with its quasi-Poisson interval and t test.

    ``se(b) = sqrt(phi) se_Poisson(b)``; the interval is ``b +- t_df se(b)``, the p-value is
    that of ``b / se(b)`` against t with ``df`` degrees of freedom. ``p_value_poisson`` is the
    plain Poisson Wald test (no dispersion, normal reference), for comparison.

    Examples
    --------
    >>> f = fit([[10.0, 20, 40, 80, 160]], [[1000.0] * 5], range(2018, 2023))
    >>> round(float(slope(f)["change_pct"][0]), 6)
    100.0
    """
    b = trend.params[:, 1]
    se_pois = np.sqrt(trend.cov[:, 1, 1])
    se = np.sqrt(trend.phi) * se_pois
    tq = t_quantile(0.5 + level / 2, trend.df)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "change_pct": 100 * (np.exp(b) - 1),
            "ci_low_pct": 100 * (np.exp(b - tq * se) - 1),
            "ci_high_pct": 100 * (np.exp(b + tq * se) - 1),
            "p_value": t_two_sided(b / se, trend.df),
            "p_value_poisson": t_two_sided(b / se_pois, np.inf),
        }


def project(trend: QuasiTrend, year, exposure, level: float = 0.95) -> dict[str, np.ndarray]:
    """Project each trend to ``year`` (a normal year) with a prediction interval for the count.

    Parameters
    ----------
    trend : QuasiTrend
    year : int or array (S,)
        The year to project to.
    exposure : float or array (S,)
        The exposure (population) of that year.
    level : float
        Level of the prediction interval.

    Returns
    -------
    dict of arrays (S,)
        ``expected`` (the trend's expected count ``mu0``), ``lower`` and ``upper`` (the
        Farrington 2/3-power limits, see the module docstring; the lower limit is 0 where the
        interval reaches it) and ``sd`` (``sqrt(V)``, the prediction standard deviation).

    Examples
    --------
    Ten counts in each of 2013-2022 (a perfect fit: ``phi = 1``, ``df = 8``), projected to 2023,
    5.5 years after the centre: ``Var(a) = 1/100``, ``Var(b) = 1/825``, so
    ``x' Sigma x = 0.01 + 5.5^2 / 825 = 0.0467`` and ``V = 10 + 100 x 0.0467 = 14.67``; with
    ``t_8 = 2.306`` the limits are ``10 (1 -+ 0.589)^1.5``:

    >>> f = fit([[10.0] * 10], [[1.0] * 10], range(2013, 2023))
    >>> r = project(f, 2023, 1.0)
    >>> [round(float(r[k][0]), 2) for k in ("expected", "sd", "lower", "upper")]
    [10.0, 3.83, 2.64, 20.03]
    """
    S = trend.params.shape[0]
    x = np.zeros((S, _P))
    x[:, 0] = 1.0
    x[:, 1] = np.broadcast_to(np.asarray(year, dtype=float), (S,)) - trend.centre
    expo = np.broadcast_to(np.asarray(exposure, dtype=float), (S,))
    phi = trend.phi
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        mu = expo * np.exp(np.einsum("sp,sp->s", x, trend.params))
        var_eta = phi * np.einsum("sp,spq,sq->s", x, trend.cov, x)
        sd = np.sqrt(phi * mu + mu**2 * var_eta)
        step = (2.0 / 3.0) * t_quantile(0.5 + level / 2, trend.df) * sd / mu
        lower = mu * np.maximum(1.0 - step, 0.0) ** 1.5
        upper = mu * (1.0 + step) ** 1.5
    bad = ~(trend.ok & np.isfinite(mu) & (expo > 0))
    return {
        "expected": np.where(bad, np.nan, mu),
        "lower": np.where(bad, np.nan, lower),
        "upper": np.where(bad, np.nan, upper),
        "sd": np.where(bad, np.nan, sd),
    }


def position(observed, lower, upper) -> np.ndarray:
    """Return where each observed count lies: -1 below the interval, 1 above, 0 within, NaN.

    Examples
    --------
    >>> position([37, 90, 20, float("nan")], [28, 28, 28, 28], [83, 83, 83, 83]).tolist()
    [0.0, 1.0, -1.0, nan]
    """
    o, lo, hi = (np.asarray(a, dtype=float) for a in (observed, lower, upper))
    out = np.where(o < lo, -1.0, np.where(o > hi, 1.0, 0.0))
    return np.where(np.isfinite(o) & np.isfinite(lo) & np.isfinite(hi), out, np.nan)
