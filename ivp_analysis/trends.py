"""Crime trends for one municipality: counts and rates per 1,000, changes between years with an
exact test, a count-regression trend per crime type, peer benchmarks, the reconciliation of the
plan's printed figures with the official series, and conclusions written from those results.

Every rate uses the CBS average population over the year (70072ned ``population_avg``), so a
rate here is "per 1.000 inwoners (gemiddelde bevolking)". ``GM0000`` (crimes the police could
not place in a municipality) has no population: it counts towards the Netherlands' total but
gets no rate and is never a peer.

The functions take tidy frames (the output of :func:`ivp_analysis.load_table`, or hand-made
frames with a ``year`` column instead of ``period``) so that each step can be tested on a few
rows worked out by hand; :func:`load_inputs` collects the shipped data for the notebook.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ivp_analysis import cache
from ivp_analysis.errors import ParameterError
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.stats import countmodels as cm
from ivp_analysis.vocab import (
    FAMILY_NL,
    SOURCE_CBS,
    SOURCE_NL,
    SOURCE_PLAN,
    SOURCE_POLICE,
    VERDICT_DOWN,
    VERDICT_NA,
    VERDICT_UP,
    VERDICT_WITHIN,
)

#: Unit of every rate in tables and figure axes.
RATE_UNIT = "per 1.000 inwoners (gemiddelde bevolking)"
#: Region code of the Netherlands in the result tables.
NATIONAL = "NL"
#: Crimes the police could not place: counted nationally, no population, never a peer.
UNKNOWN_MUNICIPALITY = "GM0000"


#: Columns of ``trends.csv``: the issue's required columns first, then the added ones.
TRENDS_COLUMNS = [
    "region", "code", "year", "count", "population", "rate_per_1000", "status",
    "rate_ratio", "ci_low", "ci_high", "p_value", "verdict",
    "source", "label", "rate_ci_low", "rate_ci_high",
    "base_year", "rate_ratio_vs_base", "ci_low_vs_base", "ci_high_vs_base",
    "p_value_vs_base", "verdict_vs_base",
]  # fmt: skip

#: Columns of ``trend_models.csv``.
MODEL_COLUMNS = [
    "region", "code", "first_year", "last_year", "family", "pearson_chi2", "df",
    "dispersion_p", "alpha", "change_pct", "ci_low_pct", "ci_high_pct", "p_value", "verdict",
    "source", "label", "n_obs", "provisional_years", "nl_rank", "nl_n", "nl_percentile",
]  # fmt: skip

#: Columns of ``benchmark.csv``.
BENCHMARK_COLUMNS = [
    "region", "code", "label", "year", "count", "population", "rate_per_1000",
    "nl_rate_per_1000", "peer_group", "n_peers", "peer_q1", "peer_median", "peer_q3",
    "peer_rank", "position", "status",
]  # fmt: skip

#: Columns of ``reconciliation.csv``.
RECONCILIATION_COLUMNS = [
    "region", "code", "label", "year", "plan_value", "official_value", "official_source",
    "difference", "difference_pct", "match", "note",
]  # fmt: skip

#: Size classes of waarstaatjegemeente.nl: lower bound included, upper bound excluded.
SIZE_CLASSES: tuple[tuple[float, float, str], ...] = (
    (0, 10_000, "minder dan 10.000 inwoners"),
    (10_000, 20_000, "10.000 tot 20.000 inwoners"),
    (20_000, 50_000, "20.000 tot 50.000 inwoners"),
    (50_000, 100_000, "50.000 tot 100.000 inwoners"),
    (100_000, 150_000, "100.000 tot 150.000 inwoners"),
    (150_000, 250_000, "150.000 tot 250.000 inwoners"),
    (250_000, np.inf, "250.000 inwoners of meer"),
)

#: Match values of the reconciliation (English meaning in docs/trends.md).
MATCH_YES = "ja"
MATCH_NO = "nee"
MATCH_ROUNDING = "afronding"
MATCH_NO_SERIES = "geen officiële reeks meegeleverd"
MATCH_NOT_IN_PLAN = "geen cijfer in het plan"

#: Plan codes with a shipped official municipal series: code -> (source, rounding base).
PLAN_OFFICIAL_SOURCES: dict[str, tuple[str, int]] = {
    "0.0.0": (f"{SOURCE_CBS} (afgerond op 5)", 5),
    "1.1.1": (SOURCE_POLICE, 1),
    "1.2.1": (SOURCE_POLICE, 1),
    "1.2.2": (SOURCE_POLICE, 1),
}


# --------------------------------------------------------------------------- inputs


def _yearly(df: pd.DataFrame) -> pd.DataFrame:
    """Return the yearly rows of a tidy frame with an integer ``year`` column."""
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
    df = pd.concat([_yearly(f) for f in frames], ignore_index=True)
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
    c = _yearly(counts)
    c = c[c["value"].notna()]
    if "status" not in c.columns:
        c = c.assign(status="unknown")
    if source is not None or "source" not in c.columns:
        c = c.assign(source=source or "")
    c = c[["region", "code", "label", "year", "value", "status", "source"]].rename(
        columns={"value": "count"}
    )
    pop = _yearly(population)[["region", "year", "value"]].rename(columns={"value": "population"})
    out = c.merge(pop, on=["region", "year"], how="left", validate="many_to_one")
    cols = ["region", "code", "label", "year", "count", "population", "status", "source"]
    return out[cols].reset_index(drop=True)


@dataclass
class Inputs:
    """The shipped data the trends notebook uses, as tidy frames."""

    crime: pd.DataFrame  # Politie 47018NED, 12 types, incl. GM0000
    population: pd.DataFrame  # CBS 70072ned average population
    cbs_totals: pd.DataFrame  # CBS 83648NED 0.0.0, non-existing municipalities dropped
    plan: pd.DataFrame  # the plan's printed figures
    names: dict[str, str] = field(default_factory=dict)  # municipality code -> name


def load_inputs() -> Inputs:
    """Load the shipped data sets the trends analysis needs (read once per process)."""
    from ivp_analysis import datasets

    # One copy of the 47018NED frame, split here: each datasets helper would copy it again.
    raw = _yearly(datasets.get("municipal_crime"))
    is_pop = raw["code"].to_numpy(dtype=object) == "population_avg"
    crime = raw[~is_pop].reset_index(drop=True)
    known = crime[crime["region"] != UNKNOWN_MUNICIPALITY].drop_duplicates("region")
    return Inputs(
        crime=crime,
        population=raw[is_pop].reset_index(drop=True),
        cbs_totals=cbs_totals(
            datasets.get("cbs_totals_2010_2020"), datasets.get("cbs_totals_2022")
        ),
        plan=_yearly(datasets.get("plan_figures")),
        names=dict(sorted(zip(known["region"], known["region_name"], strict=True))),
    )


def municipal_series(
    inputs: Inputs, municipality: str, first_year: int, last_year: int
) -> pd.DataFrame:
    """Return every shipped series of one municipality within the years, with its population.

    The 12 police types come from 47018NED; the total (0.0.0) from CBS 83648NED and, separately,
    from the plan: two sources, two series, never mixed.
    """
    total = "0.0.0"
    parts = [
        counts_with_population(inputs.crime[inputs.crime["region"] == municipality],
                               inputs.population, SOURCE_POLICE),
        counts_with_population(inputs.cbs_totals[inputs.cbs_totals["region"] == municipality],
                               inputs.population, SOURCE_CBS),
        counts_with_population(inputs.plan[(inputs.plan["region"] == municipality)
                                            & (inputs.plan["code"] == total)],
                               inputs.population, SOURCE_PLAN),
    ]  # fmt: skip
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
    c = _yearly(crime)
    c = c[c["year"].between(first_year, last_year)]
    g = c.groupby(["code", "year"], sort=True)
    out = g.agg(label=("label", "first"), count=("value", "sum"))
    out["count"] = out["count"].where(g["value"].count() == g["value"].size())
    prov = g["status"].agg(lambda s: (s == "provisional").any())
    final = g["status"].agg(lambda s: (s == "final").all())
    out["status"] = np.where(prov, "provisional", np.where(final, "final", "unknown"))
    pop = _yearly(population).groupby("year")["value"].sum(min_count=1).rename("population")
    out = out.reset_index().merge(pop, left_on="year", right_index=True, how="left")
    out["region"] = NATIONAL
    out["source"] = SOURCE_NL
    cols = ["region", "code", "label", "year", "count", "population", "status", "source"]
    return out[cols]


# --------------------------------------------------------------------------- rates and changes


def rate_interval(count, population, level: float = 0.95, per: float = 1000.0):
    """Return the exact (Garwood) Poisson interval of a count, divided by population, per ``per``.

    Examples
    --------
    Ten events in 1,000 inhabitants: the exact 95 % interval of the count is 4.795 to 18.390.

    >>> lo, hi = rate_interval(10, 1000)
    >>> round(float(lo), 3), round(float(hi), 3)
    (4.795, 18.39)
    >>> [round(float(x), 3) for x in rate_interval(0, 1000)]
    [0.0, 3.689]
    """
    k = np.asarray(count, dtype=float)
    n = np.asarray(population, dtype=float)
    a = (1 - level) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(k > 0, stats.chi2.ppf(a, 2 * np.where(k > 0, k, 1)) / 2, 0.0)
        hi = stats.chi2.ppf(1 - a, 2 * (k + 1)) / 2
        ok = np.isfinite(k) & np.isfinite(n) & (n > 0)
        return (np.where(ok, lo / n * per, np.nan), np.where(ok, hi / n * per, np.nan))


def add_rates(df: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Add ``rate_per_1000`` (rounded to 3 decimals) and its exact 95 % interval.

    Examples
    --------
    Burglary in Pijnacker-Nootdorp in 2017: 103 crimes, average population 53,145.

    >>> add_rates(pd.DataFrame({"count": [103.0], "population": [53145.0]}))["rate_per_1000"].item()
    1.938
    """
    lo, hi = rate_interval(df["count"], df["population"], level)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = df["count"] / df["population"] * 1000
    return df.assign(
        rate_per_1000=rate.round(3), rate_ci_low=np.round(lo, 3), rate_ci_high=np.round(hi, 3)
    )


