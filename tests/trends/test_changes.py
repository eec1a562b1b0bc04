"""Rates and changes (``ivp_analysis.trends.changes``) and the pre-plan models
(``ivp_analysis.trends.pretrend``) on tiny hand-made frames with expectations worked out by hand,
and the must-show rows of ``trends.csv`` on the shipped data."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ivp_analysis import vocab
from ivp_analysis.trends import changes as ch
from ivp_analysis.trends.inputs import municipal_series, national_series
from ivp_analysis.trends.pretrend import pre_plan

UP, DOWN, NONE, NA = vocab.VERDICT_UP, vocab.VERDICT_DOWN, vocab.VERDICT_WITHIN, vocab.VERDICT_NA
YEARS = list(range(2012, 2024))


def _spread(region="GM1926", code="1.1.1", source=vocab.SOURCE_POLICE, phi=2.0, df=8.0):
    keys = {"region": [region], "code": [code], "source": [source]}
    return pd.DataFrame({**keys, "dispersion": [phi], "dispersion_df": [df]})


# --------------------------------------------------------------------------- rates


def test_rate_per_1000_is_rounded_to_three_decimals():
    # 103 / 53,145 x 1,000 = 1.93809... -> 1.938 (the example, GM1926 burglary 2017)
    out = ch.add_rates(pd.DataFrame({"count": [103.0, 1.0], "population": [53145.0, 3000.0]}))
    assert out["rate_per_1000"].tolist() == [1.938, 0.333]
    # without a dispersion: the exact Poisson interval (10 events: 4.795 .. 18.390 per 1,000)
    out = ch.add_rates(pd.DataFrame({"count": [10.0], "population": [1000.0]}))
    assert (out["rate_ci_low"].item(), out["rate_ci_high"].item()) == (4.795, 18.39)


def test_rate_interval_widens_with_the_series_dispersion(make_series):
    d = make_series([10.0], [1000.0], [2022])
    wide = ch.add_rates(d, _spread(phi=2.0, df=np.inf))
    # the exact interval of the effective count 10 / 2 = 5 (1.6235 .. 11.6683), doubled
    assert wide["rate_ci_low"].item() == pytest.approx(3.247, abs=1e-3)
    assert wide["rate_ci_high"].item() == pytest.approx(23.337, abs=1e-3)


# --------------------------------------------------------------------------- changes


def test_year_on_year_change_burglary_61_to_76(make_series):
    d = make_series([73, 61, 76], [55491, 56123, 57122], [2020, 2021, 2022])
    out = ch.add_year_changes(d, _spread(phi=1.9229, df=8)).set_index("year")
    assert out.loc[2022, "rate_ratio"] == pytest.approx((76 / 57122) / (61 / 56123), rel=1e-12)
    # quasi-score test by hand: share of 2022 under equal rates p0 = 57,122 / 113,245
    p0 = 57122 / (56123 + 57122)
    z = (76 - 137 * p0) / math.sqrt(1.9229 * 137 * p0 * (1 - p0))
    assert out.loc[2022, "p_value"] == pytest.approx(2 * stats.t.sf(abs(z), 8), rel=1e-9)
    assert out.loc[2022, "p_value"] > 0.3  # 61 -> 76: not significant
    assert 0.26 < out.loc[2022, "p_value_exact"] < 0.28  # the exact test, for comparison
    assert np.isnan(out.loc[2020, "rate_ratio"]) and np.isnan(out.loc[2020, "p_value"])


def test_year_on_year_change_needs_the_year_directly_before(make_series):
    # CBS has 2020 and 2022 but no 2021: 2022 is not compared with 2020.
    d = make_series([1800, 1660], [55491, 57122], [2020, 2022], "0.0.0", vocab.SOURCE_CBS)
    out = ch.add_year_changes(d, _spread(code="0.0.0", source=vocab.SOURCE_CBS)).set_index("year")
    assert np.isnan(out.loc[2022, "rate_ratio"]) and np.isnan(out.loc[2022, "p_value"])


def test_a_rise_from_zero_has_no_ratio_and_no_inf(make_series):
    # Schiermonnikoog-like: 0 burglaries, then 2: no percentage from zero, but a test
    d = make_series([0, 2], [934, 940], [2017, 2018])
    out = ch.add_year_changes(d, _spread(phi=np.nan, df=np.nan)).set_index("year")
    assert np.isnan(out.loc[2018, "rate_ratio"]) and np.isnan(out.loc[2018, "ci_high"])
    assert out.loc[2018, "_dir"] == 1 and np.isfinite(out.loc[2018, "p_value"])


def test_changes_against_the_base_year(make_series):
    d = make_series([61, 76, 37, 54], [56123, 57122, 57802, 58029], [2021, 2022, 2023, 2024])
    out = ch.add_base_changes(d, 2022, _spread(phi=1.9229, df=8)).set_index("year")
    assert out.loc[2023, "rate_ratio_vs_base"] == pytest.approx((37 / 57802) / (76 / 57122))
    assert 0.02 < out.loc[2023, "p_value_vs_base"] < 0.035  # significant on p, dispersion on
    assert out.loc[2023, "p_value_vs_base_exact"] < 0.001
    assert int(out.loc[2024, "base_year"]) == 2022
    assert out.loc[[2021, 2022], "rate_ratio_vs_base"].isna().all()
    assert out.loc[[2021, 2022], "base_year"].isna().all()


def test_verdicts_rest_on_the_q_value_of_each_region():
    # Three tests of one region with p 0.01, 0.04, 0.5: q = 0.03, 0.06, 0.5 -> only the first
    # is significant on q, although two are on p. A second region is its own family.
    df = pd.DataFrame(
        {
            "region": ["A", "A", "A", "B"],
            "year": [2020, 2021, 2022, 2022],
            "p_value": [0.01, 0.04, 0.5, 0.04],
            "_dir": [1.0, -1.0, 1.0, -1.0],
            "_prov": [False, False, False, False],
        }
    )
    out = ch.add_verdicts(df)
    assert out["q_value"].tolist() == pytest.approx([0.03, 0.06, 0.5, 0.04])
    assert out["verdict"].tolist() == [UP, NONE, NONE, DOWN]


def test_a_provisional_comparison_gets_no_verdict_and_stays_out_of_the_family():
    df = pd.DataFrame(
        {
            "region": "A",
            "year": [2023, 2024, 2025],
            "p_value": [0.01, 0.001, np.nan],
            "_dir": [1.0, 1.0, np.nan],
            "_prov": [False, True, True],
        }
    )
    out = ch.add_verdicts(df)
    assert out["q_value"].iloc[0] == pytest.approx(0.01)  # family of one: q = p
    assert np.isnan(out["q_value"].iloc[1])
    assert out["verdict"].tolist() == [UP, vocab.VERDICT_PROVISIONAL, NA]


def test_pre_plan_dispersion_falls_back_to_every_year_when_the_base_year_comes_early(make_series):
    counts = [100.0, 200, 100, 200, 100, 200, 100, 200]
    d = make_series(counts, [50_000.0] * 8, list(range(2016, 2024)))
    early = pre_plan(d, 2018).dispersion.iloc[0]  # 2016-2018: three years, too few
    assert early["dispersion_last_year"] == 2023 and early["method"] == "quasi-Poisson"
    assert early["dispersion"] > 20  # 100/200 alternating: X2 ~ 8 x 50^2 / 150 on 5 df
    short = pre_plan(d.head(4), 2018).dispersion.iloc[0]
    assert np.isnan(short["dispersion"]) and short["method"] == "exact Poisson"


def test_trends_table_columns_and_sorted_rows(make_series):
    a = make_series([5, 6], [1000, 1000], [2021, 2022], code="1.2.1")
    b = make_series([7, 8], [1000, 1000], [2022, 2021], code="1.1.1")
    t = ch.trends_table(pd.concat([a, b], ignore_index=True), None, base_year=2021)
    assert t.columns.tolist() == ch.ALL_COLUMNS
    assert t.columns[:13].tolist()[-3:] == ["p_value", "q_value", "verdict"]
    assert t[["code", "year"]].values.tolist() == [
        ["1.1.1", 2021],
        ["1.1.1", 2022],
        ["1.2.1", 2021],
        ["1.2.1", 2022],
    ]
    assert t.loc[1, "rate_ratio"] == pytest.approx(7 / 8)
    assert t["method"].eq("exact Poisson").all()  # two years: no dispersion estimate


# --------------------------------------------------------------------------- shipped data


@pytest.fixture(scope="module")
def gm1926(inputs):
    series = municipal_series(inputs, "GM1926", 2012, 2023)
    national = national_series(inputs.crime, inputs.population, 2012, 2023)
    return ch.trends_table(series, national, 2022, eval_year=2023)


def test_must_show_burglary_rows_of_trends_csv(gm1926):
    t = gm1926
    b = t[(t["region"] == "GM1926") & (t["code"] == "1.1.1")].set_index("year")
    assert b.index.tolist() == YEARS
    assert b.loc[2017, "rate_per_1000"] == 1.938
    # dispersion of 2012-2022 around the trend with a pandemic level: 1.92 on 8 df
    assert b["dispersion"].iloc[0] == pytest.approx(1.9229, abs=1e-3)
    assert b["dispersion_df"].iloc[0] == 8 and b["dispersion_last_year"].iloc[0] == 2022
    # 61 -> 76 not significant; 76 -> 37 significant on p (quasi-score, t on 8 df), not on q
    assert b.loc[2022, "p_value"] > 0.3 and b.loc[2022, "verdict"] == NONE
    assert 0.025 < b.loc[2023, "p_value_vs_base"] < 0.03
    assert b.loc[2023, "p_value_vs_base_exact"] < 0.001
    assert b.loc[2023, "q_value_vs_base"] > 0.05 and b.loc[2023, "verdict_vs_base"] == NONE
    # 37 lies within the pre-plan trend's prediction interval (about 53, 28 to 83)
    row = b.loc[2023]
    assert 52 < row["trend_expected"] < 55 and row["trend_pi_low"] < 37 < row["trend_pi_high"]
    assert row["trend_verdict"] == vocab.TREND_WITHIN
    assert row["baseline_vs_trend"] == vocab.TREND_WITHIN
    assert b.loc[YEARS[:-1], "trend_expected"].isna().all()  # only on the evaluation year


def test_each_region_is_a_family_and_nothing_is_inf(gm1926):
    t = gm1926
    for region in ("GM1926", "NL"):
        r = t[t["region"] == region]
        tested = r["p_value"].notna()
        assert r.loc[tested, "q_value"].notna().all()
        assert (r.loc[tested, "q_value"] >= r.loc[tested, "p_value"] - 1e-12).all()
    numbers = t.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()
    total = t[t["code"] == "0.0.0"]
    cbs = total[total["source"] == vocab.SOURCE_CBS]["year"].tolist()
    assert cbs == [*range(2012, 2021), 2022]  # no 2021 in the shipped CBS extracts
    assert total[total["source"] == vocab.SOURCE_PLAN]["year"].tolist() == list(range(2017, 2023))
