"""The two comparisons of an indicator: counts as rates per inhabitant, survey marks by their margin.

Counts use the quasi-Poisson test of :func:`~ivp_analysis.stats.quasipoisson.compare_rates` with
the dispersion of the years up to the baseline (:func:`dispersion`, always on: ``phi = max(1,
phi_hat)`` and a t reference); the exact Poisson p-value is kept beside it. Survey marks count as
changed only when the difference exceeds the 95 % margin of the difference
(:func:`survey_margin`). Both return the fields of an
:class:`~ivp_analysis.indicators.assess.Assessment` as a dict.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ivp_analysis.indicators import context
from ivp_analysis.stats import quasipoisson as qp
from ivp_analysis.vocab import (
    CASE_COUNTS,
    CASE_NO_MARGIN,
    CASE_NO_POPULATION,
    CASE_SCORES,
    CASE_ZERO,
    GAP_MARGIN,
    GAP_POPULATION,
    STATUS_IMPROVED,
    STATUS_NO_CHANGE,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
)

#: Assumed standard deviation of a 1-10 survey mark, used to turn a number of respondents into
#: a 95 % margin when the survey gives no margin. Marks for safety in the Dutch surveys mostly
#: have a standard deviation between 1.2 and 1.5; the larger value gives the wider, cautious margin.
SURVEY_SD = 1.5
Z95 = float(stats.norm.ppf(0.975))
#: Fewest yearly counts up to the baseline needed to estimate the dispersion of a series.
MIN_YEARS_DISPERSION = 5
#: Significance level of the count test.
ALPHA = 0.05


def status_of(direction: str, significant: bool, up: bool) -> str:
    """Return the status of a change: its significance judged against the desired direction.

    Examples
    --------
    >>> status_of("down", True, False), status_of("up", True, False), status_of("down", False, True)
    ('improved', 'worsened', 'no significant change')
    >>> status_of("interpretive", True, True)
    'not assessable: no target direction'
    """
    if direction == "interpretive":
        return STATUS_NO_DIRECTION
    if not significant:
        return STATUS_NO_CHANGE
    good = (not up) if direction == "down" else up
    return STATUS_IMPROVED if good else STATUS_WORSENED


def dispersion(counts: np.ndarray, exposure: np.ndarray, years=None) -> tuple[float, float]:
    """Return the dispersion ``phi_hat`` of a yearly count series and its degrees of freedom.

    The counts are fitted with the quasi-Poisson trend of
    :func:`ivp_analysis.indicators.context.fit_history` (log-linear in the year, exposure as
    offset, a level of its own for the pandemic years); ``phi_hat`` is Pearson's chi-square over
    its degrees of freedom: above 1, the series varies more than a Poisson series would.
    ``(nan, nan)`` with fewer than five years.

    Examples
    --------
    A series that alternates 50, 150, 50, ... is far more variable than Poisson:

    >>> phi, df = dispersion(np.array([50, 150, 50, 150, 50, 150.0]), np.full(6, 1000.0))
    >>> bool(phi > 10), df
    (True, 4.0)
    """
    counts = np.asarray(counts, dtype=float)
    years = np.arange(len(counts)) if years is None else np.asarray(years, dtype=int)
    history = pd.DataFrame({"year": years, "value": counts})
    return context.dispersion(history, pd.Series(np.asarray(exposure, dtype=float), index=years))


def compare_counts(
    base: pd.DataFrame,
    latest: pd.Series,
    history: pd.DataFrame,
    population: pd.Series | None,
    direction: str,
) -> dict[str, Any]:
    """Compare the rate per inhabitant of the latest count with that of the baseline.

    Parameters
    ----------
    base : DataFrame
        The baseline rows (``year``, ``value``); a range is summed over its summed population.
    latest : Series
        The latest row (``year``, ``value``).
    history : DataFrame
        Every row up to the baseline: it judges the spread (never the figure that is judged).
    population : Series or None
        Population per year (index: year).
    direction : str
        The desired direction.

    Returns
    -------
    dict
        Fields of an ``Assessment``: ``case``, ``status`` and, where tested, ``change`` (NaN
        from a baseline of 0: no percentage from zero), ``ci_low``, ``ci_high``, ``p_value``,
        ``p_value_exact``, ``significant``, ``method``, ``dispersion``, ``dispersion_df`` and
        ``history_years``; ``gap`` and ``gap_years`` when the population is missing.
    """
    if population is None:
        population = pd.Series(dtype=float)
    ey = int(latest["year"])
    pops = population.reindex([*base["year"].tolist(), ey])
    if pops.isna().any() or (pops <= 0).any():
        missing = tuple(int(y) for y in pops.index[pops.isna() | (pops <= 0)])
        return {
            "case": CASE_NO_POPULATION,
            "status": STATUS_NO_DATA,
            "gap": GAP_POPULATION,
            "gap_years": missing,
        }
    c0, e0 = float(base["value"].sum()), float(pops.loc[base["year"]].sum())
    c1, e1 = float(latest["value"]), float(pops.loc[ey])
    if c0 == 0 and c1 == 0:
        status = STATUS_NO_DIRECTION if direction == "interpretive" else STATUS_NO_CHANGE
        return {"case": CASE_ZERO, "change": 0.0, "status": status}
    phi, df = _history_dispersion(history, population)
    test = qp.compare_rates(c0, e0, c1, e1, phi, df)
    rr, lo, hi, p = (float(test[k]) for k in ("rate_ratio", "ci_low", "ci_high", "p_value"))
    significant = bool(p < ALPHA)
    return {
        "case": CASE_COUNTS,
        "change": 100 * (rr - 1),
        "ci_low": 100 * (lo - 1),
        "ci_high": 100 * (hi - 1),
        "p_value": p,
        "p_value_exact": float(test["p_value_exact"]),
        "significant": significant,
        "status": status_of(direction, significant, float(test["direction"]) > 0),
        "method": str(test["method"][()]),
        "dispersion": phi,
        "dispersion_df": df,
        "history_years": tuple(int(y) for y in history["year"]),
    }


def _history_dispersion(history: pd.DataFrame, population: pd.Series) -> tuple[float, float]:
    """Return ``(phi_hat, df)`` of the years up to the baseline, NaN where it cannot be judged."""
    history_pop = population.reindex(history["year"])
    if len(history) < MIN_YEARS_DISPERSION or history_pop.isna().any():
        return math.nan, math.nan
    return context.dispersion(history, population)


def survey_margin(margin_95: float, respondents: float, sd: float = SURVEY_SD) -> float:
    """Return the 95 % margin of a survey mark: the given margin, or one from the respondents.

    ``margin = 1.96 * sd / sqrt(respondents)``; NaN when neither is known.

    Examples
    --------
    >>> round(survey_margin(float("nan"), 400), 4)
    0.147
    >>> survey_margin(0.2, 400)
    0.2
    >>> math.isnan(survey_margin(float("nan"), float("nan")))
    True
    """
    if margin_95 is not None and np.isfinite(margin_95):
        return float(margin_95)
    if respondents is not None and np.isfinite(respondents) and respondents > 0:
        return Z95 * sd / math.sqrt(respondents)
    return math.nan


def compare_scores(
    base: pd.DataFrame, latest: pd.Series, direction: str, sd: float = SURVEY_SD
) -> dict[str, Any]:
    """Compare the latest survey mark with the baseline against the 95 % margin of the difference.

    The margin of a mean baseline of k surveys is ``sqrt(sum m_i^2) / k``; that of the
    difference ``sqrt(m0^2 + m1^2)``. The p-value is the normal approximation consistent with
    that margin.

    Returns
    -------
    dict
        Fields of an ``Assessment``: ``case``, ``status``, ``change`` (difference in points)
        and, when every margin is known, ``ci_low``, ``ci_high``, ``p_value``, ``significant``
        and ``margin``; else ``gap`` and ``gap_years`` (the surveys without a margin).
    """
    b_margins = [
        survey_margin(m, n, sd) for m, n in zip(base["margin_95"], base["respondents"], strict=True)
    ]
    m0 = math.sqrt(sum(m * m for m in b_margins)) / len(b_margins)
    m1 = survey_margin(latest["margin_95"], latest["respondents"], sd)
    diff = float(latest["value"]) - float(base["value"].mean())
    if not (np.isfinite(m0) and np.isfinite(m1)):
        unknown = [
            int(y) for y, m in zip(base["year"], b_margins, strict=True) if not np.isfinite(m)
        ]
        if not np.isfinite(m1):
            unknown.append(int(latest["year"]))
        return {
            "case": CASE_NO_MARGIN,
            "change": diff,
            "status": STATUS_NO_DATA,
            "gap": GAP_MARGIN,
            "gap_years": tuple(unknown),
        }
    margin = math.sqrt(m0 * m0 + m1 * m1)
    significant = abs(diff) > margin
    p = float(2 * stats.norm.sf(Z95 * abs(diff) / margin)) if margin > 0 else math.nan
    return {
        "case": CASE_SCORES,
        "change": diff,
        "ci_low": diff - margin,
        "ci_high": diff + margin,
        "p_value": p,
        "significant": significant,
        "margin": margin,
        "status": status_of(direction, significant, diff > 0),
    }
