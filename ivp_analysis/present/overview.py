"""The data overview for readers (notebook 00): tables and sentences in Dutch, made from an
:class:`ivp_analysis.overview.Overview`.
"""

from __future__ import annotations

import pandas as pd

from ivp_analysis import datasets
from ivp_analysis.codes import TOTAL_CRIME
from ivp_analysis.overview import Overview, crime_types, provisional_years
from ivp_analysis.present.trends.formats import gap_amount
from ivp_analysis.vocab import ADDED_DATASET, DATA_STATUS_NL

#: Who publishes each data set that can hold the total number of crimes, for running text.
_TOTAL_SOURCES = {
    "cbs_totals_2010_2020": "CBS 83648NED",
    "cbs_totals_2022": "CBS 83648NED",
    "plan_figures": "het plan",
    ADDED_DATASET: "een toegevoegd bestand",
}


def counts_text(result: Overview) -> str:
    """Return how many figures the shipped data hold for the municipality, in one line."""
    data = result.data
    return (
        f"{result.name} ({result.municipality}): {len(data)} cijfers uit "
        f"{data['dataset'].nunique()} gegevensbestanden"
    )


def sources_table(result: Overview) -> pd.DataFrame:
    """Summarise the municipality's figures per data set: periods, number of codes, values, statuses.

    Returns
    -------
    DataFrame
        One row per data set with Dutch column names, in the order of ``datasets.SHIPPED``.

    Examples
    --------
    >>> d = pd.DataFrame({
    ...     "dataset": ["a", "a", "a"], "source": ["S"] * 3, "code": ["1", "1", "2"],
    ...     "period": pd.PeriodIndex(["2020", "2021", "2021"], freq="Y"),
    ...     "value": [1.0, float("nan"), 3.0], "status": ["final", "provisional", "final"],
    ...     "file": ["f"] * 3})
    >>> sources_table(Overview("GM1", "X", d, pd.DataFrame())).iloc[0].to_dict()
    {'gegevensbestand': 'a', 'bron': 'S', 'eerste periode': '2020', 'laatste periode': '2021',
     'codes': 2, 'waarden': 2, 'ontbrekend': 1, 'status': 'definitief 2, voorlopig 1', 'bestand': 'f'}
    """
    rows = []
    order = list(datasets.SHIPPED)
    groups = sorted(
        result.data.groupby("dataset"),
        key=lambda kv: order.index(kv[0]) if kv[0] in order else 99,
    )
    for name, g in groups:
        counts = g["status"].value_counts()
        if name in datasets.SHIPPED:
            source = datasets.SHIPPED[name][1]
        else:
            source = "; ".join(sorted(g["source"].unique()))
        statuses = ", ".join(f"{DATA_STATUS_NL.get(k, k)} {v}" for k, v in sorted(counts.items()))
        rows.append(
            {
                "gegevensbestand": name,
                "bron": source,
                "eerste periode": str(g["period"].min()),
                "laatste periode": str(g["period"].max()),
                "codes": int(g["code"].nunique()),
                "waarden": int(g["value"].notna().sum()),
                "ontbrekend": int(g["value"].isna().sum()),
                "status": statuses,
                "bestand": g["file"].iloc[0],
            }
        )
    return pd.DataFrame(rows)


def _total_sources(result: Overview) -> list[str]:
    """Return who publishes the municipality's total number of crimes (0.0.0), in order."""
    avail = result.availability
    totals = avail[(avail["code"] == TOTAL_CRIME) & (avail["status"] != "missing")]
    found = {_TOTAL_SOURCES[d] for d in totals["dataset"] if d in _TOTAL_SOURCES}
    return [s for s in dict.fromkeys(_TOTAL_SOURCES.values()) if s in found]


