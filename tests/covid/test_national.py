"""Tests of ivp_analysis.covid.national: the table, the sums per period, verdicts and must-shows."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis import vocab
from ivp_analysis.covid import national


@pytest.fixture(scope="module")
def summary(national_result, default_settings, phase_table, nat):
    table, fitted = national_result
    return national.phase_summary(
        table, fitted, default_settings, phase_table, nat.breaks, n_sim=1000
    )


def test_exposure_is_population_per_100000_and_month_length():
    # February 2020 has 29 days: 17,400,000 / 100,000 x 29 / 30.4375
    m = pd.period_range("2020-02", periods=1, freq="M")
    e = national.exposure_frame(pd.Series([17_400_000.0], index=m), m)
    assert e.iloc[0] == pytest.approx(174 * 29 / 30.4375)


def test_national_table_columns_and_consistency(national_result, nat):
    table, fitted = national_result
    assert list(table.columns[:9]) == [
        "code",
        "month",
        "observed",
        "expected",
        "lower_95",
        "upper_95",
        "lower_99",
        "upper_99",
        "phase",
    ]
    assert table.columns[-1] == "model"
    assert table["month"].min() == "2020-03" and table["month"].max() == "2022-02"
    assert len(table) == 24 * len(nat.codes)
    assert list(dict.fromkeys(table["code"])) == nat.codes  # sorted by code, then month
    r = table[(table["code"] == "1.1.1") & (table["month"] == "2020-04")].iloc[0]
    assert r["observed"] == 1389  # 47022NED, April 2020
    assert r["lower_99"] < r["lower_95"] < r["expected"] < r["upper_95"] < r["upper_99"]
    # to_rate turns a count into the normalised rate: 30.4375 / 30 days, per 100,000
    assert r["to_rate"] == pytest.approx(
        1e5 / nat.population[pd.Period("2020-04", "M")] * 30.4375 / 30
    )
    # expected = mean of the predictive distribution of the count
    i = nat.codes.index("1.1.1")
    assert r["expected"] == pytest.approx(fitted.expected()[i, 1])
    # a type without a model is never significant
    none = table[table["model"] == vocab.MODEL_NL["none"]]
    assert len(none) and not none["significant"].any()


def test_must_show_burglary_and_pickpocketing_april_2020(national_result):
    table = national_result[0].set_index(["code", "month"])
    for code, at_most in (("1.1.1", -30.0), ("1.2.4", -60.0)):
        r = table.loc[(code, "2020-04")]
        assert r["pct_difference"] < at_most
        assert r["observed"] < r["lower_99"]
        assert r["significant"]


def test_must_show_cybercrime_above_expected_over_2020(national_result):
    table = national_result[0]
    c = table[(table["code"] == "3.7.4") & table["month"].str.startswith("2020")]
    assert c["observed"].sum() > c["expected"].sum() * 1.3


def test_no_period_verdict_contradicts_its_difference(summary):
    # every row: below only with a negative difference, above only with a positive one, and
    # the verdict is the sum's own interval
    below = summary["verdict"] == vocab.VERDICT_BELOW
    above = summary["verdict"] == vocab.VERDICT_ABOVE
    assert (summary.loc[below, "pct_difference"] < 0).all()
    assert (summary.loc[above, "pct_difference"] > 0).all()
    assert (summary.loc[below, "observed"] < summary.loc[below, "lower_95"]).all()
    assert (summary.loc[above, "observed"] > summary.loc[above, "upper_95"]).all()
    within = summary["verdict"] == vocab.VERDICT_WITHIN
    inside = summary["observed"].between(summary["lower_95"], summary["upper_95"])
    assert inside[within].all()
    assert (summary["lower_95"] <= summary["expected"]).all()
    assert (summary["expected"] <= summary["upper_95"]).all()


def test_phase_summary_sums_match_the_monthly_table(national_result, summary):
    table, _fitted = national_result
    assert list(summary.columns[:7]) == [
        "code",
        "phase",
        "observed",
        "expected",
        "pct_difference",
        "verdict",
        "mase",
    ]
    t = table[table["code"] == "1.2.4"]
    s = summary[summary["code"] == "1.2.4"].set_index("phase")
    summer = t[t["phase"] == "versoepeling_zomer_2020"]
    assert s.loc["versoepeling_zomer_2020", "observed"] == summer["observed"].sum()
    assert s.loc["versoepeling_zomer_2020", "months"] == 4  # June to September 2020
    assert s.loc["totaal", "observed"] == t["observed"].sum()
    # the mean of the sum is the sum of the monthly means
    assert s.loc["2020", "expected"] == pytest.approx(
        t[t["month"].str.startswith("2020")]["expected"].sum()
    )
    assert s.loc["intelligente_lockdown", "verdict"] == vocab.VERDICT_BELOW
    assert "lockdown_omikron" not in s.index  # the omicron lockdown has no month of its own
    no_model = summary[summary["model"] == vocab.MODEL_NL["none"]]
    assert (no_model["verdict"] == vocab.VERDICT_NO_MODEL).all()
    assert (no_model["model_reason"] != "").all()


def test_period_interval_is_wider_than_a_sum_of_independent_months(national_result, summary):
    # months are positively correlated (a shared drift and AR errors): the interval of a sum
    # is wider than the square-root-of-sum of monthly half-widths would give
    table, _fitted = national_result
    t = table[table["code"] == "1.1.1"]
    monthly = ((t["upper_95"] - t["lower_95"]) / 2) ** 2
    s = summary[(summary["code"] == "1.1.1") & (summary["phase"] == "totaal")].iloc[0]
    assert (s["upper_95"] - s["lower_95"]) / 2 > np.sqrt(monthly.sum())


def test_multiplicity_counts_the_family(national_result, default_settings):
    table, fitted = national_result
    m = national.multiplicity(table, fitted, default_settings.level_strict)
    assert m["months"] == 24 and m["series"] == int(fitted.usable.sum())
    assert m["tests"] == 24 * m["series"]
    assert m["expected_outside"] == pytest.approx(0.01 * m["tests"])
    used = table[table["code"].isin(np.array(fitted.names)[fitted.usable])]
    assert m["outside"] == int((used["side"] != 0).sum())
