"""Tests of ivp_analysis.covid.backtest."""

import pytest

from ivp_analysis.covid import backtest


def test_mase_by_hand():
    # in-sample seasonal naive errors (m=2): |3-1|, |5-2| -> scale 2.5; forecast MAE 1
    assert backtest.mase([[4.0, 6.0]], [[5.0, 5.0]], [[1.0, 2.0, 3.0, 5.0]], m=2)[
        0
    ] == pytest.approx(0.4)


def test_backtest_scores(nat):
    bt = backtest.backtest(nat.counts, nat.population, nat.codes, nat.starts)
    b = bt.set_index("code")
    assert b.loc["1.1.1", "beats_naive"] and b.loc["1.2.4", "beats_naive"]
    assert b.loc["1.1.1", "fit_months"] == 72
    assert b.loc["3.9.1", "fit_months"] == 24  # modelled from 2016-01
    assert ((bt["coverage"] >= 0) & (bt["coverage"] <= 1)).all()
