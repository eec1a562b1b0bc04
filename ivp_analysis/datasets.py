"""The shipped data sets by name: one place that knows which file holds what.

Notebooks ask for ``municipal_crime()`` or ``plan_figures()`` instead of paths, and the
report manifest hashes every file listed in ``SHIPPED``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from ivp_analysis import cache, codes, paths
from ivp_analysis.load import load_table

#: Data set name -> (path relative to the data folder, description in Dutch for reports).
SHIPPED: dict[str, tuple[str, str]] = {
    "municipal_crime": (
        "raw/politie-47018ned-gemeente-selected-types/data.json",
        "Politie 47018NED: geregistreerde misdrijven per gemeente, 12 soorten, 2012-2025; "
        "CBS 70072ned gemiddeld aantal inwoners",
    ),
    "cbs_totals_2010_2020": (
        "raw/cbs-83648ned-gemeente-2010-2020/voorspelmodel.csv",
        "CBS 83648NED: totaal geregistreerde misdrijven per gemeente 2010-2020 (afgerond op 5)",
    ),
    "cbs_totals_2022": (
        "raw/cbs-83648ned-gemeente-2022/dataframe.geojson",
        "CBS 83648NED: totaal geregistreerde misdrijven per gemeente 2022",
    ),
    "population_jan1_2022": (
        "raw/cbs-83648ned-gemeente-2022/pop.csv",
        "CBS: bevolking op 1 januari 2022 per regio",
    ),
    "national_monthly_crime": (
        "raw/politie-47022ned-nl-monthly/NL_Crime.csv",
        "Politie 47022NED: geregistreerde misdrijven in Nederland per maand, 2012-01 t/m 2022-07",
    ),
    "national_population_monthly": (
        "raw/cbs-83474ned-population-nl-monthly",
        "CBS 83474NED: bevolking van Nederland aan het begin van elke maand",
    ),
    "national_annual_crime": (
        "raw/politie-47025ned-47021ned-nl-annual/NL_Crime.csv",
        "Politie 47025NED: geregistreerde misdrijven in Nederland per jaar, 2012-2023",
    ),
    "national_annual_nuisance": (
        "raw/politie-47025ned-47021ned-nl-annual/NL_Disorder.csv",
        "Politie 47021NED: registraties overlast in Nederland per jaar, 2012-2023",
    ),
    "buurt_crime_2023": (
        "raw/politie-47018ned-buurt-2023-gm1926/crime/PolRegCrime47018_2023.GM1926_EXCERPT.csv",
        "Politie 47018NED: geregistreerde misdrijven (totaal) per buurt van Pijnacker-Nootdorp, 2023",
    ),
    "buurt_population_2024": (
        "raw/politie-47018ned-buurt-2023-gm1926/population/Population85984_2024.csv",
        "CBS 85984NED: inwoners per buurt op 1 januari 2024",
    ),
    "plan_figures": (
        "raw/ivp-2023-2026/politiecijfers_2017_2022.csv",
        "IVP 2023-2026, paragraaf 1.1: politiecijfers 2017-2022 zoals afgedrukt",
    ),
    "plan_surveys": (
        "raw/ivp-2023-2026/veiligheidsmonitor_scores.csv",
        "IVP 2023-2026, paragraaf 1.1: rapportcijfers veiligheid (IVM, Lemon)",
    ),
    "plan_budget": (
        "raw/ivp-2023-2026/begroting.csv",
        "IVP 2023-2026, raadsbesluit: budget",
    ),
}


def path_of(name: str) -> Path:
    """Return the absolute path of a shipped data set.

    Examples
    --------
    >>> path_of("plan_figures").name
    'politiecijfers_2017_2022.csv'
    """
    if name not in SHIPPED:
        raise KeyError(f"unknown data set {name!r}; known: {', '.join(SHIPPED)}")
    return paths.DATA_DIR / SHIPPED[name][0]


@functools.cache
def _cached(name: str) -> pd.DataFrame:
    # Parsed tables are kept on disk, keyed on the bytes of the file, the code lists and the
    # package's source: a changed input or loader is parsed again (see ivp_analysis.cache).
    path = path_of(name)
    k = cache.key(files=[path, *codes.reference_files()])
    return cache.cached("tables", k, lambda: load_table(path))


def get(name: str) -> pd.DataFrame:
    """Return a shipped data set as the tidy frame (a copy; the file is read once per process).

    Examples
    --------
    >>> df = get("plan_budget")
    >>> df["value"].tolist()
    [95000.0, 190000.0, 190000.0, 190000.0]
    """
    return _cached(name).copy()


def municipal_crime() -> pd.DataFrame:
    """Police 47018NED yearly counts per municipality (12 crime types), without population rows."""
    df = get("municipal_crime")
    return df[~df["code"].str.startswith("population")].reset_index(drop=True)


def municipal_population() -> pd.DataFrame:
    """CBS average population per municipality and year (``code == 'population_avg'``)."""
    df = get("municipal_crime")
    return df[df["code"] == "population_avg"].reset_index(drop=True)


def wijk_figures(municipality: str = "GM1926") -> pd.DataFrame:
    """Return 2023 registered crime per wijk of a municipality from the shipped buurt data.

    Only Pijnacker-Nootdorp (GM1926) has shipped buurt figures; another municipality gives an
    empty frame (fetch 47018NED for it: ``ivp fetch --municipality GMxxxx``).

    Examples
    --------
    >>> w = wijk_figures("GM1926")
    >>> w[["wijk_name", "count"]].values.tolist()
    [['Pijnacker', 864.0], ['Nootdorp', 578.0], ['Delfgauw', 206.0]]
    """
    from ivp_analysis.wijken import per_wijk

    return per_wijk(get("buurt_crime_2023"), get("buurt_population_2024"), municipality)


def municipality_codes() -> dict[str, str]:
    """Return code -> name of the municipalities with crime figures, read quickly from the JSON keys.

    Used to validate parameters before a run without parsing the whole table.

    Examples
    --------
    >>> municipality_codes()["GM1926"]
    'Pijnacker-Nootdorp'
    """
    import json

    with open(path_of("municipal_crime"), encoding="utf-8") as f:
        counts = json.load(f)["counts"]
    found = sorted({c for by_region in counts.values() for c in by_region} - {"GM0000"})
    names = codes.region_list().names
    return {c: names.get(c, c) for c in found}


def municipalities() -> pd.DataFrame:
    """Return the municipalities that have crime figures: code and name, sorted by code.

    ``GM0000`` ("Gemeente onbekend", crimes the police could not place) is left out.

    Examples
    --------
    >>> m = municipalities()
    >>> len(m), m.set_index("region").loc["GM1926", "region_name"]
    (342, 'Pijnacker-Nootdorp')
    """
    return pd.DataFrame(list(municipality_codes().items()), columns=["region", "region_name"])


def describe() -> pd.DataFrame:
    """Return one row per shipped data set, with Dutch column names for reports: name, description, file."""
    return pd.DataFrame(
        [(name, text, f"data/{rel}") for name, (rel, text) in SHIPPED.items()],
        columns=["gegevensbestand", "omschrijving", "bestand"],
    )
