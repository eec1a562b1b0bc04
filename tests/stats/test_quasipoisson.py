"""Quasi-Poisson comparisons and rate intervals (``ivp_analysis.stats.quasipoisson``) against
hand calculations, statsmodels' GLM and scipy."""

import math

import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats import rates as sm_rates
from statsmodels.stats.proportion import proportion_confint

from ivp_analysis.stats import quasipoisson as qp

E22, E23 = 57122.0, 57802.0  # GM1926 average population 2022, 2023


def test_burglary_76_to_37_with_dispersion_by_hand():
    # phi 1.8689 (Pearson X2/df of 2012-2022, 9 df, the figure). Conditional on the
    # 113 crimes, 2023's share under equal rates is p0 = 57,802 / 114,924 = 0.50296: expected
    # 56.83, observed 37, z = -19.83 / sqrt(1.8689 x 113 x 0.50296 x 0.49704) = -2.729.
    r = qp.compare_rates(76, E22, 37, E23, 1.8689, 9)
    p0 = E23 / (E22 + E23)
    z = (37 - 113 * p0) / math.sqrt(1.8689 * 113 * p0 * (1 - p0))
    assert z == pytest.approx(-2.729, abs=1e-3)
    assert float(r["rate_ratio"]) == pytest.approx((37 / E23) / (76 / E22))
    assert float(r["p_value"]) == pytest.approx(2 * stats.t.sf(abs(z), 9), rel=1e-10)
    assert 0.022 < float(r["p_value"]) < 0.024  # a normal reference would give 0.006
    assert float(r["p_value_exact"]) < 0.001 and r["method"][()] == qp.QUASI
    assert float(r["direction"]) == -1
    assert float(r["ci_low"]) < float(r["rate_ratio"]) < float(r["ci_high"]) < 1


def test_with_phi_one_it_is_statsmodels_score_test_of_two_poisson_rates():
    for c0, e0, c1, e1 in ((61, 56123, 76, E22), (76, E22, 37, E23), (3, 900, 11, 950)):
        ref = sm_rates.test_poisson_2indep(c1, e1, c0, e0, method="score", compare="ratio")
        r = qp.compare_rates(c0, e0, c1, e1, 0.7, np.inf)  # phi 0.7 counts as 1
        assert float(r["p_value"]) == pytest.approx(ref.pvalue, rel=1e-9)


def test_61_to_76_is_within_normal_variation():
    r = qp.compare_rates(61, 56123, 76, E22, 1.9229, 8)
    assert float(r["p_value"]) > 0.3 and float(r["ci_low"]) < 1 < float(r["ci_high"])


def test_the_interval_excludes_one_exactly_when_the_test_is_significant():
    rng = np.random.default_rng(3)
    c0, c1 = rng.poisson(40, 500), rng.poisson(55, 500)
    r = qp.compare_rates(c0, 1000.0, c1, 1000.0, rng.uniform(0.5, 4, 500), 8)
    excluded = (r["ci_low"] > 1) | (r["ci_high"] < 1)
    assert ((r["p_value"] < 0.05) == excluded).all()


def test_dispersion_below_one_is_never_used_to_narrow():
    narrow = qp.compare_rates(50, 1.0, 70, 1.0, 0.4, 9)
    poisson = qp.compare_rates(50, 1.0, 70, 1.0, 1.0, 9)
    assert float(narrow["p_value"]) == pytest.approx(float(poisson["p_value"]))


def test_a_zero_count_is_tested_and_gives_no_ratio_from_zero():
    # 0 -> 8 with equal exposure, phi 1, normal: z = (8 - 4) / sqrt(8 x 0.25) = 2.828
    r = qp.compare_rates(0, 1000, 8, 1000, 1.0, np.inf)
    assert np.isnan(float(r["rate_ratio"])) and float(r["direction"]) == 1
    assert float(r["p_value"]) == pytest.approx(2 * stats.norm.sf(4 / math.sqrt(2)))
    # the interval inverts the score test: Wilson's interval for 8 of 8, as a ratio
    lo_share, _ = proportion_confint(8, 8, alpha=0.05, method="wilson")
    assert float(r["ci_low"]) == pytest.approx(lo_share / (1 - lo_share), rel=1e-6)
    assert np.isnan(float(r["ci_high"]))  # unbounded: never inf
    down = qp.compare_rates(5, 1000, 0, 1000, 2.0, 6)
    assert float(down["rate_ratio"]) == 0 and float(down["ci_low"]) == 0
    assert np.isfinite(float(down["ci_high"])) and float(down["direction"]) == -1


def test_no_test_without_cases_and_exact_fallback_without_dispersion():
    none = qp.compare_rates(0, 1000, 0, 1000, 1.5, 8)
    assert np.isnan(float(none["p_value"])) and none["method"][()] == ""
    fallback = qp.compare_rates(76, E22, 37, E23, np.nan, np.nan)
    assert fallback["method"][()] == qp.EXACT
    assert float(fallback["p_value"]) == float(fallback["p_value_exact"])


def test_rate_interval_exact_scaled_and_with_a_t_reference():
    lo, hi = qp.rate_interval([10, 0], [1000, 1000], np.nan, np.nan)
    assert lo == pytest.approx([4.795, 0.0], abs=1e-3)
    assert hi == pytest.approx([18.390, 3.689], abs=1e-3)
    # phi 2: the exact interval of the effective count 5 (1.6235 .. 11.6683), doubled
    lo, hi = qp.rate_interval(10, 1000, 2.0, np.inf)
    assert (float(lo), float(hi)) == pytest.approx((2 * 1.6235, 2 * 11.6683), abs=1e-3)
    # t with 9 df: the tails are those of the normal at t_0.975,9 = 2.262; the lower limit L of
    # 10 events solves P(X >= 10 | L) = tail (Garwood), checked with scipy's Poisson
    tail = stats.norm.sf(stats.t.ppf(0.975, 9))
    lo, hi = qp.rate_interval(10, 1000, 1.0, 9)
    want_lo = optimize.brentq(lambda m: stats.poisson.sf(9, m) - tail, 0.1, 30)
    want_hi = optimize.brentq(lambda m: stats.poisson.cdf(10, m) - tail, 5, 60)
    assert (float(lo), float(hi)) == pytest.approx((want_lo, want_hi), rel=1e-6)
    assert np.isnan(qp.rate_interval(5, np.nan, 1.0, 9)[0])
