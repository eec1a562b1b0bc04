"""The minimum detectable change (``ivp_analysis.stats.power``) against hand calculations and a
simulation of the test it is computed for."""

import math

import numpy as np
import pytest
from scipy import stats

from ivp_analysis.stats import power
from ivp_analysis.stats.quasipoisson import compare_rates

Z_A, Z_B = stats.norm.ppf(0.975), stats.norm.ppf(0.8)  # 1.95996, 0.84162


def _by_hand(ratio, c0, phi=1.0, za=Z_A, zb=Z_B):
    # equal exposures: p0 = 1/2, n = c0 (1 + RR), n |p1 - p0| = c0 (1 - RR) / 2
    n = c0 * (1 + ratio)
    p1 = ratio / (1 + ratio)
    return (
        c0 * abs(1 - ratio) / 2
        - za * math.sqrt(phi * n * 0.25)
        - zb * math.sqrt(phi * n * p1 * (1 - p1))
    )


def test_burglary_minimum_detectable_fall_by_hand():
    # 76 burglaries, equal populations, normal quantiles: the hand relation holds at the result
    # (the Wald-based hand calculation gave about -41 % and -54 %).
    for phi, want in ((1.0, -40.2), (1.87, -52.4)):
        mdc = power.min_detectable_change(76, 1.0, 1.0, phi=phi)
        assert mdc == pytest.approx(want, abs=0.05)
        assert _by_hand(1 + mdc / 100, 76, phi) == pytest.approx(0.0, abs=1e-6)
    # with a t reference on 8 degrees of freedom more is needed
    t8 = power.min_detectable_change(76, 57122.0, 57802.0, phi=1.92, df=8)
    assert -62 < t8 < -56
    za, zb = stats.t.ppf(0.975, 8), stats.t.ppf(0.8, 8)
    rr = 1 + power.min_detectable_change(76, 1.0, 1.0, 1.92, 8) / 100
    assert _by_hand(rr, 76, 1.92, za, zb) == pytest.approx(0.0, abs=1e-6)


def test_the_change_has_about_80_percent_power_for_the_test_it_is_for():
    # Simulated Poisson counts at the minimum detectable fall from an expected 200, tested with
    # compare_rates (phi 1, normal): about 80 % of the pairs are significant.
    rng = np.random.default_rng(7)
    rr = 1 + power.min_detectable_change(200, 1.0, 1.0) / 100
    c0 = rng.poisson(200, 20000)
    c1 = rng.poisson(200 * rr, 20000)
    p = compare_rates(c0, 1.0, c1, 1.0, 1.0, np.inf)["p_value"]
    assert np.mean(p < 0.05) == pytest.approx(0.80, abs=0.015)


def test_no_detectable_fall_from_zero_or_a_handful():
    assert np.isnan(power.min_detectable_change(0, 1.0, 1.0))
    # two cases with dispersion 3: even a fall to 0 cannot be told from chance
    # (n p0 = 1 against t sqrt(phi n p0 q0) = 2.306 sqrt(1.5) = 2.8)
    assert np.isnan(power.min_detectable_change(2, 1.0, 1.0, phi=3.0, df=8))
    assert power.min_detectable_change(2, 1.0, 1.0, phi=3.0, df=8, direction=1) > 500
    # a rise is always detectable in the end, and a larger baseline detects smaller changes
    assert power.min_detectable_change(1000, 1.0, 1.0) > power.min_detectable_change(100, 1.0, 1.0)
