"""A counterfactual for any monthly or weekly count series: what was to be expected without the event.

:func:`counterfactual` takes a pandas Series (or a DataFrame of several series with the same
index) with a monthly or weekly PeriodIndex or DatetimeIndex, fits on the periods up to
``fit_end`` and forecasts the periods after it up to ``forecast_end``. Nothing in it is specific
to the Dutch data: notebook 02 runs its national series through it (with the population and
the month length as exposure), and ``docs/covid.md`` runs it on a weekly series from elsewhere.

Model (:mod:`ivp_analysis.stats.forecast`): the log of ``series / exposure`` in seasonal
differences (lag 12 for months, 52 for weeks, so the same month or week of the year) follows an
AR(1) with drift; the AR coefficient is integrated out. A rolling-origin back-test inside the
fitting period (:mod:`ivp_analysis.covid.backtest`) checks the model against seasonal naive; the
gate decides which model gives the series its flags, or that none may.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivp_analysis.covid.backtest import (
    MODEL_SEASONAL_NAIVE,
    gate,
    rolling_backtest,
)
from ivp_analysis.stats.forecast import (
    MixturePredictive,
    choose,
    seasonal_ar1_predictive,
    seasonal_naive_predictive,
)
from ivp_analysis.stats.runs import significant_runs

#: Season length per frequency: months and weeks (week of the year).
SEASON_LENGTH = {"M": 12, "W": 52}


def as_periods(index) -> tuple[pd.PeriodIndex, int]:
    """Return the index as a regular monthly or weekly PeriodIndex and the season length.

    Examples
    --------
    >>> p, m = as_periods(pd.date_range("2021-01-03", periods=3, freq="W-SUN"))
    >>> [str(x) for x in p], m
    (['2020-12-28/2021-01-03', '2021-01-04/2021-01-10', '2021-01-11/2021-01-17'], 52)
    >>> as_periods(pd.date_range("2020-01-31", periods=2, freq="ME"))[0].freqstr
    'M'
    """
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freqstr or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            raise ValueError(
                "the series' DatetimeIndex has no regular frequency: give a monthly or weekly "
                "PeriodIndex, or a DatetimeIndex with freq set (for example 'MS' or 'W-SUN')"
            )
        base = freq.split("-")[0].rstrip("SE") or freq
        index = index.to_period("M" if base in ("M", "BM", "BMS") else freq)
    if not isinstance(index, pd.PeriodIndex):
        raise TypeError(
            f"the series needs a PeriodIndex or DatetimeIndex, not {type(index).__name__}"
        )
    kind = index.freqstr.split("-")[0]
    if kind not in SEASON_LENGTH:
        raise ValueError(f"frequency {index.freqstr!r} is not supported: use months or weeks")
    expected = pd.period_range(index[0], index[-1], freq=index.freq)
    if len(index) != len(expected) or not (index == expected).all():
        raise ValueError(
            "the series must have one value per period, in order, without gaps "
            f"({index[0]} to {index[-1]}: {len(index)} values, {len(expected)} periods)"
        )
    return index, SEASON_LENGTH[kind]


@dataclass
class CounterfactualModel:
    """Fitted counterfactuals of one or more series (the full result of :func:`counterfactual_model`)."""

    names: list  # series names
    periods: pd.PeriodIndex  # the forecast periods
    observed: np.ndarray  # (S, H)
    exposure: np.ndarray  # (S, H)
    predictive: MixturePredictive  # of the log rate, per series the model in ``model``
    backtest: pd.DataFrame  # per series: back-test scores, model, usable, reason

    @property
    def model(self) -> np.ndarray:
        """The model that gives each series its flags (``none`` when no model may)."""
        return self.backtest["model"].to_numpy()

    @property
    def usable(self) -> np.ndarray:
        """Whether a model may flag each series."""
        return self.backtest["usable"].to_numpy(bool)

    def expected(self) -> np.ndarray:
        """Expected counts (S, H): the mean of the predictive distribution."""
        return self.exposure * self.predictive.mean_exp()

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Central ``level`` prediction interval of the counts (S, H)."""
        lo, hi = self.predictive.interval(level)
        return self.exposure * np.exp(lo), self.exposure * np.exp(hi)

    def window(self, keep) -> CounterfactualModel:
        """The same counterfactuals for some forecast periods only (boolean mask)."""
        keep = np.asarray(keep, bool)
        return CounterfactualModel(
            self.names,
            self.periods[keep],
            self.observed[:, keep],
            self.exposure[:, keep],
            self.predictive.window(keep),
            self.backtest,
        )

    def period_sums(self, masks, level: float, n_sim: int = 4000, seed: int = 20200312):
        """Expected sums and their ``level`` intervals over groups of periods.

        ``masks`` (H, P) marks the periods of each group. The expected sum is the mean of the
        predictive distribution of the sum (the sum of the expected counts); its interval comes
        from ``n_sim`` joint draws (seeded), so the correlation between periods counts.

        Returns
        -------
        expected, lower, upper : arrays (S, P)
        """
        P = np.asarray(masks, float)
        draws = np.exp(self.predictive.simulate(n_sim, seed)) * self.exposure[:, None, :]
        sums = draws @ P  # (S, n_sim, P)
        lower, upper = np.quantile(sums, [(1 - level) / 2, (1 + level) / 2], axis=1)
        return self.expected() @ P, lower, upper

    def table(self, level: float = 0.95, level_strict: float = 0.99, min_run: int = 2):
        """The counterfactual per series and period (see :func:`counterfactual`)."""
        lo, hi = self.interval(level)
        lo2, hi2 = self.interval(level_strict)
        obs = self.observed
        side = np.where(obs < lo2, -1, np.where(obs > hi2, 1, 0))
        side = np.where(np.isfinite(obs), side, 0)
        flagged = significant_runs(side, min_run) & self.usable[:, None]
        S, H = obs.shape
        index = pd.MultiIndex.from_product([self.names, self.periods], names=["series", "period"])
        return pd.DataFrame(
            {
                "observed": obs.ravel(),
                "expected": self.expected().ravel(),
                f"lower_{100 * level:g}": lo.ravel(),
                f"upper_{100 * level:g}": hi.ravel(),
                f"lower_{100 * level_strict:g}": lo2.ravel(),
                f"upper_{100 * level_strict:g}": hi2.ravel(),
                f"outside_{100 * level_strict:g}": side.ravel(),
                "flagged": flagged.ravel(),
            },
            index=index,
        )


