"""Trend models: the log-linear count-regression trend of every series (Poisson, or negative
binomial where overdispersed), for one municipality and, in one batched call, for every
municipality, and the municipality's place among all of them. Makes ``trend_models.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ivp_analysis import cache
from ivp_analysis.stats import countmodels as cm
from ivp_analysis.trends.inputs import SERIES_KEYS
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
    "dispersion_p",
    "alpha",
    "change_pct",
    "ci_low_pct",
    "ci_high_pct",
    "p_value",
    "verdict",
    "source",
    "label",
    "n_obs",
    "provisional_years",
    "nl_rank",
    "nl_n",
    "nl_percentile",
]

#: Fewer years than this give no trend: a line through three or four points is not a trend.
MIN_TREND_YEARS = 5


def design(years: Iterable[int]) -> np.ndarray:
    """Return the trend design: intercept and year minus the mean year of the period.

    Examples
    --------
    >>> design([2020, 2021, 2022]).tolist()
    [[1.0, -1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    y = np.asarray(list(years), dtype=float)
    return np.column_stack([np.ones_like(y), y - y.mean()])


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
    out = pd.DataFrame(
        {
            "first_year": pd.array(np.where(any_used, first, 0), dtype="Int64"),
            "last_year": pd.array(np.where(any_used, last, 0), dtype="Int64"),
            "n_obs": fit.n_obs.astype(int),
            "family": np.where(fit.converged, fit.family, np.array(None, dtype=object)),
            "pearson_chi2": fit.pearson_chi2,
            "df": fit.df_resid.astype(int),
            "dispersion_p": fit.dispersion_p,
            "alpha": fit.alpha,
            "change_pct": s["change_pct"],
            "ci_low_pct": s["ci_low_pct"],
            "ci_high_pct": s["ci_high_pct"],
            "p_value": s["p_value"],
            "verdict": s["verdict"],
        },
        index=counts.index,
    )
    out.loc[~any_used, ["first_year", "last_year"]] = pd.NA
    short = out["n_obs"].to_numpy() < min_years
    if short.any():
        cols = [
            "pearson_chi2",
            "dispersion_p",
            "alpha",
            "change_pct",
            "ci_low_pct",
            "ci_high_pct",
            "p_value",
        ]
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
        Output of :func:`ivp_analysis.trends.inputs.municipal_series` (one municipality, all
        sources).
    everyone : DataFrame
        Output of :func:`fit_all_municipalities`, for the national position.

    Returns
    -------
    DataFrame
        The columns of ``trend_models.csv`` (:data:`MODEL_COLUMNS`).
    """
    keys = SERIES_KEYS
    y, p = matrices(series, keys, first_year, last_year)
    out = fit_trends(y, p, level).reset_index()
    index = pd.MultiIndex.from_frame(out[keys])
    labels = series.drop_duplicates(keys).set_index(keys)["label"]
    out["label"] = labels.reindex(index).to_numpy()
    prov = series[series["status"] == "provisional"].groupby(keys)["year"]
    prov_years = prov.agg(lambda s: ",".join(str(v) for v in sorted(s)))
    found = prov_years.reindex(index).to_numpy(dtype=object)
    out["provisional_years"] = [v if isinstance(v, str) else "" for v in found]
    police = out["source"] == SOURCE_POLICE
    placed = trend_position(out[police], everyone)
    for col in ("nl_rank", "nl_n", "nl_percentile"):
        out[col] = np.nan
        out.loc[police, col] = placed[col]
    return out.sort_values(["region", "code", "source"])[MODEL_COLUMNS].reset_index(drop=True)
