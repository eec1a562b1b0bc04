"""Section 6: the municipality's yearly counts against their expectation, among all municipalities."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.present.covid.words import _and, _level
from ivp_analysis.present.numbers import format_nl


def _years(years) -> str:
    return _and([str(y) for y in years])


def municipal_intro_text(r: CovidAnalysis) -> str:
    """The municipal model in words, with the years and the number of municipalities."""
    first, last = r.municipal_pre_years
    n = r.municipal["region"].nunique()
    return (
        "Per soort misdrijf een Poisson- of negatief-binomiaal model met een trend op de "
        f"jaarcijfers van {first} tot en met {last}, met het aantal inwoners als blootstelling; "
        f"het model voorspelt {_years(r.eval_years)} (de jaren van de maatregelen) met een "
        f"{_level(r.settings.level)}-voorspelinterval (bij overdispersie met de onzekerheid van "
        "de spreiding erbij, zie `docs/covid.md`). Dezelfde berekening loopt in één keer voor "
        f"alle {n} gemeenten. De figuur toont de jaarreeksen van de gemeente met de verwachting."
    )


def municipal_series_title(r: CovidAnalysis) -> str:
    """Title of the municipality's yearly series figure."""
    return (
        f"{r.name}: geregistreerde misdrijven per jaar en de verwachting voor "
        f"{_years(r.eval_years)}"
    )


def municipal_series_alt(r: CovidAnalysis) -> str:
    """Alternative text of the municipality's yearly series figure."""
    n = r.own_series["code"].nunique()
    return (
        f"{n} panelen met de jaarlijkse aantallen per soort misdrijf in {r.name} van "
        f"{r.municipal_pre_years[0]} tot {r.eval_years[-1]}, met de verwachte aantallen voor "
        f"{_years(r.eval_years)} en hun {_level(r.settings.level)}-intervallen."
    )


def municipal_table(r: CovidAnalysis) -> pd.DataFrame:
    """The municipality's rows of the municipal table, with Dutch headers."""
    d = r.own_municipal
    lo = [c for c in d.columns if c.startswith("lower_")][0]
    hi = [c for c in d.columns if c.startswith("upper_")][0]
    return pd.DataFrame(
        {
            "code": d["code"],
            "soort": d["label"],
            "jaar": d["year"],
            "geregistreerd": d["observed"],
            "verwacht": d["expected"].round(1),
            f"{_level(r.settings.level)}-interval": [
                f"{format_nl(a)} – {format_nl(b)}" for a, b in zip(d[lo], d[hi], strict=True)
            ],
            "geregistreerd / verwacht": d["ratio"].round(2),
            "oordeel": d["verdict"],
            "percentiel onder gemeenten": d["percentile"].round(0),
        }
    )


def municipal_distribution_title(r: CovidAnalysis) -> str:
    """Title of the figure that places the municipality among all municipalities."""
    return f"{r.name} tussen alle gemeenten"


def municipal_distribution_alt(r: CovidAnalysis) -> str:
    """Alternative text of the figure that places the municipality among all municipalities."""
    return (
        f"Per jaar ({_years(r.eval_years)}) en soort misdrijf de verhouding geregistreerd/verwacht "
        f"van alle gemeenten als grijze punten, de mediaan als streep en {r.name} als oranje ruit."
    )
