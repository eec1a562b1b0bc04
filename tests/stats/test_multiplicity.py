"""Benjamini-Hochberg q-values (``ivp_analysis.stats.multiplicity``): hand-worked families and
statsmodels' ``multipletests(method="fdr_bh")`` as the independent reference."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from ivp_analysis.stats.multiplicity import bh_qvalues, family_summary


def test_q_values_by_hand():
    # sorted: 0.001 (rank 1), 0.008 (2), 0.039 (3), 0.041 (4), 0.2 (5); m = 5
    # scaled: 0.005, 0.02, 0.065, 0.05125, 0.2 -> step-up minima: 0.005, 0.02, 0.05125, 0.05125, 0.2
    p = [0.2, 0.041, 0.001, 0.039, 0.008]
    assert bh_qvalues(p) == pytest.approx([0.2, 0.05125, 0.005, 0.05125, 0.02])


def test_q_values_are_capped_at_one_and_keep_missing_tests_out_of_the_family():
    q = bh_qvalues([0.9, np.nan, 0.95])
    # m = 2, not 3: 0.9 x 2 / 1 = 1.8 -> min with 0.95 x 2 / 2 = 0.95
    assert q[0] == pytest.approx(0.95) and np.isnan(q[1]) and q[2] == pytest.approx(0.95)
    assert np.isnan(bh_qvalues([np.nan, np.nan])).all()


def test_q_values_equal_statsmodels_on_random_families():
    rng = np.random.default_rng(20240611)
    for size in (1, 2, 7, 50, 169):
        p = np.concatenate([rng.uniform(size=size), rng.uniform(0, 0.01, size=size // 5)])
        rng.shuffle(p)
        ref = multipletests(p, alpha=0.05, method="fdr_bh")
        assert bh_qvalues(p) == pytest.approx(ref[1], abs=1e-12)
        assert ((bh_qvalues(p) < 0.05) == ref[0]).all()


def test_ties_get_equal_q_values_and_shape_is_kept():
    q = bh_qvalues(np.array([[0.01, 0.01], [0.04, 0.5]]))
    assert q.shape == (2, 2)
    # 0.01 x 4 / 2 = 0.02 for both ties; 0.04 x 4 / 3 = 0.0533; 0.5
    assert q.ravel() == pytest.approx([0.02, 0.02, 0.04 * 4 / 3, 0.5])


def test_family_summary_counts_flags_and_expected_false_flags():
    # 169 year-on-year tests at 5 %: 8.45 false flags expected if nothing changed
    s = family_summary(np.linspace(0.001, 1, 169))
    assert s.size == 169 and s.expected_false_flags == pytest.approx(8.45)
    p = [0.001, 0.004, 0.03, 0.2, np.nan]
    s = family_summary(p)
    # q: 0.004, 0.008, 0.04, 0.2 -> three flagged on q, three on p
    assert (s.size, s.flagged_p, s.flagged_q) == (4, 3, 3)
    assert s.expected_false_among_flagged_q == pytest.approx(0.15)
