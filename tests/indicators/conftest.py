"""Reference calculations for the indicator tests, independent of the package's own code.

Binomial tails summed term by term with math.comb, Clopper-Pearson limits from scipy's beta
distribution, the dispersion factor from statsmodels' GLM, and the quasi-score test of two rates
written out. Tests receive them through the ``ref`` fixture.
"""

import math
from types import SimpleNamespace

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from ivp_analysis.indicators import population_series


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed term by term."""
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(0, k + 1))


def exact_p(c0: int, e0: float, c1: int, e1: float) -> float:
    """Equal-tailed p-value of the conditional binomial test of two Poisson rates."""
    n, p0 = c0 + c1, e1 / (e0 + e1)
    lower = binom_cdf(c1, n, p0)
    upper = 1 - binom_cdf(c1 - 1, n, p0)
    return min(1.0, 2 * min(lower, upper))


def clopper_pearson_rr(c0: int, e0: float, c1: int, e1: float) -> tuple[float, float]:
    """95 % interval of the rate ratio c1/e1 : c0/e0 from Clopper-Pearson limits of c1's share."""
    n = c0 + c1
    lo = stats.beta.ppf(0.025, c1, n - c1 + 1)
    hi = stats.beta.ppf(0.975, c1 + 1, n - c1)
    return lo / (1 - lo) * e0 / e1, hi / (1 - hi) * e0 / e1


def glm_dispersion(counts, exposure, years) -> tuple[float, float]:
    """Pearson dispersion X2/df and df of a Poisson GLM with a linear trend and one level for
    the pandemic years 2020-2021 (statsmodels, independent)."""
    t = np.asarray(years, dtype=float)
    X = np.column_stack([np.ones_like(t), t - t.mean()])
    pandemic = np.isin(t, [2020, 2021]).astype(float)
    if pandemic.any():
        X = np.column_stack([X, pandemic])
    res = sm.GLM(
        np.asarray(counts, float),
        X,
        family=sm.families.Poisson(),
        offset=np.log(np.asarray(exposure, float)),
    ).fit()
    return res.pearson_chi2 / res.df_resid, float(res.df_resid)


def quasi_p(c0: float, e0: float, c1: float, e1: float, phi: float, df: float) -> float:
    """Two-sided p of the quasi-score test of two rates: z = (c1 - n p0) / sqrt(phi n p0 q0), t."""
    n, p0 = c0 + c1, e1 / (e0 + e1)
    z = (c1 - n * p0) / math.sqrt(max(phi, 1.0) * n * p0 * (1 - p0))
    return 2 * stats.t.sf(abs(z), df)


def pop_gm1926(year: int) -> float:
    """CBS average population of Pijnacker-Nootdorp in a year (shipped data)."""
    return float(population_series("GM1926").loc[year])


@pytest.fixture
def ref() -> SimpleNamespace:
    return SimpleNamespace(
        binom_cdf=binom_cdf,
        exact_p=exact_p,
        clopper_pearson_rr=clopper_pearson_rr,
        glm_dispersion=glm_dispersion,
        quasi_p=quasi_p,
        pop_gm1926=pop_gm1926,
    )
