"""Data overview: which sources, periods, crime types and statuses exist for a municipality."""

from __future__ import annotations

import pandas as pd

from ivp_analysis import datasets
from ivp_analysis.codes import COUNT_UNITS
from ivp_analysis.vocab import DATA_STATUS_NL, MUNICIPAL_DATASETS


def municipal_data(municipality: str, sets: tuple[str, ...] = MUNICIPAL_DATASETS) -> pd.DataFrame:
    """Return every shipped figure for one municipality as one tidy frame with a ``dataset`` column."""
    frames = []
    for name in sets:
        df = datasets.get(name)
        df = df[df["region"] == municipality]
        frames.append(df.assign(dataset=name))
    return pd.concat(frames, ignore_index=True)


def sources_table(data: pd.DataFrame) -> pd.DataFrame:
    """Summarise a municipality's figures per data set: periods, number of codes, values, statuses.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`municipal_data` (tidy frame with a ``dataset`` column).

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
    >>> sources_table(d).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'gegevensbestand': 'a', 'bron': 'S', 'eerste periode': '2020', 'laatste periode': '2021',
     'codes': 2, 'waarden': 2, 'ontbrekend': 1, 'status': 'definitief 2, voorlopig 1', 'bestand': 'f'}
    """
    rows = []
    order = list(datasets.SHIPPED)
    for name, g in sorted(
        data.groupby("dataset"), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
    ):
        counts = g["status"].value_counts()
        rows.append({
            "gegevensbestand": name,
            "bron": datasets.SHIPPED[name][1] if name in datasets.SHIPPED else "; ".join(sorted(g["source"].unique())),
            "eerste periode": str(g["period"].min()),
            "laatste periode": str(g["period"].max()),
            "codes": int(g["code"].nunique()),
            "waarden": int(g["value"].notna().sum()),
            "ontbrekend": int(g["value"].isna().sum()),
            "status": ", ".join(f"{DATA_STATUS_NL.get(k, k)} {v}" for k, v in sorted(counts.items())),
            "bestand": g["file"].iloc[0],
        })  # fmt: skip
    return pd.DataFrame(rows)


def availability(data: pd.DataFrame) -> pd.DataFrame:
    """Return one row per data set, code and year with the status of that figure.

    Years between a code's first and last year without a value get status ``missing`` for
    counts (registered every year); survey marks are measured every few years, so their gaps
    are not listed. A withheld value (NaN) is ``missing`` too, with its note.

    Examples
    --------
    >>> d = pd.DataFrame({
    ...     "dataset": ["a"] * 3, "code": ["1"] * 3, "label": ["x"] * 3, "source": ["S"] * 3,
    ...     "unit": ["misdrijven"] * 3,
    ...     "period": pd.PeriodIndex(["2019", "2021", "2022"], freq="Y"),
    ...     "value": [1.0, float("nan"), 2.0], "status": ["final"] * 3, "note": ["", "n.b.", ""]})
    >>> availability(d)[["year", "status"]].values.tolist()
    [[2019, 'final'], [2020, 'missing'], [2021, 'missing'], [2022, 'final']]
    """
    yearly = data[data["period"].map(lambda p: p.freqstr.startswith("Y"))].copy()
    yearly["year"] = yearly["period"].map(lambda p: p.year).astype(int)
    yearly.loc[yearly["value"].isna(), "status"] = "missing"
    rows = []
    for (ds, code), g in yearly.groupby(["dataset", "code"], sort=True):
        have = g.set_index("year")
        counted = g["unit"].iloc[0] in COUNT_UNITS
        years = (
            range(int(g["year"].min()), int(g["year"].max()) + 1) if counted else sorted(have.index)
        )
        for year in years:
            if year in have.index:
                r = have.loc[year]
                rows.append(
                    (ds, code, r["label"], r["source"], year, r["status"], r["value"], r["note"])
                )
            else:
                rows.append((ds, code, g["label"].iloc[0], g["source"].iloc[0], year, "missing", float("nan"),
                             "geen waarde in het bestand"))  # fmt: skip
    return pd.DataFrame(
        rows, columns=["dataset", "code", "label", "source", "year", "status", "value", "note"]
    )


def gaps_table(avail: pd.DataFrame) -> pd.DataFrame:
    """Return the provisional and missing figures for readers: provisional ones one row per data set
    and year (with the number of codes), missing ones one row each with the reason.

    Examples
    --------
    >>> a = pd.DataFrame({"dataset": ["a", "a", "b"], "code": ["1", "2", "3"], "label": ["x", "y", "z"],
    ...     "year": [2024, 2024, 2017], "status": ["provisional", "provisional", "missing"],
    ...     "note": ["", "", "n.b."]})
    >>> gaps_table(a).values.tolist()
    [['a', '2 codes', 2024, 'voorlopig', ''], ['b', '3 z', 2017, 'ontbreekt', 'n.b.']]
    """
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


def provisional_years(avail: pd.DataFrame) -> list[int]:
    """Return the years that hold at least one provisional figure, sorted.

    Examples
    --------
    >>> provisional_years(pd.DataFrame({"year": [2023, 2024, 2025, 2024],
    ...     "status": ["final", "provisional", "provisional", "final"]}))
    [2024, 2025]
    """
    return sorted(int(y) for y in avail.loc[avail["status"] == "provisional", "year"].unique())


def summary_text(municipality_name: str, avail: pd.DataFrame) -> str:
    """Write the overview's conclusion in Dutch from the availability table."""
    crime = avail[avail["dataset"] == "municipal_crime"]
    lines = []
    if len(crime):
        lines.append(
            f"- Voor {municipality_name} zijn er politiecijfers (tabel 47018NED) voor "
            f"{crime['code'].nunique()} soorten misdrijven over {crime['year'].min()}–{crime['year'].max()}."
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
    totals = avail[(avail["code"] == "0.0.0") & (avail["status"] != "missing")]
    if len(totals):
        years = sorted(totals["year"].unique())
        lines.append(
            "- Het totaal aantal misdrijven (0.0.0) komt niet uit tabel 47018NED maar uit CBS 83648NED en het plan; "
            f"jaren met een totaal: {', '.join(map(str, years))}."
        )
    return "\n".join(lines)
