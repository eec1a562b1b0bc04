"""Municipal yearly counterfactuals (Politie 47018NED): expected counts in the COVID-19 years.

Per municipality and crime type a log-linear trend with population exposure (Poisson or NB2,
:mod:`ivp_analysis.stats.countmodels`) is fitted on the pre-period years, all series in one
batch, and predicted for the years of the measures with prediction intervals
(:func:`ivp_analysis.stats.countpredict.predict_counts`). Each municipality's ratio observed /
expected is ranked among all municipalities (:func:`percentile_among`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from ivp_analysis import cache
from ivp_analysis.covid.data import code_sort_key
from ivp_analysis.covid.phases import MODEL_FILES
from ivp_analysis.errors import ParameterError
from ivp_analysis.stats.countpredict import predict_counts
from ivp_analysis.vocab import (
    INTERVAL_MIXTURE,
    INTERVAL_PLUGIN,
    VERDICT_ABOVE,
    VERDICT_BELOW,
    VERDICT_NA,
    VERDICT_WITHIN,
)


def check_municipal_pre_period(first_year: int, last_year: int, first_eval_year: int) -> None:
    """Refuse a municipal pre-period that does not span two years before ``first_eval_year``.

    Examples
    --------
    >>> check_municipal_pre_period(2012, 2019, 2020)
    >>> check_municipal_pre_period(2015, 2020, 2020)
    Traceback (most recent call last):
    ...
    ivp_analysis.errors.ParameterError: covid_municipal_pre_years = 2015-2020: the municipal pre-period must end before 2020 (the first year of the measures) and span at least two years
    """
    if not first_year < last_year < first_eval_year:
        raise ParameterError(
            f"covid_municipal_pre_years = {first_year}-{last_year}: "
            f"the municipal pre-period must end before {first_eval_year} (the first year of the "
            "measures) and span at least two years"
        )


def municipal_panel(
    crime: pd.DataFrame, population: pd.DataFrame, years: Iterable[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Arrange municipal counts and populations as arrays (series x years).

    The population of a municipality formed by a merger is not published for the years before
    it existed, while its counts are restated on the new boundaries; for those years the first
    published population is used (flagged: a municipality's population changes by a few
    percent at most over the pre-period).

    Returns
    -------
    y : (S, T) counts; exposure : (S, T) population; imputed : (S, T) bool;
    index : DataFrame with region, region_name, code, label per series (sorted by region, code).
    """
    years = list(years)
    crime = crime[(crime["region"] != "GM0000") & crime["period"].dt.year.isin(years)]
    c = crime.assign(year=crime["period"].dt.year)
    y = c.pivot_table(
        index=["region", "code"], columns="year", values="value", aggfunc="first", dropna=False
    )
    y = y.reindex(columns=years)
    order = sorted(y.index, key=lambda rc: (rc[0], code_sort_key(rc[1])))
    y = y.reindex(order)
    pop = population.assign(year=population["period"].dt.year)
    pop = pop.pivot_table(index="region", columns="year", values="value", aggfunc="first")
    pop = pop.reindex(y.index.get_level_values(0))
    imputed = ~np.isfinite(pop.reindex(columns=years).to_numpy(float))
    # back-fill with the first published year, which may lie after the analysed years
    filled = pop.bfill(axis=1).reindex(columns=years).to_numpy(float)
    names = crime.drop_duplicates("region").set_index("region")["region_name"]
    labels = crime.drop_duplicates("code").set_index("code")["label"]
    idx = pd.DataFrame({"region": y.index.get_level_values(0), "code": y.index.get_level_values(1)})
    idx["region_name"] = idx["region"].map(names)
    idx["label"] = idx["code"].map(labels)
    return y.to_numpy(float), filled, imputed & np.isfinite(filled), idx


