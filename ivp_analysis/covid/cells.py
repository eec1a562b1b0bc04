"""Where the COVID-19 result tables come from: ``source_file`` and ``source_key`` per row.

The models work on month x code tables, so the cell of each count is looked up afterwards in the
tidy frames the chapter read (:mod:`ivp_analysis.refs`):

* ``covid_national.csv``: the observed count of the code and month (47022NED);
* ``covid_summary.csv``: the observed counts of the period's months, as one pattern;
* ``covid_national_years.csv``: the twelve months of the year;
* ``covid_municipal.csv``: the observed count of the municipality, code and year (47018NED).

An expected count is a model output: it comes from the same series' months (years) of the
pre-period, whose cells the rows of those months name; the docs say so (docs/results.md).
"""

from __future__ import annotations

import pandas as pd

from ivp_analysis import refs
from ivp_analysis.refs import SOURCE_COLUMNS


def _cell_table(tidy: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return ``keys`` (the period as text in ``period``) with ``file`` and ``key`` of each cell."""
    t = tidy.assign(period=tidy["period"].astype(str))
    return t[[*keys, "file", "key"]].drop_duplicates([*keys])


def _months(first: object, last: object) -> list[str]:
    if not isinstance(first, str | pd.Period) or not isinstance(last, str | pd.Period):
        return []
    return [str(p) for p in pd.period_range(str(first), str(last), freq="M")]


def _lookup(monthly: pd.DataFrame) -> dict[tuple[str, str], tuple[str, str]]:
    """Return ``(code, month) -> (file, key)`` of the cells of ``monthly``."""
    t = _cell_table(monthly, ["code", "period"])
    return {
        (c, p): (f, k)
        for c, p, f, k in zip(t["code"], t["period"], t["file"], t["key"], strict=True)
    }


def _refer(lookup: dict, wanted: list[tuple[str, str]]) -> tuple[str, str]:
    """Return ``(source_file, source_key)`` of the cells ``wanted`` that ``lookup`` holds."""
    hit = [lookup[w] for w in wanted if w in lookup]
    return refs.refer([f for f, _ in hit], [k for _, k in hit])


def national_cells(national: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Return ``covid_national.csv`` with the cell of each observed count."""
    lookup = _lookup(monthly)
    pairs = [
        _refer(lookup, [(c, str(m))])
        for c, m in zip(national["code"], national["month"], strict=True)
    ]
    return _assign(national, pairs)


def summary_cells(summary: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Return ``covid_summary.csv`` with the cells of the observed counts of each period."""
    lookup = _lookup(monthly)
    pairs = [
        _refer(lookup, [(code, m) for m in _months(first, last)])
        for code, first, last in zip(
            summary["code"], summary["first_month"], summary["last_month"], strict=True
        )
    ]
    return _assign(summary, pairs)


def years_cells(years: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Return ``covid_national_years.csv`` with the cells of the twelve months of each year."""
    lookup = _lookup(monthly)
    pairs = [
        _refer(lookup, [(code, m) for m in _months(f"{year}-01", f"{year}-12")])
        for code, year in zip(years["code"], years["year"], strict=True)
    ]
    return _assign(years, pairs)


def municipal_cells(municipal: pd.DataFrame, crime: pd.DataFrame) -> pd.DataFrame:
    """Return ``covid_municipal.csv`` with the cell of each observed count."""
    cells = _cell_table(crime, ["region", "code", "period"])
    m = municipal.assign(period=municipal["year"].astype(str))
    out = m.merge(cells, on=["region", "code", "period"], how="left", validate="many_to_one")
    pairs = [refs.refer([f], [k]) for f, k in zip(out["file"], out["key"], strict=True)]
    return _assign(municipal, pairs)


def _assign(df: pd.DataFrame, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    out = df.copy()
    out[SOURCE_COLUMNS[0]] = [f for f, _ in pairs]
    out[SOURCE_COLUMNS[1]] = [k for _, k in pairs]
    return out
