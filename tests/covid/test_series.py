"""Tests of ivp_analysis.covid.series: any monthly or weekly series, no Dutch defaults."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis.covid import series as cf

GROWTH = 0.05  # log growth per year of the weekly test series


def _weekly(n_fit=208, n_future=26, seed=11):
    """Four years of weekly counts: 500 a week, 5 % growth a year, a week-of-year pattern with
    period exactly 52, log noise 0.003; weeks 5-8 of the forecast fall by 40 %."""
    idx = pd.period_range("2016-01-04", periods=n_fit + n_future, freq="W-SUN")
    t = np.arange(len(idx))
    truth = 500 * np.exp(GROWTH * t / 52 + 0.3 * np.sin(2 * np.pi * t / 52))
    rng = np.random.default_rng(seed)
    y = truth * np.exp(rng.normal(0, 0.003, len(t)))
    y[n_fit + 4 : n_fit + 8] *= 0.6
    return pd.Series(y, index=idx, name="weekly"), truth, idx[n_fit - 1], idx[-1]


def test_weekly_series_with_expectations_worked_out_by_hand():
    y, truth, fit_end, end = _weekly()
    out = cf.counterfactual(y, fit_end=fit_end, forecast_end=end)
    assert list(out.columns) == [
        "observed",
        "expected",
        "lower_95",
        "upper_95",
        "lower_99",
        "upper_99",
        "outside_99",
        "flagged",
    ]
    assert len(out) == 26 and out.index[0] == fit_end + 1
    # by hand: the process is log-linear with a pattern of exactly 52 weeks, so week h of the
    # forecast is the same week a year earlier times exp(growth) ...
    last_year = y.loc[out.index - 52].to_numpy()
    assert out["expected"].to_numpy() == pytest.approx(last_year * np.exp(GROWTH), rel=0.012)
    # ... and the noise-free value lies inside the 95 % interval (all but at most two weeks)
    inside = (truth[208:] >= out["lower_95"]) & (truth[208:] <= out["upper_95"])
    assert inside.sum() >= 24
    # the planted fall of 40 % in forecast weeks 5-8 is the only flagged run
    assert out["flagged"].to_numpy().nonzero()[0].tolist() == [4, 5, 6, 7]
    assert (out["outside_99"].iloc[4:8] == -1).all()
    bt = out.attrs["backtest"]["weekly"]
    # origins every 4 weeks from week 156 to 26 weeks before the end of the fit: 7 of them
    assert (
        bt["model"] == "seasonal_ar1" and bt["usable"] and bt["origins"] == len(range(155, 182, 4))
    )


def test_a_datetime_index_gives_the_same_result():
    y, _truth, fit_end, end = _weekly()
    by_period = cf.counterfactual(y, fit_end=fit_end, forecast_end=end)
    dated = y.copy()
    dated.index = y.index.to_timestamp(how="end").normalize()  # Sundays, freq W-SUN
    dated.index.freq = "W-SUN"
    by_date = cf.counterfactual(dated, fit_end=fit_end.end_time, forecast_end=end.end_time)
    assert by_date["expected"].to_numpy() == pytest.approx(by_period["expected"].to_numpy())
    monthly = pd.Series(
        np.exp(np.sin(np.arange(60) / 2)) * 100,
        index=pd.date_range("2015-01-01", periods=60, freq="MS"),
    )
    a = cf.counterfactual(monthly, fit_end="2018-12", forecast_end="2019-12")
    b = cf.counterfactual(monthly.to_period("M"), fit_end="2018-12", forecast_end="2019-12")
    assert a["expected"].to_numpy() == pytest.approx(b["expected"].to_numpy())


def test_exposure_scales_the_expectation():
    # a series that is exactly 2 x its exposure: the rate is constant, so the expected count
    # follows the exposure into the forecast period (here 1.5 times higher)
    idx = pd.period_range("2014-01", "2019-12", freq="M")
    expo = pd.Series(np.where(idx >= pd.Period("2019-01", "M"), 1.5, 1.0) * 1000, index=idx)
    rng = np.random.default_rng(2)
    y = 2 * expo * np.exp(0.2 * np.sin(np.arange(72) * np.pi / 6) + rng.normal(0, 0.01, 72))
    out = cf.counterfactual(y, fit_end="2018-12", forecast_end="2019-12", exposure=expo)
    rate_last_year = (y / expo).loc["2018-01":"2018-12"].to_numpy()
    assert out["expected"].to_numpy() == pytest.approx(1500 * rate_last_year, rel=0.03)


def test_several_series_at_once_equal_one_at_a_time():
    y, _truth, fit_end, end = _weekly()
    frame = pd.DataFrame({"a": y, "b": y * 2})
    both = cf.counterfactual(frame, fit_end=fit_end, forecast_end=end)
    one = cf.counterfactual(y, fit_end=fit_end, forecast_end=end)
    assert both.loc["a", "expected"].to_numpy() == pytest.approx(one["expected"].to_numpy())
    assert both.loc["b", "expected"].to_numpy() == pytest.approx(2 * one["expected"].to_numpy())


def test_bad_input_is_refused_with_the_reason():
    idx = pd.period_range("2015-01", "2019-12", freq="M")
    y = pd.Series(np.linspace(100, 200, len(idx)), index=idx, name="s")
    with pytest.raises(ValueError, match=r"series 's', period 2016-03: value 0.0"):
        cf.counterfactual(
            y.where(y.index != pd.Period("2016-03", "M"), 0.0),
            fit_end="2018-12",
            forecast_end="2019-12",
        )
    with pytest.raises(ValueError, match="without gaps"):
        cf.counterfactual(
            y.drop(pd.Period("2016-03", "M")), fit_end="2018-12", forecast_end="2019-12"
        )
    with pytest.raises(ValueError, match="not supported"):
        daily = pd.Series(1.0, index=pd.period_range("2020-01-01", periods=30, freq="D"))
        cf.counterfactual(daily, fit_end="2020-01-20", forecast_end="2020-01-30")
    with pytest.raises(ValueError, match="fit_end < forecast_end"):
        cf.counterfactual(y, fit_end="2019-12", forecast_end="2019-06")
    with pytest.raises(ValueError, match="no regular frequency"):
        cf.counterfactual(
            pd.Series([1.0, 2.0], index=pd.to_datetime(["2020-01-01", "2020-03-05"])),
            fit_end="2020-01-01",
            forecast_end="2020-03-05",
        )


def test_a_series_no_model_passes_is_never_flagged():
    # too short for a back-test (three years before the first origin): no model may flag it
    idx = pd.period_range("2017-01", "2020-06", freq="M")
    y = pd.Series(100 * np.exp(0.3 * np.sin(np.arange(len(idx)) / 2)), index=idx, name="x")
    y.iloc[-6:] *= 0.3
    out = cf.counterfactual(y, fit_end="2019-12", forecast_end="2020-06")
    assert out.attrs["backtest"]["x"]["reason"] == "no_backtest"
    assert (out["outside_99"] == -1).all() and not out["flagged"].any()
