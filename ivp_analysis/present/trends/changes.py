"""Sections 2 and 3 of the crime trends: the changes from the year before and from the base
year, the size of each family of tests, one change written out in full, and the plan's own
reading of its last year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis.present.numbers import format_nl
from ivp_analysis.present.trends.formats import (
    change_text,
    family_text,
    interval,
    own_rows,
    p_equals,
    p_text,
    q_text,
    recomputed_verdicts,
    series_name,
)
from ivp_analysis.stats.multiplicity import family_summary
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.vocab import SOURCE_POLICE, VERDICT_DOWN, VERDICT_NA, VERDICT_UP, VERDICT_WITHIN


def change_grid_alt(result: TrendAnalysis) -> str:
    """Return the alternative text of the grid of year-on-year changes."""
    m = result.moment
    return (
        f"Raster met soorten misdrijf als rijen en de jaren {m.first_year + 1} tot {m.last_year} "
        "als kolommen. Elk vak geeft de verandering ten opzichte van het jaar ervoor (in procenten, "
        "of als aantallen bij minder dan tien gevallen); oranje is een significante stijging, "
        "blauw een significante daling (na correctie voor meervoudig toetsen), grijs binnen "
        "normale schommeling, geel een voorlopig cijfer zonder oordeel."
    )


#: Columns of ``trends.csv`` behind each comparison.
_COMPARISONS = {
    "previous": ("rate_ratio", "ci_low", "ci_high", "p_value", "q_value", "p_value_exact"),
    "base": (
        "rate_ratio_vs_base",
        "ci_low_vs_base",
        "ci_high_vs_base",
        "p_value_vs_base",
        "q_value_vs_base",
        "p_value_vs_base_exact",
    ),
}
_VERDICT_COLUMN = {"previous": "verdict", "base": "verdict_vs_base"}


def _compared_years(result: TrendAnalysis, against: str) -> tuple[int, int]:
    """Return (reference year, year) of a comparison: the base year against the year before, or
    the evaluation year against the base year."""
    m = result.moment
    if against == "previous":
        return m.base_year - 1, m.base_year
    if against == "base":
        return m.base_year, m.eval_year
    raise ValueError(f"against must be 'previous' or 'base', got {against!r}")


def _spread_text(phi: float, df: float) -> str:
    """Write the dispersion a comparison used, e.g. ``1,9 (8 vg)``.

    Examples
    --------
    >>> _spread_text(1.92, 8.0), _spread_text(0.6, 8.0), _spread_text(float("nan"), float("nan"))
    ('1,9 (8 vg)', '1 (0,6; 8 vg)', 'onbekend: exacte toets')
    """
    if phi is None or not np.isfinite(phi):
        return "onbekend: exacte toets"
    if phi < 1:
        return f"1 ({format_nl(phi, 1)}; {format_nl(df)} vg)"
    return f"{format_nl(phi, 1)} ({format_nl(df)} vg)"


def changes_table(result: TrendAnalysis, against: str = "previous") -> pd.DataFrame:
    """Return the changes of the municipality's series, as a reader's table.

    ``against="previous"``: the base year against the year before it; ``"base"``: the
    evaluation year against the base year. The test uses the series' dispersion (quasi-Poisson,
    t reference); the verdict follows the q-value; the exact Poisson p-value is shown beside it.
    """
    t = own_rows(result)
    ref_year, year = _compared_years(result, against)
    cur = t[t["year"] == year]
    ref = t[t["year"] == ref_year].set_index(["code", "source"])
    rows = []
    for r in cur.to_dict("records"):
        key = (r["code"], r["source"])
        rr, lo, hi, p, q, p_exact = (r[c] for c in _COMPARISONS[against])
        c0 = ref.loc[key, "count"] if key in ref.index else np.nan
        verdict = r[_VERDICT_COLUMN[against]]
        rows.append(
            {
                "soort": series_name(r["code"], r["label"], r["source"]),
                f"aantal {ref_year}": c0,
                f"aantal {year}": r["count"],
                f"per 1.000 {ref_year}": (
                    ref.loc[key, "rate_per_1000"] if key in ref.index else np.nan
                ),
                f"per 1.000 {year}": r["rate_per_1000"],
                "verandering": change_text(c0, r["count"], rr) if np.isfinite(p) else "–",
                "verhouding (95%-interval)": _ratio_interval(rr, lo, hi),
                "spreiding*": _spread_text(r["dispersion"], r["dispersion_df"]),
                "p-waarde": p_text(p),
                "q-waarde": p_text(q),
                "oordeel (q < 0,05)": verdict if isinstance(verdict, str) else VERDICT_NA,
                "p exacte Poisson-toets": p_text(p_exact),
            }
        )
    return pd.DataFrame(rows)


def _ratio_interval(ratio: float, lo: float, hi: float) -> str:
    """Write a rate ratio with its interval: ``0,48 (0,26–0,89)``; an open limit as ``…``."""
    if not np.isfinite(lo):
        return "–"
    upper = format_nl(hi, 2) if np.isfinite(hi) else "…"
    head = format_nl(ratio, 2) if np.isfinite(ratio) else "–"
    return f"{head} ({format_nl(lo, 2)}–{upper})"


def multiplicity_text(result: TrendAnalysis, against: str = "previous") -> str:
    """Say how many tests the comparison's family holds and how many false flags to expect.

    The family is every comparison of the municipality of that kind (all crime types and
    years) that got a verdict; a provisional comparison is not in it.
    """
    t = own_rows(result)
    p_col, q_col = _COMPARISONS[against][3:5]
    tested = t[t[q_col].notna()]
    what = (
        "veranderingen ten opzichte van het jaar ervoor (alle soorten en jaren)"
        if against == "previous"
        else f"veranderingen ten opzichte van peiljaar {result.moment.base_year}"
    )
    summary = family_summary(tested[p_col], tested[q_col], 1 - result.level)
    return family_text(summary, what)


def changes_caption(result: TrendAnalysis, against: str = "previous") -> str:
    """Return the caption of :func:`changes_table`."""
    ref, year = _compared_years(result, against)
    if against == "previous":
        return f"{result.name}: {year} ten opzichte van {ref}"
    return f"{result.name}: evaluatiejaar {year} ten opzichte van peiljaar {ref}"


def _row(result: TrendAnalysis, code: str, year: int, source: str = SOURCE_POLICE):
    """Return the municipality's row of ``trends.csv`` for a series and year (``None``: absent)."""
    t = own_rows(result)
    t = t[(t["code"] == code) & (t["source"] == source) & (t["year"] == year)]
    return t.iloc[0] if len(t) else None


