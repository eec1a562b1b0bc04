"""Section 1 of the crime trends: the run in one line, the result tables written, the series as
counts and rates, where they come from, and the texts of the rates figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ivp_analysis.present.display import write_results
from ivp_analysis.present.trends.formats import count_word, gap_phrase, names, own_rows
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.trends.inputs import TOTAL
from ivp_analysis.trends.reconcile import total_gap
from ivp_analysis.vocab import SOURCE_CBS, SOURCE_PLAN, SOURCE_POLICE


def _sources(result: TrendAnalysis) -> set[str]:
    """Return the sources of the municipality's series."""
    return set(own_rows(result)["source"])


def _police_types(result: TrendAnalysis) -> int:
    """Return the number of police crime types of the municipality (the total left out)."""
    own = own_rows(result)
    return int(own.loc[(own["source"] == SOURCE_POLICE) & (own["code"] != TOTAL), "code"].nunique())


# --------------------------------------------------------------------------- run and writing


def run_text(result: TrendAnalysis) -> str:
    """Return the one-line summary of a run: municipality, moment, the years used, the vintage."""
    m = result.moment
    return (
        f"{result.name} ({result.municipality}), {m.label}: reeksen {m.first_year}-{m.last_year}, "
        f"peiljaar {m.base_year}, evaluatiejaar {m.eval_year}, vergelijkingsjaar "
        f"{m.benchmark_year}, gegevens tot en met {m.data_last_year}"
    )


def write_tables(result: TrendAnalysis, results_dir: str | Path) -> list[Path]:
    """Write the result tables of the analysis as CSV (nothing when ``results_dir`` is empty)."""
    written = [write_results(df, name, results_dir) for name, df in result.result_tables.items()]
    return [p for p in written if p is not None]


# --------------------------------------------------------------------------- 1. series


def _wide(trends: pd.DataFrame, region: str, value: str) -> pd.DataFrame:
    """Return one row per series and one column per year; provisional years are marked '*'.

    Examples
    --------
    >>> t = pd.DataFrame({"region": "GM1", "code": "1.1.1", "label": "x", "source": "Politie 47018NED",
    ...     "year": [2024, 2025], "count": [5.0, 6.0], "status": ["final", "provisional"]})
    >>> _wide(t, "GM1", "count").columns.tolist()
    ['soort', '2024', '2025*']
    """
    t = trends[trends["region"] == region]
    t = t.assign(soort=names(t, short=True))
    prov = set(t.loc[t["status"] == "provisional", "year"])
    wide = t.pivot(index="soort", columns="year", values=value)
    wide.columns = [f"{y}*" if y in prov else str(y) for y in wide.columns]
    order = t.drop_duplicates("soort").sort_values(["code", "source"])["soort"]
    return wide.reindex(order).reset_index()


def series_table(result: TrendAnalysis, value: str = "count") -> pd.DataFrame:
    """Return the municipality's series, one row per series and one column per year.

    ``value`` is a column of ``trends.csv`` (``count`` or ``rate_per_1000``); provisional years
    are marked '*' in the header.
    """
    return _wide(result.table, result.municipality, value)


def rate_decimals(result: TrendAnalysis) -> dict[str, int]:
    """Return the decimals of every year column of the rates table (two)."""
    return {c: 2 for c in series_table(result, "rate_per_1000").columns[1:]}


def sources_text(result: TrendAnalysis) -> str:
    """Write where the series come from: the police types, and the total from CBS and the plan."""
    sources = _sources(result)
    types = f"De {count_word(_police_types(result))} soorten komen uit politietabel 47018NED"
    cbs = (
        "**CBS-tabel 83648NED** (2010–2020 en 2022, afgerond op vijftallen; 2021 is niet "
        "meegeleverd)"
    )
    if SOURCE_PLAN in sources:
        own = own_rows(result)
        plan = own.loc[own["source"] == SOURCE_PLAN, "year"]
        total = (
            "Het **totaal aantal misdrijven (0.0.0)** staat twee keer in de tabel, als aparte "
            f"reeksen die nooit worden gemengd: uit {cbs} en, voor {result.name}, **zoals het IVP "
            f"2023-2026 het afdrukt** ({plan.min()}–{plan.max()}, een eigen uitvraag bij de politie)."
        )
    elif SOURCE_CBS in sources:
        total = f"Het **totaal aantal misdrijven (0.0.0)** komt uit {cbs}."
    else:
        total = f"Voor {result.name} is geen totaal aantal misdrijven (0.0.0) meegeleverd."
    gap = total_gap(result.reconciliation) if len(result.reconciliation) else None
    cbs_differs = "CBS telt bovendien iets anders dan de politie (andere selectie)"
    if gap is not None:
        cbs_differs += f"; voor {result.name} liggen de CBS-totalen daardoor {gap_phrase(gap)} die van het plan"
    return (
        f"{types} (per gemeente, op de gemeentegrenzen van 2024). {total} Het totaal is niet na te "
        "rekenen uit 47018NED: zedenmisdrijven worden per gemeente niet gepubliceerd, dus het "
        f"totaal is groter dan de som van de soorten. {cbs_differs}."
    )


def rates_figure_alt(result: TrendAnalysis) -> str:
    """Return the alternative text of the small multiples of the rates."""
    m = result.moment
    panels = f"{count_word(_police_types(result)).capitalize()} kleine lijngrafieken"
    if TOTAL in set(own_rows(result)["code"]):
        panels += " plus een voor het totaal"
    return (
        f"{panels}: per soort misdrijf het aantal per 1.000 inwoners in {result.name} van "
        f"{m.first_year} tot {m.last_year}, met verticale intervalstrepen, een gestippelde lijn voor "
        f"Nederland en open rondjes voor voorlopige jaren. Peiljaar {m.base_year} en evaluatiejaar "
        f"{m.eval_year} zijn met stippellijnen aangegeven."
    )


def rates_figure_caption(result: TrendAnalysis) -> str:
    """Return the caption of the small multiples: the sources drawn, population, the Netherlands."""
    sources = [s for s in (SOURCE_POLICE, SOURCE_CBS, SOURCE_PLAN) if s in _sources(result)]
    return (
        f"Bron: {', '.join(sources)}; bevolking CBS 70072ned (gemiddelde bevolking). Nederland = "
        "som van alle gemeenten inclusief 'gemeente onbekend' (GM0000), gedeeld door de som van "
        "de bevolking. Elk paneel heeft een eigen schaal."
    )
