"""Many tests, some false flags: Benjamini-Hochberg q-values and what a family of tests implies.

A report runs dozens of tests: every crime type against the year before, against the base year,
every indicator. At a 5 % level, some of them come out "significant" by chance alone. Within a
family of tests (one report's year-on-year comparisons, its base-year comparisons, its
indicators), :func:`bh_qvalues` gives each p-value its Benjamini-Hochberg q-value: the smallest
false discovery rate at which the test would be flagged. Flagging every test with ``q < 0.05``
keeps the expected share of false flags among the flagged at or below 5 % (Benjamini and
Hochberg 1995, for independent or positively dependent tests). :func:`family_summary` gives the
numbers a reader needs to judge a family: its size, how many false flags a plain 5 % test would
give if nothing had changed, and how many tests are flagged on p and on q.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def bh_qvalues(p_values) -> np.ndarray:
    """Return the Benjamini-Hochberg q-value (adjusted p-value) of every p-value of one family.

    ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` for the p-values sorted ascending, with ``m``
    the number of finite p-values: a missing p-value (NaN) is not a test, does not count in
    ``m`` and gets a NaN q-value. The q-values come back in the input order and shape.

    Parameters
    ----------
    p_values : array-like
        Two-sided p-values of one family; NaN where there was no test.

    Returns
    -------
    ndarray of float
        The q-values; ``q >= p`` always, and ``q < alpha`` for exactly the tests the
        Benjamini-Hochberg step-up procedure at level ``alpha`` rejects.

    Examples
    --------
    Four tests: 0.01 x 4 / 1 = 0.04; 0.02 x 4 / 2 = 0.04; 0.03 x 4 / 3 = 0.04; 0.5 x 4 / 4 = 0.5.

    >>> bh_qvalues([0.03, 0.5, 0.01, float("nan"), 0.02]).round(3).tolist()
    [0.04, 0.5, 0.04, nan, 0.04]
    >>> bh_qvalues([]).tolist()
    []
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    flat = p.ravel()
    ok = np.flatnonzero(np.isfinite(flat))
    m = len(ok)
    if not m:
        return q
    order = ok[np.argsort(flat[ok], kind="stable")]
    ranked = flat[order] * m / np.arange(1, m + 1)
    # step-up: each q is the smallest scaled p-value at its rank or above
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = q.ravel()
    out[order] = np.minimum(ranked, 1.0)
    return out.reshape(p.shape)


@dataclass(frozen=True)
class FamilySummary:
    """What a family of tests implies for its false flags (see :func:`family_summary`).

    Attributes
    ----------
    size : int
        Number of tests (finite p-values) in the family.
    alpha : float
        The level of every test and the false discovery rate of the q-values.
    expected_false_flags : float
        ``size x alpha``: how many tests a plain test at ``alpha`` flags on average when no
        null hypothesis is false (the family's false flags without correction).
    flagged_p : int
        Tests with ``p < alpha``.
    flagged_q : int
        Tests with ``q < alpha`` (Benjamini-Hochberg).
    expected_false_among_flagged_q : float
        At most ``alpha x flagged_q`` of the tests flagged on q are expected to be false flags.
    """

    size: int
    alpha: float
    expected_false_flags: float
    flagged_p: int
    flagged_q: int
    expected_false_among_flagged_q: float


def family_summary(p_values, q_values=None, alpha: float = 0.05) -> FamilySummary:
    """Summarise a family of tests: its size, the false flags to expect, and what is flagged.

    Parameters
    ----------
    p_values : array-like
        The family's p-values (NaN: no test).
    q_values : array-like, optional
        Their q-values; computed with :func:`bh_qvalues` when not given.
    alpha : float
        Level of the tests and false discovery rate.

    Examples
    --------
    >>> s = family_summary([0.001, 0.02, 0.04, 0.3, 0.8, float("nan")])
    >>> s.size, round(s.expected_false_flags, 2), s.flagged_p, s.flagged_q
    (5, 0.25, 3, 1)
    """
    p = np.asarray(p_values, dtype=float).ravel()
    q = bh_qvalues(p) if q_values is None else np.asarray(q_values, dtype=float).ravel()
    ok = np.isfinite(p)
    size = int(ok.sum())
    flagged_q = int(np.sum(ok & (q < alpha)))
    return FamilySummary(
        size=size,
        alpha=alpha,
        expected_false_flags=size * alpha,
        flagged_p=int(np.sum(ok & (p < alpha))),
        flagged_q=flagged_q,
        expected_false_among_flagged_q=alpha * flagged_q,
    )
