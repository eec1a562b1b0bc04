"""Back-test of the national model: fit before a cut-off, forecast the following years, score.

Scores per series: the MASE of the model and of the seasonal naive forecast (:func:`mase`), the
coverage of the intervals and whether the decision rule fired although there was no pandemic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis import cache
from ivp_analysis.covid.data import to_rate_factor
from ivp_analysis.covid.national import _fit_and_forecast
from ivp_analysis.covid.phases import MODEL_FILES
from ivp_analysis.stats.runs import significant_runs


def mase(observed, forecast, insample, m: int = 12) -> np.ndarray:
    """Mean absolute scaled error: forecast MAE divided by the in-sample MAE of the seasonal
    naive forecast (``y_t - y_{t-m}``), per row.

    Examples
    --------
    >>> mase([[4.0, 6.0]], [[5.0, 5.0]], [[1.0, 2.0, 3.0, 5.0]], m=2)
    array([0.4])
    """
    observed, forecast, insample = (
        np.atleast_2d(np.asarray(a, float)) for a in (observed, forecast, insample)
    )
    scale = np.nanmean(np.abs(insample[:, m:] - insample[:, :-m]), axis=1)
    return np.nanmean(np.abs(observed - forecast), axis=1) / scale


@cache.memoize("covid", files=MODEL_FILES)
def backtest(
    counts: pd.DataFrame,
    population: pd.Series,
    codes: list[str],
    starts: dict[str, str],
    fit_start: str = "2012-01",
    fit_end: str = "2017-12",
    test_end: str = "2019-12",
    level: float = 0.95,
    level_strict: float = 0.99,
    min_run: int = 2,
    method: str = "reml",
) -> pd.DataFrame:
    """Fit on ``fit_start``..``fit_end``, forecast to ``test_end``, and score against what happened.

    Returns
    -------
    DataFrame
        Per code: ``mase`` of the model and ``mase_naive`` of the seasonal naive forecast (the
        last 12 fitted months repeated), both scaled by the in-sample seasonal naive error
        (rates), ``beats_naive`` (model MASE < naive MASE), ``coverage`` of the ``level``
        interval, ``coverage_strict``, ``rule_fired`` (the decision rule fired although no
        pandemic happened), ``fit_months``, ``bias_pct`` (mean of observed / expected - 1).
        Codes with fewer than 24 months before ``fit_end`` get NaN.
    """
    all_codes = codes
    latest = pd.Period(fit_end, "M") - 23
    codes = [c for c in codes if pd.Period(max(starts[c], fit_start), "M") <= latest]
    fit, pred, months, Y = _fit_and_forecast(
        counts, population, codes, starts, fit_start, fit_end, test_end, method
    )
    obs = np.log(
        counts.reindex(months)[codes].to_numpy(float).T
        * to_rate_factor(population.reindex(months), months)
    )
    rate_obs, rate_fc = np.exp(obs), np.exp(pred.median())
    rate_in = np.exp(Y)
    naive = np.tile(rate_in[:, -12:], (1, int(np.ceil(len(months) / 12))))[:, : len(months)]
    m_model = mase(rate_obs, rate_fc, rate_in)
    m_naive = mase(rate_obs, naive, rate_in)
    lo, hi = pred.interval(level)
    lo2, hi2 = pred.interval(level_strict)
    side = np.where(obs < lo2, -1, np.where(obs > hi2, 1, 0))
    return (
        pd.DataFrame(
            {
                "code": codes,
                "mase": m_model,
                "mase_naive": m_naive,
                "beats_naive": m_model < m_naive,
                "coverage": ((obs >= lo) & (obs <= hi)).mean(axis=1),
                "coverage_strict": ((obs >= lo2) & (obs <= hi2)).mean(axis=1),
                "rule_fired": significant_runs(side, min_run).any(axis=1),
                "bias_pct": 100 * (np.mean(rate_obs / rate_fc, axis=1) - 1),
                "fit_months": fit.n_obs.astype(int),
                "phi": fit.phi,
            }
        )
        .set_index("code")
        .reindex(all_codes)
        .rename_axis("code")
        .reset_index()
    )
