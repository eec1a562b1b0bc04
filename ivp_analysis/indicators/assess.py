"""The assessment of one indicator: its baseline against its latest figure, with exactly one status.

:func:`assess` picks the baseline figure(s) and the latest figure up to the evaluation year, and
hands the comparison to :mod:`ivp_analysis.indicators.comparisons`. The result is an
:class:`Assessment`: numbers, the status, and the facts behind them (which case applied, which
years are missing). It holds no Dutch: :func:`ivp_analysis.present.indicator_reasons.reason_text` says it
in words for the ``reason`` column of ``indicators.csv``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ivp_analysis import refs
from ivp_analysis.indicators import context
from ivp_analysis.indicators.baseline import BaselineRule, format_years
from ivp_analysis.indicators.comparisons import (
    MIN_YEARS_DISPERSION,
    SURVEY_SD,
    compare_counts,
    compare_scores,
)
from ivp_analysis.vocab import (
    CASE_NO_BASELINE,
    CASE_NO_FIGURES,
    CASE_NO_LATER,
    GAP_AFTER,
    GAP_ALL,
    GAP_BASELINE,
    GAP_YEARS,
    STATUS_NO_DATA,
)

#: Surveys are held every two years: a baseline mark may come from up to this many years
#: before the baseline year (the IVM of 2021 is the baseline for 2022).
SCORE_BASELINE_LOOKBACK = 2


@dataclass(frozen=True)
class Assessment:
    """The comparison of one indicator between its baseline and its latest figure.

    The first group of fields is the result-table row (see ``RESULT_COLUMNS``); the rest are the
    facts the reason is written from.

    Attributes
    ----------
    kind, direction : str
        ``count`` or ``score``; ``down``, ``up`` or ``interpretive``.
    eval_year : int
        The evaluation year.
    case : str
        One of :data:`ivp_analysis.vocab.CASES`.
    status : str
        One of :data:`ivp_analysis.vocab.STATUSES`.
    baseline_period, baseline_value, eval_period, eval_value, eval_status_of_data
        The figures compared (empty text and NaN where there is none).
    change, ci_low, ci_high, p_value : float
        Counts: % change of the rate per inhabitant (NaN from a baseline of 0); scores:
        difference in points; NaN where not computed.
    q_value : float
        Benjamini-Hochberg q-value of ``p_value`` within the evaluation's indicators (set by
        :func:`~ivp_analysis.indicators.evaluate.evaluate`).
    p_value_exact : float
        Counts: the exact Poisson p-value, for comparison.
    significant : bool
        p < 0.05 (counts) or the difference exceeds its margin (scores).
    method : str
        Counts: ``quasi-Poisson``, or ``exact Poisson`` when the dispersion cannot be estimated.
    dispersion, dispersion_df : float
        Counts: the dispersion ``phi_hat`` of the years up to the baseline and its degrees of
        freedom (NaN with fewer than five years).
    history_years : tuple of int
        Counts: the years up to the baseline that judged the spread.
    min_detectable_change : float
        Counts: the smallest change (%) in the desired direction the test detects with 80 %
        power (NaN where none can be detected or there is no baseline).
    trend_year, trend_expected, trend_pi_low, trend_pi_high, trend_verdict, baseline_vs_trend
        Counts: the pre-plan trend projected to ``trend_year`` with its 95 % prediction
        interval, where the figure lies against it, and the baseline year against its own trend
        (see :mod:`ivp_analysis.indicators.context`).
    margin : float
        Scores: the 95 % margin of the difference.
    baseline_missing : tuple of int
        Years of a mean baseline without a figure.
    last_year : int or None
        The latest year with a figure up to the evaluation year.
    last_value : float
        Its figure.
    gap : str
        What is missing (``vocab.GAP_*``; empty when nothing is), for the years ``gap_years``.
    caveat : str
        The plan's caveat (quoted for an indicator without target direction).
    source_file, source_key : str
        Where the baseline and latest figures were read (:func:`ivp_analysis.refs.refer`).
    """

    kind: str
    direction: str
    eval_year: int
    case: str
    status: str
    baseline_period: str = ""
    baseline_value: float = math.nan
    eval_period: str = ""
    eval_value: float = math.nan
    eval_status_of_data: str = ""
    change: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    p_value: float = math.nan
    q_value: float = math.nan
    p_value_exact: float = math.nan
    significant: bool = False
    method: str = ""
    dispersion: float = math.nan
    dispersion_df: float = math.nan
    history_years: tuple[int, ...] = ()
    min_detectable_change: float = math.nan
    trend_year: int | None = None
    trend_expected: float = math.nan
    trend_pi_low: float = math.nan
    trend_pi_high: float = math.nan
    trend_verdict: str | None = None
    baseline_vs_trend: str | None = None
    margin: float = math.nan
    baseline_missing: tuple[int, ...] = ()
    last_year: int | None = None
    last_value: float = math.nan
    gap: str = ""
    gap_years: tuple[int, ...] = ()
    caveat: str = ""
    source_file: str = ""
    source_key: str = ""

    @property
    def short_history(self) -> bool:
        """Whether too few years up to the baseline were there to check the spread of a count."""
        return len(self.history_years) < MIN_YEARS_DISPERSION


def assess(
    kind: str,
    direction: str,
    series: pd.DataFrame,
    rule: BaselineRule,
    eval_year: int,
    population: pd.Series | None = None,
    *,
    caveat: str = "",
    survey_sd: float = SURVEY_SD,
) -> Assessment:
    """Compare one indicator between its baseline and the latest figure up to the evaluation year.

    Parameters
    ----------
    kind : {"count", "score"}
        Counts are tested as rates per inhabitant; scores against their 95 % margin.
    direction : {"down", "up", "interpretive"}
        The desired direction; ``interpretive`` gives a neutral status.
    series : DataFrame
        Columns ``year``, ``value`` and optionally ``status``, ``respondents``, ``margin_95``
        (as :func:`~ivp_analysis.indicators.sources.indicator_series` returns). NaN values count
        as missing.
    rule : BaselineRule
        The baseline year or range.
    eval_year : int
        The evaluation year; a later figure is never used.
    population : Series, optional
        Population per year (index: year), the exposure of count indicators.
    caveat : str
        The plan's caveat; quoted in the reason of an interpretive indicator.
    survey_sd : float
        Assumed standard deviation of a 1-10 mark, to compute a margin from respondents.

    Returns
    -------
    Assessment

    Examples
    --------
    Burglary in Pijnacker-Nootdorp: 76 in 2022, 37 in 2023.

    >>> s = pd.DataFrame({"year": [2022, 2023], "value": [76.0, 37.0]})
    >>> pop = pd.Series({2022: 57122.0, 2023: 57802.0})
    >>> a = assess("count", "down", s, BaselineRule("year", 2022, 2022), 2023, pop)
    >>> a.status, round(a.change, 1), a.method, round(a.min_detectable_change, 1)
    ('improved', -51.9, 'exact Poisson', -40.1)
    """
    s = _usable(series, eval_year)
    facts: dict[str, Any] = {"kind": kind, "direction": direction, "eval_year": eval_year}
    facts["caveat"] = caveat
    if not len(s):
        return Assessment(**facts, case=CASE_NO_FIGURES, status=STATUS_NO_DATA, gap=GAP_ALL)
    facts["last_year"], facts["last_value"] = int(s["year"].iloc[-1]), float(s["value"].iloc[-1])
    base = _baseline_rows(s, kind, rule)
    if not len(base):
        span = _baseline_span(kind, rule)
        facts.update(gap=GAP_BASELINE, gap_years=span)
        return Assessment(**facts, case=CASE_NO_BASELINE, status=STATUS_NO_DATA)
    facts.update(_baseline_facts(base, rule))
    after = s[s["year"] > rule.last_year]
    if kind == "count":
        facts.update(_count_context(s, base, after, rule, eval_year, direction, population))
    if not len(after):
        facts.update(gap=GAP_AFTER, gap_years=(facts["last_year"],))
        return Assessment(**facts, case=CASE_NO_LATER, status=STATUS_NO_DATA)
    latest = after.iloc[-1]
    facts.update(_latest_facts(base, latest, eval_year))
    if kind == "count":
        history = s[s["year"] <= rule.last_year]
        out = compare_counts(base, latest, history, population, direction)
    else:
        out = compare_scores(base, latest, direction, survey_sd)
    return Assessment(**{**facts, **out})


def _latest_facts(base: pd.DataFrame, latest: pd.Series, eval_year: int) -> dict[str, Any]:
    """Return the latest figure's period, value and status, the years missing after it, and
    where the figures compared were read."""
    ey = int(latest["year"])
    facts: dict[str, Any] = {
        "eval_period": str(ey),
        "eval_value": float(latest["value"]),
        "eval_status_of_data": str(latest["status"]),
    }
    if ey < eval_year:
        facts["gap"], facts["gap_years"] = GAP_YEARS, tuple(range(ey + 1, eval_year + 1))
    facts["source_file"], facts["source_key"] = _refer(pd.concat([base, latest.to_frame().T]))
    return facts


def _refer(rows: pd.DataFrame) -> tuple[str, str]:
    """Return ``source_file`` and ``source_key`` of the figures in ``rows`` (where known)."""
    if "file" not in rows or "key" not in rows:
        return "", ""
    return refs.refer(rows["file"], rows["key"])


def _baseline_facts(base: pd.DataFrame, rule: BaselineRule) -> dict[str, Any]:
    """Return the baseline's period and value, where it was read, and the years a mean baseline
    is missing."""
    facts: dict[str, Any] = {
        "baseline_period": format_years(base["year"].tolist()),
        "baseline_value": float(base["value"].mean()),
    }
    facts["source_file"], facts["source_key"] = _refer(base)
    if rule.rule == "mean" and len(base) < len(rule.years):
        facts["baseline_missing"] = tuple(sorted(set(rule.years) - set(base["year"])))
    return facts


def _count_context(
    s: pd.DataFrame,
    base: pd.DataFrame,
    after: pd.DataFrame,
    rule: BaselineRule,
    eval_year: int,
    direction: str,
    population: pd.Series | None,
) -> dict[str, Any]:
    """Return the evaluability and the trend context of a count indicator (see ``context``)."""
    pop = population if population is not None else pd.Series(dtype=float)
    history = s[s["year"] <= rule.last_year]
    year = int(after["year"].iloc[-1]) if len(after) else eval_year
    observed = float(after["value"].iloc[-1]) if len(after) else math.nan
    one_year = rule.first_year if rule.rule == "year" else None
    out = context.trend_context(history, pop, year, observed, one_year)
    out["history_years"] = tuple(int(y) for y in history["year"])
    e0 = float(pop.reindex(base["year"]).sum(min_count=len(base)))
    e1 = float(pop.get(year, e0 / len(base)))
    phi, df = context.dispersion(history, pop) if len(history) else (math.nan, math.nan)
    out["dispersion"], out["dispersion_df"] = phi, df
    c0 = float(base["value"].sum())
    out["min_detectable_change"] = context.min_detectable_change(c0, e0, e1, phi, df, direction)
    return out


def _usable(series: pd.DataFrame, eval_year: int) -> pd.DataFrame:
    """Return the rows with a value up to the evaluation year, sorted, with every column."""
    s = series.copy()
    for col in ("status", "respondents", "margin_95"):
        if col not in s:
            s[col] = "unknown" if col == "status" else np.nan
    return s[s["value"].notna() & (s["year"] <= eval_year)].sort_values("year")


def _baseline_rows(s: pd.DataFrame, kind: str, rule: BaselineRule) -> pd.DataFrame:
    """Return the rows of the baseline: a survey mark may come from a few years earlier."""
    if kind != "score":
        return s[(s["year"] >= rule.first_year) & (s["year"] <= rule.last_year)]
    lookback = SCORE_BASELINE_LOOKBACK if rule.rule == "year" else 0
    base = s[(s["year"] >= rule.first_year - lookback) & (s["year"] <= rule.last_year)]
    return base.tail(1) if rule.rule == "year" else base


def _baseline_span(kind: str, rule: BaselineRule) -> tuple[int, ...]:
    """Return the years a baseline figure could have come from."""
    if kind == "score" and rule.rule == "year":
        return tuple(range(rule.first_year - SCORE_BASELINE_LOOKBACK, rule.last_year + 1))
    return tuple(rule.years)
