"""Quasi-Poisson comparisons and rate intervals (``ivp_analysis.stats.quasipoisson``) against
hand calculations, statsmodels' GLM and scipy."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from ivp_analysis.stats import quasipoisson as qp

E22, E23 = 57122.0, 57802.0  # GM1926 average population 2022, 2023


def test_burglary_76_to_37_with_dispersion_by_hand():
    # The hand calculation: phi 1.8689 (Pearson X2/df of 2012-2022, 9 df).
    r = qp.compare_rates(76, E22, 37, E23, 1.8689, 9)
    lrr = math.log((37 / E23) / (76 / E22))
    se = math.sqrt(1.8689 * (1 / 76 + 1 / 37))
    assert float(r["rate_ratio"]) == pytest.approx(math.exp(lrr))
    assert float(r["p_value"]) == pytest.approx(2 * stats.t.sf(abs(lrr / se), 9), rel=1e-10)
    assert 0.025 < float(r["p_value"]) < 0.027  # normal reference would give 0.008
    t = stats.t.ppf(0.975, 9)
    assert float(r["ci_low"]) == pytest.approx(math.exp(lrr - t * se))
    assert float(r["ci_high"]) == pytest.approx(math.exp(lrr + t * se))
    assert float(r["p_value_exact"]) < 0.001 and r["method"][()] == qp.QUASI
    assert float(r["direction"]) == -1


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore:Perfect separation")
def test_wald_part_equals_statsmodels_glm_with_the_scale_fixed():
    # Two counts, a year dummy, population offset: the year coefficient is log RR, and with the
    # scale fixed at phi its standard error is sqrt(phi (1/c0 + 1/c1)).
    y = np.array([61.0, 76.0])
    X = np.array([[1.0, 0.0], [1.0, 1.0]])
    ref = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log([56123.0, E22])).fit(
        scale=1.4280
    )
    r = qp.compare_rates(61, 56123, 76, E22, 1.4280, 8)
    se = ref.bse[1]
    assert math.log(float(r["rate_ratio"])) == pytest.approx(ref.params[1], abs=1e-9)
    assert float(r["p_value"]) == pytest.approx(2 * stats.t.sf(abs(ref.params[1] / se), 8))
    assert float(r["p_value"]) > 0.3  # 61 -> 76 is within normal variation


def test_dispersion_below_one_is_never_used_to_narrow():
    narrow = qp.compare_rates(50, 1.0, 70, 1.0, 0.4, 9)
    poisson = qp.compare_rates(50, 1.0, 70, 1.0, 1.0, 9)
    assert float(narrow["p_value"]) == pytest.approx(float(poisson["p_value"]))


def test_a_zero_count_uses_the_score_test_and_gives_no_ratio_from_zero():
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
