"""Trend models (``ivp_analysis.trends.models``) against statsmodels and hand-worked ranks."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from ivp_analysis import vocab
from ivp_analysis.trends import models as tm


def test_fit_trends_is_the_quasi_poisson_glm_and_drops_missing_years():
    counts = np.array([12.0, 15.0, 9.0, 14.0, 20.0, 18.0, 25.0])
    pops = np.array([1000.0, 1010.0, 1030.0, np.nan, 1060.0, 1080.0, 1090.0])
    years = list(range(2014, 2021))  # 2020 is a pandemic year: a level of its own
    y = pd.DataFrame([counts], columns=years)
    p = pd.DataFrame([pops], columns=years)
    out = tm.fit_trends(y, p).iloc[0]
    keep = np.isfinite(pops)
    c = np.arange(7) - 3.0
    X = np.c_[np.ones(7), c, np.array(years) == 2020][keep].astype(float)
    ref = sm.GLM(counts[keep], X, family=sm.families.Poisson(), exposure=pops[keep]).fit()
    phi = max(1.0, ref.pearson_chi2 / ref.df_resid)
    assert out["family"] == "quasi-poisson"
    assert out["change_pct"] == pytest.approx(100 * (math.exp(ref.params[1]) - 1), abs=1e-6)
    t = stats.t.ppf(0.975, ref.df_resid)
    se = ref.bse[1] * math.sqrt(phi)
    assert out["ci_low_pct"] == pytest.approx(
        100 * (math.exp(ref.params[1] - t * se) - 1), abs=1e-6
    )
    assert out["p_value"] == pytest.approx(2 * stats.t.sf(abs(ref.params[1] / se), ref.df_resid))
    assert out["pearson_chi2"] == pytest.approx(ref.pearson_chi2, abs=1e-8)
    assert (out["n_obs"], out["df"]) == (6, 3)
    assert (out["first_year"], out["last_year"]) == (2014, 2020)


def test_fit_trends_widens_an_overdispersed_series():
    y = pd.DataFrame([[3.0, 14, 2, 20, 5, 30, 4, 25]], columns=range(2010, 2018))
    out = tm.fit_trends(y, y * 0 + 1000).iloc[0]
    assert out["dispersion"] > 5
    assert out["p_value"] > out["p_value_poisson"]  # the plain Poisson test is far too sure


def test_fit_trends_needs_five_years():
    y = pd.DataFrame(
        [[10.0, 20.0, 40.0, 80.0], [10.0, 20.0, 40.0, 80.0]], columns=range(2014, 2018)
    )
    p = pd.DataFrame([[1000.0] * 4, [1000.0, np.nan, 1000.0, 1000.0]], columns=range(2014, 2018))
    out = tm.fit_trends(y, p, min_years=4)
    assert out["change_pct"].iloc[0] == pytest.approx(100.0)  # four years: estimated
    # three years: not estimated
    assert np.isnan(out["change_pct"].iloc[1]) and out["verdict"].iloc[1] == vocab.VERDICT_NA
    assert tm.fit_trends(y, p)["verdict"].eq(vocab.VERDICT_NA).all()  # default minimum: five


def test_trend_position_ranks_from_the_strongest_fall_and_skips_small_numbers():
    every = pd.DataFrame(
        {
            "code": ["a"] * 6 + ["b"] * 2,
            "change_pct": [-10.0, -5.0, -5.0, 5.0, np.nan, -50.0, 1.0, 2.0],
            "median_count": [30, 30, 30, 30, 30, 3, 30, 30],
        }
    )
    own = pd.DataFrame(
        {
            "code": ["a", "a", "b", "b"],
            "change_pct": [-5.0, 5.0, 1.0, 1.0],
            "median_count": [40, 40, 40, 4],
        }
    )
    out = tm.trend_position(own, every)
    # a: four estimates with enough cases (-10, -5, -5, 5; the -50 % of 3 cases is left out);
    # -5 ties at rank 2, 5 is rank 4 of 4 -> percentile 100; b with 4 cases: no rank
    assert out["nl_rank"].tolist()[:3] == [2, 4, 1] and np.isnan(out["nl_rank"].iloc[3])
    assert out["nl_n"].tolist()[:3] == [4, 4, 2]
    assert out["nl_percentile"].tolist()[:3] == pytest.approx([100 / 3, 100, 0])


def test_municipal_trend_equals_its_row_in_the_batched_fit_and_gets_a_q_value():
    years = list(range(2013, 2021))
    rows = []
    for region, base in (("GM0001", 20), ("GM0002", 50), ("GM0003", 8)):
        for i, y in enumerate(years):
            count = float(base + (i * 3 if region != "GM0003" else i % 2))
            status = "provisional" if y == 2020 else "final"
            pop = 1000.0 + 10 * i
            rows.append((region, "1.1.1", "x", y, count, pop, status, vocab.SOURCE_POLICE))
    cols = ["region", "code", "label", "year", "count", "population", "status", "source"]
    everyone = pd.DataFrame(rows, columns=cols)
    fits = tm.fit_all_municipalities(everyone, 2013, 2020)
    own = tm.trend_models(everyone[everyone["region"] == "GM0002"], fits, 2013, 2020).iloc[0]
    batch = fits[fits["region"] == "GM0002"].iloc[0]
    assert own["change_pct"] == pytest.approx(batch["change_pct"], abs=1e-9)
    assert own["last_year"] == 2019 and own["provisional_years"] == "2020"  # 2020 left out
    assert own["nl_n"] == 2  # GM0003 (8 a year) is too small to rank
    assert own["q_value"] == pytest.approx(own["p_value"])  # a family of one
    assert list(tm.trend_models(everyone, fits, 2013, 2020)) == tm.MODEL_COLUMNS
