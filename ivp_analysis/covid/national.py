"""National monthly counterfactuals: expected counts without COVID-19, their intervals and sums.

For each crime type the log of the normalised rate per 100,000 inhabitants is a linear trend plus
month-of-year effects with AR(1) errors (:func:`design_matrix`), fitted on the pre-period for all
types at once and forecast with the predictive distribution of :mod:`ivp_analysis.stats.ar1`,
which integrates over the AR coefficient. A month is significant under the decision rule of
:mod:`ivp_analysis.stats.runs` (at least ``min_run`` consecutive months outside the strict
interval on the same side). :func:`phase_summary` sums observed and expected over the phases,
the calendar years and the whole window, with intervals of the sums simulated from the joint
forecast distribution. Method notes: ``docs/covid.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis import cache
from ivp_analysis.covid.data import to_rate_factor
from ivp_analysis.covid.phases import MODEL_FILES, load_breaks, load_phases, month_phase
from ivp_analysis.covid.settings import NationalSettings
from ivp_analysis.stats.ar1 import AR1Fit, AR1Predictive, fit_ar1_regression, predictive_ar1
from ivp_analysis.stats.runs import significant_runs
from ivp_analysis.vocab import (
    MONTHS_NL,
    NOTE_DECLARED_BREAK,
    NOTE_DIGITAL_DESK,
    NOTE_FOUND_SHIFT,
    NOTE_MODEL_FROM,
    NOTE_NOT_CORRECTED,
    PERIOD_PHASE,
    PERIOD_TOTAL,
    PERIOD_YEAR,
    SUM_ABOVE,
    SUM_BELOW,
    VERDICT_ABOVE,
    VERDICT_BELOW,
    VERDICT_MIXED,
    VERDICT_WITHIN,
)

#: Codes of the series that the police's digital reporting desk (April 2020) affects: cybercrime
#: and online fraud ("horizontale fraude"); their notes and the chapter say so.
DIGITAL_DESK_CODES = ("3.7.4", "3.9.1")


def design_matrix(months, origin: str = "2012-01") -> np.ndarray:
    """Design of the national model: intercept, linear trend (years since ``origin``), and 11
    month-of-year dummies (January is the reference).

    Examples
    --------
    >>> X = design_matrix(pd.period_range("2012-01", "2012-03", freq="M"))
    >>> X.shape, X[2, :4].tolist()
    ((3, 13), [1.0, 0.16666666666666666, 0.0, 1.0])
    """
    months = pd.PeriodIndex(months, freq="M")
    t = (
        (months.year - pd.Period(origin, "M").year) * 12
        + months.month
        - pd.Period(origin, "M").month
    )
    cols = [np.ones(len(months)), np.asarray(t, float) / 12.0]
    cols += [(np.asarray(months.month) == m).astype(float) for m in range(2, 13)]
    return np.column_stack(cols)


def _fit_and_forecast(counts, population, codes, starts, fit_start, fit_end, fc_end, method):
    """Fit the log-rate model per code from its start to ``fit_end``; forecast to ``fc_end``."""
    fit_months = pd.period_range(fit_start, fit_end, freq="M")
    fc_months = pd.period_range(pd.Period(fit_end, "M") + 1, fc_end, freq="M")
    factor_fit = to_rate_factor(population.reindex(fit_months), fit_months)
    Y = np.log(counts.reindex(fit_months)[codes].to_numpy(float).T * factor_fit)
    for i, c in enumerate(codes):
        Y[i, fit_months < pd.Period(max(starts[c], fit_start), "M")] = np.nan
    X = design_matrix(fit_months)
    Xf = design_matrix(fc_months)
    fit = fit_ar1_regression(Y, X, method=method)
    pred = predictive_ar1(Y, X, Xf, method=method)
    return fit, pred, fc_months, Y


@cache.memoize("covid", files=MODEL_FILES)
def national_counterfactual(
    counts: pd.DataFrame,
    population: pd.Series,
    codes: list[str],
    starts: dict[str, str],
    settings: NationalSettings,
    labels: pd.Series | None = None,
    phases: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, AR1Predictive, AR1Fit]:
    """Expected counts without COVID-19 per code and month, with intervals and the decision rule.

    Parameters
    ----------
    counts, population : from :func:`national_monthly`
    codes, starts : from :func:`select_codes`
    settings : NationalSettings
    labels : Series, optional
        Dutch label per code.
    phases : DataFrame, optional
        Phase table (default :func:`load_phases`).

    Returns
    -------
    table : DataFrame
        One row per code and month from the intervention month to the forecast end:
        ``code, month, observed, expected, lower_95, upper_95, lower_99, upper_99, phase``, then
        ``label, phase_label, to_rate, pct_difference, side, significant``. Counts are crimes
        in the month; multiply by ``to_rate`` for the normalised rate per 100,000.
    predictive : AR1Predictive
        On the log-rate scale, for the months of the table (for intervals of sums).
    fit : AR1Fit
        Point estimates (``phi`` and the coefficients) of each code's model.
    """
    s = settings
    phases = load_phases() if phases is None else phases
    if pd.Period(s.forecast_end, "M") > population.dropna().index.max():
        raise ValueError(
            f"forecast end {s.forecast_end} is after the last month with a population "
            f"({population.dropna().index.max()}; CBS 83474NED)"
        )
    fit, pred, months, _Y = _fit_and_forecast(
        counts, population, codes, starts, s.pre_start, s.pre_end, s.forecast_end, s.method
    )
    factor = to_rate_factor(population.reindex(months), months)
    obs = counts.reindex(months)[codes].to_numpy(float).T
    lo1, hi1 = pred.interval(s.level)
    lo2, hi2 = pred.interval(s.level_strict)
    to_count = 1 / factor[None, :]
    expected = np.exp(pred.median()) * to_count
    side = np.where(obs < np.exp(lo2) * to_count, -1, np.where(obs > np.exp(hi2) * to_count, 1, 0))
    side = np.where(np.isfinite(obs), side, 0)
    window = months >= pd.Period(s.intervention, "M")
    sig = np.zeros_like(side, dtype=bool)
    sig[:, window] = significant_runs(side[:, window], s.min_run)
    phase = month_phase(months, phases).to_numpy()
    plabel = dict(zip(phases["phase_id"], phases["label"], strict=True))
    S, H = obs.shape
    df = pd.DataFrame(
        {
            "code": np.repeat(codes, H),
            "month": np.tile(months.astype(str), S),
            "observed": obs.ravel(),
            "expected": expected.ravel(),
            s.col("lower"): (np.exp(lo1) * to_count).ravel(),
            s.col("upper"): (np.exp(hi1) * to_count).ravel(),
            s.col("lower", True): (np.exp(lo2) * to_count).ravel(),
            s.col("upper", True): (np.exp(hi2) * to_count).ravel(),
            "phase": np.tile(phase, S),
            "label": np.repeat([labels.get(c, "") if labels is not None else "" for c in codes], H),
            "phase_label": [plabel.get(x, "") for x in np.tile(phase, S)],
            "to_rate": np.tile(factor, S),
            "pct_difference": (100 * (obs / expected - 1)).ravel(),
            "side": side.ravel(),
            "significant": sig.ravel(),
            "_in_window": np.tile(window, S),
        }
    )
    df = df[df.pop("_in_window")].reset_index(drop=True)
    return df, pred.window(window), fit


def _verdict(sides_sig: np.ndarray) -> str:
    low = bool(np.any(sides_sig < 0))
    high = bool(np.any(sides_sig > 0))
    if low and high:
        return VERDICT_MIXED
    if low:
        return VERDICT_BELOW
    if high:
        return VERDICT_ABOVE
    return VERDICT_WITHIN


def month_abbreviation(month: pd.Period) -> str:
    """Return the Dutch abbreviation of a month (``mrt``), as the period labels use it.

    Examples
    --------
    >>> month_abbreviation(pd.Period("2020-03", "M"))
    'mrt'
    """
    return MONTHS_NL[month.month - 1]


def summary_periods(months: pd.PeriodIndex, phase: np.ndarray, phases: pd.DataFrame) -> list:
    """Return the periods of the summary: phases in time order, calendar years, the whole window.

    Each period is ``(id, period_type, label, mask over months)``; a phase without a month of
    its own (most days in no month) has no period.

    Examples
    --------
    >>> months = pd.period_range("2020-11", "2021-02", freq="M")
    >>> p = load_phases()
    >>> [(i, t, lab) for i, t, lab, _m in summary_periods(months, month_phase(months, p).to_numpy(), p)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('gedeeltelijke_lockdown', 'fase', 'Gedeeltelijke lockdown'),
     ('strenge_lockdown', 'fase', 'Strenge lockdown'), ('avondklok', 'fase', 'Lockdown met avondklok'),
     ('2020', 'jaar', '2020 (nov t/m dec)'), ('2021', 'jaar', '2021 (jan t/m feb)'),
     ('totaal', 'totaal', 'nov 2020 t/m feb 2021')]
    """
    periods = []
    for r in phases.itertuples():
        m = phase == r.phase_id
        if m.any():
            periods.append((r.phase_id, PERIOD_PHASE, r.label, m))
    for y in sorted(set(months.year)):
        m = np.asarray(months.year == y)
        first, last = month_abbreviation(months[m][0]), month_abbreviation(months[m][-1])
        periods.append((str(y), PERIOD_YEAR, f"{y} ({first} t/m {last})", m))
    whole = (
        f"{month_abbreviation(months[0])} {months[0].year} t/m "
        f"{month_abbreviation(months[-1])} {months[-1].year}"
    )
    periods.append((PERIOD_TOTAL, PERIOD_TOTAL, whole, np.ones(len(months), bool)))
    return periods


def _sum_limits(predictive, to_count, P, level, n_sim, seed) -> np.ndarray:
    """Central ``level`` limits (2, codes, periods) of the period sums, from simulated paths."""
    if not n_sim:
        return np.full((2, to_count.shape[0], P.shape[1]), np.nan)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    draws = np.exp(predictive.simulate(n_sim, seed)) * to_count[:, None, :]
    sums = draws @ P  # (codes, n_sim, periods)
    return np.quantile(sums, [lo_q, hi_q], axis=1)


def _backtest_lookup(scores: pd.DataFrame | None):
    """Return ``get(code, column)``: a back-test score, or NaN where there is none."""
    bt = scores.set_index("code") if scores is not None else pd.DataFrame()

    def get(code, col):
        if code in bt.index and pd.notna(bt.loc[code, col]):
            return bt.loc[code, col]
        return np.nan

    return get


@cache.memoize("covid", files=MODEL_FILES)
def phase_summary(
    national: pd.DataFrame,
    predictive: AR1Predictive,
    settings: NationalSettings,
    phases: pd.DataFrame | None = None,
    backtest_scores: pd.DataFrame | None = None,
    breaks: pd.DataFrame | None = None,
    n_sim: int = 2000,
    seed: int = 20200312,
) -> pd.DataFrame:
    """Sum observed and expected over each phase, each calendar year and the whole window.

    The verdict of a period comes from the decision rule: ``lager dan verwacht`` when at least
    one of its months belongs to a run of ``min_run`` months below the strict interval (and
    none above), ``hoger dan verwacht`` likewise, ``wisselend`` when both occur. The interval of
    a sum is simulated from the joint forecast distribution (seeded).

    Returns
    -------
    DataFrame
        ``code, phase, observed, expected, pct_difference, verdict, mase`` then ``label,
        period_type, phase_label, first_month, last_month, months, months_significant_below,
        months_significant_above, lower_95, upper_95, sum_outside, mase_naive, beats_naive,
        backtest_coverage_95, backtest_rule_fired, note`` (see ``docs/covid.md``).
    """
    s = settings
    phases = load_phases() if phases is None else phases
    breaks = load_breaks() if breaks is None else breaks
    codes = list(dict.fromkeys(national["code"]))
    months = pd.PeriodIndex(national.loc[national["code"] == codes[0], "month"], freq="M")
    shape = (len(codes), len(months))
    obs = national["observed"].to_numpy(float).reshape(shape)
    to_count = 1 / national["to_rate"].to_numpy(float).reshape(shape)
    exp_ = national["expected"].to_numpy(float).reshape(shape)
    side_sig = np.where(national["significant"].to_numpy(bool), national["side"].to_numpy(int), 0)
    side_sig = side_sig.reshape(shape)
    phase = national.loc[national["code"] == codes[0], "phase"].to_numpy()
    periods = summary_periods(months, phase, phases)
    notes = _code_notes(breaks)
    lab = dict(zip(national["code"], national["label"], strict=False))
    from_bt = _backtest_lookup(backtest_scores)
    P = np.column_stack([m for *_x, m in periods]).astype(float)  # months x periods
    lims = _sum_limits(predictive, to_count, P, s.level, n_sim, seed)
    rows = []
    for i, code in enumerate(codes):
        for j, (pid, ptype, plabel, m) in enumerate(periods):
            o, e = obs[i, m].sum(), exp_[i, m].sum()
            lo, hi = float(lims[0, i, j]), float(lims[1, i, j])
            beats = from_bt(code, "beats_naive")
            fired = from_bt(code, "rule_fired")
            rows.append(
                {
                    "code": code,
                    "phase": pid,
                    "observed": o,
                    "expected": e,
                    "pct_difference": 100 * (o / e - 1),
                    "verdict": _verdict(side_sig[i, m]),
                    "mase": from_bt(code, "mase"),
                    "label": lab.get(code, ""),
                    "period_type": ptype,
                    "phase_label": plabel,
                    "first_month": str(months[m][0]),
                    "last_month": str(months[m][-1]),
                    "months": int(m.sum()),
                    "months_significant_below": int((side_sig[i, m] < 0).sum()),
                    "months_significant_above": int((side_sig[i, m] > 0).sum()),
                    s.col("lower"): lo,
                    s.col("upper"): hi,
                    "sum_outside": SUM_BELOW if o < lo else (SUM_ABOVE if o > hi else ""),
                    "mase_naive": from_bt(code, "mase_naive"),
                    "beats_naive": None if pd.isna(beats) else bool(beats),
                    "backtest_coverage_95": from_bt(code, "coverage"),
                    "backtest_rule_fired": None if pd.isna(fired) else bool(fired),
                    "note": notes.get(code, ""),
                }
            )
    return pd.DataFrame(rows)


def _code_notes(breaks: pd.DataFrame) -> dict[str, str]:
    """Return the note per code: its series breaks and, where it applies, the digital desk."""
    notes: dict[str, list[str]] = {}
    for r in breaks.itertuples():
        declared = getattr(r, "source", "declared") == "declared"
        kind = NOTE_DECLARED_BREAK if declared else NOTE_FOUND_SHIFT
        if r.handling == "start":
            text = f"{kind} {r.month}: {NOTE_MODEL_FROM} {r.first_model_month}"
        else:
            text = f"{kind} {r.month}: {NOTE_NOT_CORRECTED}"
        notes.setdefault(r.code, []).append(text)
    for code in DIGITAL_DESK_CODES:
        notes.setdefault(code, []).append(NOTE_DIGITAL_DESK)
    return {k: "; ".join(v) for k, v in notes.items()}
