"""Rates and changes (``ivp_analysis.trends.changes``) on tiny hand-made frames with expectations
worked out by hand, and the must-show rows of ``trends.csv`` on the shipped data."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis import vocab
from ivp_analysis.trends import changes as ch
from ivp_analysis.trends.inputs import municipal_series

UP, DOWN, NONE, NA = vocab.VERDICT_UP, vocab.VERDICT_DOWN, vocab.VERDICT_WITHIN, vocab.VERDICT_NA


# --------------------------------------------------------------------------- rates


def test_rate_per_1000_is_rounded_to_three_decimals():
    # 103 / 53,145 x 1,000 = 1.93809... -> 1.938 (the issue's example, GM1926 burglary 2017)
    out = ch.add_rates(pd.DataFrame({"count": [103.0, 1.0], "population": [53145.0, 3000.0]}))
    assert out["rate_per_1000"].tolist() == [1.938, 0.333]


def test_rate_interval_is_the_exact_poisson_interval():
    # Textbook exact 95 % limits for a Poisson count (e.g. Ulm 1990): 10 -> 4.795 .. 18.390,
    # 0 -> 0 .. 3.689, 1 -> 0.0253 .. 5.572.
    lo, hi = ch.rate_interval([10, 0, 1], [1000, 1000, 1000])
    assert lo == pytest.approx([4.795, 0.0, 0.0253], abs=1e-3)
    assert hi == pytest.approx([18.390, 3.689, 5.572], abs=1e-3)
    # per 1,000 inhabitants: twice the population halves the limits
    lo2, hi2 = ch.rate_interval(10, 2000)
    assert float(lo2) == pytest.approx(4.795 / 2, abs=1e-3)
    assert float(hi2) == pytest.approx(18.390 / 2, abs=1e-3)
    lo_na, _ = ch.rate_interval(5, np.nan)
    assert np.isnan(lo_na)


# --------------------------------------------------------------------------- changes


def test_year_on_year_change_burglary_example_from_the_issue(make_series):
    d = make_series([73, 61, 76], [55491, 56123, 57122], [2020, 2021, 2022])
    out = ch.add_year_changes(d).set_index("year")
    # 2022 against 2021: (76 / 57,122) / (61 / 56,123) = 1.2241
    assert out.loc[2022, "rate_ratio"] == pytest.approx((76 / 57122) / (61 / 56123), rel=1e-12)
    assert round(out.loc[2022, "rate_ratio"], 2) == 1.22
    assert 0.26 < out.loc[2022, "p_value"] < 0.28
    assert out.loc[2022, "verdict"] == NONE
    # the first year has no previous year
    assert np.isnan(out.loc[2020, "rate_ratio"]) and out.loc[2020, "verdict"] == NA


def test_year_on_year_change_needs_the_year_directly_before(make_series):
    # CBS has 2020 and 2022 but no 2021: 2022 is not compared with 2020.
    d = make_series([1800, 1660], [55491, 57122], [2020, 2022], "0.0.0", vocab.SOURCE_CBS)
    out = ch.add_year_changes(d).set_index("year")
    assert np.isnan(out.loc[2022, "rate_ratio"]) and out.loc[2022, "verdict"] == NA


def test_year_on_year_change_keeps_sources_apart(make_series):
    cbs = make_series([1695, 1455], [53145, 53982], [2017, 2018], "0.0.0", vocab.SOURCE_CBS)
    plan = make_series([1674, 1432], [53145, 53982], [2017, 2018], "0.0.0", vocab.SOURCE_PLAN)
    out = ch.add_year_changes(pd.concat([cbs, plan], ignore_index=True))
    got = out[out["year"] == 2018].set_index("source")["rate_ratio"]
    assert got[vocab.SOURCE_CBS] == pytest.approx((1455 / 53982) / (1695 / 53145))
    assert got[vocab.SOURCE_PLAN] == pytest.approx((1432 / 53982) / (1674 / 53145))


def test_changes_against_the_base_year(make_series):
    d = make_series([61, 76, 37, 54], [56123, 57122, 57802, 58029], [2021, 2022, 2023, 2024])
    out = ch.add_base_changes(d, 2022).set_index("year")
    assert out.loc[2023, "rate_ratio_vs_base"] == pytest.approx((37 / 57802) / (76 / 57122))
    assert out.loc[2023, "verdict_vs_base"] == DOWN
    assert out.loc[2024, "rate_ratio_vs_base"] == pytest.approx((54 / 58029) / (76 / 57122))
    assert int(out.loc[2024, "base_year"]) == 2022
    # the base year itself and the years before it carry no comparison
    assert out.loc[[2021, 2022], "rate_ratio_vs_base"].isna().all()
    assert out.loc[[2021, 2022], "base_year"].isna().all()


def test_trends_table_has_the_required_columns_first_and_sorted_rows(make_series):
    a = make_series([5, 6], [1000, 1000], [2021, 2022], code="1.2.1")
    b = make_series([7, 8], [1000, 1000], [2022, 2021], code="1.1.1")
    t = ch.trends_table(pd.concat([a, b], ignore_index=True), None, base_year=2021)
    required = [
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
    ]
    assert t.columns[: len(required)].tolist() == required
    assert t[["code", "year"]].values.tolist() == [
        ["1.1.1", 2021],
        ["1.1.1", 2022],
        ["1.2.1", 2021],
        ["1.2.1", 2022],
    ]
    # 1.1.1: 8 in 2021 and 7 in 2022 with equal population -> ratio 7 / 8
    assert t.loc[1, "rate_ratio"] == pytest.approx(7 / 8)


def test_overdispersed_history_widens_the_comparison():
    # Bicycle thefts alternating 100/200 for six years vary far more than Poisson counts; a rise
    # from 200 to 260 (+30 %) is then within normal variation, although the exact test calls it
    # significant. The spread is judged on the years up to the earlier year only.
    years = list(range(2017, 2024))
    d = pd.DataFrame(
        {
            "region": "GM1",
            "code": "1.2.3",
            "source": "S",
            "year": years,
            "count": [100.0, 200, 100, 200, 100, 200, 260],
            "population": 50_000.0,
        }
    )
    out = ch.add_dispersion_adjusted(
        ch.add_base_changes(ch.add_year_changes(d), 2022), 2022
    ).set_index("year")
    # Pearson X2 of a log-linear Poisson fit to 100, 200, 100, 200, 100, 200 (2017-2022), by hand:
    # the fitted trend is nearly flat at 150, so X2 ~ 6 x 50^2 / 150 = 100 on 4 df: phi ~ 25.
    assert 20 < out.loc[2023, "dispersion"] < 30
    assert out.loc[2023, "verdict"] == UP  # exact test: p ~ 0.002
    assert out.loc[2023, "method"] == "quasi-Poisson"
    assert out.loc[2023, "verdict_adj"] == NONE
    se = np.sqrt(out.loc[2023, "dispersion"] * (1 / 200 + 1 / 260))
    assert out.loc[2023, "ci_high_adj"] == pytest.approx(1.3 * np.exp(1.959963984540054 * se))
    assert out.loc[2023, "verdict_vs_base_adj"] == NONE


# --------------------------------------------------------------------------- shipped data


def test_must_show_rows_of_trends_csv(inputs):
    series = municipal_series(inputs, "GM1926", 2012, 2025)
    t = ch.trends_table(series, None, 2022)
    burglary = t[(t["region"] == "GM1926") & (t["code"] == "1.1.1")].set_index("year")
    assert burglary.index.tolist() == list(range(2012, 2026))
    assert burglary.loc[2017, "rate_per_1000"] == 1.938
    assert burglary.loc[2022, "verdict"] == NONE
    assert burglary.loc[[2024, 2025], "status"].eq("provisional").all()
    total = t[t["code"] == "0.0.0"]
    cbs = total[total["source"] == vocab.SOURCE_CBS]["year"].tolist()
    assert cbs == [*range(2012, 2021), 2022]  # no 2021 in the shipped CBS extracts
    assert total[total["source"] == vocab.SOURCE_PLAN]["year"].tolist() == list(range(2017, 2023))
