"""National monthly counterfactuals: expected counts without COVID-19, their intervals and sums.

Each crime type's monthly count goes through :func:`ivp_analysis.covid.counterfactual` with the
population and the month length as exposure, so the model works on the log of the rate per
100,000 inhabitants per average month: seasonal differences with AR(1) errors and drift, the AR
coefficient integrated out, checked against seasonal naive in a rolling back-test of the
pre-period, which decides per type which model may give verdicts (``docs/covid.md``). A month is
significant under the decision rule of :mod:`ivp_analysis.stats.runs`; :func:`phase_summary`
sums observed and expected over the phases, the calendar years and the whole window, with
intervals of the sums from the joint predictive distribution, and gives each period the verdict
of its own interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis import cache
from ivp_analysis.covid.data import PER_INHABITANTS, month_length_factor
from ivp_analysis.covid.phases import MODEL_FILES, load_breaks, load_phases, month_phase
from ivp_analysis.covid.series import CounterfactualModel, counterfactual_model
from ivp_analysis.covid.settings import NationalSettings
from ivp_analysis.vocab import (
    MODEL_NL,
    MODEL_REASON_NL,
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
    VERDICT_NA,
    VERDICT_NO_MODEL,
    VERDICT_WITHIN,
)

#: Codes of the series that the police's digital reporting desk (April 2020) affects: cybercrime
#: and online fraud ("horizontale fraude"); their notes and the chapter say so.
DIGITAL_DESK_CODES = ("3.7.4", "3.9.1")
#: Draws from the joint predictive distribution for the intervals of period sums.
N_SIM = 4000


def exposure_frame(population: pd.Series, months) -> pd.Series:
    """The exposure that turns a month's count into the normalised rate per 100,000.

    ``count / exposure = count / population x 100,000 x (365.25 / 12) / days in month``.

    Examples
    --------
    >>> m = pd.period_range("2020-02", periods=1, freq="M")
    >>> round(float(exposure_frame(pd.Series([17_400_000.0], index=m), m).iloc[0]), 4)
    165.7823
    """
    months = pd.PeriodIndex(months, freq="M")
    pop = population.reindex(months).to_numpy(float)
    return pd.Series(pop / PER_INHABITANTS / month_length_factor(months), index=months)


def fit_national(
    counts, population, codes, starts, settings: NationalSettings, backtest=None, model=None
) -> CounterfactualModel:
    """Fit the counterfactual of every code (pre-period from its own start) to the forecast end."""
    s = settings
    months = pd.period_range(s.pre_start, s.forecast_end, freq="M")
    series = counts.reindex(months)[codes].astype(float)
    for c in codes:
        series.loc[months < pd.Period(max(starts[c], s.pre_start), "M"), c] = np.nan
    return counterfactual_model(
        series,
        fit_end=s.pre_end,
        forecast_end=s.forecast_end,
        exposure=exposure_frame(population, months),
        level=s.level,
        level_strict=s.level_strict,
        min_run=s.min_run,
        backtest=backtest,
        model=model,
    )


@cache.memoize("covid", files=MODEL_FILES)
def national_counterfactual(
    counts: pd.DataFrame,
    population: pd.Series,
    codes: list[str],
    starts: dict[str, str],
    settings: NationalSettings,
    labels: pd.Series | None = None,
    phases: pd.DataFrame | None = None,
    backtest: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, CounterfactualModel]:
    """Expected counts without COVID-19 per code and month, with intervals and the decision rule.

    Parameters
    ----------
    counts, population : from :func:`~ivp_analysis.covid.data.national_monthly`
    codes, starts : from :func:`~ivp_analysis.covid.data.select_codes`
    settings : NationalSettings
    labels : Series, optional
        Dutch label per code.
    phases : DataFrame, optional
        Phase table (default :func:`~ivp_analysis.covid.phases.load_phases`).
    backtest : DataFrame, optional
        The back-test and model choice of an earlier run (reused by the sensitivity analysis).

    Returns
    -------
    table : DataFrame
        One row per code and month from the intervention month to the forecast end:
        ``code, month, observed, expected, lower_95, upper_95, lower_99, upper_99, phase``, then
        ``label, phase_label, to_rate, pct_difference, side, significant, model``. Counts are
        crimes in the month; multiply by ``to_rate`` for the normalised rate per 100,000.
        ``expected`` is the mean of the predictive distribution; ``significant`` is false for a
        type whose model did not pass the back-test (``model`` "geen").
    model : CounterfactualModel
        For the months of the table (intervals of sums, back-test, model per code).
    """
    s = settings
    phases = load_phases() if phases is None else phases
    if pd.Period(s.forecast_end, "M") > population.dropna().index.max():
        raise ValueError(
            f"forecast end {s.forecast_end} is after the last month with a population "
            f"({population.dropna().index.max()}; CBS 83474NED)"
        )
    fitted = fit_national(counts, population, codes, starts, s, backtest)
    fitted = fitted.window(fitted.periods >= pd.Period(s.intervention, "M"))
    t = fitted.table(s.level, s.level_strict, s.min_run)
    months = fitted.periods
    phase = month_phase(months, phases).to_numpy()
    plabel = dict(zip(phases["phase_id"], phases["label"], strict=True))
    S, H = fitted.observed.shape
    df = pd.DataFrame(
        {
            "code": np.repeat(codes, H),
            "month": np.tile(months.astype(str), S),
            "observed": t["observed"].to_numpy(),
            "expected": t["expected"].to_numpy(),
            s.col("lower"): t[s.col("lower")].to_numpy(),
            s.col("upper"): t[s.col("upper")].to_numpy(),
            s.col("lower", True): t[s.col("lower", True)].to_numpy(),
            s.col("upper", True): t[s.col("upper", True)].to_numpy(),
            "phase": np.tile(phase, S),
            "label": np.repeat([labels.get(c, "") if labels is not None else "" for c in codes], H),
            "phase_label": [plabel.get(x, "") for x in np.tile(phase, S)],
            "to_rate": (1 / fitted.exposure).ravel(),
            "pct_difference": (100 * (t["observed"] / t["expected"] - 1)).to_numpy(),
            "side": t[f"outside_{100 * s.level_strict:g}"].to_numpy(),
            "significant": t["flagged"].to_numpy(),
            "model": np.repeat([MODEL_NL[x] for x in fitted.model], H),
        }
    )
    return df, fitted


def _verdict(observed: float, expected: float, lower: float, upper: float, usable: bool) -> str:
    """The verdict of a period: its own interval, never against the sign of its difference."""
    if not usable:
        return VERDICT_NO_MODEL
    if not np.isfinite(observed):
        return VERDICT_NA
    if observed < lower and observed < expected:
        return VERDICT_BELOW
    if observed > upper and observed > expected:
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


def _reason_text(codes: str) -> str:
    return "; ".join(MODEL_REASON_NL[c] for c in str(codes).split(";") if c)


def _code_columns(fitted: CounterfactualModel, level: float, level_strict: float, notes) -> dict:
    """Per code: the back-test scores and the model, as columns of the summary."""
    b = fitted.backtest
    lev, strict = f"{100 * level:g}", f"{100 * level_strict:g}"
    return {
        code: {
            "model": MODEL_NL[r["model"]],
            "model_reason": _reason_text(r["reason"]),
            "mase": r.get("mase", np.nan),
            "mase_naive": r.get("mase_naive", np.nan),
            "relative_mae": r.get("relative_mae", np.nan),
            "beats_naive": None if pd.isna(r.get("relative_mae")) else bool(r["relative_mae"] < 1),
            f"backtest_coverage_{lev}": r.get(f"coverage_{lev}", np.nan),
            f"backtest_coverage_{lev}_naive": r.get(f"coverage_{lev}_naive", np.nan),
            f"backtest_coverage_{strict}": r.get(f"coverage_{strict}", np.nan),
            "backtest_origins": int(r.get("origins", 0)),
            "backtest_rule_rate": r.get(
                "rule_rate_naive" if r["model"] == "seasonal_naive" else "rule_rate", np.nan
            ),
            "note": notes.get(code, ""),
        }
        for code, r in b.iterrows()
    }


@cache.memoize("covid", files=MODEL_FILES)
def phase_summary(
    national: pd.DataFrame,
    fitted: CounterfactualModel,
    settings: NationalSettings,
    phases: pd.DataFrame | None = None,
    breaks: pd.DataFrame | None = None,
    n_sim: int = N_SIM,
    seed: int = 20200312,
) -> pd.DataFrame:
    """Sum observed and expected over each phase, each calendar year and the whole window.

    The expected sum is the mean of the predictive distribution of the sum; its ``level``
    interval comes from joint draws (seeded), and the period's verdict from that interval:
    ``lager dan verwacht`` when the observed sum lies below it, ``hoger dan verwacht`` above,
    else ``binnen normale schommeling``, so a verdict never contradicts the sign of its
    difference; "geen oordeel: model onvoldoende" for a type without a model. The months that
    are significant under the decision rule are counted per direction next to it.

    Returns
    -------
    DataFrame
        ``code, phase, observed, expected, pct_difference, verdict, mase`` then ``label,
        period_type, phase_label, first_month, last_month, months, months_significant_below,
        months_significant_above, lower_95, upper_95, sum_outside, mase_naive, beats_naive,
        backtest_coverage_95, backtest_rule_rate, note, model, model_reason, relative_mae,
        backtest_coverage_95_naive, backtest_coverage_99, backtest_origins``
        (see ``docs/covid.md``).
    """
    s = settings
    phases = load_phases() if phases is None else phases
    breaks = load_breaks() if breaks is None else breaks
    codes = list(fitted.names)
    months = fitted.periods
    obs = fitted.observed
    side_sig = np.where(national["significant"].to_numpy(bool), national["side"].to_numpy(int), 0)
    side_sig = side_sig.reshape(obs.shape)
    phase = national.loc[national["code"] == codes[0], "phase"].to_numpy()
    periods = summary_periods(months, phase, phases)
    P = np.column_stack([m for *_x, m in periods]).astype(float)  # months x periods
    expected, lower, upper = fitted.period_sums(P, s.level, n_sim, seed)
    observed = np.where(np.isfinite(obs), obs, 0) @ P
    per_code = _code_columns(fitted, s.level, s.level_strict, _code_notes(breaks))
    lab = dict(zip(national["code"], national["label"], strict=False))
    usable = fitted.usable
    rows = []
    for i, code in enumerate(codes):
        for j, (pid, ptype, plabel, m) in enumerate(periods):
            o, e, lo, hi = observed[i, j], expected[i, j], lower[i, j], upper[i, j]
            verdict = _verdict(o, e, lo, hi, usable[i])
            rows.append(
                {
                    "code": code,
                    "phase": pid,
                    "observed": o,
                    "expected": e,
                    "pct_difference": 100 * (o / e - 1),
                    "verdict": verdict,
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
                    "sum_outside": _SUM_SIDE.get(verdict, ""),
                    **per_code[code],
                }
            )
    out = pd.DataFrame(rows)
    first = _summary_columns(s)
    return out[first + [c for c in out.columns if c not in first]]


#: The side word of a period sum outside its interval, per verdict.
_SUM_SIDE = {VERDICT_BELOW: SUM_BELOW, VERDICT_ABOVE: SUM_ABOVE}


def _summary_columns(s: NationalSettings) -> list[str]:
    """The first columns of the summary, in the order of the table before issue 12 (new ones follow)."""
    return [
        "code",
        "phase",
        "observed",
        "expected",
        "pct_difference",
        "verdict",
        "mase",
        "label",
        "period_type",
        "phase_label",
        "first_month",
        "last_month",
        "months",
        "months_significant_below",
        "months_significant_above",
        s.col("lower"),
        s.col("upper"),
        "sum_outside",
        "mase_naive",
        "beats_naive",
        f"backtest_coverage_{100 * s.level:g}",
        "backtest_rule_rate",
        "note",
    ]


def multiplicity(national: pd.DataFrame, fitted: CounterfactualModel, level_strict: float) -> dict:
    """Size of the national family of series-months and the false flags to expect by chance.

    Returns the number of series with a model (``series``), window months (``months``),
    series-months (``tests``), months expected outside the strict interval by chance
    (``expected_outside``: ``tests x (1 - level_strict)``), months observed outside it
    (``outside``), series flagged by the rule (``flagged_series``) and the number of series the
    rule would flag without any effect, from the rolling back-test of each series' model
    (``expected_flagged_series``: the sum of their back-test rule rates).
    """
    usable = fitted.usable
    b = fitted.backtest
    rate = np.where(b["model"] == "seasonal_naive", b.get("rule_rate_naive"), b.get("rule_rate"))
    codes = [c for c, u in zip(fitted.names, usable, strict=True) if u]
    d = national[national["code"].isin(codes)]
    months = len(fitted.periods)
    return {
        "series": len(codes),
        "months": months,
        "tests": len(codes) * months,
        "expected_outside": len(codes) * months * (1 - level_strict),
        "outside": int((d["side"] != 0).sum()),
        "flagged_series": int(d.groupby("code")["significant"].any().sum()),
        "expected_flagged_series": float(np.nansum(np.asarray(rate, float)[usable])),
    }


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
