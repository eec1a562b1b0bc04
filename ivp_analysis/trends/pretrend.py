"""The pre-plan model of every series: its dispersion, and its trend projected to the evaluation year.

One quasi-Poisson trend per series (:mod:`ivp_analysis.stats.quasitrend`: log-linear in the year,
population as exposure, a level of its own for the pandemic years) fitted to the years up to the
base year gives

* the **dispersion** every test and interval of that series uses (``phi = max(1, phi_hat)``, t
  with the residual degrees of freedom). Where those years are too few (fewer than five usable
  years, e.g. a custom base year early in the series or a municipality formed by a merger), the
  series' years up to the last year of the moment estimate it instead; where even those are too
  few, the exact Poisson methods stand and ``method`` says so;
* the **trend context** of the evaluation year: the expected count with its 95 % prediction
  interval, and where the observed count lies against it (``trend_verdict``);
* the **regression-to-the-mean check** of the base year: the trend of the years before the base
  year, projected to the base year; a base year outside that interval is flagged
  (``baseline_vs_trend``): a change measured from it is partly a return to the trend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivp_analysis.moments import PANDEMIC_YEARS
from ivp_analysis.stats import quasitrend as qt
from ivp_analysis.stats.quasipoisson import EXACT, QUASI
from ivp_analysis.trends.inputs import SERIES_KEYS
from ivp_analysis.vocab import TREND_ABOVE, TREND_BELOW, TREND_WITHIN

#: Columns of trends.csv with the dispersion of each series (the same on every row of a series).
DISPERSION_COLUMNS = ["dispersion", "dispersion_df", "dispersion_last_year", "method"]
#: Columns of trends.csv with the trend context (filled on the evaluation year's row).
CONTEXT_COLUMNS = [
    "trend_expected",
    "trend_pi_low",
    "trend_pi_high",
    "trend_verdict",
    "baseline_vs_trend",
]
#: Code of each position against a prediction interval (``quasitrend.position``).
POSITION_CODES = {-1.0: TREND_BELOW, 0.0: TREND_WITHIN, 1.0: TREND_ABOVE}


def position_codes(position) -> np.ndarray:
    """Turn -1/0/1 positions into ``below trend``/``within trend``/``above trend`` (None: NaN).

    Examples
    --------
    >>> position_codes([-1.0, 0.0, 1.0, float("nan")]).tolist()
    ['below trend', 'within trend', 'above trend', None]
    """
    return np.array([POSITION_CODES.get(float(p)) for p in np.asarray(position)], dtype=object)


@dataclass
class PrePlan:
    """The pre-plan models of a set of series, in the order of ``keys``."""

    keys: pd.DataFrame  # one row per series: region, code, source
    counts: pd.DataFrame  # series x year
    population: pd.DataFrame  # series x year
    trend: qt.QuasiTrend  # fitted to the years up to the base year (the trend context)
    dispersion: pd.DataFrame  # DISPERSION_COLUMNS per series, on ``keys``


def _matrices(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pivot a long frame into (series x year) counts and population."""
    c = df.pivot_table(index=SERIES_KEYS, columns="year", values="count", aggfunc="first")
    p = df.pivot_table(index=SERIES_KEYS, columns="year", values="population", aggfunc="first")
    return c, p.reindex_like(c)


def _fit_up_to(counts: pd.DataFrame, pop: pd.DataFrame, last: int) -> qt.QuasiTrend:
    """Fit every series' trend to its years up to ``last``."""
    years = counts.columns.to_numpy(dtype=int)
    keep = years <= last
    return qt.fit(
        counts.to_numpy(float)[:, keep], pop.to_numpy(float)[:, keep], years[keep], PANDEMIC_YEARS
    )


def pre_plan(df: pd.DataFrame, base_year: int) -> PrePlan:
    """Fit the pre-plan model of every series of a long frame (``count``, ``population``).

    Parameters
    ----------
    df : DataFrame
        Series rows with ``region``, ``code``, ``source``, ``year``, ``count``, ``population``.
    base_year : int
        The last year of the pre-plan period.

    Examples
    --------
    >>> d = pd.DataFrame({"region": "GM1", "code": "1.1.1", "source": "S",
    ...     "year": range(2012, 2024), "count": [100.0, 90] * 6, "population": 1000.0})
    >>> pp = pre_plan(d, 2022)
    >>> pp.dispersion[["dispersion_df", "dispersion_last_year", "method"]].values.tolist()
    [[8.0, 2022, 'quasi-Poisson']]
    """
    counts, pop = _matrices(df)
    pre = _fit_up_to(counts, pop, base_year)
    disp, dfs = pre.dispersion.copy(), pre.df.copy()
    last = np.full(len(counts), base_year)
    if len(counts) and not pre.ok.all():
        every = _fit_up_to(counts, pop, int(counts.columns.max()))
        use = ~pre.ok & every.ok
        disp[use], dfs[use] = every.dispersion[use], every.df[use]
        last[use] = int(counts.columns.max())
    estimated = np.isfinite(disp)
    keys = counts.index.to_frame(index=False)
    dispersion = keys.assign(
        dispersion=disp,
        dispersion_df=dfs,
        dispersion_last_year=pd.array(np.where(estimated, last, 0), dtype="Int64"),
        method=np.where(estimated, QUASI, EXACT),
    )
    dispersion.loc[~estimated, "dispersion_last_year"] = pd.NA
    return PrePlan(keys, counts, pop, pre, dispersion)


def trend_context(pp: PrePlan, base_year: int, eval_year: int, level: float = 0.95) -> pd.DataFrame:
    """Return each series' trend context: the evaluation year against its pre-plan trend.

    Returns
    -------
    DataFrame
        One row per series (``region``, ``code``, ``source``, ``year`` = the evaluation year)
        with :data:`CONTEXT_COLUMNS`: the expected count of the evaluation year, its prediction
        interval and where the observed count lies (``below trend``, ``within trend``,
        ``above trend``), and the same check of the base year against the trend of the years
        before it. Empty where a series has no such year or too few years.
    """
    years = pp.counts.columns
    if eval_year not in years:
        return pp.keys.assign(year=eval_year).iloc[0:0]
    proj = qt.project(pp.trend, eval_year, pp.population[eval_year].to_numpy(float), level)
    observed = pp.counts[eval_year].to_numpy(float)
    pos = qt.position(observed, proj["lower"], proj["upper"])
    baseline = np.full(len(pp.keys), np.nan)
    if base_year in years:
        before = _fit_up_to(pp.counts, pp.population, base_year - 1)
        b = qt.project(before, base_year, pp.population[base_year].to_numpy(float), level)
        baseline = qt.position(pp.counts[base_year].to_numpy(float), b["lower"], b["upper"])
    return pp.keys.assign(
        year=eval_year,
        trend_expected=proj["expected"],
        trend_pi_low=proj["lower"],
        trend_pi_high=proj["upper"],
        trend_verdict=position_codes(pos),
        baseline_vs_trend=position_codes(baseline),
    )
