"""Tests of ivp_analysis.stats.ar1: the batched AR(1) regression against statsmodels on real series."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from statsmodels.tsa.statespace.initialization import Initialization
from statsmodels.tsa.statespace.sarimax import SARIMAX

from ivp_analysis import datasets
from ivp_analysis.covid import data, validation
from ivp_analysis.covid.settings import NationalSettings
from ivp_analysis.stats import ar1


@pytest.fixture(scope="module")
def nat():
    return data.prepare_national(
        datasets.get("national_monthly_crime"),
        datasets.get("national_population_monthly"),
        NationalSettings(),
    )


def _real_series(nat, code, end="2020-02"):
    months = pd.period_range(nat.starts[code], end, freq="M")
    y = np.log(
        nat.counts.loc[months, code].to_numpy(float)
        * data.to_rate_factor(nat.population[months], months)
    )
    return y, validation.design_matrix(months)


@pytest.mark.parametrize("code", ["1.1.1", "1.2.4", "3.9.1"])
def test_ml_fit_matches_statsmodels_sarimax(nat, code):
    y, X = _real_series(nat, code)
    f = ar1.fit_ar1_regression(y[None, :], X, method="ml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mod = SARIMAX(y, exog=X, order=(1, 0, 0))
        res = mod.fit(disp=0, maxiter=1000)
        # statsmodels' exact likelihood at our estimates equals ours
        ours = np.r_[f.params[0], f.phi[0], f.sigma2_ml[0]]
        assert mod.loglike(ours) == pytest.approx(f.loglike[0], abs=1e-6)
    # and our maximum is at least as high as statsmodels' optimiser found
    assert f.loglike[0] >= res.llf - 1e-6
    assert f.phi[0] == pytest.approx(res.params[-2], abs=2e-3)
    assert f.params[0] == pytest.approx(res.params[:-2], abs=2e-3)


def _diffuse_sarimax(y, X):
    mod = SARIMAX(y, exog=X, order=(1, 0, 0), mle_regression=False)
    init = Initialization(mod.k_states)
    init.set((0, 1), "stationary")
    init.set((1, mod.k_states), "diffuse")
    mod.ssm.initialization = init
    mod.loglikelihood_burn = 0
    mod.ssm.loglikelihood_burn = 0
    return mod


@pytest.mark.parametrize("code", ["1.1.1", "1.2.4"])
def test_reml_fit_matches_statsmodels_exact_diffuse(nat, code):
    y, X = _real_series(nat, code)
    f = ar1.fit_ar1_regression(y[None, :], X, method="reml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = _diffuse_sarimax(y, X).fit(disp=0, maxiter=1000)
    assert f.phi[0] == pytest.approx(res.params[0], abs=1e-3)
    assert f.sigma2[0] == pytest.approx(res.params[1], rel=2e-3)


def test_forecast_variance_matches_statsmodels_state_space(nat):
    y, X = _real_series(nat, "1.1.1", end="2019-12")
    Xf = validation.design_matrix(pd.period_range("2020-01", "2021-12", freq="M"))
    f = ar1.fit_ar1_regression(y[None, :], X, phi=0.55)
    fc = ar1.forecast_ar1(f, X[-1], Xf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = _diffuse_sarimax(y, X).filter([0.55, f.sigma2[0]])
        sm_fc = res.get_forecast(len(Xf), exog=Xf)
    assert fc.mean[0] == pytest.approx(sm_fc.predicted_mean, abs=1e-8)
    assert fc.sd[0] ** 2 == pytest.approx(sm_fc.var_pred_mean, rel=1e-7)


def test_fit_handles_a_later_start(nat):
    y, X = _real_series(nat, "1.1.1")
    Y = np.vstack([y, np.r_[np.full(24, np.nan), y[24:]]])
    f = ar1.fit_ar1_regression(Y, X, method="ml")
    single = ar1.fit_ar1_regression(y[None, 24:], X[24:], method="ml")
    assert f.n_obs.tolist() == [len(y), len(y) - 24]
    assert f.params[1] == pytest.approx(single.params[0], abs=1e-9)
    assert f.phi[1] == pytest.approx(single.phi[0], abs=1e-9)


def test_predictive_quantile_matches_the_exact_t_mixture(nat):
    y, X = _real_series(nat, "1.2.4")
    Xf = validation.design_matrix(pd.period_range("2020-03", "2022-02", freq="M"))
    pr = ar1.predictive_ar1(y[None, :], X, Xf)
    assert pr.weights.sum() == pytest.approx(1.0)
    for q in (0.005, 0.025, 0.5, 0.975, 0.995):
        got = pr.quantile(q)
        # the exact t-mixture CDF at our quantile: the tail probability is off by < 5 %
        tail = min(q, 1 - q)
        assert pr.cdf(got)[0] == pytest.approx(np.full(len(Xf), q), abs=0.05 * tail)
        for h in (0, 23):
            exact = optimize.brentq(
                lambda x, h=h, q=q: pr.cdf(np.full((1, len(Xf)), x))[0, h] - q, -5, 10, xtol=1e-12
            )
            assert got[0, h] == pytest.approx(exact, abs=5e-3)  # log scale: 0.5 % of the rate


def test_predictive_with_fixed_phi_equals_the_t_forecast(nat):
    # with all weight on one phi, the mixture is the t forecast of that phi
    y, X = _real_series(nat, "1.1.1")
    Xf = validation.design_matrix(pd.period_range("2020-03", "2020-08", freq="M"))
    pr = ar1.predictive_ar1(y[None, :], X, Xf, bounds=(0.6, 0.6), step=0.1)
    fc = ar1.forecast_ar1(ar1.fit_ar1_regression(y[None, :], X, phi=0.6), X[-1], Xf)
    lo, hi = pr.interval(0.95)
    t = stats.t.ppf(0.975, len(y) - X.shape[1])
    assert lo[0] == pytest.approx(fc.mean[0] - t * fc.sd[0], abs=1e-6)
    assert hi[0] == pytest.approx(fc.mean[0] + t * fc.sd[0], abs=1e-6)


def test_forecast_covariance_by_hand():
    # intercept only, no autocorrelation: error variance sigma2 (1 + 1/n), covariance sigma2 / n
    c = ar1.forecast_covariance(0.0, 2.0, np.ones((8, 1)), np.ones((3, 1)))
    assert c == pytest.approx(2.0 * (np.eye(3) + 1 / 8))
    # with autocorrelation and a trend: the covariance of the t forecast at the same fixed phi
    X = np.c_[np.ones(30), np.arange(30.0)]
    Xf = np.c_[np.ones(4), 30 + np.arange(4.0)]
    f = ar1.fit_ar1_regression(np.sin(np.arange(30.0))[None, :], X, phi=0.4)
    fc = ar1.forecast_ar1(f, X[-1], Xf)
    got = ar1.forecast_covariance(0.4, float(f.sigma2[0]), X, Xf)
    assert got == pytest.approx(fc.cov[0], rel=1e-10)