_KEYS = ["region", "code", "source"]


def add_year_changes(df: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Compare each year with the year before it (exact test of two Poisson rates).

    A year whose previous year is absent (the first year, or a gap such as CBS's missing 2021)
    gets no ratio and the verdict ``niet te toetsen``.

    Examples
    --------
    >>> d = pd.DataFrame({"region": "GM1926", "code": "1.1.1", "source": "S",
    ...     "year": [2020, 2021, 2022], "count": [73.0, 61.0, 76.0],
    ...     "population": [55491.0, 56123.0, 57122.0]})
    >>> out = add_year_changes(d)
    >>> out["rate_ratio"].round(2).tolist(), out["verdict"].tolist()[2]
    ([nan, 0.83, 1.22], 'binnen normale schommeling')
    """
    prev = df[[*_KEYS, "year", "count", "population"]].rename(
        columns={"count": "_c0", "population": "_p0"}
    )
    prev = prev.assign(year=prev["year"] + 1)
    m = df.merge(prev, on=[*_KEYS, "year"], how="left", validate="one_to_one")
    r = cm.rate_ratio_test(m["_c0"], m["_p0"], m["count"], m["population"], level)
    return m.drop(columns=["_c0", "_p0"]).assign(
        rate_ratio=r["rate_ratio"], ci_low=r["ci_low"], ci_high=r["ci_high"],
        p_value=r["p_value"], verdict=r["verdict"],
    )  # fmt: skip


def add_base_changes(df: pd.DataFrame, base_year: int, level: float = 0.95) -> pd.DataFrame:
    """Compare every year after ``base_year`` with the base year (exact test of two Poisson rates).

    Examples
    --------
    >>> d = pd.DataFrame({"region": "GM1926", "code": "1.1.1", "source": "S",
    ...     "year": [2021, 2022, 2023], "count": [61.0, 76.0, 37.0],
    ...     "population": [56123.0, 57122.0, 57802.0]})
    >>> out = add_base_changes(d, 2022)
    >>> out["verdict_vs_base"].tolist()
    [None, None, 'significante daling']
    """
    base = df.loc[df["year"] == base_year, [*_KEYS, "count", "population"]].rename(
        columns={"count": "_c0", "population": "_p0"}
    )
    m = df.merge(base, on=_KEYS, how="left", validate="many_to_one")
    after = (m["year"] > base_year).to_numpy()
    r = cm.rate_ratio_test(m["_c0"], m["_p0"], m["count"], m["population"], level)
    out = m.drop(columns=["_c0", "_p0"])
    out["base_year"] = pd.array(np.where(after, base_year, 0), dtype="Int64")
    out.loc[~after, "base_year"] = pd.NA
    for name, key in (("rate_ratio_vs_base", "rate_ratio"), ("ci_low_vs_base", "ci_low"),
                      ("ci_high_vs_base", "ci_high"), ("p_value_vs_base", "p_value")):  # fmt: skip
        out[name] = np.where(after, r[key], np.nan)
    out["verdict_vs_base"] = pd.Series(np.where(after, r["verdict"], None), dtype=object)
    return out


#: Extra columns of trends.csv: the same comparisons, widened where the series is overdispersed.
DISPERSION_COLUMNS = [
    "dispersion", "dispersion_p", "method", "ci_low_adj", "ci_high_adj", "p_value_adj", "verdict_adj",
    "dispersion_vs_base", "dispersion_p_vs_base", "method_vs_base", "ci_low_vs_base_adj",
    "ci_high_vs_base_adj", "p_value_vs_base_adj", "verdict_vs_base_adj",
]  # fmt: skip


def series_dispersion(df: pd.DataFrame) -> pd.DataFrame:
    """Return the Pearson dispersion of every series' history up to every year (``end``).

    One batched fit per (series, end year): a log-linear Poisson trend with population exposure
    over the years up to and including ``end`` (at least five years).
    """
    c = df.pivot_table(index=_KEYS, columns="year", values="count", aggfunc="first")
    e = df.pivot_table(
        index=_KEYS, columns="year", values="population", aggfunc="first"
    ).reindex_like(c)
    years = c.columns.to_numpy(dtype=float)
    S, T = c.shape
    phi, p = cm.history_dispersion(
        np.repeat(c.to_numpy(dtype=float), T, axis=0), np.repeat(e.to_numpy(dtype=float), T, axis=0),
        years, np.tile(years, S),
    )  # fmt: skip
    out = pd.DataFrame({k: np.repeat(c.index.get_level_values(k).to_numpy(), T) for k in _KEYS})
    return out.assign(end=np.tile(years, S).astype(int), phi=phi, phi_p=p)


def add_dispersion_adjusted(df: pd.DataFrame, base_year: int, level: float = 0.95) -> pd.DataFrame:
    """Repeat both comparisons with the interval widened where the series is overdispersed.

    The history that judges the spread ends at the earlier year of a comparison (the later
    year is never in it); see :func:`countmodels.rate_ratio_test_dispersed`. Adds
    ``DISPERSION_COLUMNS``; the exact-test columns stay as they are.
    """
    disp = series_dispersion(df)
    out = df.copy()
    prev = df[[*_KEYS, "year", "count", "population"]].rename(
        columns={"count": "_c0", "population": "_p0"}
    )
    prev = prev.assign(year=prev["year"] + 1)
    m = out.merge(prev, on=[*_KEYS, "year"], how="left")
    m = m.merge(
        disp.assign(year=disp["end"] + 1).drop(columns="end"), on=[*_KEYS, "year"], how="left"
    )
    r = cm.rate_ratio_test_dispersed(
        m["_c0"], m["_p0"], m["count"], m["population"], m["phi"], m["phi_p"], level
    )
    out["dispersion"], out["dispersion_p"] = m["phi"].to_numpy(), m["phi_p"].to_numpy()
    out["method"], out["ci_low_adj"], out["ci_high_adj"] = r["method"], r["ci_low"], r["ci_high"]
    out["p_value_adj"], out["verdict_adj"] = r["p_value"], r["verdict"]
    base = df.loc[df["year"] == base_year, [*_KEYS, "count", "population"]].rename(
        columns={"count": "_c0", "population": "_p0"}
    )
    bdisp = disp[disp["end"] == base_year].drop(columns="end")
    m = (
        out[[*_KEYS, "year", "count", "population"]]
        .merge(base, on=_KEYS, how="left")
        .merge(bdisp, on=_KEYS, how="left")
    )
    after = (m["year"] > base_year).to_numpy()
    r = cm.rate_ratio_test_dispersed(
        m["_c0"], m["_p0"], m["count"], m["population"], m["phi"], m["phi_p"], level
    )
    out["dispersion_vs_base"] = np.where(after, m["phi"], np.nan)
    out["dispersion_p_vs_base"] = np.where(after, m["phi_p"], np.nan)
    out["method_vs_base"] = np.where(after, r["method"], "")
    for name, key in (("ci_low_vs_base_adj", "ci_low"), ("ci_high_vs_base_adj", "ci_high"),
                      ("p_value_vs_base_adj", "p_value")):  # fmt: skip
        out[name] = np.where(after, r[key], np.nan)
    out["verdict_vs_base_adj"] = pd.Series(np.where(after, r["verdict"], None), dtype=object)
    return out


def trends_table(
    series: pd.DataFrame, national: pd.DataFrame | None, base_year: int, level: float = 0.95
) -> pd.DataFrame:
    """Build ``trends.csv``: series, rates, year-on-year changes and changes against the base year.

    Rows are sorted by region, code, year (and source, where a code has two sources).
    """
    df = pd.concat([series, national] if national is not None else [series], ignore_index=True)
    df = df.sort_values([*_KEYS, "year"]).reset_index(drop=True)
    df = add_rates(df, level)
    df = add_year_changes(df, level)
    df = add_base_changes(df, base_year, level)
    df = add_dispersion_adjusted(df, base_year, level)
    df["year"] = df["year"].astype(int)
    return df.sort_values(["region", "code", "year", "source"])[
        TRENDS_COLUMNS + DISPERSION_COLUMNS
    ].reset_index(drop=True)


# --------------------------------------------------------------------------- trend models


def design(years: Iterable[int]) -> np.ndarray:
    """Return the trend design: intercept and year minus the mean year of the period.

    Examples
    --------
    >>> design([2020, 2021, 2022]).tolist()
    [[1.0, -1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    y = np.asarray(list(years), dtype=float)
    return np.column_stack([np.ones_like(y), y - y.mean()])


#: Fewer years than this give no trend: a line through three or four points is not a trend.
MIN_TREND_YEARS = 5


def fit_trends(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    level: float = 0.95,
    min_years: int = MIN_TREND_YEARS,
) -> pd.DataFrame:
    """Fit the log-linear trend (Poisson, or NB2 where overdispersed) for every row.

    Parameters
    ----------
    counts, population : DataFrame
        One row per series, one column per year (same shape and labels); NaN drops a year.
    level : float
        Confidence level of the yearly change.
    min_years : int
        Series with fewer usable years are not estimated (verdict ``niet te toetsen``).

    Returns
    -------
    DataFrame
        Indexed like ``counts``: ``first_year, last_year, n_obs, family, pearson_chi2, df,
        dispersion_p, alpha, change_pct, ci_low_pct, ci_high_pct, p_value, verdict``. The
        Poisson fit's Pearson chi-square, its degrees of freedom and p-value are the test that
        chose the family (p < 0.05: negative binomial).

    Examples
    --------
    Counts that double every year (exposure constant) change by +100 % a year:

    >>> y = pd.DataFrame([[10.0, 20.0, 40.0, 80.0, 160.0]], columns=range(2018, 2023))
    >>> out = fit_trends(y, y * 0 + 1000)
    >>> round(out["change_pct"].item(), 6), out["family"].item(), int(out["df"].item())
    (100.0, 'poisson', 3)
    """
    years = np.asarray(counts.columns, dtype=int)
    Y = counts.to_numpy(dtype=float)
    P = population.reindex(index=counts.index, columns=counts.columns).to_numpy(dtype=float)
    fit = cm.fit_auto(Y, design(years), P)
    s = cm.slope_change(fit, 1, level)
    used = np.isfinite(Y) & np.isfinite(P) & (P > 0)
    any_used = used.any(axis=1)
    first = np.where(any_used, years[np.argmax(used, axis=1)], 0)
    last = np.where(any_used, years[len(years) - 1 - np.argmax(used[:, ::-1], axis=1)], 0)
    out = pd.DataFrame({
        "first_year": pd.array(np.where(any_used, first, 0), dtype="Int64"),
        "last_year": pd.array(np.where(any_used, last, 0), dtype="Int64"),
        "n_obs": fit.n_obs.astype(int),
        "family": np.where(fit.converged, fit.family, None),
        "pearson_chi2": fit.pearson_chi2, "df": fit.df_resid.astype(int),
        "dispersion_p": fit.dispersion_p, "alpha": fit.alpha,
        "change_pct": s["change_pct"], "ci_low_pct": s["ci_low_pct"],
        "ci_high_pct": s["ci_high_pct"], "p_value": s["p_value"], "verdict": s["verdict"],
    }, index=counts.index)  # fmt: skip
    out.loc[~any_used, ["first_year", "last_year"]] = pd.NA
    short = out["n_obs"].to_numpy() < min_years
    if short.any():
        cols = ["pearson_chi2", "dispersion_p", "alpha", "change_pct", "ci_low_pct", "ci_high_pct",
                "p_value"]  # fmt: skip
        out.loc[short, cols] = np.nan
        out.loc[short, "family"] = None
        out.loc[short, "verdict"] = VERDICT_NA
    return out


def matrices(long: pd.DataFrame, keys: list[str], first_year: int, last_year: int):
    """Pivot a long frame of counts and population into two (series x year) frames."""
    years = list(range(first_year, last_year + 1))
    y = long.pivot(index=keys, columns="year", values="count").reindex(columns=years)
    p = long.pivot(index=keys, columns="year", values="population").reindex(columns=years)
    return y, p


@cache.memoize("trends")
def fit_all_municipalities(
    all_muni: pd.DataFrame, first_year: int, last_year: int, level: float = 0.95
) -> pd.DataFrame:
    """Fit the trend of every municipality and crime type in one batched call.

    Returns
    -------
    DataFrame
        One row per (region, code) with the columns of :func:`fit_trends`.
    """
    y, p = matrices(all_muni, ["region", "code"], first_year, last_year)
    return fit_trends(y, p, level).reset_index()


def trend_position(own: pd.DataFrame, everyone: pd.DataFrame) -> pd.DataFrame:
    """Place each of a municipality's yearly changes among all municipalities' changes.

    ``nl_rank`` is 1 for the strongest fall (lowest yearly change), ties share the lowest rank;
    ``nl_n`` counts the municipalities with an estimate; ``nl_percentile`` is
    ``100 (rank - 1) / (n - 1)``: 0 = the strongest fall in the country, 100 = the strongest rise.

    Examples
    --------
    >>> every = pd.DataFrame({"code": "a", "change_pct": [-10.0, -5.0, 0.0, 5.0, np.nan]})
    >>> own = pd.DataFrame({"code": ["a"], "change_pct": [0.0]})
    >>> trend_position(own, every)[["nl_rank", "nl_n", "nl_percentile"]].values.tolist()
    [[3.0, 4.0, 66.66666666666667]]
    """
    ranks, ns = [], []
    for code, change in zip(own["code"], own["change_pct"], strict=True):
        pool = everyone.loc[everyone["code"] == code, "change_pct"].to_numpy(dtype=float)
        pool = pool[np.isfinite(pool)]
        if not np.isfinite(change) or len(pool) == 0:
            ranks.append(np.nan)
            ns.append(np.nan)
            continue
        ranks.append(1.0 + np.sum(pool < change))
        ns.append(float(len(pool)))
    r, n = np.array(ranks), np.array(ns)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n > 1, 100 * (r - 1) / (n - 1), np.nan)
    return own.assign(nl_rank=r, nl_n=n, nl_percentile=pct)


def trend_models(
    series: pd.DataFrame,
    everyone: pd.DataFrame,
    first_year: int,
    last_year: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Fit the trend of each of a municipality's series and place it among all municipalities.

    Parameters
    ----------
    series : DataFrame
        Output of :func:`municipal_series` (one municipality, all sources).
    everyone : DataFrame
        Output of :func:`fit_all_municipalities`, for the national position.

    Returns
    -------
    DataFrame
        The columns of ``trend_models.csv`` (:data:`MODEL_COLUMNS`).
    """
    keys = ["region", "code", "source"]
    y, p = matrices(series, keys, first_year, last_year)
    out = fit_trends(y, p, level).reset_index()
    labels = series.drop_duplicates(keys).set_index(keys)["label"]
    out["label"] = labels.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy()
    prov = series[series["status"] == "provisional"].groupby(keys)["year"]
    prov_years = prov.agg(lambda s: ",".join(str(v) for v in sorted(s)))
    found = prov_years.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy(dtype=object)
    out["provisional_years"] = [v if isinstance(v, str) else "" for v in found]
    police = out["source"] == SOURCE_POLICE
    placed = trend_position(out[police], everyone)
    for col in ("nl_rank", "nl_n", "nl_percentile"):
        out[col] = np.nan
        out.loc[police, col] = placed[col]
    return out.sort_values(["region", "code", "source"])[MODEL_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- peers and benchmark


def size_class(population) -> np.ndarray:
    """Return the waarstaatjegemeente size class of each population (lower bound included).

    Examples
    --------
    >>> size_class([9_999, 10_000, 49_999, 50_000, 250_000]).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['minder dan 10.000 inwoners', '10.000 tot 20.000 inwoners', '20.000 tot 50.000 inwoners',
     '50.000 tot 100.000 inwoners', '250.000 inwoners of meer']
    """
    pop = np.asarray(population, dtype=float)
    out = np.full(pop.shape, None, dtype=object)
    for lo, hi, label in SIZE_CLASSES:
        out[(pop >= lo) & (pop < hi)] = label
    return out


@dataclass(frozen=True)
class Peers:
    """A peer group: its codes (the municipality included) and how it was formed."""

    codes: tuple[str, ...]
    description: str  # Dutch, for tables and captions
    kind: str  # "size_class" or "list"
    size_class: str | None = None
    added_self: bool = False


def peer_group(
    spec: str,
    municipality: str,
    population: pd.Series,
    year: int,
    names: Mapping[str, str] | None = None,
) -> Peers:
    """Resolve the peer-group parameter: ``size_class`` or a comma-separated list of GM codes.

    Parameters
    ----------
    spec : str
        ``"size_class"`` (municipalities of the same waarstaatjegemeente size class by average
        population in ``year``) or codes such as ``"GM0518, GM0503"``.
    municipality : str
        The municipality; it is always part of its own group (added to a list when missing).
    population : Series
        Average population in ``year`` per municipality code (GM0000 left out).
    year : int
        Year of the population that decides the size class.
    names : mapping, optional
        Code -> name, for hints in error messages.

    Raises
    ------
    ParameterError
        For an unknown or malformed code, GM0000, or a list with no other municipality.

    Examples
    --------
    >>> pop = pd.Series({"GM0001": 9_000.0, "GM0002": 12_000.0, "GM0003": 19_999.0})
    >>> peer_group("size_class", "GM0002", pop, 2023).codes
    ('GM0002', 'GM0003')
    >>> p = peer_group("gm0001, GM0003", "GM0002", pop, 2023)
    >>> p.codes, p.added_self
    (('GM0001', 'GM0002', 'GM0003'), True)
    """
    names = dict(names or {})
    pop = population[population.index != UNKNOWN_MUNICIPALITY]
    if spec.strip() == "size_class":
        if municipality not in pop.index or not np.isfinite(pop.get(municipality, np.nan)):
            raise ParameterError(
                f"peer_group 'size_class': no average population of {municipality} in {year}"
            )
        cls = size_class([pop[municipality]])[0]
        classes = pd.Series(size_class(pop.to_numpy()), index=pop.index)
        codes = tuple(sorted(classes.index[classes == cls]))
        desc = (f"grootteklasse {cls} (gemiddelde bevolking {year}, indeling van "
                "waarstaatjegemeente.nl)")  # fmt: skip
        return Peers(codes, desc, "size_class", cls)
    raw = [s.strip() for s in re.split(r"[,;]+", spec) if s.strip()]
    items = [s.upper() if re.fullmatch(r"(?i)gm\d{4}", s) else s for s in raw]
    if not items:
        raise ParameterError("peer_group is empty: use 'size_class' or codes like 'GM0518,GM0503'")
    by_name = {str(v).casefold(): k for k, v in names.items()}
    bad = [s for s in items if not re.fullmatch(r"GM\d{4}", s)]
    if bad:
        hints = [f"{s} is {by_name[s.casefold()]}" for s in bad if s.casefold() in by_name]
        raise ParameterError(
            f"peer_group: {', '.join(bad)} is not a CBS municipality code like 'GM0518'"
            + (f" ({'; '.join(hints)})" if hints else "")
            + "; use 'size_class' or a comma-separated list of codes"
        )
    if UNKNOWN_MUNICIPALITY in items:
        raise ParameterError(
            "peer_group: GM0000 (gemeente onbekend) has no population and cannot be a peer"
        )
    unknown = [s for s in items if s not in pop.index]
    if unknown:
        raise ParameterError(
            f"peer_group: unknown municipality code(s) {', '.join(unknown)} "
            f"(no average population in {year}); run 'ivp municipalities' to list the codes"
        )
    added = municipality not in items
    codes = tuple(sorted(set(items) | {municipality}))
    if len(codes) < 2:
        raise ParameterError("peer_group: the list must hold at least one other municipality")
    desc = "zelf gekozen lijst van gemeenten"
    if added:
        desc += f" (inclusief {names.get(municipality, municipality)}, toegevoegd)"
    return Peers(codes, desc, "list", None, added)


def benchmark(
    everyone: pd.DataFrame,
    national: pd.DataFrame,
    municipality: str,
    peers: Peers,
    year: int,
) -> pd.DataFrame:
    """Set the municipality's rate per crime type against the Netherlands and its peers.

    Parameters
    ----------
    everyone : DataFrame
        Counts with population for every municipality (:func:`all_municipalities`).
    national : DataFrame
        :func:`national_series` (NL rate = national count / national population).
    municipality : str
    peers : Peers
    year : int

    Returns
    -------
    DataFrame
        :data:`BENCHMARK_COLUMNS`. Quartiles use linear interpolation (NumPy's default, type 7);
        ``peer_rank`` is 1 for the lowest rate in the group, ties share the lowest rank;
        ``position`` is ``laagste kwart`` (below Q1), ``hoogste kwart`` (above Q3) or
        ``middelste helft``.
    """
    yr = everyone[(everyone["year"] == year) & everyone["region"].isin(peers.codes)]
    with np.errstate(invalid="ignore", divide="ignore"):
        yr = yr.assign(rate=yr["count"] / yr["population"] * 1000)
    nat = national[national["year"] == year].set_index("code")
    rows = []
    for code, g in yr.groupby("code", sort=True):
        rates = g["rate"].to_numpy(dtype=float)
        ok = np.isfinite(rates)
        own = g[g["region"] == municipality]
        own_rate = float(own["rate"].iloc[0]) if len(own) else np.nan
        q1, med, q3 = (np.quantile(rates[ok], [0.25, 0.5, 0.75]) if ok.any()
                       else (np.nan, np.nan, np.nan))  # fmt: skip
        rank = 1 + int(np.sum(rates[ok] < own_rate)) if np.isfinite(own_rate) else np.nan
        if not np.isfinite(own_rate):
            pos = ""
        elif own_rate < q1:
            pos = "laagste kwart"
        elif own_rate > q3:
            pos = "hoogste kwart"
        else:
            pos = "middelste helft"
        nl_rate = (nat.loc[code, "count"] / nat.loc[code, "population"] * 1000
                   if code in nat.index else np.nan)  # fmt: skip
        rows.append({
            "region": municipality, "code": code, "label": g["label"].iloc[0], "year": year,
            "count": float(own["count"].iloc[0]) if len(own) else np.nan,
            "population": float(own["population"].iloc[0]) if len(own) else np.nan,
            "rate_per_1000": round(own_rate, 3), "nl_rate_per_1000": round(float(nl_rate), 3),
            "peer_group": peers.description, "n_peers": int(ok.sum()),
            "peer_q1": round(float(q1), 3), "peer_median": round(float(med), 3),
            "peer_q3": round(float(q3), 3), "peer_rank": rank, "position": pos,
            "status": own["status"].iloc[0] if len(own) else "",
        })  # fmt: skip
    return pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)


def peer_rates(everyone: pd.DataFrame, peers: Peers, year: int) -> pd.DataFrame:
    """Return each peer's rate per crime type in ``year`` (for the benchmark figure)."""
    yr = everyone[(everyone["year"] == year) & everyone["region"].isin(peers.codes)]
    with np.errstate(invalid="ignore", divide="ignore"):
        return yr.assign(rate=yr["count"] / yr["population"] * 1000)


# --------------------------------------------------------------------------- reconciliation


def official_for_plan(inputs: Inputs) -> pd.DataFrame:
    """Return the official series that the plan's codes can be checked against.

    Returns
    -------
    DataFrame
        ``region, code, year, value, source, rounding`` for 47018NED (1.1.1, 1.2.1, 1.2.2) and
        CBS 83648NED (0.0.0, rounded to 5).
    """
    parts = []
    for code, (source, rounding) in PLAN_OFFICIAL_SOURCES.items():
        frame = inputs.cbs_totals if rounding == 5 else inputs.crime
        f = frame[frame["code"] == code]
        parts.append(
            f[["region", "code", "year", "value"]].assign(source=source, rounding=rounding)
        )
    return pd.concat(parts, ignore_index=True)


def reconcile(
    plan: pd.DataFrame,
    official: pd.DataFrame,
    sources: Mapping[str, tuple[str, int]] = PLAN_OFFICIAL_SOURCES,
) -> pd.DataFrame:
    """Set every figure printed in the plan against the official series for the same code and year.

    Matching rules, in this order:

    - the plan printed a footnote, not a figure: ``geen cijfer in het plan``;
    - no official municipal series for the code is shipped, or none for that year:
      ``geen officiële reeks meegeleverd`` (``official_source`` says which);
    - equal: ``ja``;
    - the official series is rounded to ``r`` (CBS: 5) and the difference is below ``r``:
      ``afronding``;
    - otherwise ``nee``.

    ``difference`` is plan minus official. Two adjacent years whose values are each other's
    official values get the note that the plan seems to have swapped them.

    Examples
    --------
    >>> plan = pd.DataFrame({"region": "GM1", "code": ["a", "a", "t", "x"], "label": "l",
    ...                      "year": [2017, 2018, 2017, 2017], "value": [98.0, 97.0, 1673.0, 5.0]})
    >>> off = pd.DataFrame({"region": "GM1", "code": ["a", "a", "t"], "year": [2017, 2018, 2017],
    ...                     "value": [97.0, 98.0, 1675.0], "source": ["P", "P", "C"],
    ...                     "rounding": [1, 1, 5]})
    >>> r = reconcile(plan, off, {"a": ("P", 1), "t": ("C", 5)})
    >>> r["match"].tolist()
    ['nee', 'nee', 'afronding', 'geen officiële reeks meegeleverd']
    """
    p = _yearly(plan)
    p = p[["region", "code", "label", "year", "value"]].rename(columns={"value": "plan_value"})
    off = official[["region", "code", "year", "value", "source", "rounding"]].rename(
        columns={"value": "official_value", "source": "official_source"}
    )
    m = p.merge(off, on=["region", "code", "year"], how="left", validate="many_to_one")
    m["difference"] = m["plan_value"] - m["official_value"]
    with np.errstate(invalid="ignore", divide="ignore"):
        m["difference_pct"] = (100 * m["difference"] / m["official_value"]).round(2)
    match, source, note = [], [], []
    for r in m.itertuples(index=False):
        has_series = r.code in sources
        src = r.official_source if isinstance(r.official_source, str) else ""
        if not has_series:
            src = MATCH_NO_SERIES
        elif not src:
            src = f"{sources[r.code][0]}: geen cijfer voor {r.year} meegeleverd"
        if pd.isna(r.plan_value):
            match.append(MATCH_NOT_IN_PLAN)
        elif pd.isna(r.official_value):
            match.append(MATCH_NO_SERIES)
        elif r.difference == 0:
            match.append(MATCH_YES)
        elif r.rounding > 1 and abs(r.difference) < r.rounding:
            match.append(MATCH_ROUNDING)
        else:
            match.append(MATCH_NO)
        source.append(src)
        note.append("")
    m["match"] = match
    m["official_source"] = source
    m["note"] = note
    m = m.sort_values(["region", "code", "year"]).reset_index(drop=True)
    _mark_swaps(m)
    for i, r in m.iterrows():
        if r["rounding"] == 5 and r["match"] in (MATCH_NO, MATCH_ROUNDING, MATCH_YES):
            extra = "CBS telt anders dan de politie (andere selectie) en rondt af op 5"
            m.at[i, "note"] = "; ".join(x for x in (m.at[i, "note"], extra) if x)
    return m[RECONCILIATION_COLUMNS]


def _mark_swaps(m: pd.DataFrame) -> None:
    for i in range(len(m) - 1):
        a, b = m.iloc[i], m.iloc[i + 1]
        if (a["code"] == b["code"] and a["region"] == b["region"] and b["year"] == a["year"] + 1
                and a["match"] == MATCH_NO and b["match"] == MATCH_NO
                and a["plan_value"] == b["official_value"]
                and b["plan_value"] == a["official_value"]):  # fmt: skip
            text = f"plan lijkt {a['year']} en {b['year']} te hebben verwisseld"
            m.iloc[i, m.columns.get_loc("note")] = text
            m.iloc[i + 1, m.columns.get_loc("note")] = text


# --------------------------------------------------------------------------- years


def check_years(
    first_year: int,
    last_year: int,
    base_year: int,
    eval_year: int,
    available: tuple[int, int],
    benchmark_year: int = 0,
) -> tuple[int, int, int]:
    """Check the year parameters against each other and the data; return the years to use.

    ``last_year`` beyond the data is cut back to the last year available (the default asks for
    "everything"); a base, evaluation or benchmark year outside the period is an error.
    ``benchmark_year`` 0 means the evaluation year.

    Returns
    -------
    tuple of int
        First year, last year and benchmark year.

    Examples
    --------
    >>> check_years(2012, 2030, 2022, 2023, (2012, 2025))
    (2012, 2025, 2023)
    """
    lo, hi = available
    first, last = max(first_year, lo), min(last_year, hi)
    if first >= last:
        raise ParameterError(
            f"first_year {first_year} and last_year {last_year} leave no period within the data "
            f"({lo}-{hi})"
        )
    bench = benchmark_year or eval_year
    for name, y in (("base_year", base_year), ("evaluation year", eval_year),
                    ("benchmark_year", bench)):  # fmt: skip
        if not first <= y <= last:
            raise ParameterError(f"{name} {y} lies outside the period {first}-{last}")
    if eval_year <= base_year:
        raise ParameterError(
            f"the evaluation year {eval_year} must come after base_year {base_year}"
        )
    return first, last, bench


def population_in(inputs: Inputs, year: int) -> pd.Series:
    """Return the average population of every current municipality in ``year`` (code -> people)."""
    p = inputs.population
    p = p[(p["year"] == year) & p["region"].isin(list(inputs.names))]
    return p.set_index("region")["value"]


def plan_reconciliation(inputs: Inputs, municipality: str) -> pd.DataFrame:
    """Reconcile the plan's figures of ``municipality`` (none shipped: an empty table)."""
    plan = inputs.plan[inputs.plan["region"] == municipality]
    return reconcile(plan, official_for_plan(inputs))


def match_counts(recon: pd.DataFrame) -> pd.DataFrame:
    """Count the plan's cells per match value (for a one-line overview).

    Examples
    --------
    >>> match_counts(pd.DataFrame({"match": ["ja", "nee", "ja"]})).values.tolist()
    [['ja', 2], ['nee', 1]]
    """
    order = [MATCH_YES, MATCH_ROUNDING, MATCH_NO, MATCH_NO_SERIES, MATCH_NOT_IN_PLAN]
    counts = recon["match"].value_counts()
    rows = [(m, int(counts[m])) for m in order if m in counts.index]
    return pd.DataFrame(rows, columns=["overeenkomst", "cellen"])


# --------------------------------------------------------------------------- tables for readers


#: Short source names for table rows.
SHORT_SOURCE = {SOURCE_CBS: "CBS", SOURCE_PLAN: "plan"}


def series_name(code: str, label: str, source: str = SOURCE_POLICE, short: bool = False) -> str:
    """Return the reader's name of a series: code, label and, for totals, the source.

    Examples
    --------
    >>> series_name("0.0.0", "Totaal misdrijven", "CBS 83648NED")
    '0.0.0 Totaal misdrijven (CBS 83648NED)'
    >>> series_name("0.0.0", "Totaal misdrijven", "IVP 2023-2026", short=True)
    '0.0.0 Totaal misdrijven (plan)'
    """
    name = f"{code} {label}"
    if source in (SOURCE_POLICE, SOURCE_NL, ""):
        return name
    return f"{name} ({SHORT_SOURCE.get(source, source) if short else source})"


def wide_series(trends: pd.DataFrame, region: str, value: str = "count") -> pd.DataFrame:
    """Return one row per series and one column per year; provisional years are marked '*'.

    Examples
    --------
    >>> t = pd.DataFrame({"region": "GM1", "code": "1.1.1", "label": "x", "source": "Politie 47018NED",
    ...     "year": [2024, 2025], "count": [5.0, 6.0], "status": ["final", "provisional"]})
    >>> wide_series(t, "GM1").columns.tolist()
    ['soort', '2024', '2025*']
    """
    t = trends[trends["region"] == region]
    t = t.assign(soort=[series_name(c, lab, s, short=True) for c, lab, s in
                        zip(t["code"], t["label"], t["source"], strict=True)])  # fmt: skip
    prov = set(t.loc[t["status"] == "provisional", "year"])
    wide = t.pivot(index="soort", columns="year", values=value)
    wide.columns = [f"{y}*" if y in prov else str(y) for y in wide.columns]
    order = t.drop_duplicates("soort").sort_values(["code", "source"])["soort"]
    return wide.reindex(order).reset_index()


def _interval(lo: float, hi: float, decimals: int = 2) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "–"
    return f"{format_nl(lo, decimals)}–{format_nl(hi, decimals)}"


def _p(p: float) -> str:
    if not np.isfinite(p):
        return "–"
    return "< 0,001" if p < 0.001 else format_nl(p, 3)


def _p_eq(p: float) -> str:
    """Return 'p = 0,027' or 'p < 0,001'."""
    text = _p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def changes_view(
    trends: pd.DataFrame, region: str, year: int, against: str = "previous"
) -> pd.DataFrame:
    """Return a reader's table of the changes into ``year`` (from the year before, or the base year)."""
    t = trends[(trends["region"] == region)].copy()
    cur = t[t["year"] == year]
    if against == "previous":
        ref_year = year - 1
        cols = ("rate_ratio", "ci_low", "ci_high", "p_value", "verdict")
        adj = ("dispersion", "verdict_adj", "method")
    else:
        ref_year = (
            int(cur["base_year"].dropna().iloc[0]) if cur["base_year"].notna().any() else year
        )
        cols = ("rate_ratio_vs_base", "ci_low_vs_base", "ci_high_vs_base", "p_value_vs_base",
                "verdict_vs_base")  # fmt: skip
        adj = ("dispersion_vs_base", "verdict_vs_base_adj", "method_vs_base")
    ref = t[t["year"] == ref_year].set_index(["code", "source"])
    rows = []
    for r in cur.itertuples(index=False):
        key = (r.code, r.source)
        c0 = ref.loc[key, "count"] if key in ref.index else np.nan
        rr, lo, hi, p, v = (getattr(r, c) for c in cols)
        rows.append({
            "soort": series_name(r.code, r.label, r.source),
            f"aantal {ref_year}": c0, f"aantal {year}": r.count,
            f"per 1.000 {ref_year}": ref.loc[key, "rate_per_1000"] if key in ref.index else np.nan,
            f"per 1.000 {year}": r.rate_per_1000,
            "verhouding (rate ratio)": rr, "95%-interval": _interval(lo, hi),
            "p-waarde": _p(p), "oordeel (exacte toets)": v if isinstance(v, str) else VERDICT_NA,
            "oordeel bij extra spreiding*": _adjusted(getattr(r, adj[0]), getattr(r, adj[1]), getattr(r, adj[2])),
        })  # fmt: skip
    return pd.DataFrame(rows)


def _adjusted(phi: float, verdict: object, method: object) -> str:
    """Reader's text of the dispersion-adjusted verdict, saying which test it rests on.

    Examples
    --------
    >>> _adjusted(4.9, "binnen normale schommeling", "quasi-Poisson")
    'binnen normale schommeling (spreiding 4,9x)'
    >>> _adjusted(1.2, "significante daling", "exact Poisson")
    'significante daling (geen extra spreiding)'
    """
    if not isinstance(verdict, str):
        return VERDICT_NA
    if phi is None or not np.isfinite(phi):
        return f"{verdict} (reeks te kort om te beoordelen)"
    if method == "quasi-Poisson":
        return f"{verdict} (spreiding {format_nl(phi, 1)}x)"
    return f"{verdict} (geen extra spreiding)"


def models_view(models: pd.DataFrame) -> pd.DataFrame:
    """Return a reader's table of the trend models.

    The model column names the family with the test that chose it: Pearson's chi-square of the
    Poisson fit, its degrees of freedom and p-value (p < 0,05: negative binomial).
    """
    rows = []
    for r in models.itertuples(index=False):
        years = f"{r.first_year}–{r.last_year}" if pd.notna(r.first_year) else "–"
        if r.provisional_years:
            years += f" ({r.provisional_years.replace(',', ', ')} voorlopig)"
        test = (f" (χ² = {format_nl(r.pearson_chi2, 1)}, df = {r.df}, {_p_eq(r.dispersion_p)})"
                if np.isfinite(r.pearson_chi2) else "")  # fmt: skip
        rows.append({
            "soort": series_name(r.code, r.label, r.source, short=True),
            "jaren": years,
            "model (toets op overdispersie)": FAMILY_NL.get(r.family, "niet te schatten") + test,
            "verandering per jaar (%)": format_pct_nl(r.change_pct).replace(" %", ""),
            "95%-interval (%)": (f"{format_nl(r.ci_low_pct, 1)} tot {format_nl(r.ci_high_pct, 1)}"
                                 if np.isfinite(r.ci_low_pct) else "–"),
            "p-waarde": _p(r.p_value), "oordeel": r.verdict,
            "plaats in NL*": r.nl_percentile,
        })  # fmt: skip
    return pd.DataFrame(rows)


def benchmark_view(bench: pd.DataFrame) -> pd.DataFrame:
    """Return a reader's table of the benchmark."""
    return pd.DataFrame({
        "soort": [series_name(c, lab) for c, lab in zip(bench["code"], bench["label"], strict=True)],
        "aantal": bench["count"],
        "gemeente per 1.000": bench["rate_per_1000"],
        "Nederland per 1.000": bench["nl_rate_per_1000"],
        "groep Q1": bench["peer_q1"], "groep mediaan": bench["peer_median"],
        "groep Q3": bench["peer_q3"],
        "rang (1 = laagste)": [f"{int(r)} van {n}" if np.isfinite(r) else "–"
                               for r, n in zip(bench["peer_rank"], bench["n_peers"], strict=True)],
        "plaats in de groep": bench["position"],
    })  # fmt: skip


def reconciliation_view(recon: pd.DataFrame, matches: Iterable[str] | None = None) -> pd.DataFrame:
    """Return a reader's table of the reconciliation, optionally only some match values."""
    r = recon if matches is None else recon[recon["match"].isin(list(matches))]
    return pd.DataFrame({
        "code": r["code"], "soort": r["label"], "jaar": r["year"],
        "plan": r["plan_value"], "officieel": r["official_value"],
        "verschil (plan − officieel)": r["difference"], "officiële bron": r["official_source"],
        "overeenkomst": r["match"], "toelichting": r["note"],
    })  # fmt: skip


def no_series_summary(recon: pd.DataFrame) -> pd.DataFrame:
    """Summarise the plan's figures without a shipped official series, one row per code."""
    r = recon[recon["match"].isin([MATCH_NO_SERIES, MATCH_NOT_IN_PLAN])]
    rows = []
    for (code, label), g in r.groupby(["code", "label"], sort=True):
        printed = g[g["match"] == MATCH_NO_SERIES]
        rows.append({
            "code": code, "soort": label,
            "jaren met een cijfer in het plan": ", ".join(str(y) for y in printed["year"]) or "–",
            "jaren met voetnoot '1.' (geen cijfer)": ", ".join(
                str(y) for y in g.loc[g["match"] == MATCH_NOT_IN_PLAN, "year"]) or "–",
            "officiële bron": "; ".join(sorted(set(printed["official_source"]))) or "–",
        })  # fmt: skip
    return pd.DataFrame(rows)


def change_example(
    trends: pd.DataFrame,
    municipality: str,
    year: int,
    code: str = "1.1.1",
    source: str = SOURCE_POLICE,
    level: float = 0.95,
) -> str:
    """Write one change (``year`` against the year before) out in full, as a worked example.

    Examples
    --------
    >>> t = pd.DataFrame({"region": "GM1926", "code": "1.1.1", "label": "Diefstal/inbraak woning",
    ...     "source": SOURCE_POLICE, "year": [2021, 2022], "count": [61.0, 76.0],
    ...     "population": [56123.0, 57122.0]})
    >>> print(change_example(add_year_changes(t), "GM1926", 2022))  # doctest: +NORMALIZE_WHITESPACE
    **Voorbeeld, 1.1.1 Diefstal/inbraak woning:** van 61 misdrijven in 2021 (gemiddelde bevolking
    56.123) naar 76 in 2022 (57.122): rate ratio 1,22, 95%-interval 0,86–1,74, p = 0,274:
    **binnen normale schommeling**.
    """
    t = trends[(trends["region"] == municipality) & (trends["code"] == code)
               & (trends["source"] == source)].set_index("year")  # fmt: skip
    if year not in t.index or year - 1 not in t.index:
        return ""
    cur, prev = t.loc[year], t.loc[year - 1]
    v = _verdicts([cur["rate_ratio"]], [cur["p_value"]], level)[0]
    return (
        f"**Voorbeeld, {code} {cur['label']}:** van {format_nl(prev['count'])} misdrijven in "
        f"{year - 1} (gemiddelde bevolking {format_nl(prev['population'])}) naar "
        f"{format_nl(cur['count'])} in {year} ({format_nl(cur['population'])}): rate ratio "
        f"{format_nl(cur['rate_ratio'], 2)}, 95%-interval {_interval(cur['ci_low'], cur['ci_high'])}, "
        f"{_p_eq(cur['p_value'])}: **{v}**."
    )


#: The plan's own reading of its last year (IVP 2023-2026, section 1.1), for the municipality it is about.
PLAN_READING = (
    "Het IVP 2023-2026 leest de cijfers van 2022 als een terugkeer naar het niveau van vóór corona: "
    'woninginbraken en diefstallen uit/vanaf motorvoertuigen zijn "nu in 2022 [...] weer op ongeveer '
    'gelijke hoogte [...] met 2019" (§1.1).'
)


def plan_reading_note(municipality: str, plan_regions: Iterable[str]) -> str:
    """Return the plan's reading of its last year, only when the plan is about ``municipality``.

    Examples
    --------
    >>> plan_reading_note("GM0363", ["GM1926"])
    ''
    >>> plan_reading_note("GM1926", ["GM1926"]).startswith("Het IVP 2023-2026")
    True
    """
    if municipality not in set(plan_regions):
        return ""
    return (
        PLAN_READING
        + " Het voorbeeld hierboven laat zien dat de toets die terugkeer bij woninginbraak "
        "niet kan onderscheiden van toeval."
    )


# --------------------------------------------------------------------------- conclusions

#: Words that claim a rise or a fall; only sentences backed by a significant test may use them.
CLAIM_WORDS = re.compile(
    r"stijg|steeg|gestegen|toename|toegenomen|neemt toe|daal|dalin|gedaald|afname|afgenomen|neemt af",
    re.IGNORECASE,
)


def _verdicts(ratio, p, level: float = 0.95) -> np.ndarray:
    # Recomputed from ratio and p-value, never taken from a text column: a claim follows the test.
    return cm.verdict(np.asarray(ratio, dtype=float), np.asarray(p, dtype=float), 1 - level)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def _grouped(
    names: list[str],
    verdicts: np.ndarray,
    details: list[str],
    what: str,
    none_text: str = "geen aantoonbare verandering",
) -> list[str]:
    """One line per verdict: significant rises, significant falls, the rest."""
    lines = []
    for v, head in (
        (VERDICT_UP, "significante stijging"),
        (VERDICT_DOWN, "significante daling"),
    ):
        items = [f"{n} ({d})" for n, d, x in zip(names, details, verdicts, strict=True) if x == v]
        if items:
            lines.append(f"- **{what}: {head}** bij {_join(items)}.")
    rest = [n for n, x in zip(names, verdicts, strict=True) if x == VERDICT_WITHIN]
    if rest:
        lines.append(f"- **{what}: binnen normale schommeling** ({none_text}) bij "
                     f"{_join(rest)}.")  # fmt: skip
    na = [n for n, x in zip(names, verdicts, strict=True) if x == VERDICT_NA]
    if na:
        lines.append(f"- **{what}: niet te toetsen** bij {_join(na)}.")
    return lines


def conclusions(
    trends: pd.DataFrame,
    models: pd.DataFrame,
    bench: pd.DataFrame | None,
    recon: pd.DataFrame | None,
    *,
    municipality: str,
    name: str,
    base_year: int,
    eval_year: int,
    level: float = 0.95,
) -> str:
    """Write the conclusions in Dutch from the result tables.

    A sentence says "stijging" or "daling" only for a series whose test (recomputed here from
    its ratio and p-value) is significant at ``1 - level``; everything else is "binnen normale
    schommeling" or "niet te toetsen".

    Returns
    -------
    str
        Markdown bullet lines.
    """
    lines: list[str] = []
    own = trends[trends["region"] == municipality]

    def pct(r):
        return format_pct_nl(100 * (r - 1), 0)

    # The adjusted p-values: exact where the series varies like Poisson counts, widened where its
    # history varies more, so that a normal swing is never written up as a rise or fall.
    for year, cols, what in (
        (eval_year, ("rate_ratio_vs_base", "p_value_vs_base_adj"),
         f"{eval_year} t.o.v. peiljaar {base_year}"),
        (base_year, ("rate_ratio", "p_value_adj"), f"Peiljaar {base_year} t.o.v. {base_year - 1}"),
    ):  # fmt: skip
        cur = own[own["year"] == year]
        if cur.empty:
            continue
        prov = (cur["status"] == "provisional").any()
        names = [
            series_name(c, lab, s)
            for c, lab, s in zip(cur["code"], cur["label"], cur["source"], strict=True)
        ]
        ratios, ps = cur[cols[0]].to_numpy(float), cur[cols[1]].to_numpy(float)
        details = [f"{pct(r)}, {_p_eq(p)}" for r, p in zip(ratios, ps, strict=True)]
        label = what + (" (voorlopige cijfers)" if prov else "")
        lines += _grouped(names, _verdicts(ratios, ps, level), details, label)

    if len(models):
        names = [
            series_name(c, lab, s)
            for c, lab, s in zip(models["code"], models["label"], models["source"], strict=True)
        ]
        ratio = 1 + models["change_pct"].to_numpy(float) / 100
        ps = models["p_value"].to_numpy(float)
        period = f"{int(models['first_year'].min())}–{int(models['last_year'].max())}"
        details = []
        for c, a, b in zip(
            models["change_pct"], models["first_year"], models["last_year"], strict=True
        ):
            years = "" if pd.isna(a) or f"{a}–{b}" == period else f", {a}–{b}"
            details.append(f"{format_pct_nl(c)} per jaar{years}")
        lines += _grouped(names, _verdicts(ratio, ps, level), details, f"Trend {period}",
                          "geen aantoonbare trend")  # fmt: skip

    if bench is not None and len(bench):
        y = int(bench["year"].iloc[0])
        for pos in ("laagste kwart", "hoogste kwart"):
            b = bench[bench["position"] == pos]
            if len(b):
                items = [f"{series_name(c, lab)} (rang {int(r)} van {n})" for c, lab, r, n in
                         zip(b["code"], b["label"], b["peer_rank"], b["n_peers"], strict=True)]  # fmt: skip
                few = "minder" if pos == "laagste kwart" else "meer"
                lines.append(f"- **Vergelijkingsgroep {y}:** {name} zit in het {pos} van de groep "
                             f"({few} misdrijven per 1.000 inwoners dan driekwart van de groep) bij "
                             f"{_join(items)}; rang 1 is het laagste cijfer.")  # fmt: skip
        mid = (bench["position"] == "middelste helft").sum()
        if mid:
            lines.append(f"- **Vergelijkingsgroep {y}:** bij {mid} van de {len(bench)} soorten zit "
                         f"{name} in de middelste helft van de groep.")  # fmt: skip

    if recon is not None and len(recon):
        diff = recon[recon["match"] == MATCH_NO]
        police = diff[~diff["official_source"].str.startswith(SOURCE_CBS)]
        if len(police):
            items = [f"{r.label} {r.year} (plan {format_nl(r.plan_value)}, officieel "
                     f"{format_nl(r.official_value)})" for r in police.itertuples()]  # fmt: skip
            lines.append(f"- **Aansluiting met het plan:** het plan wijkt af van politietabel 47018NED bij "
                         f"{_join(items)}.")  # fmt: skip
        elif recon["official_source"].str.startswith(SOURCE_POLICE).any():
            lines.append(
                "- **Aansluiting met het plan:** alle politiecijfers uit het plan komen overeen met tabel 47018NED."
            )
        cbs = diff[diff["official_source"].str.startswith(SOURCE_CBS)]
        if len(cbs):
            lines.append(f"- **Aansluiting met het plan:** de totalen in het plan verschillen {len(cbs)} keer "
                         f"van CBS 83648NED (tot {format_nl(cbs['difference_pct'].abs().max(), 1)} %); "
                         "CBS telt anders dan de politie, zodat dit geen fout in het plan hoeft te zijn.")  # fmt: skip
        nos = recon[recon["match"] == MATCH_NO_SERIES]
        if len(nos):
            items = []
            for (code, label), g in nos.groupby(["code", "label"], sort=True):
                years = (
                    ""
                    if code not in PLAN_OFFICIAL_SOURCES
                    else f" ({', '.join(map(str, g['year']))})"
                )
                items.append(f"{label}{years}")
            lines.append(f"- **Niet te controleren:** voor {_join(items)} is geen officiële reeks per "
                         "gemeente meegeleverd.")  # fmt: skip
    return "\n".join(lines)


def small_numbers(series: pd.DataFrame, threshold: float = 20.0) -> pd.DataFrame:
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


def caveats_text(series: pd.DataFrame, eval_year: int) -> str:
    """Write the data-driven caveats (small numbers, provisional years) in Dutch."""
    lines = []
    small = small_numbers(series[series["source"] == SOURCE_POLICE])
    if len(small):
        items = [f"{series_name(r.code, r.label)} ({format_nl(r.min)} tot {format_nl(r.max)} per jaar)"
                 for r in small.itertuples()]  # fmt: skip
        lines.append(f"- **Kleine aantallen:** {_join(items)}. Bij zulke aantallen is een verandering "
                     "van een paar gevallen al tientallen procenten; alleen de toets zegt of het meer is "
                     "dan toeval.")  # fmt: skip
    police = series[series["source"] == SOURCE_POLICE]
    no_pop = sorted(set(police.loc[police["population"].isna(), "year"]))
    if no_pop:
        lines.append(f"- **Bevolking ontbreekt:** voor {', '.join(map(str, no_pop))} heeft CBS 70072ned geen "
                     "gemiddelde bevolking van deze gemeente (de gemeente bestond toen nog niet in deze "
                     "vorm; de politie rekent de aantallen terug naar de grenzen van 2024). Voor die jaren "
                     "zijn er geen cijfers per 1.000 inwoners en geen toetsen.")  # fmt: skip
    prov = sorted(set(series.loc[series["status"] == "provisional", "year"]))
    if prov:
        note = " Het evaluatiejaar is voorlopig." if eval_year in prov else ""
        lines.append(f"- **Voorlopige cijfers:** {', '.join(map(str, prov))} (open symbolen in de "
                     f"figuren). De politie kan deze jaren nog bijstellen.{note}")  # fmt: skip
    return "\n".join(lines)
