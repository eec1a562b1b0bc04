"""Rates and changes: the rate per 1,000 with its interval, each year against the year before and
against the base year, with the series' dispersion always on, Benjamini-Hochberg q-values per
family and verdicts on q; and the evaluation year against the pre-plan trend. Together they make
``trends.csv`` (:func:`trends_table`).

Every comparison is the quasi-Poisson test of :func:`ivp_analysis.stats.quasipoisson.compare_rates`
with the dispersion of the series' pre-plan model (:mod:`ivp_analysis.trends.pretrend`); the exact
Poisson p-value stays beside it for comparison (``p_value_exact``). The tests of one region form
two families, the year-on-year tests and the base-year tests (every crime type and year of the
region); their verdicts rest on the q-value. A comparison with a provisional figure gets no verdict
(``voorlopig: geen oordeel``) and stays out of the family, unless ``provisional_verdicts`` is set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis.refs import SOURCE_COLUMNS
from ivp_analysis.stats import quasipoisson as qp
from ivp_analysis.stats.multiplicity import bh_qvalues
from ivp_analysis.trends.inputs import SERIES_KEYS
from ivp_analysis.trends.pretrend import (
    CONTEXT_COLUMNS,
    DISPERSION_COLUMNS,
    PrePlan,
    pre_plan,
    trend_context,
)
from ivp_analysis.vocab import TREND_PROVISIONAL, VERDICT_PROVISIONAL

#: Columns of ``trends.csv`` up to the comparisons with the base year.
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
    "q_value",
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
    "q_value_vs_base",
    "verdict_vs_base",
]
#: Every column of ``trends.csv``, in order.
ALL_COLUMNS = [
    *TRENDS_COLUMNS,
    *DISPERSION_COLUMNS,
    "p_value_exact",
    "p_value_vs_base_exact",
    *CONTEXT_COLUMNS,
    *SOURCE_COLUMNS,
]

_KEYS = SERIES_KEYS
#: The verdict of a year without a comparison (before or at the base year): empty.
_NO_VERDICT = np.array(None, dtype=object)


def add_rates(df: pd.DataFrame, dispersion: pd.DataFrame | None = None, level: float = 0.95):
    """Add ``rate_per_1000`` (rounded to 3 decimals) and its 95 % interval with the dispersion.

    ``dispersion`` holds ``dispersion`` and ``dispersion_df`` per series (on the series keys);
    without it (or where it is NaN) the interval is the exact Poisson one. See
    :func:`ivp_analysis.stats.quasipoisson.rate_interval`.

    Examples
    --------
    Burglary in Pijnacker-Nootdorp in 2017: 103 crimes, average population 53,145.

    >>> add_rates(pd.DataFrame({"count": [103.0], "population": [53145.0]}))["rate_per_1000"].item()
    1.938
    """
    if dispersion is None:
        phi = df_ = np.full(len(df), np.nan)
    else:
        spread = dispersion[[*_KEYS, "dispersion", "dispersion_df"]]
        m = df[_KEYS].merge(spread, on=_KEYS, how="left", validate="many_to_one")
        phi, df_ = m["dispersion"].to_numpy(float), m["dispersion_df"].to_numpy(float)
    lo, hi = qp.rate_interval(df["count"], df["population"], phi, df_, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = df["count"] / df["population"] * 1000
    return df.assign(
        rate_per_1000=rate.round(3), rate_ci_low=np.round(lo, 3), rate_ci_high=np.round(hi, 3)
    )


def _reference(df: pd.DataFrame, base_year: int | None) -> pd.DataFrame:
    """Return each row's reference count, population and status (``_c0``, ``_p0``, ``_s0``):
    the year before (``base_year`` None) or the base year."""
    cols = {"count": "_c0", "population": "_p0", "status": "_s0"}
    if base_year is None:
        prev = df[[*_KEYS, "year", *cols]].rename(columns=cols)
        return df.merge(prev.assign(year=prev["year"] + 1), on=[*_KEYS, "year"], how="left")
    base = df.loc[df["year"] == base_year, [*_KEYS, *cols]].rename(columns=cols)
    return df.merge(base, on=_KEYS, how="left", validate="many_to_one")


def _compare(df: pd.DataFrame, dispersion: pd.DataFrame, base_year: int | None, level: float):
    """Run the comparison of every row with its reference; return the test and the reference."""
    spread = dispersion[[*_KEYS, "dispersion", "dispersion_df"]]
    spread = spread.rename(columns={"dispersion": "_phi", "dispersion_df": "_df"})
    m = _reference(df, base_year).merge(spread, on=_KEYS, how="left", validate="many_to_one")
    r = qp.compare_rates(
        m["_c0"], m["_p0"], m["count"], m["population"], m["_phi"], m["_df"], level
    )
    provisional = ((m["status"] == "provisional") | (m["_s0"] == "provisional")).to_numpy()
    return r, provisional


def add_year_changes(
    df: pd.DataFrame,
    dispersion: pd.DataFrame,
    level: float = 0.95,
    provisional_verdicts: bool = False,
) -> pd.DataFrame:
    """Compare each year with the year before it (quasi-Poisson, the series' dispersion).

    A year whose previous year is absent (the first year, or a gap such as CBS's missing 2021)
    gets no ratio and the verdict ``niet te toetsen``. The q-values and verdicts are added by
    :func:`add_verdicts`.
    """
    r, prov = _compare(df, dispersion, None, level)
    out = df.assign(
        rate_ratio=r["rate_ratio"],
        ci_low=r["ci_low"],
        ci_high=r["ci_high"],
        p_value=r["p_value"],
        p_value_exact=r["p_value_exact"],
    )
    out["_dir"], out["_prov"] = r["direction"], prov & ~provisional_verdicts
    return out


def add_base_changes(
    df: pd.DataFrame,
    base_year: int,
    dispersion: pd.DataFrame,
    level: float = 0.95,
    provisional_verdicts: bool = False,
) -> pd.DataFrame:
    """Compare every year after ``base_year`` with the base year (quasi-Poisson)."""
    r, prov = _compare(df, dispersion, base_year, level)
    after = (df["year"] > base_year).to_numpy()
    out = df.copy()
    out["base_year"] = pd.array(np.where(after, base_year, 0), dtype="Int64")
    out.loc[~after, "base_year"] = pd.NA
    for key in ("rate_ratio", "ci_low", "ci_high", "p_value"):
        out[f"{key}_vs_base"] = np.where(after, r[key], np.nan)
    out["p_value_vs_base_exact"] = np.where(after, r["p_value_exact"], np.nan)
    out["_dir_vs_base"] = np.where(after, r["direction"], np.nan)
    out["_prov_vs_base"] = after & prov & ~provisional_verdicts
    return out


def add_verdicts(df: pd.DataFrame, suffix: str = "", alpha: float = 0.05) -> pd.DataFrame:
    """Add ``q_value<suffix>`` (Benjamini-Hochberg per region) and ``verdict<suffix>`` on q.

    A comparison with a provisional figure (``_prov<suffix>``) gets ``voorlopig: geen oordeel``
    and no q-value; it is not part of the family.
    """
    p = df[f"p_value{suffix}"].to_numpy(float)
    prov = df[f"_prov{suffix}"].to_numpy(bool)
    in_family = np.isfinite(p) & ~prov
    q = np.full(len(df), np.nan)
    for _, idx in df.groupby("region", sort=False).indices.items():
        sel = idx[in_family[idx]]
        q[sel] = bh_qvalues(p[sel])
    verdict = qp.verdict(df[f"_dir{suffix}"].to_numpy(float), q, alpha)
    verdict = np.where(prov & np.isfinite(p), VERDICT_PROVISIONAL, verdict)
    if suffix:  # no comparison up to the base year: an empty verdict
        verdict = np.where(df["base_year"].notna().to_numpy(), verdict, _NO_VERDICT)
    return df.assign(**{f"q_value{suffix}": q, f"verdict{suffix}": verdict})


def add_trend_context(
    df: pd.DataFrame, pp: PrePlan, base_year: int, eval_year: int, level: float, provisional: bool
) -> pd.DataFrame:
    """Add :data:`CONTEXT_COLUMNS` on the evaluation year's rows (see :mod:`.pretrend`)."""
    ctx = trend_context(pp, base_year, eval_year, level)
    out = df.merge(ctx, on=[*_KEYS, "year"], how="left", validate="one_to_one")
    withheld = (out["status"] == "provisional") & out["trend_verdict"].notna() & ~provisional
    out.loc[withheld, "trend_verdict"] = TREND_PROVISIONAL
    return out


def trends_table(
    series: pd.DataFrame,
    national: pd.DataFrame | None,
    base_year: int,
    level: float = 0.95,
    *,
    eval_year: int | None = None,
    provisional_verdicts: bool = False,
) -> pd.DataFrame:
    """Build ``trends.csv``: series, rates, changes, q-values, verdicts and the trend context.

    Parameters
    ----------
    series, national : DataFrame
        The municipality's series and the national series (``None``: none).
    base_year : int
        The year every later year is compared with; the pre-plan models end there.
    level : float
        Confidence level of every interval.
    eval_year : int, optional
        The year that gets the trend context (default: no trend context).
    provisional_verdicts : bool
        Give verdicts on provisional figures as well.

    Rows are sorted by region, code, year (and source, where a code has two sources).
    """
    df = pd.concat([series, national] if national is not None else [series], ignore_index=True)
    df = df.assign(**{c: df[c].fillna("") if c in df else "" for c in SOURCE_COLUMNS})
    df = df.sort_values([*_KEYS, "year"]).reset_index(drop=True)
    pp = pre_plan(df, base_year)
    df = add_rates(df, pp.dispersion, level)
    df = add_year_changes(df, pp.dispersion, level, provisional_verdicts)
    df = add_base_changes(df, base_year, pp.dispersion, level, provisional_verdicts)
    df = add_verdicts(add_verdicts(df, "", 1 - level), "_vs_base", 1 - level)
    if eval_year is not None:
        df = add_trend_context(df, pp, base_year, eval_year, level, provisional_verdicts)
    else:
        df = df.assign(**{c: np.nan for c in CONTEXT_COLUMNS})
    df = df.merge(pp.dispersion, on=_KEYS, how="left", validate="many_to_one")
    df["year"] = df["year"].astype(int)
    return df.sort_values(["region", "code", "year", "source"])[ALL_COLUMNS].reset_index(drop=True)
