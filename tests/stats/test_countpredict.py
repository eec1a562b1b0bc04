"""Tests of ivp_analysis.stats.countpredict: NB profile against statsmodels, expected counts by hand."""

import numpy as np
import pytest
import statsmodels.api as sm

from ivp_analysis.stats import countmodels, countpredict


def test_nb_profile_matches_statsmodels_at_fixed_dispersion():
    y = np.array([[30.0, 41, 25, 38, 22, 35, 19, 28]])
    expo = np.full((1, 8), 20_000.0)
    X = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    alphas = np.array([0.01, 0.1])
    prof = countpredict.nb_profile(y, X, expo, alphas)
    for k, a in enumerate(alphas):
        glm = sm.GLM(
            y[0], X, family=sm.families.NegativeBinomial(alpha=a), offset=np.log(expo[0])
        ).fit(tol=1e-13)
        assert prof["beta"][0, k] == pytest.approx(glm.params, abs=1e-7)
        assert prof["loglike"][0, k] == pytest.approx(glm.llf, abs=1e-6)
        mu = glm.fittedvalues
        info = X.T @ np.diag(mu / (1 + a * mu)) @ X
        assert prof["apl"][0, k] == pytest.approx(
            glm.llf - 0.5 * np.linalg.slogdet(info)[1], abs=1e-6
        )
        assert prof["cov"][0, k] == pytest.approx(np.linalg.inv(info), rel=1e-6)


def test_predictive_mean_expected_by_hand():
    # Poisson series: expected = exposure x exp(x'b + x'Cov x / 2)
    y = np.array([[50.0, 48, 52, 47, 45, 46, 44, 43]])
    expo = np.full((1, 8), 30_000.0)
    X = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    res = countpredict.predict_counts(y, X, expo, [[1, 4.5]], [[30_000.0]], n_sim=200)
    f = countmodels.fit_poisson(y, X, expo)
    x = np.array([1, 4.5])
    assert res["fit"].family[0] == "poisson"
    assert res["expected"][0, 0] == pytest.approx(
        30_000 * np.exp(x @ f.params[0] + x @ f.cov[0] @ x / 2)
    )


def test_too_few_crimes_is_not_testable():
    y = np.array([[0.0, 0, 0, 3, 0, 0, 0, 0], [5.0, 4, 6, 5, 7, 4, 5, 6]])
    X = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    res = countpredict.predict_counts(
        y, X, np.full((2, 8), 1e4), [[1, 4.5]], [[1e4], [1e4]], n_sim=100
    )
    assert res["converged"].tolist() == [False, True]
    assert np.isnan(res["expected"][0, 0]) and np.isfinite(res["expected"][1, 0])