@cache.memoize("covid", files=MODEL_FILES)
def municipal_counterfactual(
    crime: pd.DataFrame,
    population: pd.DataFrame,
    pre_years: tuple[int, int] = (2012, 2019),
    eval_years: tuple[int, ...] = (2020, 2021),
    level: float = 0.95,
    n_sim: int = 1000,
    seed: int = 20200323,
    dispersion_mixture: bool = True,
) -> pd.DataFrame:
    """Expected counts in the COVID years per municipality and crime type, with the distribution.

    One :func:`countmodels.fit_auto` call fits every municipality x crime type (log-linear trend
    with population exposure, Poisson or NB2); :func:`predict_counts` gives the expected count
    and a 95 % prediction interval per evaluated year: :func:`countmodels.predict_interval` for
    Poisson series, :func:`predict_interval_nb_mixture` for overdispersed ones (simulated in
    blocks of one crime type to bound memory). The ratio observed / expected is ranked among
    all municipalities per crime type and year (:func:`percentile_among`).

    Returns
    -------
    DataFrame
        ``region, code, year, observed, expected, lower_95, upper_95, ratio, verdict,
        percentile`` then ``region_name, label, family, interval_method, population,
        population_imputed, p_value``, sorted by region, code, year.
    """
    years = range(pre_years[0], max(eval_years) + 1)
    y_all, expo_all, imputed, idx = municipal_panel(crime, population, years)
    yrs = np.array(list(years))
    pre = (yrs >= pre_years[0]) & (yrs <= pre_years[1])
    ev = np.isin(yrs, eval_years)
    centre = (pre_years[0] + pre_years[1]) / 2
    X = np.column_stack([np.ones(pre.sum()), yrs[pre] - centre])
    X_new = np.column_stack([np.ones(ev.sum()), yrs[ev] - centre])
    obs = y_all[:, ev]
    pc = predict_counts(
        y_all[:, pre],
        X,
        expo_all[:, pre],
        X_new,
        expo_all[:, ev],
        level=level,
        n_sim=n_sim,
        seed=seed,
        dispersion_mixture=dispersion_mixture,
        blocks=idx["code"].to_numpy(),
        observed=obs,
    )
    return _municipal_frame(pc, obs, idx, yrs[ev], expo_all[:, ev], imputed[:, pre | ev], level)


def _municipal_frame(pc: dict, obs, idx, years, population, imputed, level: float) -> pd.DataFrame:
    """Arrange the predictions of :func:`predict_counts` as the municipal result table."""
    fit, conv, use_mix = pc["fit"], pc["converged"], pc["mixture"]
    expected, lower, upper, p_le, p_ge = (
        pc[k] for k in ("expected", "lower", "upper", "p_le", "p_ge")
    )
    S, E = obs.shape
    ok = np.isfinite(expected) & np.isfinite(obs)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ok & (expected > 0), obs / expected, np.nan)
    verdict = np.where(
        ~ok,
        VERDICT_NA,
        np.where(obs < lower, VERDICT_BELOW, np.where(obs > upper, VERDICT_ABOVE, VERDICT_WITHIN)),
    )
    out = pd.DataFrame(
        {
            "region": np.repeat(idx["region"].to_numpy(), E),
            "code": np.repeat(idx["code"].to_numpy(), E),
            "year": np.tile(years, S),
            "observed": obs.ravel(),
            "expected": expected.ravel(),
            f"lower_{100 * level:g}": lower.ravel(),
            f"upper_{100 * level:g}": upper.ravel(),
            "ratio": ratio.ravel(),
            "verdict": verdict.ravel(),
        }
    )
    out["percentile"] = out.groupby(["code", "year"])["ratio"].transform(percentile_among)
    out["region_name"] = np.repeat(idx["region_name"].to_numpy(), E)
    out["label"] = np.repeat(idx["label"].to_numpy(), E)
    out["family"] = np.repeat(np.where(conv, fit.family, ""), E)
    out["interval_method"] = np.repeat(
        np.where(~conv, "", np.where(use_mix, INTERVAL_MIXTURE, INTERVAL_PLUGIN)), E
    )
    out["population"] = population.ravel()
    out["population_imputed"] = np.repeat(imputed.any(axis=1), E)
    out["p_value"] = np.where(ok, np.minimum(1.0, 2 * np.minimum(p_le, p_ge)), np.nan).ravel()
    return out


def percentile_among(values) -> np.ndarray:
    """Percentile of each value among all finite values: the share that is lower, ties counted
    half (``scipy.stats.percentileofscore(kind="mean")``); NaN stays NaN.

    Examples
    --------
    >>> percentile_among([1.0, 2.0, 2.0, 4.0, np.nan]).tolist()
    [12.5, 50.0, 50.0, 87.5, nan]
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    out = np.full(v.shape, np.nan)
    if ok.any():
        ranks = stats.rankdata(v[ok], method="average")
        out[ok] = 100 * (ranks - 0.5) / ok.sum()
    return out


def municipal_series(crime: pd.DataFrame, region: str, first: int, last: int) -> pd.DataFrame:
    """One municipality's yearly counts per crime type: code, label, year, value."""
    d = crime[(crime["region"] == region)]
    d = d.assign(year=d["period"].dt.year)
    d = d[(d["year"] >= first) & (d["year"] <= last)]
    d = d[["code", "label", "year", "value"]]
    return d.sort_values(
        ["code", "year"], key=lambda c: c.map(code_sort_key) if c.name == "code" else c
    )