def _as_frame(data, name: str) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        return data.to_frame(data.name if data.name is not None else 0)
    if isinstance(data, pd.DataFrame):
        return data
    raise TypeError(f"{name} must be a pandas Series or DataFrame, not {type(data).__name__}")


def _exposure(exposure, frame: pd.DataFrame) -> pd.DataFrame:
    """The exposure per series and period (1 when none is given), aligned to ``frame``."""
    if exposure is None:
        return pd.DataFrame(1.0, index=frame.index, columns=frame.columns)
    if isinstance(exposure, int | float | np.number):
        return pd.DataFrame(float(exposure), index=frame.index, columns=frame.columns)
    e = _as_frame(exposure, "exposure")
    e.index = as_periods(e.index)[0] if not e.index.equals(frame.index) else frame.index
    if e.shape[1] == 1 and frame.shape[1] > 1:
        e = pd.concat([e.iloc[:, 0]] * frame.shape[1], axis=1, keys=frame.columns)
    e.columns = frame.columns
    return e.reindex(frame.index)


def _log_rates(frame, expo, fit_periods) -> np.ndarray:
    """Log of ``series / exposure`` over the fitting periods (S, T); refuse what cannot be logged."""
    y = frame.loc[fit_periods].to_numpy(float).T
    e = expo.loc[fit_periods].to_numpy(float).T
    for i, name in enumerate(frame.columns):
        ok = np.isfinite(y[i])
        if not ok.any():
            raise ValueError(f"series {name!r} has no value before fit_end")
        start = np.argmax(ok)
        bad = np.where(~ok[start:] | (y[i, start:] <= 0) | ~(e[i, start:] > 0))[0]
        if len(bad):
            p = fit_periods[start + bad[0]]
            raise ValueError(
                f"series {name!r}, period {p}: value {float(y[i, start + bad[0]])} with exposure "
                f"{float(e[i, start + bad[0]])}; the model needs positive values and exposures from "
                "the first value to fit_end (only leading missing values are allowed)"
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(y / e)


def counterfactual_model(
    series,
    *,
    fit_end,
    forecast_end,
    exposure=None,
    level: float = 0.95,
    level_strict: float = 0.99,
    min_run: int = 2,
    backtest: pd.DataFrame | None = None,
    model: str | None = None,
) -> CounterfactualModel:
    """Fit the counterfactuals and keep everything: predictive distribution, back-test, gate.

    Parameters as :func:`counterfactual`, and:

    backtest : DataFrame, optional
        Back-test scores with ``model``, ``usable`` and ``reason`` from an earlier run of the
        same series (:attr:`CounterfactualModel.backtest`): reused instead of back-testing again
        (the sensitivity analysis keeps each series' model this way).
    model : {"seasonal_ar1", "seasonal_naive"}, optional
        Use this model for every series and skip the back-test and the gate.
    """
    frame = _as_frame(series, "series")
    periods, m = as_periods(frame.index)
    frame = frame.set_axis(periods)
    expo = _exposure(exposure, frame)
    fit_end, forecast_end = pd.Period(fit_end, periods.freq), pd.Period(forecast_end, periods.freq)
    if not periods[0] <= fit_end < forecast_end <= periods[-1]:
        raise ValueError(
            f"need {periods[0]} <= fit_end < forecast_end <= {periods[-1]}, got fit_end "
            f"{fit_end} and forecast_end {forecast_end}"
        )
    fit_periods = periods[periods <= fit_end]
    future = pd.period_range(fit_end + 1, forecast_end, freq=periods.freq)
    Y = _log_rates(frame, expo, fit_periods)
    H = len(future)
    if model is not None:
        scores = pd.DataFrame({"model": model, "usable": True, "reason": ""}, index=range(len(Y)))
    elif backtest is not None:
        scores = backtest.reset_index(drop=True)
    else:
        # an origin every month; every four weeks for weekly series (about as many origins)
        scores = rolling_backtest(
            Y, m, H, level=level, level_strict=level_strict, min_run=min_run, step=max(1, m // 12)
        )
        scores = scores.join(gate(scores, level))
    pm = seasonal_ar1_predictive(Y, m, H)
    pn = seasonal_naive_predictive(Y, m, H)
    predictive = choose(pm, pn, scores["model"].to_numpy() == MODEL_SEASONAL_NAIVE)
    return CounterfactualModel(
        names=list(frame.columns),
        periods=future,
        observed=frame.loc[future].to_numpy(float).T,
        exposure=expo.loc[future].to_numpy(float).T,
        predictive=predictive,
        backtest=scores.set_axis(list(frame.columns)),
    )


def counterfactual(
    series,
    *,
    fit_end,
    forecast_end,
    exposure=None,
    level: float = 0.95,
    level_strict: float = 0.99,
    min_run: int = 2,
) -> pd.DataFrame:
    """Expected values without the event, with intervals and flagged runs, for a count series.

    Parameters
    ----------
    series : Series or DataFrame
        Counts (or any positive quantity) with a monthly or weekly PeriodIndex, or a
        DatetimeIndex with a regular frequency; one value per period without gaps (missing
        values are allowed before a series starts and in the forecast periods). A DataFrame
        holds several series, one per column.
    fit_end : period or str
        Last period of the fitting (pre-event) period.
    forecast_end : period or str
        Last period to forecast; the forecast starts the period after ``fit_end``.
    exposure : Series, DataFrame or number, optional
        The model works on ``log(series / exposure)`` (population, days in the month, ...);
        expected values and intervals are on the scale of ``series``. Default 1.
    level, level_strict : float
        Levels of the two prediction intervals.
    min_run : int
        A period is flagged when it belongs to a run of at least ``min_run`` consecutive
        periods outside the ``level_strict`` interval on the same side.

    Returns
    -------
    DataFrame
        Indexed by period (by series and period for a DataFrame), with ``observed``,
        ``expected`` (mean of the predictive distribution), ``lower_95``, ``upper_95``,
        ``lower_99``, ``upper_99`` (names follow the levels), ``outside_99`` (-1 below the
        strict interval, +1 above, 0 inside) and ``flagged``. ``attrs["backtest"]`` holds the
        back-test per series (coverage of both models' intervals, relative MAE, the model that
        was used and why); a series that no model passes is never flagged.

    Examples
    --------
    Four years of a monthly series with a seasonal pattern and slow growth, then a fall of a
    third in the first three forecast months:

    >>> idx = pd.period_range("2016-01", "2020-12", freq="M")
    >>> t = np.arange(len(idx))
    >>> rng = np.random.default_rng(3)
    >>> y = 200 * np.exp(0.002 * t + 0.2 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.02, len(t)))
    >>> y[48:51] *= 2 / 3
    >>> cf = counterfactual(pd.Series(y, index=idx), fit_end="2019-12", forecast_end="2020-12")
    >>> cf["flagged"].astype(int).tolist()
    [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    """
    fitted = counterfactual_model(
        series,
        fit_end=fit_end,
        forecast_end=forecast_end,
        exposure=exposure,
        level=level,
        level_strict=level_strict,
        min_run=min_run,
    )
    out = fitted.table(level, level_strict, min_run)
    if isinstance(series, pd.Series):
        out = out.droplevel("series")
    out.attrs["backtest"] = fitted.backtest.to_dict(orient="index")
    return out
