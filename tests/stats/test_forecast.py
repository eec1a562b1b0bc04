"""Tests of ivp_analysis.stats.forecast: the seasonal models against hand work and brute force."""

import numpy as np
import pytest
from scipy import optimize

from ivp_analysis.stats import ar1, forecast


def _series(seed=0, T=72, m=12):
    rng = np.random.default_rng(seed)
    t = np.arange(T)
    return 3 + 0.05 * t / m + 0.4 * np.sin(2 * np.pi * t / m) + rng.normal(0, 0.05, T)


def test_seasonal_naive_by_hand():
    # seasonal differences 0.2, 0.2, -0.1, -0.1 -> sigma^2 = 0.1 / 4 = 0.025 with 4 df; period
    # 3 (h = 3) is two steps of the first season: variance 0.05, covariance 0.025 with h = 1
    p = forecast.seasonal_naive_predictive(np.array([[0.0, 1.0, 0.2, 1.2, 0.1, 1.1]]), 2, 3)
    assert p.mean[0, 0].tolist() == [0.1, 1.1, 0.1]
    assert p.cov[0, 0] == pytest.approx(np.array([[1, 0, 1], [0, 1, 0], [1, 0, 2]]) * 0.025)
    assert p.df.tolist() == [4.0]


def test_seasonal_ar1_against_brute_force_posterior():
    # at one fixed phi the predictive distribution is: sigma^2 ~ SSR / chi2(n - 1), the drift
    # mu ~ N(mu_hat, sigma^2 / x'x) (GLS after the Prais-Winsten transform), the AR(1) noise
    # continued from the last residual, and y summed back from the seasonal differences.
    # Simulate that directly and compare mean and quantiles.
    y = _series()
    m, H, phi = 12, 18, 0.4
    p = forecast.seasonal_ar1_predictive(y[None, :], m, H, bounds=(phi, phi), step=1.0)
    z = y[m:] - y[:-m]
    n = len(z)
    # Prais-Winsten transform of the intercept-only regression
    zt = np.r_[np.sqrt(1 - phi**2) * z[0], z[1:] - phi * z[:-1]]
    xt = np.r_[np.sqrt(1 - phi**2), np.full(n - 1, 1 - phi)]
    mu_hat = (xt @ zt) / (xt @ xt)
    ssr = np.sum((zt - xt * mu_hat) ** 2)
    rng = np.random.default_rng(7)
    N = 200_000
    s2 = ssr / rng.chisquare(n - 1, N)
    mu = mu_hat + rng.standard_normal(N) * np.sqrt(s2 / (xt @ xt))
    u = np.full(N, z[-1]) - mu  # the last residual, per draw of mu
    zf = np.empty((N, H))
    for h in range(H):
        u = phi * u + rng.standard_normal(N) * np.sqrt(s2)
        zf[:, h] = mu + u
    yf = np.empty((N, H))
    for h in range(H):
        yf[:, h] = (y[len(y) - m + h] if h < m else yf[:, h - m]) + zf[:, h]
    assert p.median()[0] == pytest.approx(np.median(yf, axis=0), abs=0.004)
    for q in (0.025, 0.975):
        assert p.quantile(q)[0] == pytest.approx(np.quantile(yf, q, axis=0), abs=0.006)


def test_quantile_matches_the_exact_mixture_cdf():
    p = forecast.seasonal_ar1_predictive(_series(1)[None, :], 12, 24)
    for q in (0.005, 0.5, 0.995):
        got = p.quantile(q)
        for h in (0, 23):
            exact = optimize.brentq(
                lambda x, h=h, q=q: p.cdf(np.full((1, 24), x))[0, h] - q, -5, 15, xtol=1e-12
            )
            assert got[0, h] == pytest.approx(exact, abs=5e-3)


def test_mean_exp_by_hand():
    # two components, weights 0.25 / 0.75, df large: sum_k w_k exp(m_k + v_k df/(df-2) / 2)
    df = 1e6
    p = forecast.MixturePredictive(
        np.array([[0.25, 0.75]]),
        np.array([[[0.0], [1.0]]]),
        np.array([[[[0.04]], [[0.01]]]]),
        np.array([df]),
    )
    want = 0.25 * np.exp(0.02) + 0.75 * np.exp(1.005)
    assert p.mean_exp()[0, 0] == pytest.approx(want, rel=1e-5)


def test_simulation_has_the_joint_covariance():
    p = forecast.seasonal_naive_predictive(_series(2, T=48)[None, :], 12, 14)
    draws = p.simulate(100_000, seed=3)[0]
    # a t variable with scale matrix C has covariance C df / (df - 2)
    want = p.cov[0, 0] * p.df[0] / (p.df[0] - 2)
    assert np.cov(draws.T) == pytest.approx(want, abs=0.03 * want.max())
    assert np.cov(draws.T)[0, 12] > 0.4 * want[0, 0]  # same season: correlated
    assert abs(np.cov(draws.T)[0, 1]) < 0.03 * want[0, 0]  # other season: not


def test_components_give_the_same_marginals_as_predictive_ar1():
    y = _series(3)
    X = np.c_[np.ones(60), np.arange(60.0)]
    Xf = np.c_[np.ones(6), 60 + np.arange(6.0)]
    c = ar1.ar1_components(y[None, :60], X, Xf)
    pr = ar1.predictive_ar1(y[None, :60], X, Xf)
    assert c["weights"] == pytest.approx(pr.weights)
    assert c["mean"] == pytest.approx(pr.mean)
    assert np.sqrt(np.einsum("skhh->skh", c["cov"])) == pytest.approx(pr.sd)


def test_choose_keeps_each_series_own_distribution():
    y = np.vstack([_series(4), _series(5)])
    a = forecast.seasonal_ar1_predictive(y, 12, 6)
    b = forecast.seasonal_naive_predictive(y, 12, 6)
    c = forecast.choose(a, b, [False, True])
    assert c.median()[0] == pytest.approx(a.median()[0])
    assert c.median()[1] == pytest.approx(b.median()[1])
