"""Trend models: the quasi-Poisson trend of every series (log-linear in the year, a level of its
own for the pandemic years, dispersion always on), for one municipality and, in one batched call,
for every municipality, and the municipality's place among all of them. Makes
``trend_models.csv``.

The model is that of :mod:`ivp_analysis.stats.quasitrend`; the yearly change has a t interval with
the residual degrees of freedom, the municipality's trends form one family for the
Benjamini-Hochberg q-value, and the verdict rests on q. Provisional years are left out of the fit
unless a report opts in (``provisional_verdicts``). A series with small numbers (median yearly
count below :data:`~ivp_analysis.trends.inputs.SMALL_COUNT`) gets no national rank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis import cache, refs
from ivp_analysis.moments import PANDEMIC_YEARS
from ivp_analysis.refs import SOURCE_COLUMNS
from ivp_analysis.stats import quasipoisson as qp
from ivp_analysis.stats import quasitrend as qt
from ivp_analysis.stats.multiplicity import bh_qvalues
from ivp_analysis.trends.inputs import SERIES_KEYS, SMALL_COUNT, median_counts
from ivp_analysis.vocab import SOURCE_POLICE, VERDICT_NA

#: Columns of ``trend_models.csv``.
MODEL_COLUMNS = [
    "region",
    "code",
    "first_year",
    "last_year",
    "family",
    "pearson_chi2",
    "df",
    "dispersion",
    "change_pct",
    "ci_low_pct",
    "ci_high_pct",
    "p_value",
    "q_value",
    "verdict",
    "p_value_poisson",
    "source",
    "label",
    "n_obs",
    "provisional_years",
    "median_count",
    "nl_rank",
    "nl_n",
    "nl_percentile",
    *SOURCE_COLUMNS,
]

#: Fewer years than this give no trend: a line through three or four points is not a trend.
MIN_TREND_YEARS = qt.MIN_YEARS
#: ``family`` of a fitted trend.
FAMILY = "quasi-poisson"


def fit_trends(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    level: float = 0.95,
    min_years: int = MIN_TREND_YEARS,
) -> pd.DataFrame:
    """Fit the quasi-Poisson trend (with a pandemic level) of every row.

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
        dispersion, change_pct, ci_low_pct, ci_high_pct, p_value, p_value_poisson, verdict``
        (the verdict here on p; :func:`trend_models` replaces it by the verdict on q).

    Examples
    --------
    Counts that double every year (exposure constant) change by +100 % a year:

    >>> y = pd.DataFrame([[10.0, 20.0, 40.0, 80.0, 160.0]], columns=range(2015, 2020))
    >>> out = fit_trends(y, y * 0 + 1000)
    >>> round(out["change_pct"].item(), 6), out["family"].item(), int(out["df"].item())
    (100.0, 'quasi-poisson', 3)
    """
    years = np.asarray(counts.columns, dtype=int)
    Y = counts.to_numpy(dtype=float)
    P = population.reindex(index=counts.index, columns=counts.columns).to_numpy(dtype=float)
    fit = qt.fit(Y, P, years, PANDEMIC_YEARS, min_years)
    s = qt.slope(fit, level)
    used = np.isfinite(Y) & np.isfinite(P) & (P > 0)
    any_used = used.any(axis=1)
    first = np.where(any_used, years[np.argmax(used, axis=1)], 0)
    last = np.where(any_used, years[len(years) - 1 - np.argmax(used[:, ::-1], axis=1)], 0)
    out = pd.DataFrame(
        {
            "first_year": pd.array(first, dtype="Int64"),
            "last_year": pd.array(last, dtype="Int64"),
            "n_obs": fit.n_obs.astype(int),
            "family": np.where(fit.ok, FAMILY, np.array(None, dtype=object)),
            "pearson_chi2": fit.dispersion * fit.df,
            "df": pd.array(np.where(fit.ok, fit.df, 0).astype(int), dtype="Int64"),
            "dispersion": fit.dispersion,
            **{k: s[k] for k in ("change_pct", "ci_low_pct", "ci_high_pct", "p_value")},
            "p_value_poisson": s["p_value_poisson"],
        },
        index=counts.index,
    )
    out.loc[~any_used, ["first_year", "last_year"]] = pd.NA
    out.loc[~fit.ok, "df"] = pd.NA
    out["verdict"] = qp.verdict(s["change_pct"], out["p_value"].to_numpy(float), 1 - level)
    out.loc[~fit.ok, "verdict"] = VERDICT_NA
    return out


def matrices(
    long: pd.DataFrame, keys: list[str], first_year: int, last_year: int, provisional: bool = True
):
    """Pivot a long frame of counts and population into two (series x year) frames.

    With ``provisional=False`` the provisional counts are left out (NaN): they enter no fit.
    """
    years = list(range(first_year, last_year + 1))
    if not provisional and "status" in long:
        long = long.assign(count=long["count"].where(long["status"] != "provisional"))
    y = long.pivot(index=keys, columns="year", values="count").reindex(columns=years)
    p = long.pivot(index=keys, columns="year", values="population").reindex(columns=years)
    return y, p


@cache.memoize("trends")
def fit_all_municipalities(
    all_muni: pd.DataFrame,
    first_year: int,
    last_year: int,
    level: float = 0.95,
    provisional: bool = False,
) -> pd.DataFrame:
    """Fit the trend of every municipality and crime type in one batched call.

    Returns
    -------
    DataFrame
        One row per (region, code) with the columns of :func:`fit_trends` and ``median_count``
        (the median yearly count over the period, for the small-numbers rule).
    """
    y, p = matrices(all_muni, ["region", "code"], first_year, last_year, provisional)
    out = fit_trends(y, p, level)
    out["median_count"] = median_counts(all_muni, ["region", "code"]).reindex(out.index)
    return out.reset_index()


def trend_position(own: pd.DataFrame, everyone: pd.DataFrame) -> pd.DataFrame:
    """Place each of a municipality's yearly changes among all municipalities' changes.

    Only series with enough cases are ranked, and ranked among series with enough cases: a row
    (of ``own`` or ``everyone``) whose ``median_count`` is below :data:`SMALL_COUNT` is left out
    (when the column is there). ``nl_rank`` is 1 for the strongest fall (lowest yearly change),
    ties share the lowest rank; ``nl_n`` counts the municipalities with an estimate;
    ``nl_percentile`` is ``100 (rank - 1) / (n - 1)``: 0 = the strongest fall in the country,
    100 = the strongest rise.

    Examples
    --------
    >>> every = pd.DataFrame({"code": "a", "change_pct": [-10.0, -5.0, 0.0, 5.0, np.nan]})
    >>> own = pd.DataFrame({"code": ["a"], "change_pct": [0.0]})
    >>> trend_position(own, every)[["nl_rank", "nl_n", "nl_percentile"]].values.tolist()
    [[3.0, 4.0, 66.66666666666667]]
    """
    enough = _enough(everyone)
    ranks, ns = [], []
    for code, change, ok in zip(own["code"], own["change_pct"], _enough(own), strict=True):
        pool = everyone.loc[(everyone["code"] == code) & enough, "change_pct"]
        pool = pool.to_numpy(dtype=float)
        pool = pool[np.isfinite(pool)]
        if not ok or not np.isfinite(change) or len(pool) == 0:
            ranks.append(np.nan)
            ns.append(np.nan)
            continue
        ranks.append(1.0 + np.sum(pool < change))
        ns.append(float(len(pool)))
    r, n = np.array(ranks), np.array(ns)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n > 1, 100 * (r - 1) / (n - 1), np.nan)
    return own.assign(nl_rank=r, nl_n=n, nl_percentile=pct)


def _enough(frame: pd.DataFrame) -> np.ndarray:
    """Whether each row has enough cases to be ranked (True without a ``median_count``)."""
    if "median_count" not in frame:
        return np.ones(len(frame), dtype=bool)
    return (frame["median_count"].to_numpy(float) >= SMALL_COUNT).astype(bool)


def trend_models(
    series: pd.DataFrame,
    everyone: pd.DataFrame,
    first_year: int,
    last_year: int,
    level: float = 0.95,
    provisional: bool = False,
) -> pd.DataFrame:
    """Fit the trend of each of a municipality's series and place it among all municipalities.

    Parameters
    ----------
    series : DataFrame
        Output of :func:`ivp_analysis.trends.inputs.municipal_series` (one municipality, all
        sources).
    everyone : DataFrame
        Output of :func:`fit_all_municipalities`, for the national position.
    provisional : bool
        Fit the provisional years as well (otherwise they are left out).

    Returns
    -------
    DataFrame
        The columns of ``trend_models.csv`` (:data:`MODEL_COLUMNS`).
    """
    keys = SERIES_KEYS
    y, p = matrices(series, keys, first_year, last_year, provisional)
    out = fit_trends(y, p, level).reset_index()
    index = pd.MultiIndex.from_frame(out[keys])
    labels = series.drop_duplicates(keys).set_index(keys)["label"]
    out["label"] = labels.reindex(index).to_numpy()
    out["median_count"] = median_counts(series).reindex(index).to_numpy()
    prov = series[series["status"] == "provisional"].groupby(keys)["year"]
    prov_years = prov.agg(lambda s: ",".join(str(v) for v in sorted(s)))
    found = prov_years.reindex(index).to_numpy(dtype=object)
    out["provisional_years"] = [v if isinstance(v, str) else "" for v in found]
    out["q_value"] = bh_qvalues(out["p_value"].to_numpy(float))
    out["verdict"] = qp.verdict(out["change_pct"].to_numpy(float), out["q_value"], 1 - level)
    police = out["source"] == SOURCE_POLICE
    placed = trend_position(out[police], everyone)
    for col in ("nl_rank", "nl_n", "nl_percentile"):
        out[col] = np.nan
        out.loc[police, col] = placed[col]
    cells = fitted_cells(series, first_year, last_year, provisional)
    out = out.merge(cells, on=keys, how="left", validate="one_to_one")
    out[SOURCE_COLUMNS] = out[SOURCE_COLUMNS].fillna("")
    return out.sort_values(["region", "code", "source"])[MODEL_COLUMNS].reset_index(drop=True)


def fitted_cells(
    series: pd.DataFrame, first_year: int, last_year: int, provisional: bool
) -> pd.DataFrame:
    """Return per series the ``source_file`` and ``source_key`` of the counts a trend is fitted on.

    The years ``first_year``-``last_year`` with a count and a population; provisional ones only
    when ``provisional``.
    """
    s = series[series["year"].between(first_year, last_year)]
    s = s[s["count"].notna() & s["population"].notna()]
    if not provisional:
        s = s[s["status"] != "provisional"]
    if "source_file" not in s:
        s = s.assign(source_file="", source_key="")
    rows = [
        (*k, *refs.refer(g["source_file"], g["source_key"]))
        for k, g in s.groupby(SERIES_KEYS, sort=True)
    ]
    return pd.DataFrame(rows, columns=[*SERIES_KEYS, *SOURCE_COLUMNS])
