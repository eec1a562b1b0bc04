"""Section 4 of the crime trends: the trend of every series and its place among all
municipalities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.present.trends.formats import RATE_UNIT, family_text, p_text, series_name
from ivp_analysis.stats.multiplicity import family_summary
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.trends.inputs import SMALL_COUNT
from ivp_analysis.vocab import FAMILY_NL


def fits_text(result: TrendAnalysis) -> str:
    """Return how many trends were fitted for the national position."""
    fits = result.all_fits
    return (
        f"Trendmodellen geschat voor {len(fits)} reeksen (alle gemeenten x "
        f"{fits['code'].nunique()} soorten)"
    )


def _years(r) -> str:
    """The fitted years, and the provisional years left out of (or kept in) the fit."""
    years = f"{r.first_year}–{r.last_year}" if pd.notna(r.first_year) else "–"
    if r.provisional_years:
        prov = r.provisional_years.replace(",", ", ")
        kept = pd.notna(r.last_year) and str(r.last_year) in r.provisional_years
        years += f" ({prov} voorlopig, {'meegeteld' if kept else 'niet meegeteld'})"
    return years


def models_table(result: TrendAnalysis) -> pd.DataFrame:
    """Return the trend models as a reader's table.

    The model column gives the dispersion (Pearson's chi-square over its degrees of freedom),
    which widens the interval; the verdict follows the q-value of the municipality's trends.
    """
    rows = []
    for r in result.models.itertuples(index=False):
        model = "niet te schatten"
        if np.isfinite(r.dispersion):
            model = f"{FAMILY_NL[r.family]} (spreiding {format_nl(r.dispersion, 1)}, {r.df} vg)"
        interval = "–"
        if np.isfinite(r.ci_low_pct):
            interval = f"{format_nl(r.ci_low_pct, 1)} tot {format_nl(r.ci_high_pct, 1)}"
        rows.append(
            {
                "soort": series_name(r.code, r.label, r.source, short=True),
                "jaren": _years(r),
                "model": model,
                "verandering per jaar (%)": format_pct_nl(r.change_pct).replace(" %", ""),
                "95%-interval (%)": interval,
                "p-waarde": p_text(r.p_value),
                "q-waarde": p_text(r.q_value),
                "oordeel (q < 0,05)": r.verdict,
                "plaats in NL*": r.nl_percentile,
            }
        )
    return pd.DataFrame(rows)


def models_family_text(result: TrendAnalysis) -> str:
    """Say how many trends were tested and how many false flags to expect among them."""
    m = result.models
    summary = family_summary(m["p_value"], m["q_value"], 1 - result.level)
    return family_text(summary, "trends")


def models_caption(result: TrendAnalysis) -> str:
    """Return the caption of :func:`models_table`."""
    m = result.moment
    return (
        f"{result.name}: trend per soort, {m.first_year}-{m.last_year} ({RATE_UNIT}); vg = "
        "vrijheidsgraden. * Plaats tussen alle gemeenten met genoeg gevallen: 0 = de sterkste "
        f"daling, 100 = de sterkste stijging; leeg bij minder dan {format_nl(SMALL_COUNT)} gevallen "
        "per jaar (mediaan)"
    )


def trend_position_alt(result: TrendAnalysis) -> str:
    """Return the alternative text of the figure of the trend among all municipalities."""
    m = result.moment
    return (
        "Horizontale boxplots per soort misdrijf van de jaarlijkse verandering in procenten van "
        f"alle gemeenten over {m.first_year}-{m.last_year}, met de schatting voor {result.name} als "
        "ruit met een intervalstreep; een gevulde ruit is een significante trend (na correctie "
        "voor meervoudig toetsen), een open ruit niet."
    )
