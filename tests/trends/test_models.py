"""Trend models (``ivp_analysis.trends.models``) against statsmodels and hand-worked ranks."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from ivp_analysis import vocab
from ivp_analysis.trends import models as tm


def test_fit_trends_matches_statsmodels_poisson_and_drops_missing_years():
    counts = np.array([12.0, 15.0, 9.0, 14.0, 20.0, 18.0])
    pops = np.array([1000.0, 1010.0, 1030.0, np.nan, 1060.0, 1080.0])
    years = list(range(2018, 2024))
    y = pd.DataFrame([counts], columns=years)
    p = pd.DataFrame([pops], columns=years)
    out = tm.fit_trends(y, p).iloc[0]
    keep = np.isfinite(pops)
    X = np.c_[np.ones(6), np.arange(6) - 2.5][keep]
    ref = sm.GLM(counts[keep], X, family=sm.families.Poisson(), exposure=pops[keep]).fit()
    assert out["family"] == "poisson"  # Pearson's test does not reject the Poisson model
    assert out["change_pct"] == pytest.approx(100 * (math.exp(ref.params[1]) - 1), abs=1e-6)
    z = 1.959963984540054
    assert out["ci_low_pct"] == pytest.approx(
        100 * (math.exp(ref.params[1] - z * ref.bse[1]) - 1), abs=1e-6
    )
    assert out["pearson_chi2"] == pytest.approx(ref.pearson_chi2, abs=1e-8)
    assert (out["n_obs"], out["df"]) == (5, 3)
    assert (out["first_year"], out["last_year"]) == (2018, 2023)


def test_fit_trends_switches_to_negative_binomial_when_overdispersed():
    y = pd.DataFrame([[3.0, 14, 2, 20, 5, 30, 4, 25]], columns=range(2016, 2024))
    out = tm.fit_trends(y, y * 0 + 1000).iloc[0]
    assert out["dispersion_p"] < 0.05 and out["family"] == "negbin" and out["alpha"] > 0


def test_fit_trends_needs_five_years():
    y = pd.DataFrame(
        [[10.0, 20.0, 40.0, 80.0], [10.0, 20.0, 40.0, 80.0]], columns=range(2020, 2024)
    )
    p = pd.DataFrame([[1000.0] * 4, [1000.0, np.nan, 1000.0, 1000.0]], columns=range(2020, 2024))
    out = tm.fit_trends(y, p, min_years=4)
    assert out["change_pct"].iloc[0] == pytest.approx(100.0)  # four years: estimated
    # three years: not estimated
    assert np.isnan(out["change_pct"].iloc[1]) and out["verdict"].iloc[1] == vocab.VERDICT_NA
    assert tm.fit_trends(y, p)["verdict"].eq(vocab.VERDICT_NA).all()  # default minimum: five


def test_trend_position_ranks_from_the_strongest_fall():
    every = pd.DataFrame(
        {"code": ["a"] * 5 + ["b"] * 2, "change_pct": [-10.0, -5.0, -5.0, 5.0, np.nan, 1.0, 2.0]}
    )
    own = pd.DataFrame({"code": ["a", "a", "b"], "change_pct": [-5.0, 5.0, 1.0]})
    out = tm.trend_position(own, every)
    # a: four estimates (-10, -5, -5, 5); -5 ties at rank 2, 5 is rank 4 of 4 -> percentile 100
    assert out["nl_rank"].tolist() == [2, 4, 1]
    assert out["nl_n"].tolist() == [4, 4, 2]
    assert out["nl_percentile"].tolist() == pytest.approx([100 / 3, 100, 0])


def test_municipal_trend_equals_its_row_in_the_batched_fit():
    years = list(range(2015, 2021))
    rows = []
    for region, base in (("GM0001", 20), ("GM0002", 50), ("GM0003", 8)):
        for i, y in enumerate(years):
            count = float(base + (i * 3 if region != "GM0003" else i % 2))
            rows.append(
                (region, "1.1.1", "x", y, count, 1000.0 + 10 * i, "final", vocab.SOURCE_POLICE)
            )
    cols = ["region", "code", "label", "year", "count", "population", "status", "source"]
    everyone = pd.DataFrame(rows, columns=cols)
    fits = tm.fit_all_municipalities(everyone, 2015, 2020)
    own = tm.trend_models(everyone[everyone["region"] == "GM0002"], fits, 2015, 2020).iloc[0]
    batch = fits[fits["region"] == "GM0002"].iloc[0]
    assert own["change_pct"] == pytest.approx(batch["change_pct"], abs=1e-9)
    assert own["nl_n"] == 3
    assert tm.MODEL_COLUMNS[:14] == [
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
    ]
