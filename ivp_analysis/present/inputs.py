"""The files a report adds to the shipped data, for readers (notebook 00): their edition and every
shipped figure they meet, in Dutch, made from an :class:`ivp_analysis.overview.Overview`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ivp_analysis.overview import Overview
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.present.summary import date_nl

#: At most this many overrides are shown as rows; the rest is counted (all are in the CSV).
MAX_ROWS = 60


def _own(result: Overview, df: pd.DataFrame) -> pd.Series:
    """Return which rows concern the municipality, its wijken and buurten, or the Netherlands."""
    digits = result.municipality[2:]
    region = df["region"].astype(str)
    own = region.isin([result.municipality, "NL"])
    return own | (region.str[:2].isin(["WK", "BU"]) & (region.str[2:6] == digits))


def inputs_text(result: Overview) -> str:
    """Say which files the report adds to the shipped data, or how to add current figures."""
    if not result.inputs:
        return (
            "Dit rapport gebruikt alleen de meegeleverde gegevens. Nieuwere cijfers voegt u toe "
            f"met `ivp fetch --municipality {result.municipality}` gevolgd door "
            "`ivp report --data fetched`, of met een eigen download: `ivp report --input "
            "BESTAND` (of `inputs:` in het parameterbestand); zie `docs/data.md`."
        )
    n = len(result.inputs)
    files = ", ".join(f"`{Path(p).name}`" for p in result.inputs)
    return (
        f"Dit rapport voegt {n} {'bestand' if n == 1 else 'bestanden'} toe aan de meegeleverde "
        f"gegevens: {files}. Waar een toegevoegd bestand en de meegeleverde gegevens een cijfer "
        "hebben voor dezelfde regio, code en periode, telt het cijfer uit het toegevoegde bestand "
        "(een later bestand gaat voor een eerder). Uitzonderingen staan met hun reden in de tabel "
        "van de vervangen cijfers: het plan blijft zoals het gedrukt is en de afgeronde totalen "
        "van CBS 83648NED blijven een eigen reeks. De SHA-256 van elk bestand staat in "
        "`manifest.json`, zodat `ivp verify` ook deze bestanden controleert."
    )


def inputs_table(result: Overview) -> pd.DataFrame:
    """Return the edition of every added file: format, table, figures, periods and dates.

    Examples
    --------
    >>> v = pd.DataFrame([{"input": "x/data.csv", "format": "politie-download-table", "table": "",
    ...     "rows": 9, "regions": 3, "first_period": "2022", "last_period": "2024",
    ...     "provisional": "2024", "published": "", "retrieved": ""}])
    >>> inputs_table(Overview("GM1", "X", pd.DataFrame(), pd.DataFrame(), vintages=v,
    ...                       inputs=("x/data.csv",))).iloc[0].astype(str).tolist()
    ['x/data.csv', 'politie-download-table', '–', '9', '3', '2022 t/m 2024', '2024', '–', '–']
    """
    v = result.vintages
    if v.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "bestand": v["input"],
            "formaat": v["format"],
            "tabel": v["table"].replace("", "–"),
            "cijfers": v["rows"],
            "regio's": v["regions"],
            "periode": [
                a if a == b else f"{a} t/m {b}"
                for a, b in zip(v["first_period"], v["last_period"], strict=True)
            ],
            "voorlopig": v["provisional"].replace("", "–"),
            "tabel gewijzigd": v["published"].map(lambda d: date_nl(d or None)),
            "opgehaald": v["retrieved"].map(lambda d: date_nl(d or None)),
        }
    )


def _number(v: float) -> str:
    return "leeg" if pd.isna(v) else format_nl(v, 0)


def overrides_table(result: Overview) -> pd.DataFrame:
    """Return the shipped figures of the municipality, its wijken and NL that an added file meets."""
    o = result.overrides
    o = o[_own(result, o)]
    if o.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "gegevensbestand": o["dataset"],
            "regio": o["region"],
            "code": o["code"],
            "periode": o["period"].astype(str),
            "meegeleverd": o["shipped_value"].map(_number),
            "toegevoegd": o["added_value"].map(_number),
            "vervangen": o["replaced"].map({True: "ja", False: "nee"}),
            "toelichting": o["reason"],
            "bestand": o["source_file"],
        }
    ).head(MAX_ROWS)


def overrides_text(result: Overview) -> str:
    """Count the shipped figures the added files met: replaced, equal or changed, kept and why."""
    o = result.overrides
    if not result.inputs:
        return ""
    if o.empty:
        return (
            "De toegevoegde bestanden hebben geen cijfer voor een regio, code en periode die ook "
            "in de meegeleverde gegevens staat: ze vullen alleen aan."
        )
    replaced = o[o["replaced"]]
    changed = replaced[replaced["shipped_value"] != replaced["added_value"]]
    lines = [
        f"De toegevoegde bestanden raken {format_nl(len(o), 0)} meegeleverde cijfers: "
        f"{format_nl(len(replaced), 0)} vervangen (waarvan {format_nl(len(changed), 0)} met een "
        f"andere waarde) en {format_nl(len(o) - len(replaced), 0)} blijven staan, met de reden "
        "in de tabel. Alle staan in `results/data_overrides.csv`."
    ]
    shown = _own(result, o)
    if int(shown.sum()) > MAX_ROWS:
        lines.append(f"De tabel toont de eerste {MAX_ROWS} van {format_nl(int(shown.sum()), 0)}.")
    if int((~shown).sum()):
        lines.append(
            f"{format_nl(int((~shown).sum()), 0)} cijfers gelden voor andere gemeenten en staan "
            "niet in de tabel."
        )
    return " ".join(lines)


def show_inputs(result: Overview) -> None:
    """Display the added files with their edition and the shipped figures they meet (if any)."""
    from ivp_analysis.present.display import show_markdown, show_table

    show_markdown(inputs_text(result))
    if not result.inputs:
        return
    show_table(inputs_table(result), caption="Toegevoegde bestanden en hun editie")
    show_markdown(overrides_text(result))
    table = overrides_table(result)
    if len(table):
        show_table(
            table, caption="Meegeleverde cijfers waarvoor een toegevoegd bestand een cijfer heeft"
        )


def write_tables(result: Overview, results_dir: str | Path) -> list:
    """Write the result tables of the data chapter (``data_inputs`` and ``data_overrides`` too
    when the report adds files)."""
    from ivp_analysis.present.display import write_results

    return [write_results(df, name, results_dir) for name, df in result.result_tables.items()]