def sources_text(result: Overview) -> str:
    """Write where the figures come from: police types, and the total from CBS (and the plan)."""
    others = [s for s in _total_sources(result) if s != "CBS 83648NED"]
    words = {"het plan": "het plan zelf"}
    parts = [f"uit {words.get(s, s)}" for s in others]
    total = (", " if len(parts) > 1 else "") + ", ".join(parts[:-1])
    total += f" en {parts[-1]}" if parts else ""
    return (
        "De politiecijfers per soort misdrijf (tabel 47018NED) zijn de ruggengraat van de "
        f"analyses; het totaal aantal misdrijven komt uit CBS-tabel 83648NED{total}. De landelijke "
        "reeksen (maandcijfers 47022NED, jaarcijfers 47025NED en 47021NED, bevolking 83474NED) "
        "gelden voor heel Nederland en staan in de tabel hieronder. Herkomst en kanttekeningen per "
        "bron staan in `data/raw/<bron>/README.md`."
    )


def gaps_table(result: Overview) -> pd.DataFrame:
    """Return the provisional and missing figures for readers: provisional ones one row per data set
    and year (with the number of codes), missing ones one row each with the reason.

    Examples
    --------
    >>> a = pd.DataFrame({"dataset": ["a", "a", "b"], "code": ["1", "2", "3"], "label": ["x", "y", "z"],
    ...     "year": [2024, 2024, 2017], "status": ["provisional", "provisional", "missing"],
    ...     "note": ["", "", "n.b."]})
    >>> gaps_table(Overview("GM1", "X", pd.DataFrame(), a)).values.tolist()
    [['a', '2 codes', 2024, 'voorlopig', ''], ['b', '3 z', 2017, 'ontbreekt', 'n.b.']]
    """
    avail = result.availability
    cols = ["gegevensbestand", "codes", "jaar", "status", "toelichting"]
    prov = avail[avail["status"] == "provisional"]
    rows = [
        (ds, f"{g['code'].nunique()} codes", int(year), DATA_STATUS_NL["provisional"], "")
        for (ds, year), g in prov.groupby(["dataset", "year"], sort=True)
    ]
    miss = avail[avail["status"] == "missing"].sort_values(["dataset", "code", "year"])
    rows += [
        (r.dataset, f"{r.code} {r.label}", int(r.year), DATA_STATUS_NL["missing"], r.note)
        for r in miss.itertuples()
    ]
    return pd.DataFrame(rows, columns=cols)


def summary_text(result: Overview) -> str:
    """Write the overview's conclusion in Dutch from the availability table."""
    avail = result.availability
    crime = avail[avail["dataset"] == "municipal_crime"]
    lines = []
    if len(crime):
        lines.append(
            f"- Voor {result.name} zijn er politiecijfers (tabel 47018NED) voor "
            f"{len(crime_types(result.data))} soorten misdrijven over "
            f"{crime['year'].min()}–{crime['year'].max()}."
        )
    prov = provisional_years(avail)
    if prov:
        lines.append(
            f"- Voorlopige cijfers: {', '.join(map(str, prov))}. Deze kunnen nog worden bijgesteld."
        )
    miss = avail[(avail["status"] == "missing") & (avail["dataset"].str.startswith("plan"))]
    if len(miss):
        items = sorted({f"{r.label} ({r.year})" for r in miss.itertuples()})
        lines.append("- In het plan ontbreken: " + "; ".join(items) + ".")
    totals = avail[(avail["code"] == TOTAL_CRIME) & (avail["status"] != "missing")]
    if len(totals):
        years = sorted(totals["year"].unique())
        lines.append(
            "- Het totaal aantal misdrijven (0.0.0) komt niet uit tabel 47018NED maar uit "
            f"{' en '.join(_total_sources(result))}; jaren met een totaal: "
            f"{', '.join(map(str, years))}."
        )
    return "\n".join(lines)


def caveats_text(result: Overview) -> str:
    """Write the caveats of the data: revisions, hidden sexual offences, CBS against the plan."""
    cbs = "CBS 83648NED rondt af op vijftallen"
    if result.plan_gap is not None:
        cbs += (
            "; de cijfers van het plan komen uit een andere politie-uitvraag en wijken daar "
            f"{gap_amount(result.plan_gap)} van af"
        )
    return "\n".join(
        [
            "- Politiecijfers worden geregeld bijgewerkt; een cijfer kan afwijken van een eerdere "
            "publicatie (zie `data/raw/politie-47018ned-metadata/README.md`).",
            "- Zedenmisdrijven worden per gemeente niet gepubliceerd: het totaal is groter dan de "
            "som van de soorten.",
            f"- {cbs}.",
        ]
    )
