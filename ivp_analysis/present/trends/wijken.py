"""The section per wijk of the crime chapter for readers: table and generated sentences in Dutch,
made from the :class:`ivp_analysis.wijken.WijkFigures` of a :class:`~ivp_analysis.trends.TrendAnalysis`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ivp_analysis.present.numbers import format_nl
from ivp_analysis.present.trends.formats import interval
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.wijken import WijkFigures


def _figures(result: TrendAnalysis) -> WijkFigures:
    return result.wijken or WijkFigures(result.municipality)


def _fetch_hint(code: str, it: str = "ze") -> str:
    return (
        f"haal {it} op met `ivp fetch --municipality {code} --tables 47018NED` en maak het rapport "
        "opnieuw met `ivp report --data fetched` (of geef een eigen download van tabel 47018NED "
        "met `ivp report --input BESTAND`)"
    )


def _years(years: list[int]) -> str:
    return " en ".join(str(y) for y in years) if len(years) <= 2 else f"{years[0]}–{years[-1]}"


def wijken_table(result: TrendAnalysis) -> pd.DataFrame:
    """Return the counts and rates per wijk for readers (``*`` marks a provisional figure).

    Examples
    --------
    >>> from ivp_analysis import trends
    >>> r = trends.analyse("GM1926")
    >>> wijken_table(r).iloc[0].tolist()
    ['Pijnacker', '0.0.0 Totaal misdrijven', '2023', '864', '29.990', '28,81', '26,92–30,80']
    """
    t = _figures(result).table
    if t.empty:
        return pd.DataFrame()
    pop_year = t["population_year"].dropna()
    pop_col = f"inwoners 1 januari {int(pop_year.iloc[0])}" if len(pop_year) else "inwoners"
    return pd.DataFrame(
        {
            "wijk": t["wijk_name"],
            "soort": t["code"] + " " + t["label"].fillna(""),
            "jaar": [
                f"{y}*" if s == "provisional" else str(y)
                for y, s in zip(t["year"], t["status"], strict=True)
            ],
            "aantal": t["count"].map(lambda v: format_nl(v, 0)),
            pop_col: t["population"].map(lambda v: format_nl(v, 0)),
            "per 1.000 inwoners": t["rate_per_1000"].map(lambda v: format_nl(v, 2)),
            "95%-interval": [
                interval(lo, hi) for lo, hi in zip(t["rate_ci_low"], t["rate_ci_high"], strict=True)
            ],
        }
    )


def _about_text(result: TrendAnalysis, w: WijkFigures) -> list[str]:
    """Say what the table holds, where it comes from and what it does not support."""
    t = w.table
    years = w.years
    files = ", ".join(sorted({f"`{Path(f).name}`" for f in t["source_file"] if f}))
    n_wijken, n_buurten = t["wijk"].nunique(), int(t.groupby("wijk")["buurten"].max().sum())
    pop_years = sorted({int(y) for y in t["population_year"].dropna()})
    lines = [
        f"De tabel telt de buurtcijfers van {result.name} per wijk op: {n_buurten} buurten in "
        f"{n_wijken} wijken, {_years(years)}, {t['code'].nunique()} "
        f"{'soort' if t['code'].nunique() == 1 else 'soorten'} (bron: {files})."
    ]
    if pop_years:
        lag = ", een jaar na de cijfers" if pop_years[0] == years[-1] + 1 else ""
        lines.append(
            "Het cijfer per 1.000 inwoners deelt door het aantal inwoners op 1 januari "
            f"{pop_years[0]} (CBS 85984NED, per buurt{lag}), niet door de gemiddelde bevolking "
            "van het jaar zoals de rest van dit hoofdstuk."
        )
    lines.append(
        "Het 95%-interval is het exacte Poisson-interval: met één jaar per wijk is niet te "
        "schatten hoeveel de cijfers van jaar tot jaar schommelen, dus het interval kan te smal "
        "zijn."
    )
    if len(years) == 1:
        lines.append(
            f"Eén jaar buurtcijfers ({years[0]}) geeft aantallen en cijfers per wijk, geen trend "
            "en geen toets van een verandering."
        )
    else:
        lines.append(
            "Een verandering per wijk toetst dit hoofdstuk niet: de buurtbevolking is er voor één "
            "peildatum en de buurtindeling kan tussen jaren verschillen."
        )
    if (t["status"] == "provisional").any():
        lines.append("Een * bij het jaar: voorlopig cijfer.")
    return lines


def _shortfall_text(result: TrendAnalysis, w: WijkFigures) -> list[str]:
    """Say how far the buurt sums fall short of the municipal figure, or what is missing for it."""
    lines = []
    for r in w.shortfall.itertuples():
        name = f"{r.code} {r.label}"
        if pd.isna(r.municipal_count):
            lines.append(
                f"De buurten samen tellen {format_nl(r.buurt_sum, 0)} ({name}, {r.year}). Het "
                f"cijfer van de hele gemeente voor {r.year} staat niet in de gegevens van dit "
                "rapport, dus het verschil is niet uit te rekenen; het is er wel: misdrijven "
                "zonder (volledige) plaats tellen alleen voor de gemeente, zodat de som van de "
                "buurten lager uitvalt. Voor het gemeentelijk cijfer: "
                f"{_fetch_hint(result.municipality, 'het')}."
            )
            continue
        lines.append(
            f"De buurten samen tellen {format_nl(r.buurt_sum, 0)} ({name}, {r.year}), de gemeente "
            f"{format_nl(r.municipal_count, 0)} ({r.municipal_source}, "
            f"`{Path(str(r.municipal_file)).name}`): {format_nl(r.shortfall, 0)} misdrijven "
            f"({format_nl(r.shortfall_pct, 1)} %) kon de politie niet aan een buurt toewijzen "
            "(zonder of met een onvolledige plaats); die tellen alleen voor de gemeente."
        )
    return lines


def wijken_text(result: TrendAnalysis) -> str:
    """Write what the section shows per wijk, or why there is nothing and what to fetch."""
    w = _figures(result)
    last = result.moment.last_year
    if w.table.empty and not w.later_years:
        return (
            f"De gegevens van dit rapport bevatten geen cijfers per buurt of wijk van "
            f"{result.name}. Die publiceert de politie in tabel 47018NED: "
            f"{_fetch_hint(result.municipality)}."
        )
    later = ""
    if w.later_years:
        later = (
            f"Buurtcijfers van {_years(w.later_years)} tellen niet mee: ze liggen na het laatste "
            f"jaar van deze evaluatie ({last})."
        )
    if w.table.empty:
        return later
    return " ".join([*_about_text(result, w), *_shortfall_text(result, w), later]).strip()


def show_wijken(result: TrendAnalysis) -> None:
    """Display the section per wijk: the text and, where there are figures, the table."""
    from ivp_analysis.present.display import show_markdown, show_table

    show_markdown(wijken_text(result))
    table = wijken_table(result)
    if len(table):
        show_table(table, caption=f"Geregistreerde misdrijven per wijk van {result.name}")
