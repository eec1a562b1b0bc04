"""Rolling-origin back-test of the counterfactual models, and the gate that decides who may judge.

At every origin of the pre-period (the last fitted period moves one step at a time, from three
seasonal cycles after a series starts to ``H`` periods before the pre-period ends) both models
are fitted on the data up to the origin and forecast the next ``H`` periods, which are known:

* :func:`~ivp_analysis.stats.forecast.seasonal_ar1_predictive`, the model of the reports;
* :func:`~ivp_analysis.stats.forecast.seasonal_naive_predictive`, the benchmark.

Scores per series (:func:`rolling_backtest`): coverage of the intervals, MASE of both models
(:func:`mase` scale: the in-sample error of the seasonal naive forecast), their ratio, and how
often the decision rule fired although nothing happened. :func:`gate` turns the scores into the
model that gives a series its verdicts: the seasonal AR(1) model when it beats seasonal naive
(relative MAE < 1) and its 95 % intervals held at least 85 % of the back-test periods, else the
seasonal naive model when its own intervals held at least 85 %, else no verdict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis.stats.forecast import seasonal_ar1_predictive, seasonal_naive_predictive
from ivp_analysis.stats.runs import significant_runs

#: Models a counterfactual can use (``model`` of the back-test and the result tables).
MODEL_SEASONAL_AR1 = "seasonal_ar1"
MODEL_SEASONAL_NAIVE = "seasonal_naive"
MODEL_NONE = "none"
#: The gate: the model must beat seasonal naive and its intervals must hold this share.
MAX_RELATIVE_MAE = 1.0
MIN_COVERAGE = 0.85
#: Why a series does not get the seasonal AR(1) model (``reason`` of :func:`gate`).
REASON_NO_BACKTEST = "no_backtest"
REASON_NOT_BETTER = "not_better_than_naive"
REASON_LOW_COVERAGE = "low_coverage"
REASON_NAIVE_LOW_COVERAGE = "naive_low_coverage"
#: A series needs this many seasonal cycles before the first origin.
MIN_FIT_CYCLES = 3


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


def origins(first: np.ndarray, T: int, m: int, H: int, step: int = 1, min_fit: int | None = None):
    """Yield ``(e, rows)``: the index of the last fitted period and the series with enough data.

    Examples
    --------
    >>> [(e, r.tolist()) for e, r in origins(np.array([0, 2]), 10, 2, 3, min_fit=4)]
    [(3, [True, False]), (4, [True, False]), (5, [True, True]), (6, [True, True])]
    """
    min_fit = MIN_FIT_CYCLES * m if min_fit is None else min_fit
    for e in range(min_fit - 1, T - H, step):
        rows = e - first + 1 >= min_fit
        if rows.any():
            yield e, rows


def _score_origin(Yf, obs, m, H, level, level_strict, min_run) -> dict[str, np.ndarray]:
    """Scores of both models at one origin, per series (sums over the forecast periods)."""
    pm = seasonal_ar1_predictive(Yf, m, H)
    pn = seasonal_naive_predictive(Yf, m, H)
    rate = np.exp(obs)
    scale = np.nanmean(np.abs(np.exp(Yf[:, m:]) - np.exp(Yf[:, :-m])), axis=1)[:, None]
    out = {}
    for name, p, point in (("", pm, pm.mean_exp()), ("_naive", pn, np.exp(pn.mean[:, 0]))):
        # inside the central interval of a level <=> the predictive CDF lies in its tails' range
        u = p.cdf(obs)
        tail, tail_strict = (1 - level) / 2, (1 - level_strict) / 2
        err = np.abs(rate - point)
        side = np.where(u < tail_strict, -1, np.where(u > 1 - tail_strict, 1, 0))
        out["covered" + name] = ((u >= tail) & (u <= 1 - tail)).sum(axis=1)
        out["covered_strict" + name] = (side == 0).sum(axis=1)
        out["abs_error" + name] = err.sum(axis=1)
        out["scaled_error" + name] = (err / scale).sum(axis=1)
        out["fired" + name] = significant_runs(side, min_run).any(axis=1).astype(int)
    return out


def rolling_backtest(
    Y,
    m: int,
    H: int,
    *,
    level: float = 0.95,
    level_strict: float = 0.99,
    min_run: int = 2,
    step: int = 1,
    min_fit: int | None = None,
) -> pd.DataFrame:
    """Back-test both models at every origin of the pre-period and score them per series.

    Parameters
    ----------
    Y : array (S, T)
        Log series of the pre-period (leading NaN for a series that starts later).
    m : int
        Season length (12 for months, 52 for weeks).
    H : int
        Forecast horizon: the length of the real forecast window.
    level, level_strict, min_run : the intervals and the decision rule of the analysis.
    step : int
        Periods between origins.
    min_fit : int, optional
        Periods a series needs before its first origin (default three seasonal cycles).

    Returns
    -------
    DataFrame
        One row per series: ``origins``, ``coverage_95`` and ``coverage_95_naive`` (share of
        back-test periods inside each model's ``level`` interval; the names follow ``level``),
        ``coverage_99`` and ``coverage_99_naive`` (``level_strict``), ``mase``, ``mase_naive``,
        ``relative_mae`` (model MAE / seasonal naive MAE), ``rule_rate`` and
        ``rule_rate_naive`` (share of origins where the decision rule fired). NaN without an
        origin.
    """
    Y = np.atleast_2d(np.asarray(Y, float))
    S, T = Y.shape
    first = np.argmax(np.isfinite(Y), axis=1)
    keys = ["covered", "covered_strict", "abs_error", "scaled_error", "fired"]
    acc = {k + s: np.zeros(S) for k in keys for s in ("", "_naive")}
    n_origins = np.zeros(S)
    for e, rows in origins(first, T, m, H, step, min_fit):
        scores = _score_origin(
            Y[rows, : e + 1], Y[rows, e + 1 : e + 1 + H], m, H, level, level_strict, min_run
        )
        for k, v in scores.items():
            acc[k][rows] += v
        n_origins[rows] += 1
    points = np.where(n_origins > 0, n_origins * H, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "origins": n_origins.astype(int),
                f"coverage_{100 * level:g}": acc["covered"] / points,
                f"coverage_{100 * level:g}_naive": acc["covered_naive"] / points,
                f"coverage_{100 * level_strict:g}": acc["covered_strict"] / points,
                f"coverage_{100 * level_strict:g}_naive": acc["covered_strict_naive"] / points,
                "mase": acc["scaled_error"] / points,
                "mase_naive": acc["scaled_error_naive"] / points,
                "relative_mae": acc["abs_error"] / acc["abs_error_naive"],
                "rule_rate": acc["fired"] / np.where(n_origins > 0, n_origins, np.nan),
                "rule_rate_naive": acc["fired_naive"] / np.where(n_origins > 0, n_origins, np.nan),
            }
        )


def gate(scores: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Decide per series which model gives its verdicts, with the reasons.

    Returns
    -------
    DataFrame
        ``model`` (:data:`MODEL_SEASONAL_AR1`, :data:`MODEL_SEASONAL_NAIVE` or
        :data:`MODEL_NONE`), ``usable`` (a model may judge) and ``reason`` (codes joined by
        ``;``, empty for the seasonal AR(1) model).

    Examples
    --------
    >>> s = pd.DataFrame({"origins": [5, 5, 5, 0], "coverage_95": [0.9, 0.8, 0.9, np.nan],
    ...     "coverage_95_naive": [0.9, 0.9, 0.7, np.nan], "relative_mae": [0.8, 0.9, 1.2, np.nan]})
    >>> gate(s).values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['seasonal_ar1', True, ''], ['seasonal_naive', True, 'low_coverage'],
     ['none', False, 'not_better_than_naive;naive_low_coverage'], ['none', False, 'no_backtest']]
    """
    cover = scores[f"coverage_{100 * level:g}"]
    cover_naive = scores[f"coverage_{100 * level:g}_naive"]
    rows = []
    for n, c, cn, rel in zip(
        scores["origins"], cover, cover_naive, scores["relative_mae"], strict=True
    ):
        if not n:
            rows.append((MODEL_NONE, False, REASON_NO_BACKTEST))
            continue
        why = []
        if not rel < MAX_RELATIVE_MAE:
            why.append(REASON_NOT_BETTER)
        if not c >= MIN_COVERAGE:
            why.append(REASON_LOW_COVERAGE)
        if not why:
            rows.append((MODEL_SEASONAL_AR1, True, ""))
        elif cn >= MIN_COVERAGE:
            rows.append((MODEL_SEASONAL_NAIVE, True, ";".join(why)))
        else:
            rows.append((MODEL_NONE, False, ";".join([*why, REASON_NAIVE_LOW_COVERAGE])))
    return pd.DataFrame(rows, columns=["model", "usable", "reason"], index=scores.index)
