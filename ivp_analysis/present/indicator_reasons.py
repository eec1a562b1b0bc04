"""The reason of an indicator's status in Dutch: the ``reason`` column of ``indicators.csv``.

Why the reason is worded here and not in the analysis. The reason is a Dutch sentence with Dutch
number formats, so it belongs to the presentation layer, and the analysis package
(:mod:`ivp_analysis.indicators`) never imports this layer. The analysis returns, for every
indicator, an :class:`~ivp_analysis.indicators.assess.Assessment`: the numbers of the result row
plus the facts a sentence needs (which case applied, the test method, the dispersion factor, the
years that are missing). :func:`reason_text` words one assessment, :func:`gap_text` says which
figures are missing, and :func:`result_table` adds the reason to ``Evaluation.table`` to give the
exact content of ``indicators.csv``. A change of wording thus cannot change a number, and every
sentence about one indicator is worded in this one module. The tables and texts of the notebook
are in :mod:`ivp_analysis.present.indicators`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ivp_analysis.indicators.assess import Assessment
from ivp_analysis.indicators.baseline import format_years
from ivp_analysis.indicators.evaluate import RESULT_COLUMNS, Evaluation
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.present.trends.formats import MIN_BASE_FOR_PERCENT
from ivp_analysis.vocab import (
    CASE_COUNTS,
    CASE_NO_BASELINE,
    CASE_NO_FIGURES,
    CASE_NO_LATER,
    CASE_NO_MARGIN,
    CASE_NO_POPULATION,
    CASE_SCORES,
    CASE_ZERO,
    DIRECTIONS,
    GAP_AFTER,
    GAP_ALL,
    GAP_BASELINE,
    GAP_MARGIN,
    GAP_POPULATION,
    GAP_YEARS,
    METHOD_NL,
    STATUS_NO_DIRECTION,
    TREND_ABOVE,
    TREND_BELOW,
    TREND_WITHIN,
)

# --------------------------------------------------------------------------- numbers in words


def value_text(kind: str, value: float) -> str:
    """Write a figure: survey marks and fractions with one decimal, counts without.

    Examples
    --------
    >>> value_text("count", 1641.0), value_text("score", 7.8), value_text("count", 90.5)
    ('1.641', '7,8', '90,5')
    """
    whole = kind != "score" and float(value).is_integer()
    return format_nl(value) if whole else format_nl(value, 1)


def _p_text(p: float) -> str:
    if not np.isfinite(p):
        return "p onbekend"
    return "p < 0,001" if p < 0.001 else f"p = {format_nl(p, 3)}"


def points_text(diff: float) -> str:
    """Write a difference of survey marks in points, with its sign.

    Examples
    --------
    >>> points_text(0.4), points_text(-0.5), points_text(0.0)
    ('+0,4 punt', '-0,5 punt', '0,0 punt')
    """
    return f"{'+' if diff > 0 else ''}{format_nl(diff, 1)} punt"


def _direction_words(direction: str, up: bool) -> str:
    return f"Significante {'stijging' if up else 'daling'}; {DIRECTIONS[direction]} is gewenst"


# --------------------------------------------------------------------------- the reason


def _no_figures(a: Assessment) -> str:
    return f"Geen enkel cijfer voor deze gemeente tot en met {a.eval_year}."


def _no_baseline(a: Assessment) -> str:
    what = "meting" if a.kind == "score" else "cijfer"
    return (
        f"Geen {what} voor de nulmeting ({format_years(a.gap_years)}); er is dus niets om mee "
        "te vergelijken."
    )


def _no_later(a: Assessment) -> str:
    word, the = ("meting", "de") if a.kind == "score" else ("cijfer", "het")
    return (
        f"Geen {word} na {a.last_year}: {the} laatste {word} is van {a.last_year} "
        f"({value_text(a.kind, a.last_value)}); voor {a.eval_year} is (nog) niets beschikbaar."
    )


def _no_population(a: Assessment) -> str:
    return (
        f"Geen bevolkingscijfer voor {format_years(a.gap_years)}: zonder inwonertal is het "
        "cijfer per inwoner niet te vergelijken."
    )


def _zero(a: Assessment) -> str:
    return "Nul in de nulmeting en in het evaluatiejaar: geen verandering."


def _small_base(a: Assessment) -> bool:
    """Whether the baseline is too small (or zero) for a percentage."""
    return not a.baseline_value >= MIN_BASE_FOR_PERCENT or not np.isfinite(a.change)


def _counts(a: Assessment) -> str:
    up = a.change > 0 if np.isfinite(a.change) else a.eval_value > a.baseline_value
    test = f"{_p_text(a.p_value)}; {METHOD_NL[a.method]}"
    if _small_base(a):
        what = (
            f"Van {value_text(a.kind, a.baseline_value)} naar {value_text(a.kind, a.eval_value)}: "
            f"bij minder dan {MIN_BASE_FOR_PERCENT} gevallen in de nulmeting geen percentage "
            f"({test})."
        )
    elif a.change == 0:
        what = f"Gelijk aantal per inwoner ({test})."
    else:
        what = (
            f"{'Stijging' if up else 'Daling'} van {format_pct_nl(abs(a.change), 0, sign=False)} "
            f"per inwoner (95%-interval {format_pct_nl(a.ci_low, 0)} tot "
            f"{format_pct_nl(a.ci_high, 0)}; {test})."
        )
    if a.status == STATUS_NO_DIRECTION:
        sig = "Significant" if a.significant else "Binnen de normale schommeling"
        verdict = f"{sig}, maar zonder streefrichting"
        if a.caveat:
            verdict += f": een stijging kan ook goed nieuws zijn. Het plan: {a.caveat}"
        else:
            verdict += "."
    elif a.significant:
        verdict = f"{_direction_words(a.direction, up)}."
    else:
        verdict = "Binnen de normale schommeling."
    q = f" Na correctie voor het aantal getoetste indicatoren: q = {_q(a.q_value)}."
    return f"{what} {verdict}{q if np.isfinite(a.q_value) else ''}{_spread_note(a)}"


def _q(q: float) -> str:
    return "< 0,001" if q < 0.001 else format_nl(q, 3)


def _spread_note(a: Assessment) -> str:
    years = format_years(a.history_years)
    if a.method == "quasi-Poisson":
        phi = a.dispersion
        factor = (
            f"factor {format_nl(phi, 1)}"
            if phi >= 1
            else f"factor {format_nl(phi, 1)}, niet meer dan toeval: gerekend als 1"
        )
        return (
            f" Interval en toets houden rekening met de spreiding van de jaarcijfers {years} "
            f"rond hun trend ({factor}, t-verdeling met {format_nl(a.dispersion_df)} "
            "vrijheidsgraden)."
        )
    if a.short_history:
        return (
            f" Met {len(a.history_years)} jaar tot en met de nulmeting is de spreiding van de "
            "reeks niet te schatten: exacte Poisson-toets, het interval kan te smal zijn."
        )
    return ""


def trend_note(a: Assessment) -> str:
    """Say where the figure lies against the pre-plan trend, and what that means for the plan.

    Empty when there is no trend context. A change within the trend is never called an effect
    of the plan; a figure outside it "fits, but does not prove" one.
    """
    if a.trend_year is None or not np.isfinite(a.trend_expected):
        return ""
    years = format_years([y for y in a.history_years])
    head = (
        f"De trend van {years} voorspelt voor {a.trend_year} "
        f"{format_nl(a.trend_expected)} (95%-voorspelinterval {format_nl(a.trend_pi_low)} tot "
        f"{format_nl(a.trend_pi_high)})"
    )
    if a.trend_verdict is None:
        return f"{head}."
    where = {
        TREND_WITHIN: "ligt binnen de trend: de verandering ten opzichte van de nulmeting zet "
        "de ontwikkeling van vóór het plan voort en is geen aanwijzing voor een effect van het "
        "plan",
        TREND_BELOW: "ligt onder de trend: lager dan de ontwikkeling van vóór het plan deed "
        "verwachten; dat past bij een effect van het plan, maar bewijst het niet",
        TREND_ABOVE: "ligt boven de trend: hoger dan de ontwikkeling van vóór het plan deed "
        "verwachten",
    }[a.trend_verdict]
    return f"{head}; {value_text(a.kind, a.eval_value)} {where}."


def baseline_note(a: Assessment) -> str:
    """Warn when the baseline year lay outside the trend of the years before it."""
    if a.baseline_vs_trend not in (TREND_ABOVE, TREND_BELOW):
        return ""
    side = "boven" if a.baseline_vs_trend == TREND_ABOVE else "onder"
    back = "daling" if a.baseline_vs_trend == TREND_ABOVE else "stijging"
    return (
        f"Het peiljaar {a.baseline_period} lag {side} de trend van de jaren ervoor: een deel van "
        f"een {back} daarna is terugkeer naar de trend (regressie naar het gemiddelde)."
    )


def evaluability_note(a: Assessment) -> str:
    """Say the smallest change the data could detect (80 % power, 5 % test), for counts."""
    if a.kind != "count" or not a.baseline_period:
        return ""
    fall = a.direction != "up"
    word = "daling" if fall else "stijging"
    if not a.baseline_value >= MIN_BASE_FOR_PERCENT:
        return (
            f"Met minder dan {MIN_BASE_FOR_PERCENT} gevallen in de nulmeting is een {word} "
            "nauwelijks te beoordelen."
        )
    mdc = a.min_detectable_change
    if not np.isfinite(mdc):
        return f"Met deze aantallen is zelfs een {word} tot nul niet van toeval te onderscheiden."
    unknown = (
        ""
        if np.isfinite(a.dispersion)
        else "; zonder schatting van de spreiding waarschijnlijk meer"
    )
    return (
        f"Met deze aantallen is pas een {word} van {format_pct_nl(abs(mdc), 0, sign=False)} of "
        f"meer aantoonbaar (80 % kans bij een toets op 5 %{unknown})."
    )


def _no_margin(a: Assessment) -> str:
    years = ", ".join(str(y) for y in a.gap_years)
    return (
        f"Verschil {points_text(a.change)}, maar de marge is onbekend: voor {years} staat geen "
        "aantal respondenten of 95%-marge in het bestand (marge onbekend), dus is niet te "
        "zeggen of het verschil echt is."
    )


def _scores(a: Assessment) -> str:
    what = (
        f"Verschil {points_text(a.change)}; de 95%-marge van het verschil is "
        f"{format_nl(a.margin, 2)} punt (interval {format_nl(a.ci_low, 2)} tot "
        f"{format_nl(a.ci_high, 2)})."
    )
    if a.status == STATUS_NO_DIRECTION:
        verdict = "Deze indicator heeft geen streefrichting."
    elif a.significant:
        verdict = f"Groter dan de marge. {_direction_words(a.direction, a.change > 0)}."
    else:
        verdict = "Binnen de marge: geen aantoonbare verandering."
    return f"{what} {verdict}"


_REASONS: dict[str, Callable[[Assessment], str]] = {
    CASE_NO_FIGURES: _no_figures,
    CASE_NO_BASELINE: _no_baseline,
    CASE_NO_LATER: _no_later,
    CASE_NO_POPULATION: _no_population,
    CASE_ZERO: _zero,
    CASE_COUNTS: _counts,
    CASE_NO_MARGIN: _no_margin,
    CASE_SCORES: _scores,
}


def reason_text(a: Assessment) -> str:
    """Write the reason of one assessment in Dutch (the ``reason`` column of ``indicators.csv``).

    The change (as counts from a baseline below ten cases), interval, test, verdict and q-value;
    for counts the dispersion, the pre-plan trend, a baseline outside its own trend and the
    smallest detectable change; then the notes on a mean baseline with missing years, a figure
    older than the evaluation year, and a provisional figure.

    Examples
    --------
    >>> from ivp_analysis.indicators import assess, BaselineRule
    >>> s = pd.DataFrame({"year": [2022, 2023], "value": [100.0, 50.0], "status": "provisional"})
    >>> pop = pd.Series({2022: 1e4, 2023: 1e4})
    >>> print(reason_text(assess("count", "down", s, BaselineRule("year", 2022, 2022), 2023, pop)))
    Daling van 50 % per inwoner (95%-interval -65 % tot -29 %; p < 0,001; exacte Poisson-toets).
    Significante daling; dalen is gewenst. Met 1 jaar tot en met de nulmeting is de spreiding van
    de reeks niet te schatten: exacte Poisson-toets, het interval kan te smal zijn. Met deze
    aantallen is pas een daling van 36 % of meer aantoonbaar (80 % kans bij een toets op 5 %;
    zonder schatting van de spreiding waarschijnlijk meer). Het cijfer voor 2023 is voorlopig en
    kan nog worden bijgesteld.
    """
    parts = [_REASONS[a.case](a)]
    if a.kind == "count" and a.case in (CASE_COUNTS, CASE_NO_LATER, CASE_ZERO):
        parts += [trend_note(a), baseline_note(a), evaluability_note(a)]
    if a.eval_period:
        year = int(a.eval_period)
        if a.baseline_missing:
            missing = format_years(a.baseline_missing)
            parts.append(f"De nulmeting is het gemiddelde zonder {missing} (geen cijfer).")
        if year < a.eval_year:
            parts.append(
                f"Het laatste cijfer is van {year}, niet van het evaluatiejaar {a.eval_year}."
            )
        if a.eval_status_of_data == "provisional":
            parts.append(f"Het cijfer voor {year} is voorlopig en kan nog worden bijgesteld.")
    return " ".join(p for p in parts if p)


def gap_text(a: Assessment) -> str:
    """Say which figures are missing for one assessment (empty when none are).

    Examples
    --------
    >>> from ivp_analysis.indicators import assess, BaselineRule
    >>> s = pd.DataFrame({"year": [2021, 2022], "value": [100.0, 90.0]})
    >>> gap_text(assess("count", "down", s, BaselineRule("year", 2022, 2022), 2023))
    'cijfers na 2022'
    """
    words = {
        GAP_ALL: "alle jaren",
        GAP_BASELINE: f"nulmeting {format_years(a.gap_years)}",
        GAP_AFTER: f"cijfers na {a.gap_years[0] if a.gap_years else ''}",
        GAP_YEARS: f"cijfers {format_years(a.gap_years)}",
        GAP_POPULATION: f"bevolking {format_years(a.gap_years)}",
        GAP_MARGIN: "respondenten of marge " + ", ".join(str(y) for y in a.gap_years),
    }
    return words.get(a.gap, "")


def reasons(ev: Evaluation) -> pd.Series:
    """Return the reason of every row of ``Evaluation.table``, on the table's index."""
    return pd.Series(
        [reason_text(ev.assessments[i]) for i in ev.table["indicator_id"]], index=ev.table.index
    )


def result_table(ev: Evaluation) -> pd.DataFrame:
    """Return the content of ``indicators.csv``: the result table with the reason in Dutch."""
    return ev.table.assign(reason=reasons(ev))[RESULT_COLUMNS]
