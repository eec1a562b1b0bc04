"""Tests of ivp_analysis.covid.national: the table, its sums per period and the must-show results."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis import vocab
from ivp_analysis.covid import national


def test_design_matrix():
    X = national.design_matrix(pd.period_range("2012-11", "2013-02", freq="M"))
    assert X[:, 0].tolist() == [1, 1, 1, 1]
    assert X[:, 1] == pytest.approx(np.array([10, 11, 12, 13]) / 12)
    # month dummies: February is column 2, November column 11, December column 12, January none
    assert X[0, 2:].tolist() == [0] * 9 + [1, 0] and X[2, 2:].sum() == 0 and X[3, 2] == 1


def test_national_table_columns_and_consistency(national_result, nat, default_settings):
    table, pred, _fit = national_result
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
    assert np.exp(pred.median()[nat.codes.index("1.1.1"), 1]) == pytest.approx(
        r["expected"] * r["to_rate"]
    )


def test_must_show_burglary_and_pickpocketing_april_2020(national_result):
    table = national_result[0].set_index(["code", "month"])
    for code, at_most in (("1.1.1", -30.0), ("1.2.4", -60.0)):
        r = table.loc[(code, "2020-04")]
        assert r["pct_difference"] < at_most
        assert r["observed"] < r["lower_99"]
        assert r["significant"]


def test_must_show_cybercrime_above_expected_over_2020(national_result, default_settings):
    table = national_result[0]
    c = table[(table["code"] == "3.7.4") & table["month"].str.startswith("2020")]
    assert c["observed"].sum() > c["expected"].sum() * 1.3


def test_phase_summary_sums_match_the_monthly_table(
    national_result, default_settings, phase_table, nat
):
    table, pred, _fit = national_result
    summ = national.phase_summary(
        table, pred, default_settings, phase_table, breaks=nat.breaks, n_sim=500
    )
    assert list(summ.columns[:7]) == [
        "code",
        "phase",
        "observed",
        "expected",
        "pct_difference",
        "verdict",
        "mase",
    ]
    t = table[table["code"] == "1.2.4"]
    s = summ[summ["code"] == "1.2.4"].set_index("phase")
    summer = t[t["phase"] == "versoepeling_zomer_2020"]
    assert s.loc["versoepeling_zomer_2020", "observed"] == summer["observed"].sum()
    assert s.loc["versoepeling_zomer_2020", "months"] == 4  # June to September 2020
    assert s.loc["totaal", "observed"] == t["observed"].sum()
    assert s.loc["2020", "expected"] == pytest.approx(
        t[t["month"].str.startswith("2020")]["expected"].sum()
    )
    assert s.loc["intelligente_lockdown", "verdict"] == vocab.VERDICT_BELOW
    # the omicron lockdown has the most days in no month, so it has no row
    assert "lockdown_omikron" not in s.index
    assert (summ["lower_95"] <= summ["upper_95"]).all()
