"""The data sets by name: one place that knows which file holds what, and what added inputs change.

Notebooks ask for ``municipal_crime()`` or ``get("plan_figures")`` instead of paths, and the
report manifest hashes every file listed in ``SHIPPED``. Every reader takes ``inputs``: the files
or snapshot folders a report adds (its ``inputs`` parameter). They are laid over each data set
within its :data:`SCOPES` entry (an added figure wins for the same region, code and period) and
:func:`overrides` lists every shipped value an added one met; an analysis never reads an added
file any other way.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ivp_analysis import cache, codes, inputs, paths
from ivp_analysis.inputs import Scope
from ivp_analysis.load import load_table
from ivp_analysis.vocab import KEPT_CBS, KEPT_PLAN

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


#: Which added figures lay over each data set (:class:`ivp_analysis.inputs.Scope`); ``None``:
#: none do, and :data:`KEPT` says why.
SCOPES: dict[str, Scope | None] = {
    "municipal_crime": Scope(("GM",), "Y", "own"),
    "cbs_totals_2010_2020": None,
    "cbs_totals_2022": None,
    "population_jan1_2022": Scope(("GM", "NL"), "Y", ("population_jan1",)),
    "national_monthly_crime": Scope(("NL",), "M", "own"),
    "national_population_monthly": Scope(("NL",), "", "own"),
    "national_annual_crime": Scope(("NL",), "Y", "own"),
    "national_annual_nuisance": Scope(("NL",), "Y", "own"),
    "buurt_crime_2023": Scope(("WK", "BU"), "Y", "crime"),
    "buurt_population_2024": Scope(("WK", "BU"), "Y", ("population_jan1",)),
    "plan_figures": None,
    "plan_surveys": None,
    "plan_budget": None,
}
#: Why an added figure does not replace a value of a data set without scope (Dutch, for readers).
KEPT: dict[str, str] = {
    "cbs_totals_2010_2020": KEPT_CBS,
    "cbs_totals_2022": KEPT_CBS,
    "plan_figures": KEPT_PLAN,
    "plan_surveys": KEPT_PLAN,
    "plan_budget": KEPT_PLAN,
}

#: The ``inputs`` of a report: paths of added files or snapshot folders, in order.
Inputs = Sequence[str]


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
    # the path is in the key too: every row names its file (``file``), relative to the project
    k = cache.key(files=[path, *codes.reference_files()], extra=paths.relative_to_root(path))
    return cache.cached("tables", k, lambda: load_table(path))


@functools.cache
def added(given: tuple[str, ...]) -> inputs.Added:
    """Return the added inputs as one layer (read once per process; see :mod:`ivp_analysis.inputs`)."""
    return inputs.load_added(given)


def added_figures(given: Inputs = ()) -> pd.DataFrame:
    """Return every figure of the added inputs (a later input wins), tidy, with an ``input`` column."""
    return added(tuple(given)).data.copy()


@functools.cache
def _overlaid(name: str, given: tuple[str, ...]) -> pd.DataFrame:
    shipped = _cached(name)
    layer = added(given).data
    return inputs.overlay(shipped, inputs.in_scope(layer, SCOPES[name], shipped))


def get(name: str, given: Inputs = ()) -> pd.DataFrame:
    """Return a data set as the tidy frame: shipped, with the added inputs laid over it.

    Parameters
    ----------
    name : str
        A key of :data:`SHIPPED`.
    given : sequence of str
        The report's ``inputs`` (files or snapshot folders); their figures within the data set's
        :data:`SCOPES` entry replace or extend the shipped ones.

    Returns
    -------
    pandas.DataFrame
        A copy (the files are read once per process).

    Examples
    --------
    >>> df = get("plan_budget")
    >>> df["value"].tolist()
    [95000.0, 190000.0, 190000.0, 190000.0]
    >>> nl = get("national_annual_crime", ["tests/fixtures/formats/politie_tabel_47013_totaal.csv"])
    >>> nl[(nl.code == "0.0.0")].tail(2)[["period", "value", "key"]].values.tolist()
    [[Period('2023', 'Y-DEC'), 802043.0, 'line/7/#3'], [Period('2024', 'Y-DEC'), nan, 'line/7/#4']]
    """
    if name not in SHIPPED:
        raise KeyError(f"unknown data set {name!r}; known: {', '.join(SHIPPED)}")
    if not given:
        return _cached(name).copy()
    return _overlaid(name, tuple(given)).copy()


def overrides(given: Inputs = ()) -> pd.DataFrame:
    """Return every shipped value an added figure meets: replaced, or kept and why.

    One row per data set, region, code and period (:data:`ivp_analysis.inputs.MEETING_COLUMNS`),
    in the order of :data:`SHIPPED`.

    Examples
    --------
    >>> o = overrides(["tests/fixtures/formats/politie_tabel_47013_totaal.csv"])
    >>> o[["dataset", "region", "period", "shipped_value", "added_value", "replaced"]].values.tolist()[:2]
    [['cbs_totals_2022', 'GM1926', Period('2022', 'Y-DEC'), 1660.0, 1641.0, False], ['national_annual_crime', 'NL', Period('2022', 'Y-DEC'), 799895.0, 799895.0, True]]
    """
    layer = added(tuple(given)).data
    frames = [
        inputs.meetings(name, _cached(name), layer, SCOPES[name], KEPT.get(name, ""))
        for name in SHIPPED
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=inputs.MEETING_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def outside_scopes(given: Inputs = ()) -> pd.DataFrame:
    """Return the added figures that lay over no data set (only an indicator can use them)."""
    layer = added(tuple(given)).data
    if layer.empty:
        return layer
    taken = pd.Series(False, index=layer.index)
    for name in SHIPPED:
        taken[inputs.in_scope(layer, SCOPES[name], _cached(name)).index] = True
    return layer[~taken].copy()


def vintages(given: Inputs = ()) -> pd.DataFrame:
    """Return one row per added input: format, table, rows, periods and publication dates."""
    return added(tuple(given)).vintages.copy()


def municipal_crime(given: Inputs = ()) -> pd.DataFrame:
    """Police 47018NED yearly counts per municipality (12 crime types), without population rows."""
    df = get("municipal_crime", given)
    return df[~df["code"].str.startswith("population")].reset_index(drop=True)


def municipal_population(given: Inputs = ()) -> pd.DataFrame:
    """CBS average population per municipality and year (``code == 'population_avg'``)."""
    df = get("municipal_crime", given)
    return df[df["code"] == "population_avg"].reset_index(drop=True)


def wijk_figures(municipality: str = "GM1926", given: Inputs = ()) -> pd.DataFrame:
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

    return per_wijk(
        get("buurt_crime_2023", given), get("buurt_population_2024", given), municipality
    )


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
