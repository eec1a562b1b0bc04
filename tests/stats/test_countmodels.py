"""Tests of ivp_analysis.stats.countmodels with expectations worked out by hand."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from ivp_analysis import vocab
from ivp_analysis.stats import countmodels as cm


def _binom_tail_ge(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed term by term (independent of scipy)."""
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


def test_rate_ratio_burglary_example_from_the_issue():
    # 61 burglaries in 2021 (population 56,123), 76 in 2022 (57,122).
    r = cm.rate_ratio_test(61, 56123, 76, 57122)
    assert float(r["rate_ratio"]) == pytest.approx((76 / 57122) / (61 / 56123), rel=1e-12)
    assert round(float(r["rate_ratio"]), 2) == 1.22
    # Conditional on 137 crimes, 2022's share is binomial with p0 = 57122 / 113245.
    p0 = 57122 / (56123 + 57122)
    upper = _binom_tail_ge(76, 137, p0)
    lower = 1 - _binom_tail_ge(77, 137, p0)
    assert float(r["p_value"]) == pytest.approx(2 * min(upper, lower), rel=1e-9)
    assert 0.26 < float(r["p_value"]) < 0.28
    assert r["verdict"].item() == vocab.VERDICT_WITHIN


def test_rate_ratio_interval_is_clopper_pearson():
    r = cm.rate_ratio_test(61, 56123, 76, 57122)
    # Turn the rate-ratio limits back into binomial proportions: at the lower limit the
    # probability of >= 76 of 137 is 2.5 %, at the upper limit the probability of <= 76 is 2.5 %.
    scale = 57122 / 56123
    p_lo = float(r["ci_low"]) * scale / (1 + float(r["ci_low"]) * scale)
    p_hi = float(r["ci_high"]) * scale / (1 + float(r["ci_high"]) * scale)
    assert _binom_tail_ge(76, 137, p_lo) == pytest.approx(0.025, abs=1e-9)
    assert 1 - _binom_tail_ge(77, 137, p_hi) == pytest.approx(0.025, abs=1e-9)


def test_rate_ratio_significant_decrease_and_consistency():
    # 76 burglaries in 2022, 37 in 2023 with population 57,122 and 57,802
    r = cm.rate_ratio_test(76, 57122, 37, 57802)
    assert float(r["rate_ratio"]) == pytest.approx((37 / 57802) / (76 / 57122))
    assert float(r["ci_high"]) < 1
    assert r["verdict"].item() == vocab.VERDICT_DOWN
    # Significant exactly when the interval excludes 1, over a grid of counts.
    c0, c1 = np.meshgrid(np.arange(0, 40, 3), np.arange(0, 40, 3))
    g = cm.rate_ratio_test(c0.ravel(), 1000.0, c1.ravel(), 1200.0)
    tested = np.isfinite(g["p_value"])
    excludes_one = (g["ci_low"] > 1) | (g["ci_high"] < 1)
    assert np.array_equal((g["p_value"] < 0.05)[tested], excludes_one[tested])


def test_rate_ratio_missing_and_zero_input():
    r = cm.rate_ratio_test(np.array([np.nan, 0.0]), 100.0, np.array([5.0, 0.0]), 100.0)
    assert r["verdict"].tolist() == [vocab.VERDICT_NA, vocab.VERDICT_NA]


def test_fit_poisson_exact_three_points():
    # y = 10, 20, 40 at x = 0, 1, 2 with exposure 1 lie exactly on log mu = log 10 + x log 2.
    f = cm.fit_poisson([[10, 20, 40]], [[1, 0], [1, 1], [1, 2]], [[1, 1, 1]])
    assert f.params[0] == pytest.approx([math.log(10), math.log(2)], abs=1e-10)
    # Fisher information X' diag(mu) X = [[70, 100], [100, 180]], determinant 2600.
    assert f.cov[0] == pytest.approx(np.array([[180, -100], [-100, 70]]) / 2600, rel=1e-9)
    assert f.pearson_chi2[0] == pytest.approx(0, abs=1e-12)
    assert f.df_resid[0] == 1


def test_fit_poisson_missing_values_drop_out():
    with_nan = cm.fit_poisson([[10, np.nan, 40]], [[1, 0], [1, 1], [1, 2]], [[1, 1, 1]])
    # two points: slope = log(40/10) / 2
    assert with_nan.params[0, 1] == pytest.approx(math.log(4) / 2, abs=1e-10)
    assert with_nan.n_obs[0] == 2


