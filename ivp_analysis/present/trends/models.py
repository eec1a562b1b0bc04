"""Section 4 of the crime trends: the trend of every series and its place among all
municipalities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.present.trends.formats import RATE_UNIT, p_equals, p_text, series_name
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.vocab import FAMILY_NL


def fits_text(result: TrendAnalysis) -> str:
    """Return how many trends were fitted for the national position."""
    fits = result.all_fits
    return (
        f"Trendmodellen geschat voor {len(fits)} reeksen (alle gemeenten x "
        f"{fits['code'].nunique()} soorten)"
    )


def models_table(result: TrendAnalysis) -> pd.DataFrame:
    """Return the trend models as a reader's table.

    The model column names the family with the test that chose it: Pearson's chi-square of the
    Poisson fit, its degrees of freedom and p-value (p < 0,05: negative binomial).
    """
    rows = []
    for r in result.models.itertuples(index=False):
        years = f"{r.first_year}–{r.last_year}" if pd.notna(r.first_year) else "–"
        if r.provisional_years:
            years += f" ({r.provisional_years.replace(',', ', ')} voorlopig)"
        test = ""
        if np.isfinite(r.pearson_chi2):
            test = (
                f" (χ² = {format_nl(r.pearson_chi2, 1)}, df = {r.df}, {p_equals(r.dispersion_p)})"
            )
        interval = "–"
        if np.isfinite(r.ci_low_pct):
            interval = f"{format_nl(r.ci_low_pct, 1)} tot {format_nl(r.ci_high_pct, 1)}"
        rows.append(
            {
                "soort": series_name(r.code, r.label, r.source, short=True),
                "jaren": years,
                "model (toets op overdispersie)": FAMILY_NL.get(r.family, "niet te schatten")
                + test,
                "verandering per jaar (%)": format_pct_nl(r.change_pct).replace(" %", ""),
                "95%-interval (%)": interval,
                "p-waarde": p_text(r.p_value),
                "oordeel": r.verdict,
                "plaats in NL*": r.nl_percentile,
            }
        )
    return pd.DataFrame(rows)


def models_caption(result: TrendAnalysis) -> str:
    """Return the caption of :func:`models_table`."""
    m = result.moment
    return (
        f"{result.name}: trend per soort, {m.first_year}-{m.last_year} ({RATE_UNIT}). * Plaats "
        "tussen alle gemeenten: 0 = de sterkste daling, 100 = de sterkste stijging"
    )


def trend_position_alt(result: TrendAnalysis) -> str:
    """Return the alternative text of the figure of the trend among all municipalities."""
    m = result.moment
    return (
        "Horizontale boxplots per soort misdrijf van de jaarlijkse verandering in procenten van "
        f"alle gemeenten over {m.first_year}-{m.last_year}, met de schatting voor {result.name} als "
        "ruit met een intervalstreep; een gevulde ruit is een significante trend, een open ruit niet."
    )
