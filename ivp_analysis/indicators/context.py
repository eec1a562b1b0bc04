"""The pre-plan model of a count indicator: its dispersion, its trend context and its evaluability.

The years up to the baseline are fitted with the quasi-Poisson trend of
:mod:`ivp_analysis.stats.quasitrend` (log-linear in the year, population as exposure, a level of
its own for the pandemic years). That one model gives

* the **dispersion** of the count test (``phi = max(1, phi_hat)``, t with its residual degrees
  of freedom); with fewer than five usable years it cannot be estimated;
* the **trend context**: the trend projected to the year of the latest figure (or, without one,
  to the evaluation year), its 95 % prediction interval and where the figure lies against it;
  with a one-year baseline, also whether the baseline year lay outside the interval of the trend
  of the years before it (a change measured from such a year is partly regression to the mean);
* the **evaluability**: the smallest change against the baseline that the test detects with 80 %
  power at the two-sided 5 % level (:func:`ivp_analysis.stats.power.min_detectable_change`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ivp_analysis.moments import PANDEMIC_YEARS
from ivp_analysis.stats import power
from ivp_analysis.stats import quasitrend as qt
from ivp_analysis.vocab import TREND_ABOVE, TREND_BELOW, TREND_WITHIN

_POSITION = {-1.0: TREND_BELOW, 0.0: TREND_WITHIN, 1.0: TREND_ABOVE}


def fit_history(history: pd.DataFrame, population: pd.Series) -> qt.QuasiTrend:
    """Fit the quasi-Poisson trend (with a pandemic level) to an indicator's yearly counts.

    Examples
    --------
    >>> h = pd.DataFrame({"year": range(2017, 2023), "value": [351.0, 278, 173, 346, 284, 307]})
    >>> f = fit_history(h, pd.Series(1000.0, index=range(2017, 2023)))
    >>> int(f.df[0]), bool(f.pandemic[0]), round(float(f.dispersion[0]), 1)
    (3, True, 21.9)
    """
    years = history["year"].to_numpy(dtype=int)
    counts = history["value"].to_numpy(dtype=float)
    exposure = population.reindex(years).to_numpy(dtype=float)
    return qt.fit(counts[None, :], exposure[None, :], years, PANDEMIC_YEARS)


def dispersion(history: pd.DataFrame, population: pd.Series) -> tuple[float, float]:
    """Return ``(phi_hat, df)`` of the indicator's history (NaN, NaN: too few years)."""
    f = fit_history(history, population)
    return float(f.dispersion[0]), float(f.df[0])


def _position(observed: float, lower: float, upper: float) -> str | None:
    pos = float(qt.position([observed], [lower], [upper])[0])
    return _POSITION.get(pos)


def trend_context(
    history: pd.DataFrame,
    population: pd.Series,
    year: int,
    observed: float,
    baseline_year: int | None,
    level: float = 0.95,
) -> dict[str, Any]:
    """Project the pre-plan trend to ``year`` and place the observed figure against it.

    Parameters
    ----------
    history : DataFrame
        The indicator's rows (``year``, ``value``) up to the baseline.
    population : Series
        Population per year.
    year : int
        The year to project to (the latest figure's year, or the evaluation year).
    observed : float
        The figure of that year (NaN: none; no verdict).
    baseline_year : int or None
        A one-year baseline, checked against the trend of the years before it (None: no check).

    Returns
    -------
    dict
        ``trend_year``, ``trend_expected``, ``trend_pi_low``, ``trend_pi_high``,
        ``trend_verdict`` and ``baseline_vs_trend`` (codes of :mod:`ivp_analysis.vocab`, or
        ``None``); the numbers NaN where the history is too short or a population is missing.
    """
    out: dict[str, Any] = {"trend_year": year}
    f = fit_history(history, population)
    p = qt.project(f, year, float(population.get(year, np.nan)), level)
    lo, hi = float(p["lower"][0]), float(p["upper"][0])
    out.update(trend_expected=float(p["expected"][0]), trend_pi_low=lo, trend_pi_high=hi)
    out["trend_verdict"] = _position(observed, lo, hi)
    out["baseline_vs_trend"] = None
    if baseline_year is not None:
        before = history[history["year"] < baseline_year]
        b = qt.project(
            fit_history(before, population),
            baseline_year,
            float(population.get(baseline_year, np.nan)),
            level,
        )
        base = history.loc[history["year"] == baseline_year, "value"]
        if len(base):
            out["baseline_vs_trend"] = _position(
                float(base.iloc[0]), float(b["lower"][0]), float(b["upper"][0])
            )
    return out


def min_detectable_change(
    count0: float,
    exposure0: float,
    exposure1: float,
    phi_hat: float,
    df: float,
    direction: str,
) -> float:
    """Return the smallest detectable change in % in the desired direction (a fall for
    ``down`` and ``interpretive``, a rise for ``up``), with the indicator's dispersion.

    Without a dispersion estimate the Poisson value (``phi = 1``, normal reference) is returned:
    a lower bound, which the reason says.

    Examples
    --------
    >>> round(min_detectable_change(76, 57122, 57802, 1.87, math.inf, "down"), 1)
    -52.2
    """
    if not np.isfinite(phi_hat):
        phi_hat, df = 1.0, math.inf
    sign = 1 if direction == "up" else -1
    return power.min_detectable_change(count0, exposure0, exposure1, phi_hat, df, sign)
