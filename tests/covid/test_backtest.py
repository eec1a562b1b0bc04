"""Tests of ivp_analysis.covid.backtest: scores by hand, the gate, the rolling back-test."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis.covid import backtest


def test_mase_by_hand():
    # in-sample seasonal naive errors (m=2): |3-1|, |5-2| -> scale 2.5; forecast MAE 1
    got = backtest.mase([[4.0, 6.0]], [[5.0, 5.0]], [[1.0, 2.0, 3.0, 5.0]], m=2)
    assert got[0] == pytest.approx(0.4)


def test_origins_need_three_cycles_and_stop_a_horizon_before_the_end():
    # m = 12, 60 periods, horizon 24: the last fitted period runs from index 35 to 35 (36..59
    # are the 24 forecast periods of the last origin); a series starting at 10 has none
    got = list(backtest.origins(np.array([0, 10]), 60, 12, 24))
    assert [(e, rows.tolist()) for e, rows in got] == [(35, [True, False])]


def test_gate_by_hand():
    s = pd.DataFrame(
        {
            "origins": [3, 3, 3, 3, 0],
            "coverage_95": [0.90, 0.95, 0.80, 0.70, np.nan],
            "coverage_95_naive": [0.50, 0.90, 0.86, 0.84, np.nan],
            "relative_mae": [0.99, 1.00, 0.50, 0.50, np.nan],
        }
    )
    g = backtest.gate(s)
    assert g["model"].tolist() == [
        "seasonal_ar1",
        "seasonal_naive",
        "seasonal_naive",
        "none",
        "none",
    ]
    assert g["usable"].tolist() == [True, True, True, False, False]
    assert g["reason"].tolist() == [
        "",
        "not_better_than_naive",
        "low_coverage",
        "low_coverage;naive_low_coverage",
        "no_backtest",
    ]


def test_rolling_backtest_prefers_the_model_on_a_growing_series():
    # exact seasonal pattern, 10 % growth a year, tiny noise: the model (last year + mean
    # growth) errs far less than seasonal naive (last year); 96 months, horizon 12
    rng = np.random.default_rng(4)
    t = np.arange(96)
    y = 5 + 0.1 * t / 12 + 0.3 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.002, 96)
    s = backtest.rolling_backtest(y[None, :], 12, 12)
    assert s.loc[0, "origins"] == 96 - 12 - 36 + 1
    assert s.loc[0, "relative_mae"] < 0.1
    assert s.loc[0, "coverage_95"] > 0.85
    # seasonal naive misses by one year's growth, as it does in-sample, on a level that has
    # grown since: its MASE is above 1, the model's a small fraction of it
    assert s.loc[0, "mase_naive"] > 1 and s.loc[0, "mase"] < 0.1 * s.loc[0, "mase_naive"]
    assert backtest.gate(s).loc[0, "model"] == "seasonal_ar1"


def test_rolling_backtest_of_the_national_series(nat):
    months = pd.period_range("2012-01", "2020-02", freq="M")
    from ivp_analysis.covid import data

    Y = np.log(
        nat.counts.loc[months, ["1.1.1", "3.9.1"]].to_numpy(float).T
        * data.to_rate_factor(nat.population[months], months)
    )
    Y[1, months < pd.Period("2016-01", "M")] = np.nan  # modelled from 2016-01
    s = backtest.rolling_backtest(Y, 12, 24)
    # 1.1.1: origins from the 36th month (2014-12) to 24 months before the end (2018-02)
    assert s.loc[0, "origins"] == 39
    assert s.loc[0, "relative_mae"] < 1 and s.loc[0, "coverage_95"] > 0.95
    # 3.9.1 starts in 2016: three years of data end after the last origin
    assert s.loc[1, "origins"] == 0 and np.isnan(s.loc[1, "coverage_95"])