def test_fit_poisson_all_zero_series_is_not_estimable():
    f = cm.fit_poisson([[0, 0, 0], [1, 2, 3]], [[1, 0], [1, 1], [1, 2]], np.ones((2, 3)))
    assert not f.converged[0] and np.isnan(f.params[0]).all()
    assert f.converged[1]


def test_overdispersion_test_is_pearson_chi_square():
    y = np.array([[3, 14, 2, 20, 5, 30, 4, 25]])
    X = np.c_[np.ones(8), np.arange(8) - 3.5]
    f = cm.fit_poisson(y, X, np.ones((1, 8)))
    mu = np.exp(X @ f.params[0])
    x2 = ((y[0] - mu) ** 2 / mu).sum()
    assert f.pearson_chi2[0] == pytest.approx(x2)
    assert f.dispersion_p[0] == pytest.approx(stats.chi2.sf(x2, 6))


def test_negbin_matches_statsmodels_and_beats_poisson_likelihood():
    # statsmodels' NegativeBinomial is an independent implementation of the same MLE.
    rng = np.random.default_rng(7)
    years = np.arange(12)
    X = np.c_[np.ones(12), years - 5.5]
    exposure = np.linspace(50_000, 56_000, 12)
    mu = exposure * 2e-3 * np.exp(-0.05 * (years - 5.5))
    y = rng.negative_binomial(1 / 0.08, 1 / (1 + 0.08 * mu))[None, :].astype(float)
    nb = cm.fit_negbin(y, X, exposure[None, :])
    pois_ref = sm.GLM(y[0], X, family=sm.families.Poisson(), exposure=exposure).fit()
    model = sm.NegativeBinomial(y[0], X, exposure=exposure, loglike_method="nb2")
    # statsmodels' Newton steps alpha below zero from a cold start: BFGS first, Newton to polish.
    rough = model.fit(start_params=[*pois_ref.params, 0.1], method="bfgs", maxiter=2000, disp=0)
    ref = model.fit(start_params=rough.params, method="newton", maxiter=100, tol=1e-12, disp=0)
    assert ref.mle_retvals["converged"]
    assert nb.params[0] == pytest.approx(ref.params[:2], abs=1e-6)
    assert nb.alpha[0] == pytest.approx(ref.params[2], abs=1e-6)
    assert nb.bse[0] == pytest.approx(ref.bse[:2], abs=1e-6)
    pois = cm.fit_poisson(y, X, exposure[None, :])
    assert nb.loglike[0] >= pois.loglike[0]


def test_slope_change_percent_and_interval():
    f = cm.fit_poisson([[10, 20, 40]], [[1, 0], [1, 1], [1, 2]], [[1, 1, 1]])
    s = cm.slope_change(f)
    se = math.sqrt(70 / 2600)
    assert s["change_pct"][0] == pytest.approx(100.0)
    assert s["ci_low_pct"][0] == pytest.approx(100 * (2 * math.exp(-1.959963984540054 * se) - 1))
    assert s["ci_high_pct"][0] == pytest.approx(100 * (2 * math.exp(1.959963984540054 * se) - 1))


def test_prediction_interval_approaches_poisson_quantiles_when_the_rate_is_known():
    # A constant rate estimated from ten million events has almost no uncertainty, so the
    # interval for a new year with expected count 50 is the Poisson(50) 95 % interval.
    X = np.ones((10, 1))
    f = cm.fit_poisson(np.full((1, 10), 1_000_000.0), X, np.full((1, 10), 1_000_000.0))
    p = cm.predict_interval(f, np.ones((1, 1)), np.array([[50.0]]), n_sim=20000)
    assert p["expected"][0, 0] == pytest.approx(50.0)
    assert p["lower"][0, 0] == pytest.approx(stats.poisson.ppf(0.025, 50), abs=1)
    assert p["upper"][0, 0] == pytest.approx(stats.poisson.ppf(0.975, 50), abs=1)
    again = cm.predict_interval(f, np.ones((1, 1)), np.array([[50.0]]), n_sim=20000)
    assert np.array_equal(p["lower"], again["lower"])  # seeded: same inputs, same interval
