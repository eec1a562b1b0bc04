"""Tests of ivp_analysis.stats.runs: the decision rule by hand and its nominal rates by enumeration."""

import math
from itertools import product

import numpy as np
import pytest

from ivp_analysis.stats import runs


@pytest.mark.parametrize(
    ("side", "min_run", "expected"),
    [
        ([0, -1, -1, 0, 1, 0, 1, 1, 1, -1], 2, [0, 1, 1, 0, 0, 0, 1, 1, 1, 0]),
        ([-1, 1, -1, 1], 2, [0, 0, 0, 0]),  # outside every month, but never twice on one side
        ([1, 1, 1, 0, -1, -1], 3, [1, 1, 1, 0, 0, 0]),
        ([0, -1, 0, 1], 1, [0, 1, 0, 1]),
        ([0, 0, 0, -1, -1], 2, [0, 0, 0, 1, 1]),  # a run at the end
        ([0, 0, 0, 0], 2, [0, 0, 0, 0]),
    ],
)
def test_significant_runs_by_hand(side, min_run, expected):
    assert runs.significant_runs(side, min_run).astype(int).tolist() == expected


def test_significant_runs_two_dimensional():
    side = np.array([[0, 1, 1], [-1, -1, 0]])
    assert runs.significant_runs(side, 2).tolist() == [[False, True, True], [True, True, False]]


def test_rule_rate_independent_by_hand_and_by_enumeration():
    q = 0.005
    assert runs.rule_rate_independent(2, 0.99, 2) == pytest.approx(2 * q**2, rel=1e-12)
    # three months, q per side: P(run of 2) = 2 (2 q^2 - q^3) by inclusion-exclusion
    q = 0.05
    assert runs.rule_rate_independent(3, 0.9, 2) == pytest.approx(2 * (2 * q**2 - q**3), rel=1e-12)
    # enumeration of all 3^6 sequences of six months
    total = 0.0
    for seq in product((-1, 0, 1), repeat=6):
        p = math.prod(q if s else 1 - 2 * q for s in seq)
        if runs.significant_runs(list(seq), 2).any():
            total += p
    assert runs.rule_rate_independent(6, 0.9, 2) == pytest.approx(total, rel=1e-12)
    assert runs.rule_rate_independent(24, 0.99, 1) == pytest.approx(1 - 0.99**24, rel=1e-12)


def test_rule_rate_gaussian_agrees_with_independent_months():
    r = runs.rule_rate_gaussian(np.eye(12), 0.8, 2, n_sim=200_000)
    assert r == pytest.approx(runs.rule_rate_independent(12, 0.8, 2), abs=0.004)
