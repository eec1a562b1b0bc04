"""Sections 2 and 3 of the crime trends: the changes from the year before and from the base
year, one change written out in full, and the plan's own reading of its last year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis.present.numbers import format_nl
from ivp_analysis.present.trends.formats import (
    interval,
    own_rows,
    p_equals,
    p_text,
    series_name,
    test_verdicts,
)
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.vocab import SOURCE_POLICE, VERDICT_DOWN, VERDICT_NA, VERDICT_UP, VERDICT_WITHIN


def change_grid_alt(result: TrendAnalysis) -> str:
    """Return the alternative text of the grid of year-on-year changes."""
    m = result.moment
    return (
        f"Raster met soorten misdrijf als rijen en de jaren {m.first_year + 1} tot {m.last_year} "
        "als kolommen. Elk vak geeft de verandering in procenten ten opzichte van het jaar ervoor; "
        "oranje is een significante stijging, blauw een significante daling, grijs binnen normale "
        "schommeling."
    )


def _adjusted(phi: float, verdict: object, method: object) -> str:
    """Reader's text of the dispersion-adjusted verdict, saying which test it rests on.

    Examples
    --------
    >>> _adjusted(4.9, "binnen normale schommeling", "quasi-Poisson")
    'binnen normale schommeling (spreiding 4,9x)'
    >>> _adjusted(1.2, "significante daling", "exact Poisson")
    'significante daling (geen extra spreiding)'
    """
    if not isinstance(verdict, str):
        return VERDICT_NA
    if phi is None or not np.isfinite(phi):
        return f"{verdict} (reeks te kort om te beoordelen)"
    if method == "quasi-Poisson":
        return f"{verdict} (spreiding {format_nl(phi, 1)}x)"
    return f"{verdict} (geen extra spreiding)"


#: Columns of ``trends.csv`` behind each comparison: exact test, then dispersion-adjusted.
_COMPARISONS = {
    "previous": (
        ("rate_ratio", "ci_low", "ci_high", "p_value", "verdict"),
        ("dispersion", "verdict_adj", "method"),
    ),
    "base": (
        (
            "rate_ratio_vs_base",
            "ci_low_vs_base",
            "ci_high_vs_base",
            "p_value_vs_base",
            "verdict_vs_base",
        ),
        ("dispersion_vs_base", "verdict_vs_base_adj", "method_vs_base"),
    ),
}


def _compared_years(result: TrendAnalysis, against: str) -> tuple[int, int]:
    """Return (reference year, year) of a comparison: the base year against the year before, or
    the evaluation year against the base year."""
    m = result.moment
    if against == "previous":
        return m.base_year - 1, m.base_year
    if against == "base":
        return m.base_year, m.eval_year
    raise ValueError(f"against must be 'previous' or 'base', got {against!r}")


def changes_table(result: TrendAnalysis, against: str = "previous") -> pd.DataFrame:
    """Return the changes of the municipality's series, as a reader's table.

    ``against="previous"``: the base year against the year before it; ``"base"``: the
    evaluation year against the base year. Both with the exact test and with the verdict when
    the series' history shows extra spread.
    """
    t = own_rows(result)
    year = _compared_years(result, against)[1]
    cur = t[t["year"] == year]
    if against == "previous":
        ref_year = year - 1
    else:
        ref_year = (
            int(cur["base_year"].dropna().iloc[0]) if cur["base_year"].notna().any() else year
        )
    exact, adj = _COMPARISONS[against]
    ref = t[t["year"] == ref_year].set_index(["code", "source"])
    rows = []
    for r in cur.itertuples(index=False):
        key = (r.code, r.source)
        rr, lo, hi, p, v = (getattr(r, c) for c in exact)
        rows.append(
            {
                "soort": series_name(r.code, r.label, r.source),
                f"aantal {ref_year}": ref.loc[key, "count"] if key in ref.index else np.nan,
                f"aantal {year}": r.count,
                f"per 1.000 {ref_year}": (
                    ref.loc[key, "rate_per_1000"] if key in ref.index else np.nan
                ),
                f"per 1.000 {year}": r.rate_per_1000,
                "verhouding (rate ratio)": rr,
                "95%-interval": interval(lo, hi),
                "p-waarde": p_text(p),
                "oordeel (exacte toets)": v if isinstance(v, str) else VERDICT_NA,
                "oordeel bij extra spreiding*": _adjusted(*(getattr(r, c) for c in adj)),
            }
        )
    return pd.DataFrame(rows)


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

    Empty when either year is missing.
    """
    year = result.moment.base_year
    cur, prev = _row(result, code, year, source), _row(result, code, year - 1, source)
    if cur is None or prev is None:
        return ""
    v = test_verdicts([cur["rate_ratio"]], [cur["p_value"]], result.level)[0]
    return (
        f"**Voorbeeld, {code} {cur['label']}:** van {format_nl(prev['count'])} misdrijven in "
        f"{year - 1} (gemiddelde bevolking {format_nl(prev['population'])}) naar "
        f"{format_nl(cur['count'])} in {year} ({format_nl(cur['population'])}): rate ratio "
        f"{format_nl(cur['rate_ratio'], 2)}, 95%-interval {interval(cur['ci_low'], cur['ci_high'])}, "
        f"{p_equals(cur['p_value'])}: **{v}**."
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
    exact test of burglary (1.1.1) in 2022 against 2021, and refers to the worked example above
    when that example is the same comparison.
    """
    if result.municipality not in set(result.plan_regions):
        return ""
    year = PLAN_READING_YEAR
    cur = _row(result, "1.1.1", year)
    if cur is None:
        return PLAN_READING
    v = test_verdicts([cur["rate_ratio"]], [cur["p_value"]], result.level)[0]
    example = result.moment.base_year == year
    if v == VERDICT_WITHIN and example:
        return (
            f"{PLAN_READING} Het voorbeeld hierboven laat zien dat de toets die terugkeer bij "
            "woninginbraak niet kan onderscheiden van toeval."
        )
    if v == VERDICT_WITHIN:
        return (
            f"{PLAN_READING} De exacte toets van woninginbraak {year} tegen {year - 1} kan die "
            "terugkeer niet onderscheiden van toeval."
        )
    if v in (VERDICT_UP, VERDICT_DOWN):
        where = "Het voorbeeld hierboven laat zien dat" if example else "Volgens de exacte toets is"
        return (
            f"{PLAN_READING} {where} de verandering bij woninginbraak van {year - 1} naar {year} "
            f"groter dan toeval: {v}."
        )
    return PLAN_READING
