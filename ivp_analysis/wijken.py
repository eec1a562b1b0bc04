"""Counts and rates per wijk of a municipality, from buurt (or wijk) figures.

Buurt codes nest in wijk codes (``BU19260101`` lies in ``WK192601``, which lies in ``GM1926``), so
buurt figures add up to wijk figures without a lookup table. Buurt sums fall short of the municipal
total: crimes the police cannot place in a buurt count for the municipality only (GM1926 2023:
1,648 in the buurten against 1,663 in 47013NED); :func:`shortfall` computes it where the data hold
the municipal figure of the same code and year.

:func:`analyse` gives the section of the crime chapter (:class:`WijkFigures`): per wijk, crime type
and year within the data vintage the count and the rate per 1,000 inhabitants with its exact
Poisson 95 % interval (one year of buurt figures gives no dispersion and no trend), and the
shortfall against the municipal figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ivp_analysis import codes, refs
from ivp_analysis.refs import SOURCE_COLUMNS
from ivp_analysis.stats import quasipoisson as qp

#: Columns of ``wijken.csv``.
WIJK_COLUMNS = [
    "region",
    "wijk",
    "wijk_name",
    "code",
    "label",
    "year",
    "count",
    "buurten",
    "population",
    "population_year",
    "rate_per_1000",
    "rate_ci_low",
    "rate_ci_high",
    "status",
    *SOURCE_COLUMNS,
]
#: Columns of :attr:`WijkFigures.shortfall`.
SHORTFALL_COLUMNS = [
    "code",
    "label",
    "year",
    "buurt_sum",
    "municipal_count",
    "municipal_source",
    "municipal_file",
    "shortfall",
    "shortfall_pct",
]


def wijk_of(region: str) -> str | None:
    """Return the wijk code a buurt or wijk code lies in (None for other levels).

    Examples
    --------
    >>> wijk_of("BU19260101"), wijk_of("WK192603"), wijk_of("GM1926")
    ('WK192601', 'WK192603', None)
    """
    if region.startswith("BU") and len(region) == 10:
        return "WK" + region[2:8]
    if region.startswith("WK") and len(region) == 8:
        return region
    return None


def _in(region: str, digits: str) -> bool:
    return region[:2] in ("BU", "WK") and region[2:6] == digits


def _of(df: pd.DataFrame, digits: str) -> pd.DataFrame:
    """Return the buurt and wijk rows of the municipality with these four digits."""
    mask = np.array([_in(str(r), digits) for r in df["region"]], dtype=bool)
    return df[mask]


def _status(s: pd.Series) -> str:
    if (s == "provisional").any():
        return "provisional"
    return "final" if (s == "final").all() else "unknown"


def _sum_buurten(buurt: pd.DataFrame) -> pd.DataFrame:
    """Sum buurt rows per wijk, code and period: count (NaN if any buurt is), cells, status."""
    rows = []
    for (wijk, code, period), g in buurt.groupby(["wijk", "code", "period"], sort=True):
        file, key = refs.refer(g["file"], g["key"]) if "key" in g else ("", "")
        count = g["value"].sum(min_count=len(g))
        status = _status(g["status"]) if "status" in g else "unknown"
        rows.append((wijk, code, period, count, len(g), status, file, key))
    cols = ["wijk", "code", "period", "count", "buurten", "status", *SOURCE_COLUMNS]
    return pd.DataFrame(rows, columns=cols)


def per_wijk(
    crime: pd.DataFrame,
    population: pd.DataFrame,
    municipality: str,
    code: str | None = codes.TOTAL_CRIME,
) -> pd.DataFrame:
    """Return counts and rates per 1,000 inhabitants per wijk of a municipality.

    Parameters
    ----------
    crime : pandas.DataFrame
        Tidy frame with buurt (``BU...``) or wijk (``WK...``) rows; buurt rows are summed per
        wijk, wijk rows are taken as they are (a wijk with both uses its wijk row).
    population : pandas.DataFrame
        Tidy frame of inhabitants per buurt or wijk (any population code; the latest period).
    municipality : str
        ``GM`` code, e.g. ``GM1926``.
    code : str or None
        Crime code to report (default the total ``0.0.0``; ``None``: every code present).

    Returns
    -------
    pandas.DataFrame
        One row per wijk, code and period: ``wijk``, ``wijk_name``, ``code``, ``period``,
        ``count``, ``buurten`` (how many buurt rows were summed; 0 for a published wijk row),
        ``status``, ``source_file``, ``source_key``, ``population``, ``population_period`` and
        ``rate_per_1000`` (NaN without population). A withheld buurt makes its wijk's count NaN
        rather than too low.
    """
    digits = municipality[2:]
    rows = _of(crime, digits)
    if code is not None:
        rows = rows[rows["code"] == code]
    rows = rows.assign(wijk=rows["region"].map(wijk_of))
    for col, default in (("status", "unknown"), ("file", ""), ("key", "")):
        if col not in rows:
            rows = rows.assign(**{col: default})
    summed = _sum_buurten(rows[rows["region"].str.startswith("BU")])
    wk = rows[rows["region"].str.startswith("WK")]
    published = pd.DataFrame(
        {
            "wijk": wk["wijk"],
            "code": wk["code"],
            "period": wk["period"],
            "count": wk["value"],
            "buurten": 0,
            "status": wk["status"],
            "source_file": wk["file"],
            "source_key": wk["key"],
        }
    )
    keys = set(zip(published["wijk"], published["code"], published["period"], strict=True))
    own = [
        k not in keys for k in zip(summed["wijk"], summed["code"], summed["period"], strict=True)
    ]
    out = pd.concat([published, summed[own]], ignore_index=True)
    out = out.merge(_wijk_population(population, digits), on="wijk", how="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate_per_1000"] = out["count"] / out["population"] * 1000
    names = codes.region_list().names
    out.insert(1, "wijk_name", out["wijk"].map(lambda w: names.get(w, w)))
    return out.sort_values(["wijk", "code", "period"]).reset_index(drop=True)


def _wijk_population(population: pd.DataFrame, digits: str) -> pd.DataFrame:
    pop = _of(population, digits)
    if pop.empty:
        return pd.DataFrame(columns=["wijk", "population", "population_period"])
    latest = pop["period"].max()
    pop = pop[pop["period"] == latest].assign(wijk=lambda d: d["region"].map(wijk_of))
    wk = pop[pop["region"].str.startswith("WK")].set_index("wijk")["value"]
    bu = pop[pop["region"].str.startswith("BU")].groupby("wijk")["value"].sum(min_count=1)
    total = wk.combine_first(bu)
    return pd.DataFrame(
        {"wijk": total.index, "population": total.values, "population_period": latest}
    )


def wijk_table(
    crime: pd.DataFrame,
    population: pd.DataFrame,
    municipality: str,
    last_year: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Return ``wijken.csv``: every wijk, crime type and year up to ``last_year`` with its rate.

    The interval is the exact Poisson interval of the rate (:func:`~ivp_analysis.stats.
    quasipoisson.rate_interval` without a dispersion): one year per wijk has no spread of its
    own to estimate, so it may be too narrow where the counts vary more than chance.

    Examples
    --------
    >>> Y = lambda y: pd.Period(str(y), "Y")
    >>> crime = pd.DataFrame({"region": ["BU19260101", "BU19260102"], "code": "0.0.0",
    ...                       "period": Y(2023), "value": [6.0, 4.0]})
    >>> pop = pd.DataFrame({"region": ["BU19260101", "BU19260102"], "code": "p",
    ...                     "period": Y(2024), "value": [600.0, 400.0]})
    >>> t = wijk_table(crime, pop, "GM1926", 2023)
    >>> t[["wijk", "count", "population_year", "rate_per_1000", "rate_ci_low", "rate_ci_high"]].values.tolist()
    [['WK192601', 10.0, 2024, 10.0, 4.795, 18.39]]
    """
    w = per_wijk(crime, population, municipality, code=None)
    w["year"] = w["period"].map(lambda p: p.year).astype(int)
    w = w[w["year"] <= last_year]
    lo, hi = qp.rate_interval(w["count"], w["population"], np.nan, np.inf, level)
    labels = codes.code_list().table.set_index("code")["label"]
    out = w.assign(
        region=municipality,
        label=w["code"].map(labels),
        population_year=w["population_period"].map(lambda p: p.year if pd.notna(p) else np.nan),
        rate_per_1000=w["rate_per_1000"].round(3),
        rate_ci_low=np.round(lo, 3),
        rate_ci_high=np.round(hi, 3),
    )
    return out.sort_values(["code", "year", "wijk"])[WIJK_COLUMNS].reset_index(drop=True)


