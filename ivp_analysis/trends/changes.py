"""Rates and changes: the rate per 1,000 with its exact interval, each year against the year
before and against the base year (exact test of two Poisson rates), and both comparisons again
with the interval widened where a series' own history is overdispersed. Together they make
``trends.csv`` (:func:`trends_table`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ivp_analysis.stats import countmodels as cm
from ivp_analysis.trends.inputs import SERIES_KEYS

#: Columns of ``trends.csv``: the issue's required columns first, then the added ones.
TRENDS_COLUMNS = [
    "region",
    "code",
    "year",
    "count",
    "population",
    "rate_per_1000",
    "status",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "verdict",
    "source",
    "label",
    "rate_ci_low",
    "rate_ci_high",
    "base_year",
    "rate_ratio_vs_base",
    "ci_low_vs_base",
    "ci_high_vs_base",
    "p_value_vs_base",
    "verdict_vs_base",
]

#: Extra columns of trends.csv: the same comparisons, widened where the series is overdispersed.
DISPERSION_COLUMNS = [
    "dispersion",
    "dispersion_p",
    "method",
    "ci_low_adj",
    "ci_high_adj",
    "p_value_adj",
    "verdict_adj",
    "dispersion_vs_base",
    "dispersion_p_vs_base",
    "method_vs_base",
    "ci_low_vs_base_adj",
    "ci_high_vs_base_adj",
    "p_value_vs_base_adj",
    "verdict_vs_base_adj",
]

_KEYS = SERIES_KEYS
#: The verdict of a year without a comparison (before or at the base year): empty.
_NO_VERDICT = np.array(None, dtype=object)


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


def _previous_year(df: pd.DataFrame) -> pd.DataFrame:
    """Return each series' count and population as ``_c0``/``_p0``, moved on to the next year."""
    prev = df[[*_KEYS, "year", "count", "population"]].rename(
        columns={"count": "_c0", "population": "_p0"}
    )
    return prev.assign(year=prev["year"] + 1)


def _base_year(df: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Return each series' count and population in ``base_year`` as ``_c0``/``_p0``."""
    return df.loc[df["year"] == base_year, [*_KEYS, "count", "population"]].rename(
        columns={"count": "_c0", "population": "_p0"}
    )


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
    m = df.merge(_previous_year(df), on=[*_KEYS, "year"], how="left", validate="one_to_one")
    r = cm.rate_ratio_test(m["_c0"], m["_p0"], m["count"], m["population"], level)
    return m.drop(columns=["_c0", "_p0"]).assign(
        rate_ratio=r["rate_ratio"],
        ci_low=r["ci_low"],
        ci_high=r["ci_high"],
        p_value=r["p_value"],
        verdict=r["verdict"],
    )


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
    m = df.merge(_base_year(df, base_year), on=_KEYS, how="left", validate="many_to_one")
    after = (m["year"] > base_year).to_numpy()
    r = cm.rate_ratio_test(m["_c0"], m["_p0"], m["count"], m["population"], level)
    out = m.drop(columns=["_c0", "_p0"])
    out["base_year"] = pd.array(np.where(after, base_year, 0), dtype="Int64")
    out.loc[~after, "base_year"] = pd.NA
    return _after_base(out, after, r, "_vs_base", ["rate_ratio", "ci_low", "ci_high", "p_value"])


def _after_base(out: pd.DataFrame, after, r, suffix: str, keys: list[str]) -> pd.DataFrame:
    """Write the test result ``r`` into ``<key><suffix>`` for the years after the base year only."""
    for key in keys:
        out[f"{key}{suffix}"] = np.where(after, r[key], np.nan)
    out[f"verdict{suffix}"] = pd.Series(np.where(after, r["verdict"], _NO_VERDICT), dtype=object)
    return out


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
        np.repeat(c.to_numpy(dtype=float), T, axis=0),
        np.repeat(e.to_numpy(dtype=float), T, axis=0),
        years,
        np.tile(years, S),
    )
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
    m = out.merge(_previous_year(df), on=[*_KEYS, "year"], how="left")
    m = m.merge(
        disp.assign(year=disp["end"] + 1).drop(columns="end"), on=[*_KEYS, "year"], how="left"
    )
    r = cm.rate_ratio_test_dispersed(
        m["_c0"], m["_p0"], m["count"], m["population"], m["phi"], m["phi_p"], level
    )
    out["dispersion"], out["dispersion_p"] = m["phi"].to_numpy(), m["phi_p"].to_numpy()
    out["method"], out["ci_low_adj"], out["ci_high_adj"] = r["method"], r["ci_low"], r["ci_high"]
    out["p_value_adj"], out["verdict_adj"] = r["p_value"], r["verdict"]
    return _add_base_dispersion_adjusted(out, disp, base_year, level)


def _add_base_dispersion_adjusted(
    out: pd.DataFrame, disp: pd.DataFrame, base_year: int, level: float
) -> pd.DataFrame:
    """Add the ``*_vs_base`` columns of :data:`DISPERSION_COLUMNS` (history up to the base year)."""
    bdisp = disp[disp["end"] == base_year].drop(columns="end")
    m = (
        out[[*_KEYS, "year", "count", "population"]]
        .merge(_base_year(out, base_year), on=_KEYS, how="left")
        .merge(bdisp, on=_KEYS, how="left")
    )
    after = (m["year"] > base_year).to_numpy()
    r = cm.rate_ratio_test_dispersed(
        m["_c0"], m["_p0"], m["count"], m["population"], m["phi"], m["phi_p"], level
    )
    out["dispersion_vs_base"] = np.where(after, m["phi"], np.nan)
    out["dispersion_p_vs_base"] = np.where(after, m["phi_p"], np.nan)
    out["method_vs_base"] = np.where(after, r["method"], "")
    return _after_base(out, after, r, "_vs_base_adj", ["ci_low", "ci_high", "p_value"])


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
