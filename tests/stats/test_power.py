"""The minimum detectable change (``ivp_analysis.stats.power``) against hand calculations and
statsmodels' power of the t test."""

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import TTestPower

from ivp_analysis.stats import power


def test_noncentrality_equals_statsmodels_t_test_power():
    # One-sample t test with n observations: df = n - 1 and delta = d sqrt(n).
    for n in (4, 9, 10, 12):
        d = TTestPower().solve_power(nobs=n, alpha=0.05, power=0.8, alternative="two-sided")
        assert power.noncentrality(n - 1) == pytest.approx(d * math.sqrt(n), rel=1e-6)
    # normal reference: z_0.975 + z_0.8 = 1.95996 + 0.84162 (the far tail adds ~1e-6)
    assert power.noncentrality() == pytest.approx(1.959964 + 0.841621, abs=1e-4)


def test_burglary_minimum_detectable_fall_by_hand():
    # The hand calculation: 76 burglaries, equal populations, normal reference:
    # -log RR = 2.8016 sqrt(phi (1/76 + 1/(76 RR))) -> RR = 0.590 (phi 1), 0.456 (phi 1.87).
    assert power.min_detectable_change(76, 1.0, 1.0) == pytest.approx(-41.0, abs=0.1)
    assert power.min_detectable_change(76, 1.0, 1.0, phi=1.87) == pytest.approx(-54.4, abs=0.1)
    # plugged back in, the change gives exactly the noncentrality the test needs (t, 8 df)
    mdc = power.min_detectable_change(76, 57122.0, 57802.0, phi=1.92, df=8)
    rr = 1 + mdc / 100
    c1 = 76 * rr * 57802 / 57122
    stat = abs(math.log(rr)) / math.sqrt(1.92 * (1 / 76 + 1 / c1))
    assert stat == pytest.approx(power.noncentrality(8), rel=1e-8)
    assert -65 < mdc < -58  # a t reference on 8 df asks for more than the normal


def test_the_change_has_80_percent_power_in_a_simulation():
    # Simulate the Wald test (phi = 1, normal) at the minimum detectable fall: about 80 % of
    # the simulated pairs of counts are significant.
    rng = np.random.default_rng(7)
    rr = 1 + power.min_detectable_change(200, 1.0, 1.0) / 100
    c0 = rng.poisson(200, 20000)
    c1 = rng.poisson(200 * rr, 20000)
    z = np.log(c1 / c0) / np.sqrt(1 / c0 + 1 / c1)
    assert np.mean(2 * stats.norm.sf(np.abs(z)) < 0.05) == pytest.approx(0.80, abs=0.015)


def test_no_detectable_fall_from_zero_or_a_handful():
    assert np.isnan(power.min_detectable_change(0, 1.0, 1.0))
    # two cases with dispersion 3: even a fall to 0 cannot be told from chance
    assert np.isnan(power.min_detectable_change(2, 1.0, 1.0, phi=3.0, df=8))
    assert power.min_detectable_change(2, 1.0, 1.0, phi=3.0, df=8, direction=1) > 500
