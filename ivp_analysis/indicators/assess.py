"""The assessment of one indicator: baseline against the latest figure, with exactly one status."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ivp_analysis.indicators.baseline import BaselineRule
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.stats import countmodels
from ivp_analysis.vocab import (
    STATUS_IMPROVED,
    STATUS_NO_CHANGE,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
)

#: Columns of the result table ``indicators.csv``, in order (documented in docs/results.md).
RESULT_COLUMNS = [
    "priority",
    "indicator_id",
    "label",
    "source",
    "unit",
    "desired_direction",
    "baseline_period",
    "baseline_value",
    "eval_period",
    "eval_value",
    "eval_status_of_data",
    "change",
    "ci_low",
    "ci_high",
    "p_value",
    "status",
    "reason",
]

#: Assumed standard deviation of a 1-10 survey mark, used to turn a number of respondents into
#: a 95 % margin when the survey gives no margin. Marks for safety in the Dutch surveys mostly
#: have a standard deviation between 1.2 and 1.5; the larger value gives the wider, cautious margin.
SURVEY_SD = 1.5
Z95 = float(stats.norm.ppf(0.975))
#: Surveys are held every two years: a baseline mark may come from up to this many years
#: before the baseline year (the IVM of 2021 is the baseline for 2022).
SCORE_BASELINE_LOOKBACK = 2
#: Fewest yearly counts up to the baseline needed to check the dispersion of a series.
MIN_YEARS_DISPERSION = 5


def _years_text(years: list[int]) -> str:
    """Compress years into ranges: [2019, 2020, 2022] -> '2019-2020, 2022'."""
    years = sorted(years)
    parts, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i == len(years) - 1 or years[i + 1] != y + 1:
            parts.append(str(start) if start == y else f"{start}-{y}")
            start = None
    return ", ".join(parts)


def _num(v: float, decimals: int = 0) -> str:
    return format_nl(v, decimals)


def _value_text(kind: str, v: float) -> str:
    return _num(v, 1) if kind == "score" or not float(v).is_integer() else _num(v)


def _p_text(p: float) -> str:
    if not np.isfinite(p):
        return "p onbekend"
    return "p < 0,001" if p < 0.001 else f"p = {format_nl(p, 3)}"


def dispersion(counts: np.ndarray, exposure: np.ndarray, years=None) -> tuple[float, float]:
    """Return the Pearson dispersion factor and its test p-value for a yearly count series.

    The counts are fitted with a Poisson model with a log-linear trend in the year and the
    exposure as offset (:func:`countmodels.history_dispersion`); the factor is Pearson's
    chi-square over its degrees of freedom, and the p-value is ``P(chi2_df > X2)``: small means
    the series varies more than a Poisson series would.

    Examples
    --------
    A series that alternates 50, 150, 50, ... is far more variable than Poisson:

    >>> phi, p = dispersion(np.array([50, 150, 50, 150, 50, 150.0]), np.full(6, 1000.0))
    >>> round(phi, 1) > 10, p < 0.001
    (True, True)
    """
    counts = np.asarray(counts, dtype=float)
    years = np.arange(len(counts), dtype=float) if years is None else np.asarray(years, dtype=float)
    phi, p = countmodels.history_dispersion(
        counts[None, :],
        np.asarray(exposure, dtype=float)[None, :],
        years,
        [years.max()],
        min_years=1,
    )
    return float(phi[0]), float(p[0])


def _result(**kw) -> dict:
    base = {
        c: math.nan
        for c in RESULT_COLUMNS
        if c not in ("priority", "indicator_id", "label", "source", "unit", "desired_direction")
    }
    base.update(
        baseline_period="",
        eval_period="",
        eval_status_of_data="",
        reason="",
        gap="",
        last_year=math.nan,
    )
    base.update(kw)
    return base


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
) -> dict:
    """Compare one indicator between its baseline and the latest figure up to the evaluation year.

    Parameters
    ----------
    kind : {"count", "score"}
        Counts are tested as rates per inhabitant; scores against their 95 % margin.
    direction : {"down", "up", "interpretive"}
        The desired direction; ``interpretive`` gives a neutral status.
    series : DataFrame
        Columns ``year``, ``value`` and optionally ``status``, ``respondents``, ``margin_95``
        (as :func:`indicator_series` returns). NaN values count as missing.
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
    dict
        The result-table fields ``baseline_period``, ``baseline_value``, ``eval_period``,
        ``eval_value``, ``eval_status_of_data``, ``change`` (counts: % change of the rate per
        inhabitant; scores: difference in points), ``ci_low``, ``ci_high``, ``p_value``,
        ``status`` and ``reason`` (Dutch), plus ``gap`` (what is missing, Dutch; empty when
        nothing is) and ``last_year`` (the latest year with a figure up to the evaluation year).

    Examples
    --------
    Burglary in Pijnacker-Nootdorp: 76 in 2022, 37 in 2023.

    >>> s = pd.DataFrame({"year": [2022, 2023], "value": [76.0, 37.0]})
    >>> pop = pd.Series({2022: 57122.0, 2023: 57802.0})
    >>> r = assess("count", "down", s, BaselineRule("year", 2022, 2022), 2023, pop)
    >>> r["status"], round(r["change"], 1)
    ('improved', -51.9)
    """
    s = series.copy()
    for col in ("status", "respondents", "margin_95"):
        if col not in s:
            s[col] = "unknown" if col == "status" else np.nan
    s = s[s["value"].notna() & (s["year"] <= eval_year)].sort_values("year")
    last_year = int(s["year"].max()) if len(s) else math.nan
    if not len(s):
        return _result(
            status=STATUS_NO_DATA,
            gap="alle jaren",
            reason=f"Geen enkel cijfer voor deze gemeente tot en met {eval_year}.",
        )
    if kind == "score":
        base = s[
            (s["year"] >= rule.first_year - (SCORE_BASELINE_LOOKBACK if rule.rule == "year" else 0))
            & (s["year"] <= rule.last_year)
        ]
        if rule.rule == "year":
            base = base.tail(1)
    else:
        base = s[(s["year"] >= rule.first_year) & (s["year"] <= rule.last_year)]
    if not len(base):
        what = "meting" if kind == "score" else "cijfer"
        span = (
            f"{rule.first_year - SCORE_BASELINE_LOOKBACK}-{rule.last_year}"
            if kind == "score" and rule.rule == "year"
            else _years_text(rule.years)
        )
        return _result(
            status=STATUS_NO_DATA,
            last_year=last_year,
            gap=f"nulmeting {span}",
            reason=f"Geen {what} voor de nulmeting ({span}); er is dus niets om mee te "
            f"vergelijken.",
        )
    after = s[s["year"] > rule.last_year]
    base_period = _years_text(base["year"].tolist())
    if rule.rule == "mean" and len(base) < len(rule.years):
        missing = sorted(set(rule.years) - set(base["year"]))
        base_note = f" De nulmeting is het gemiddelde zonder {_years_text(missing)} (geen cijfer)."
    else:
        base_note = ""
    base_value = float(base["value"].mean())
    common = dict(baseline_period=base_period, baseline_value=base_value, last_year=last_year)
    if not len(after):
        lastv = s.iloc[-1]
        word, the = ("meting", "de") if kind == "score" else ("cijfer", "het")
        return _result(
            status=STATUS_NO_DATA,
            gap=f"cijfers na {int(lastv['year'])}",
            **common,
            reason=f"Geen {word} na {int(lastv['year'])}: {the} laatste {word} is van "
            f"{int(lastv['year'])} ({_value_text(kind, lastv['value'])}); voor "
            f"{eval_year} is (nog) niets beschikbaar.",
        )
    ev = after.iloc[-1]
    ey = int(ev["year"])
    common.update(
        eval_period=str(ey), eval_value=float(ev["value"]), eval_status_of_data=str(ev["status"])
    )
    notes = []
    gap = ""
    if ey < eval_year:
        notes.append(f"Het laatste cijfer is van {ey}, niet van het evaluatiejaar {eval_year}.")
        gap = f"cijfers {_years_text(list(range(ey + 1, eval_year + 1)))}"
    if ev["status"] == "provisional":
        notes.append(f"Het cijfer voor {ey} is voorlopig en kan nog worden bijgesteld.")
    if kind == "count":
        out = _assess_count(base, ev, s, rule, population, direction, caveat)
    else:
        out = _assess_score(base, ev, direction, caveat, survey_sd)
    if out.get("gap"):
        gap = out.pop("gap")
    else:
        out.pop("gap", None)
    reason = " ".join(x for x in [out.pop("reason"), base_note.strip(), *notes] if x)
    return _result(**common, **out, reason=reason, gap=gap)


def _verdict(direction: str, significant: bool, up: bool) -> str:
    if direction == "interpretive":
        return STATUS_NO_DIRECTION
    if not significant:
        return STATUS_NO_CHANGE
    good = (not up) if direction == "down" else up
    return STATUS_IMPROVED if good else STATUS_WORSENED


def _direction_words(direction: str, up: bool) -> str:
    want = {"down": "dalen", "up": "stijgen"}[direction]
    went = "stijging" if up else "daling"
    return f"Significante {went}; {want} is gewenst"


def _assess_count(base, ev, s, rule, population, direction, caveat) -> dict:
    ey = int(ev["year"])
    if population is None:
        population = pd.Series(dtype=float)
    need = [*base["year"].tolist(), ey]
    pops = population.reindex(need)
    if pops.isna().any() or (pops <= 0).any():
        missing = [int(y) for y in pops.index[pops.isna() | (pops <= 0)]]
        return dict(
            status=STATUS_NO_DATA,
            gap=f"bevolking {_years_text(missing)}",
            reason=f"Geen bevolkingscijfer voor {_years_text(missing)}: zonder inwonertal is "
            "het cijfer per inwoner niet te vergelijken.",
        )
    c0, e0 = float(base["value"].sum()), float(pops.loc[base["year"]].sum())
    c1, e1 = float(ev["value"]), float(pops.loc[ey])
    if c0 == 0 and c1 == 0:
        return dict(
            change=0.0,
            status=(STATUS_NO_DIRECTION if direction == "interpretive" else STATUS_NO_CHANGE),
            reason="Nul in de nulmeting en in het evaluatiejaar: geen verandering.",
        )
    # Only years up to the baseline judge the spread: the test must not see the figure it judges.
    hist = s[s["year"] <= rule.last_year]
    hist_pop = population.reindex(hist["year"])
    phi, phi_p = math.nan, math.nan
    if len(hist) >= MIN_YEARS_DISPERSION and hist_pop.notna().all() and c0 > 0 and c1 > 0:
        phi, phi_p = dispersion(
            hist["value"].to_numpy(), hist_pop.to_numpy(), hist["year"].to_numpy()
        )
    test = countmodels.rate_ratio_test_dispersed(c0, e0, c1, e1, phi, phi_p)
    rr, lo, hi, p = (float(test[k]) for k in ("rate_ratio", "ci_low", "ci_high", "p_value"))
    method = (
        "quasi-Poisson-toets" if test["method"][()] == "quasi-Poisson" else "exacte Poisson-toets"
    )
    disp_note = ""
    if method == "quasi-Poisson-toets":
        years = _years_text(hist["year"].tolist())
        disp_note = (
            f" De jaarcijfers {years} schommelen meer dan toeval verklaart "
            f"(spreidingsfactor {format_nl(phi, 1)}), daarom is het interval "
            f"{format_nl(math.sqrt(phi), 1)} keer zo breed."
        )
    elif len(hist) < MIN_YEARS_DISPERSION:
        disp_note = (
            f" Met {len(hist)} jaar tot en met de nulmeting is niet te controleren of de "
            "reeks meer schommelt dan toeval: het interval kan te smal zijn."
        )
    change, ci_low, ci_high = 100 * (rr - 1), 100 * (lo - 1), 100 * (hi - 1)
    significant = p < 0.05
    status = _verdict(direction, significant, rr > 1)
    what = (
        f"{'Stijging' if rr > 1 else 'Daling'} van {format_pct_nl(abs(change), 0, sign=False)} "
        f"per inwoner (95%-interval {format_pct_nl(ci_low, 0)} tot {format_pct_nl(ci_high, 0)}; "
        f"{_p_text(p)}; {method})."
    )
    if rr == 1:
        what = f"Gelijk aantal per inwoner ({_p_text(p)})."
    if status == STATUS_NO_DIRECTION:
        sig = "Significant" if significant else "Binnen de normale schommeling"
        verdict = (
            f"{sig}, maar zonder streefrichting: een stijging kan ook goed nieuws zijn. "
            f"Het plan: {caveat}"
            if caveat
            else f"{sig}, maar zonder streefrichting."
        )
    elif significant:
        verdict = f"{_direction_words(direction, rr > 1)}."
    else:
        verdict = "Binnen de normale schommeling."
    return dict(
        change=change,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p,
        status=status,
        reason=f"{what} {verdict}{disp_note}",
    )


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


def _assess_score(base, ev, direction, caveat, sd) -> dict:
    b_margins = [
        survey_margin(m, n, sd) for m, n in zip(base["margin_95"], base["respondents"], strict=True)
    ]
    m0 = math.sqrt(sum(m * m for m in b_margins)) / len(b_margins)
    m1 = survey_margin(ev["margin_95"], ev["respondents"], sd)
    diff = float(ev["value"]) - float(base["value"].mean())
    diff_text = f"{'+' if diff > 0 else ''}{format_nl(diff, 1)} punt"
    if not (np.isfinite(m0) and np.isfinite(m1)):
        unknown = [
            str(int(y)) for y, m in zip(base["year"], b_margins, strict=True) if not np.isfinite(m)
        ]
        if not np.isfinite(m1):
            unknown.append(str(int(ev["year"])))
        return dict(
            change=diff,
            status=STATUS_NO_DATA,
            gap=f"respondenten of marge {', '.join(unknown)}",
            reason=f"Verschil {diff_text}, maar de marge is onbekend: voor {', '.join(unknown)} "
            "staat geen aantal respondenten of 95%-marge in het bestand (marge "
            "onbekend), dus is niet te zeggen of het verschil echt is.",
        )
    margin = math.sqrt(m0 * m0 + m1 * m1)
    significant = abs(diff) > margin
    p = float(2 * stats.norm.sf(Z95 * abs(diff) / margin)) if margin > 0 else math.nan
    status = _verdict(direction, significant, diff > 0)
    what = (
        f"Verschil {diff_text}; de 95%-marge van het verschil is {format_nl(margin, 2)} punt "
        f"(interval {format_nl(diff - margin, 2)} tot {format_nl(diff + margin, 2)})."
    )
    if status == STATUS_NO_DIRECTION:
        verdict = "Deze indicator heeft geen streefrichting."
    elif significant:
        verdict = f"Groter dan de marge. {_direction_words(direction, diff > 0)}."
    else:
        verdict = "Binnen de marge: geen aantoonbare verandering."
    return dict(
        change=diff,
        ci_low=diff - margin,
        ci_high=diff + margin,
        p_value=p,
        status=status,
        reason=f"{what} {verdict}",
    )