def change_example_text(
    result: TrendAnalysis, code: str = "1.1.1", source: str = SOURCE_POLICE
) -> str:
    """Write one change (the base year against the year before) out in full, as a worked example.

    Empty when either year is missing or the comparison has no test.
    """
    year = result.moment.base_year
    cur, prev = _row(result, code, year, source), _row(result, code, year - 1, source)
    if cur is None or prev is None or not np.isfinite(cur["p_value"]):
        return ""
    v = recomputed_verdicts([cur["rate_ratio"]], [cur["q_value"]], result.level)[0]
    phi = cur["dispersion"]
    if np.isfinite(phi):
        test = (
            f"{p_equals(cur['p_value'])} met de spreiding van de reeks (factor "
            f"{format_nl(max(phi, 1.0), 1)}, t-verdeling met {format_nl(cur['dispersion_df'])} "
            "vrijheidsgraden); zonder spreiding zou de exacte Poisson-toets "
            f"{p_equals(cur['p_value_exact'])} geven"
        )
    else:
        test = (
            f"{p_equals(cur['p_value'])} (exacte Poisson-toets: te weinig jaren om de spreiding "
            "van de reeks te schatten)"
        )
    return (
        f"**Voorbeeld, {code} {cur['label']}:** van {format_nl(prev['count'])} misdrijven in "
        f"{year - 1} (gemiddelde bevolking {format_nl(prev['population'])}) naar "
        f"{format_nl(cur['count'])} in {year} ({format_nl(cur['population'])}): rate ratio "
        f"{format_nl(cur['rate_ratio'], 2)}, 95%-interval {interval(cur['ci_low'], cur['ci_high'])}, "
        f"{test}. Na correctie voor meervoudig toetsen {q_text(cur['q_value'])}: **{v}**."
    )


#: The plan's own reading of its last year (IVP 2023-2026, section 1.1), for the municipality it is about.
PLAN_READING = (
    "Het IVP 2023-2026 leest de cijfers van 2022 als een terugkeer naar het niveau van vóór corona: "
    'woninginbraken en diefstallen uit/vanaf motorvoertuigen zijn "nu in 2022 [...] weer op ongeveer '
    'gelijke hoogte [...] met 2019" (§1.1).'
)
#: The year the plan reads (its last year).
PLAN_READING_YEAR = 2022


def plan_reading_text(result: TrendAnalysis) -> str:
    """Return the plan's reading of its last year with what the test says of burglary that year.

    Only for a municipality the shipped plan is about; the sentence after the quote follows the
    verdict (on q) of burglary (1.1.1) in 2022 against 2021, and refers to the worked example
    above when that example is the same comparison.
    """
    if result.municipality not in set(result.plan_regions):
        return ""
    year = PLAN_READING_YEAR
    cur = _row(result, "1.1.1", year)
    if cur is None:
        return PLAN_READING
    v = recomputed_verdicts([cur["rate_ratio"]], [cur["q_value"]], result.level)[0]
    example = result.moment.base_year == year
    if v == VERDICT_WITHIN and example:
        return (
            f"{PLAN_READING} Het voorbeeld hierboven laat zien dat de toets die terugkeer bij "
            "woninginbraak niet kan onderscheiden van toeval."
        )
    if v == VERDICT_WITHIN:
        return (
            f"{PLAN_READING} De toets van woninginbraak {year} tegen {year - 1} kan die "
            "terugkeer niet onderscheiden van toeval."
        )
    if v in (VERDICT_UP, VERDICT_DOWN):
        where = "Het voorbeeld hierboven laat zien dat" if example else "Volgens de toets is"
        return (
            f"{PLAN_READING} {where} de verandering bij woninginbraak van {year - 1} naar {year} "
            f"groter dan toeval: {v}."
        )
    return PLAN_READING
