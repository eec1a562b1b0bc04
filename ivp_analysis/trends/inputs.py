"""The inputs of the crime trends: the shipped data as tidy frames, a municipality's series with
its population, the national series, and the small-number check.

Every rate uses the CBS average population over the year (70072ned ``population_avg``).
``GM0000`` (crimes the police could not place in a municipality) has no population: it counts
towards the Netherlands' total but gets no rate and is never a peer.

The functions take tidy frames (the output of :func:`ivp_analysis.load_table`, or hand-made
frames with a ``year`` column instead of ``period``) so that each step can be tested on a few
rows worked out by hand; :func:`load_inputs` collects the shipped data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ivp_analysis import refs
from ivp_analysis.refs import SOURCE_COLUMNS
from ivp_analysis.vocab import SOURCE_CBS, SOURCE_NL, SOURCE_PLAN, SOURCE_POLICE

#: Region code of the Netherlands in the result tables.
NATIONAL = "NL"
#: Crimes the police could not place: counted nationally, no population, never a peer.
UNKNOWN_MUNICIPALITY = "GM0000"
#: Code of the total number of crimes (CBS 83648NED and the plan; not in 47018NED).
TOTAL = "0.0.0"
#: The columns that name one series: the same code from two sources is two series.
SERIES_KEYS = ["region", "code", "source"]
#: Columns of a series frame (:func:`counts_with_population`); ``source_file`` and
#: ``source_key`` name the cell each count was read from (:mod:`ivp_analysis.refs`).
SERIES_COLUMNS = [
    "region",
    "code",
    "label",
    "year",
    "count",
    "population",
    "status",
    "source",
    *SOURCE_COLUMNS,
]


def yearly(df: pd.DataFrame) -> pd.DataFrame:
    """Return the yearly rows of a tidy frame with an integer ``year`` column.

    Examples
    --------
    >>> d = pd.DataFrame({"period": pd.PeriodIndex(["2020", "2021"], freq="Y"), "value": [1, 2]})
    >>> yearly(d)["year"].tolist()
    [2020, 2021]
    """
    if "year" in df.columns:
        return df.assign(year=df["year"].astype(int))
    per = df["period"]
    if isinstance(per.dtype, pd.PeriodDtype):
        if per.dtype.freq.freqstr.startswith("Y"):
            return df.assign(year=per.dt.year.astype(int))
        return df.iloc[0:0].assign(year=pd.Series(dtype=int))
    keep = per.map(lambda p: isinstance(p, pd.Period) and p.freqstr.startswith("Y"))
    out = df[keep.astype(bool)]
    return out.assign(year=out["period"].map(lambda p: p.year).astype(int))


def cbs_totals(*frames: pd.DataFrame) -> pd.DataFrame:
    """Combine CBS 83648NED total-crime frames and drop the rows of municipalities that did not exist.

    In the 2010-2020 extract a region-year with all six measures 0 is a municipality that did not
    exist that year (before a merger created it, or after it merged); the loader keeps only the
    total, and a real municipality never has a total of 0, so a 0 total is treated as missing.

    Examples
    --------
    >>> a = pd.DataFrame({"region": ["GM0305", "GM0305"], "code": "0.0.0", "year": [2010, 2011],
    ...                   "value": [550.0, 0.0]})
    >>> cbs_totals(a)["year"].tolist()
    [2010]
    """
    df = pd.concat([yearly(f) for f in frames], ignore_index=True)
    return df[df["value"].notna() & (df["value"] != 0)].reset_index(drop=True)


def counts_with_population(
    counts: pd.DataFrame, population: pd.DataFrame, source: str | None = None
) -> pd.DataFrame:
    """Join counts with the population of the same region and year.

    Parameters
    ----------
    counts : DataFrame
        Tidy frame with ``region``, ``code``, ``label``, ``period`` or ``year``, ``value`` and
        ``status``.
    population : DataFrame
        Tidy frame of ``population_avg`` with ``region``, ``period`` or ``year``, ``value``.
    source : str, optional
        Written into the ``source`` column (otherwise the frame's own ``source`` is kept).

    Returns
    -------
    DataFrame
        ``region, code, label, year, count, population, status, source``; rows without a count
        (a footnote in the plan) are dropped; a missing population stays NaN.

    Examples
    --------
    >>> c = pd.DataFrame({"region": ["GM1", "GM0000"], "code": "1.1.1", "label": "x",
    ...                   "year": 2020, "value": [5.0, 2.0], "status": "final"})
    >>> p = pd.DataFrame({"region": ["GM1"], "year": [2020], "value": [1000.0]})
    >>> counts_with_population(c, p, "S")[["region", "count", "population"]].values.tolist()
    [['GM1', 5.0, 1000.0], ['GM0000', 2.0, nan]]
    """
    c = yearly(counts)
    c = c[c["value"].notna()]
    if "status" not in c.columns:
        c = c.assign(status="unknown")
    if source is not None or "source" not in c.columns:
        c = c.assign(source=source or "")
    c = c.assign(
        source_file=c["file"] if "file" in c else "", source_key=c["key"] if "key" in c else ""
    )
    c = c[["region", "code", "label", "year", "value", "status", "source", *SOURCE_COLUMNS]]
    c = c.rename(columns={"value": "count"})
    pop = yearly(population)[["region", "year", "value"]].rename(columns={"value": "population"})
    out = c.merge(pop, on=["region", "year"], how="left", validate="many_to_one")
    return out[SERIES_COLUMNS].reset_index(drop=True)


@dataclass
class Inputs:
    """The shipped data the crime trends use, as tidy frames."""

    crime: pd.DataFrame  # Politie 47018NED, 12 types, incl. GM0000
    population: pd.DataFrame  # CBS 70072ned average population
    cbs_totals: pd.DataFrame  # CBS 83648NED 0.0.0, non-existing municipalities dropped
    plan: pd.DataFrame  # the plan's printed figures
    names: dict[str, str] = field(default_factory=dict)  # municipality code -> name
    buurt_crime: pd.DataFrame = field(default_factory=pd.DataFrame)  # buurt and wijk figures
    buurt_population: pd.DataFrame = field(default_factory=pd.DataFrame)  # inhabitants per buurt
    added: pd.DataFrame = field(default_factory=pd.DataFrame)  # every figure of added inputs

    def municipal_figures(self) -> pd.DataFrame:
        """Return the municipal figures a buurt sum is held against: added, police, plan."""
        frames = [f for f in (self.added, self.crime, self.plan) if len(f)]
        cols = ["region", "code", "period", "value", "source", "file"]
        if not frames:
            return pd.DataFrame(columns=cols)
        return pd.concat([f[cols] for f in frames if set(cols) <= set(f)], ignore_index=True)

    @property
    def years(self) -> tuple[int, int]:
        """First and last year of the police series."""
        return int(self.crime["year"].min()), int(self.crime["year"].max())

    @property
    def plan_regions(self) -> tuple[str, ...]:
        """The municipalities the shipped plan has figures for."""
        return tuple(sorted(set(self.plan["region"])))


def load_inputs(given: Sequence[str] = ()) -> Inputs:
    """Load the data sets the trends analysis needs, with the report's added ``given`` inputs.

    The added figures lay over the police series and the population within their scope
    (:data:`ivp_analysis.datasets.SCOPES`); the CBS totals and the plan stay as published and
    as printed.
    """
    from ivp_analysis import datasets

    # One copy of the 47018NED frame, split here: each datasets helper would copy it again.
    raw = yearly(datasets.get("municipal_crime", given))
    is_pop = raw["code"].to_numpy(dtype=object) == "population_avg"
    crime = raw[~is_pop].reset_index(drop=True)
    known = crime[crime["region"] != UNKNOWN_MUNICIPALITY].drop_duplicates("region")
    return Inputs(
        crime=crime,
        population=raw[is_pop].reset_index(drop=True),
        cbs_totals=cbs_totals(
            datasets.get("cbs_totals_2010_2020", given), datasets.get("cbs_totals_2022", given)
        ),
        plan=yearly(datasets.get("plan_figures", given)),
        names=dict(sorted(zip(known["region"], known["region_name"], strict=True))),
        buurt_crime=datasets.get("buurt_crime_2023", given),
        buurt_population=datasets.get("buurt_population_2024", given),
        added=datasets.added_figures(given),
    )


def municipal_series(
    inputs: Inputs, municipality: str, first_year: int, last_year: int
) -> pd.DataFrame:
    """Return every shipped series of one municipality within the years, with its population.

    The 12 police types come from 47018NED; the total (0.0.0) from CBS 83648NED and, separately,
    from the plan: two sources, two series, never mixed.
    """
    crime = inputs.crime[inputs.crime["region"] == municipality]
    cbs = inputs.cbs_totals[inputs.cbs_totals["region"] == municipality]
    plan = inputs.plan[(inputs.plan["region"] == municipality) & (inputs.plan["code"] == TOTAL)]
    parts = [
        counts_with_population(crime, inputs.population, SOURCE_POLICE),
        counts_with_population(cbs, inputs.population, SOURCE_CBS),
        counts_with_population(plan, inputs.population, SOURCE_PLAN),
    ]
    df = pd.concat(parts, ignore_index=True)
    return df[df["year"].between(first_year, last_year)].reset_index(drop=True)


def all_municipalities(inputs: Inputs, first_year: int, last_year: int) -> pd.DataFrame:
    """Return the 47018NED counts of every municipality (without GM0000) with population."""
    crime = inputs.crime[
        (inputs.crime["region"] != UNKNOWN_MUNICIPALITY)
        & inputs.crime["year"].between(first_year, last_year)
    ]
    return counts_with_population(crime, inputs.population, SOURCE_POLICE)


def national_series(
    crime: pd.DataFrame, population: pd.DataFrame, first_year: int = 0, last_year: int = 9999
) -> pd.DataFrame:
    """Sum the municipal counts (including GM0000) and populations into a national series.

    The national population is the sum of the average population of every municipality present
    that year (current and former codes, each year's own boundaries). A sum with a missing count
    is missing. A year is provisional when any of its municipal figures is.

    Examples
    --------
    >>> c = pd.DataFrame({"region": ["GM1", "GM2", "GM0000"], "code": "1.1.1", "label": "x",
    ...                   "year": 2020, "value": [5.0, 7.0, 3.0], "status": "final"})
    >>> p = pd.DataFrame({"region": ["GM1", "GM2"], "year": 2020, "value": [1000.0, 4000.0]})
    >>> national_series(c, p)[["region", "count", "population"]].values.tolist()
    [['NL', 15.0, 5000.0]]
    """
    c = yearly(crime)
    c = c[c["year"].between(first_year, last_year)]
    if "file" not in c or "key" not in c:
        c = c.assign(file="", key="")
    g = c.groupby(["code", "year"], sort=True)
    out = g.agg(label=("label", "first"), count=("value", "sum"))
    cells = g[["file", "key"]].apply(lambda d: refs.refer(d["file"], d["key"]))
    out["source_file"] = cells.map(lambda fk: fk[0])
    out["source_key"] = cells.map(lambda fk: fk[1])
    out["count"] = out["count"].where(g["value"].count() == g["value"].size())
    prov = g["status"].agg(lambda s: (s == "provisional").any())
    final = g["status"].agg(lambda s: (s == "final").all())
    out["status"] = np.where(prov, "provisional", np.where(final, "final", "unknown"))
    pop = yearly(population).groupby("year")["value"].sum(min_count=1).rename("population")
    out = out.reset_index().merge(pop, left_on="year", right_index=True, how="left")
    out["region"] = NATIONAL
    out["source"] = SOURCE_NL
    return out[SERIES_COLUMNS]


def population_in(inputs: Inputs, year: int) -> pd.Series:
    """Return the average population of every current municipality in ``year`` (code -> people)."""
    p = inputs.population
    p = p[(p["year"] == year) & p["region"].isin(list(inputs.names))]
    return p.set_index("region")["value"]


#: A series whose median yearly count is below this is "small numbers": the caveats list it, and
#: it gets no rate ranking (peer rank, position, national percentile). At 20 a year one case is 5 %
#: and the Poisson noise alone about 22 %: a rank would mostly order chance.
SMALL_COUNT = 20.0


def median_counts(series: pd.DataFrame, keys: list[str] | None = None) -> pd.Series:
    """Return the median yearly count of every series (indexed by ``keys``).

    Examples
    --------
    >>> s = pd.DataFrame({"code": ["a", "a", "a"], "count": [3.0, 5.0, 40.0]})
    >>> median_counts(s, ["code"]).tolist()
    [5.0]
    """
    return series.groupby(keys or SERIES_KEYS, sort=True)["count"].median()


def small_numbers(series: pd.DataFrame, threshold: float = SMALL_COUNT) -> pd.DataFrame:
    """Return the series whose median yearly count is below ``threshold`` (a handful of cases).

    Examples
    --------
    >>> s = pd.DataFrame({"code": ["a", "a", "b", "b"], "label": "x", "source": "S",
    ...                   "count": [3.0, 5.0, 100.0, 90.0]})
    >>> small_numbers(s)["code"].tolist()
    ['a']
    """
    g = series.groupby(["code", "label", "source"], sort=True)["count"]
    out = g.agg(["median", "min", "max"]).reset_index()
    return out[out["median"] < threshold].reset_index(drop=True)
