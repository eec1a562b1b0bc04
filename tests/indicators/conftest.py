"""Reference calculations for the indicator tests, independent of the package's own code.

Binomial tails summed term by term with math.comb, Clopper-Pearson limits from scipy's beta
distribution, and the dispersion factor from statsmodels' GLM. Tests receive them through the
``ref`` fixture.
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


def glm_dispersion(counts, exposure) -> tuple[float, float]:
    """Pearson dispersion of a Poisson GLM with a linear trend (statsmodels, independent)."""
    t = np.arange(len(counts), dtype=float)
    X = sm.add_constant(t - t.mean())
    res = sm.GLM(
        np.asarray(counts, float),
        X,
        family=sm.families.Poisson(),
        offset=np.log(np.asarray(exposure, float)),
    ).fit()
    phi = res.pearson_chi2 / res.df_resid
    return phi, stats.chi2.sf(res.pearson_chi2, res.df_resid)


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
        pop_gm1926=pop_gm1926,
    )