def shortfall(table: pd.DataFrame, municipal: pd.DataFrame, municipality: str) -> pd.DataFrame:
    """Return, per code and year of ``table``, the buurt sum against the municipal figure.

    Parameters
    ----------
    table : DataFrame
        :func:`wijk_table`.
    municipal : DataFrame
        Tidy frames of municipal figures, the preferred source first (added inputs, the police
        table, the plan): the first figure of the code and year counts.

    Examples
    --------
    >>> t = pd.DataFrame({"code": "0.0.0", "label": "x", "year": 2023, "count": [864.0, 578.0, 206.0]})
    >>> m = pd.DataFrame({"region": "GM1926", "code": "0.0.0", "period": [pd.Period("2023", "Y")],
    ...                   "value": [1663.0], "source": "Politie", "file": "f.csv"})
    >>> shortfall(t, m, "GM1926")[["buurt_sum", "municipal_count", "shortfall"]].values.tolist()
    [[1648.0, 1663.0, 15.0]]
    """
    m = municipal.reindex(columns=[*municipal.columns, *({"source", "file"} - set(municipal))])
    m = m[(m["region"] == municipality) & m["value"].notna()]
    m = m[m["period"].map(lambda p: p.freqstr.startswith("Y")).astype(bool)]
    years = pd.Series([p.year for p in m["period"]], index=m.index, dtype="int64")
    m = m.assign(year=years).drop_duplicates(["code", "year"])
    sums = table.groupby(["code", "label", "year"], sort=True)["count"].sum(min_count=1)
    out = sums.rename("buurt_sum").reset_index()
    out = out.merge(
        m[["code", "year", "value", "source", "file"]].rename(
            columns={
                "value": "municipal_count",
                "source": "municipal_source",
                "file": "municipal_file",
            }
        ),
        on=["code", "year"],
        how="left",
    )
    out["shortfall"] = out["municipal_count"] - out["buurt_sum"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["shortfall_pct"] = (100 * out["shortfall"] / out["municipal_count"]).round(1)
    return out[SHORTFALL_COLUMNS]


@dataclass
class WijkFigures:
    """The section per wijk of the crime chapter.

    Attributes
    ----------
    municipality : str
    table : DataFrame
        ``wijken.csv`` (:func:`wijk_table`); empty when the data hold no buurt or wijk figures of
        the municipality up to the data vintage.
    shortfall : DataFrame
        :func:`shortfall` (NaN municipal figure: none in the data for that code and year).
    later_years : list of int
        Years of buurt figures after the data vintage, left out.
    level : float
    """

    municipality: str
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=WIJK_COLUMNS))
    shortfall: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SHORTFALL_COLUMNS))
    later_years: list[int] = field(default_factory=list)
    level: float = 0.95

    @property
    def years(self) -> list[int]:
        """The years of buurt figures shown."""
        return sorted({int(y) for y in self.table["year"]})


def analyse(
    crime: pd.DataFrame,
    population: pd.DataFrame,
    municipal: pd.DataFrame,
    municipality: str,
    last_year: int,
    level: float = 0.95,
) -> WijkFigures:
    """Return the figures per wijk of a municipality up to ``last_year`` (the data vintage)."""
    own = _of(crime, municipality[2:])
    if own.empty:
        return WijkFigures(municipality, level=level)
    all_years = sorted({p.year for p in own["period"]})
    table = wijk_table(own, population, municipality, last_year, level)
    return WijkFigures(
        municipality=municipality,
        table=table,
        shortfall=shortfall(table, municipal, municipality),
        later_years=[y for y in all_years if y > last_year],
        level=level,
    )
