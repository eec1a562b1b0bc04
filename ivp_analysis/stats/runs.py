"""The decision rule of the counterfactual analyses: runs of periods outside a forecast interval.

A period counts as a signal only when it belongs to a run of at least ``min_run`` consecutive
periods outside the interval on the same side (Ashby 2020, *Crime Science* 9:10).
:func:`significant_runs` applies the rule; :func:`rule_rate_independent` and
:func:`rule_rate_gaussian` give the chance that it fires without any effect, for independent and
for correlated forecast errors.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def significant_runs(side, min_run: int = 2) -> np.ndarray:
    """Mark the months that belong to a run of at least ``min_run`` consecutive months outside
    the interval on the same side.

    Parameters
    ----------
    side : array (..., H) of -1, 0, 1
        -1 below the interval, +1 above, 0 inside (or missing), per month in order.
    min_run : int

    Examples
    --------
    >>> significant_runs([0, -1, -1, 0, 1, 0, 1, 1, 1, -1], 2).astype(int).tolist()
    [0, 1, 1, 0, 0, 0, 1, 1, 1, 0]
    >>> significant_runs([-1, 1, -1], 2).any()
    np.False_
    """
    side = np.asarray(side)
    flat = side.reshape(-1, side.shape[-1])
    out = np.zeros(flat.shape, dtype=bool)
    H = flat.shape[1]
    run = np.zeros(flat.shape, dtype=int)
    run[:, 0] = flat[:, 0] != 0
    for t in range(1, H):
        same = (flat[:, t] != 0) & (flat[:, t] == flat[:, t - 1])
        run[:, t] = np.where(flat[:, t] != 0, np.where(same, run[:, t - 1] + 1, 1), 0)
    # a month is significant when the run through it reaches min_run: walk back from run ends
    end_len = np.zeros(flat.shape, dtype=int)
    end_len[:, -1] = run[:, -1]
    for t in range(H - 2, -1, -1):
        cont = (flat[:, t] != 0) & (flat[:, t + 1] == flat[:, t])
        end_len[:, t] = np.where(cont, end_len[:, t + 1], run[:, t])
    out = (flat != 0) & (end_len >= min_run)
    return out.reshape(side.shape)


def rule_rate_independent(n_months: int, level: float = 0.99, min_run: int = 2) -> float:
    """Probability that the rule fires at least once in ``n_months`` when months are independent
    and each falls outside the central ``level`` interval with probability ``1 - level``
    (half below, half above).

    Dynamic programming over the current run (side and length).

    Examples
    --------
    Two months, rule of two: both below or both above, ``2 x 0.005^2``:

    >>> rule_rate_independent(2, 0.99, 2)
    5e-05
    """
    q = (1 - level) / 2
    L = min_run
    if L == 1:
        return float(1 - (1 - 2 * q) ** n_months)
    # probability of being in a run of length k (1..L-1) below / above, or inside (no run)
    inside, low, high = 1.0, np.zeros(L), np.zeros(L)
    fired = 0.0
    for _ in range(n_months):
        alive = inside + low.sum() + high.sum()
        new_low, new_high = np.zeros(L), np.zeros(L)
        # a month below: continues a run below, or starts one
        new_low[1] = (inside + high.sum()) * q
        new_low[2:] = low[1:-1] * q
        new_high[1] = (inside + low.sum()) * q
        new_high[2:] = high[1:-1] * q
        fired += (low[L - 1] + high[L - 1]) * q
        inside, low, high = alive * (1 - 2 * q), new_low, new_high
    return float(round(fired, 15))


def rule_rate_gaussian(
    corr, level: float = 0.99, min_run: int = 2, n_sim: int = 200_000, seed: int = 20200323
) -> float:
    """Probability that the rule fires when the standardised forecast errors are jointly normal
    with correlation ``corr`` (H, H): the rule's nominal rate for correlated months.

    Examples
    --------
    With independent months it agrees with :func:`rule_rate_independent`:

    >>> r = rule_rate_gaussian(np.eye(24), 0.9, 2, n_sim=100_000)
    >>> abs(r - rule_rate_independent(24, 0.9, 2)) < 0.01
    True
    """
    corr = np.asarray(corr, float)
    rng = np.random.default_rng(seed)
    L = np.linalg.cholesky(corr + 1e-12 * np.eye(len(corr)))
    z = rng.standard_normal((n_sim, len(corr))) @ L.T
    k = stats.norm.ppf(0.5 + level / 2)
    side = np.where(z < -k, -1, np.where(z > k, 1, 0))
    return float(significant_runs(side, min_run).any(axis=1).mean())
