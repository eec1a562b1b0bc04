"""Forecast distributions of seasonal log series: seasonal-difference AR(1) and seasonal naive.

Both models forecast ``y_t`` (the log of a count or rate) from the same season one cycle
earlier, so their intervals widen with the horizon as a stochastic level does, which is what the
rolling back-test of the national crime series asked for (``docs/covid.md``):

* :func:`seasonal_ar1_predictive`: the seasonal differences ``z_t = y_t - y_{t-m}`` follow
  ``z_t = mu + u_t`` with AR(1) errors (an ARIMA(1,0,0)(0,1,0)_m with drift); ``phi`` is
  integrated out over a grid (:func:`ivp_analysis.stats.ar1.ar1_components`), ``mu`` and
  ``log sigma`` with flat priors, and the forecasts of ``z`` are summed back to ``y``.
* :func:`seasonal_naive_predictive`: ``y_t = y_{t-m} + e_t`` (a seasonal random walk), the
  forecast that the model must beat.

Each returns a :class:`MixturePredictive`: per series a mixture of multivariate Student t
distributions over the forecast periods, with quantiles, the mean of ``exp(y)``, and seeded
joint simulation for sums over periods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ivp_analysis.stats.ar1 import ar1_components, mixture_quantile


@dataclass
class MixturePredictive:
    """Predictive distribution of ``H`` future values of ``S`` series (log scale).

    Series ``s`` is a mixture of ``K`` multivariate t distributions with weights
    ``weights[s]``, locations ``mean[s, k]``, scale matrices ``cov[s, k]`` and ``df[s]``
    degrees of freedom (zero weights pad series with fewer components).
    """

    weights: np.ndarray  # (S, K)
    mean: np.ndarray  # (S, K, H)
    cov: np.ndarray  # (S, K, H, H)
    df: np.ndarray  # (S,)

    @property
    def sd(self) -> np.ndarray:
        """Scale of each component per period (S, K, H)."""
        return np.sqrt(np.einsum("skhh->skh", self.cov))

    def cdf(self, x) -> np.ndarray:
        """Predictive CDF at ``x`` (S, H)."""
        z = (np.asarray(x, float)[:, None, :] - self.mean) / self.sd
        return np.einsum("sk,skh->sh", self.weights, special.stdtr(self.df[:, None, None], z))

    def quantile(self, q: float) -> np.ndarray:
        """Predictive quantile (S, H), by bisection between the component quantiles.

        Each t component is replaced by the normal with the same ``q`` quantile, as in
        :meth:`ivp_analysis.stats.ar1.AR1Predictive.quantile`.
        """
        return mixture_quantile(self.weights, self.mean, self.sd, self.df, q, steps=40)

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed central ``level`` interval (S, H)."""
        return self.quantile((1 - level) / 2), self.quantile((1 + level) / 2)

    def median(self) -> np.ndarray:
        """Predictive median (S, H)."""
        return self.quantile(0.5)

    def mean_exp(self) -> np.ndarray:
        """Mean of ``exp(y)`` (S, H): the expected count or rate.

        The t components are replaced by normals of the same variance (``scale^2 df /
        (df - 2)``): the mean of the exponential of a t variable is infinite, an artefact of the
        flat prior on ``log sigma`` that would make every expectation infinite.

        Examples
        --------
        One normal-like component with variance 0.02 at 0: ``exp(0.01)``.

        >>> p = MixturePredictive(np.ones((1, 1)), np.zeros((1, 1, 1)),
        ...     np.full((1, 1, 1, 1), 0.02 * 998 / 1000), np.array([1000.0]))
        >>> round(float(p.mean_exp()[0, 0]), 6) == round(float(np.exp(0.01)), 6)
        True
        """
        var = np.einsum("skhh->skh", self.cov) * (self.df / (self.df - 2))[:, None, None]
        return np.einsum("sk,skh->sh", self.weights, np.exp(self.mean + var / 2))

    def simulate(self, n_sim: int, seed: int = 20200312) -> np.ndarray:
        """Draw future paths (S, n_sim, H) from the joint predictive distribution (seeded)."""
        rng = np.random.default_rng(seed)
        S, K, H = self.mean.shape
        cum = np.cumsum(self.weights, axis=1)
        comp = np.minimum((rng.random((S, n_sim))[..., None] > cum[:, None, :]).sum(axis=2), K - 1)
        z = rng.standard_normal((S, n_sim, H))
        scale = np.sqrt(self.df[:, None] / rng.chisquare(self.df[:, None], (S, n_sim)))
        chol = np.linalg.cholesky(self.cov + 1e-12 * np.eye(H))  # (S, K, H, H)
        out = np.empty((S, n_sim, H))
        for s in range(S):
            dev = np.einsum("nh,ngh->ng", z[s], chol[s][comp[s]])
            out[s] = self.mean[s][comp[s]] + scale[s][:, None] * dev
        return out

    def take(self, rows) -> MixturePredictive:
        """The distribution of some series (rows: index array or boolean mask)."""
        return MixturePredictive(self.weights[rows], self.mean[rows], self.cov[rows], self.df[rows])

    def window(self, keep) -> MixturePredictive:
        """The same distribution restricted to some forecast periods (boolean mask over H)."""
        keep = np.asarray(keep, bool)
        cov = self.cov[:, :, keep][:, :, :, keep]
        return MixturePredictive(self.weights, self.mean[:, :, keep], cov, self.df)


def choose(first: MixturePredictive, second: MixturePredictive, use_second) -> MixturePredictive:
    """Per series, the distribution of ``second`` where ``use_second`` else of ``first``.

    Examples
    --------
    >>> a = MixturePredictive(np.ones((2, 1)), np.zeros((2, 1, 1)), np.ones((2, 1, 1, 1)),
    ...     np.array([10.0, 10.0]))
    >>> b = MixturePredictive(np.full((2, 2), 0.5), np.ones((2, 2, 1)), np.ones((2, 2, 1, 1)),
    ...     np.array([5.0, 5.0]))
    >>> c = choose(a, b, [False, True])
    >>> c.weights.tolist(), c.df.tolist()
    ([[1.0, 0.0], [0.5, 0.5]], [10.0, 5.0])
    """
    use = np.asarray(use_second, bool)
    K = max(first.weights.shape[1], second.weights.shape[1])

    def pad(p: MixturePredictive):
        extra = K - p.weights.shape[1]
        w = np.pad(p.weights, ((0, 0), (0, extra)))
        m = np.pad(p.mean, ((0, 0), (0, extra), (0, 0)), mode="edge")
        c = np.pad(p.cov, ((0, 0), (0, extra), (0, 0), (0, 0)), mode="edge")
        return w, m, c

    (w1, m1, c1), (w2, m2, c2) = pad(first), pad(second)
    return MixturePredictive(
        np.where(use[:, None], w2, w1),
        np.where(use[:, None, None], m2, m1),
        np.where(use[:, None, None, None], c2, c1),
        np.where(use, second.df, first.df),
    )


def integration_matrix(H: int, m: int) -> np.ndarray:
    """Matrix ``A`` (H, H) with ``y_{T+h} - y_{T+h-m k} = (A z)_h``: each forecast period sums the
    seasonal differences of the same season from the first forecast cycle on.

    Examples
    --------
    >>> integration_matrix(5, 2).astype(int).tolist()
    [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [1, 0, 1, 0, 0], [0, 1, 0, 1, 0], [1, 0, 1, 0, 1]]
    """
    i, j = np.arange(H)[:, None], np.arange(H)[None, :]
    return ((j <= i) & ((i - j) % m == 0)).astype(float)


def _base(Y: np.ndarray, m: int, H: int) -> np.ndarray:
    """The last observed value of each forecast period's season (S, H)."""
    T = Y.shape[1]
    return Y[:, T - m + (np.arange(H) % m)]


def seasonal_ar1_predictive(Y, m: int, H: int, **kwargs) -> MixturePredictive:
    """Predictive distribution of the next ``H`` values from the seasonal-difference AR(1) model.

    Parameters
    ----------
    Y : array (S, T)
        Log series (leading NaN allowed for a series that starts later), all ending at ``T``.
    m : int
        Season length (12 for months, 52 for weeks).
    H : int
        Number of periods to forecast.
    **kwargs
        Passed to :func:`~ivp_analysis.stats.ar1.ar1_components` (grid of ``phi``).

    Examples
    --------
    A series that grows by 0.1 a year with a fixed seasonal pattern and small noise: the
    forecast is last year's value plus 0.1.

    >>> rng = np.random.default_rng(1)
    >>> t = np.arange(60)
    >>> y = 0.1 * t / 12 + np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.001, 60)
    >>> p = seasonal_ar1_predictive(y[None, :], 12, 3)
    >>> np.round(p.median()[0] - y[48:51], 2).tolist()
    [0.1, 0.1, 0.1]
    """
    Y = np.atleast_2d(np.asarray(Y, float))
    Z = Y[:, m:] - Y[:, :-m]
    c = ar1_components(Z, np.ones((Z.shape[1], 1)), np.ones((H, 1)), **kwargs)
    A = integration_matrix(H, m)
    mean = _base(Y, m, H)[:, None, :] + c["mean"] @ A.T
    cov = A @ c["cov"] @ A.T
    return MixturePredictive(c["weights"], mean, cov, c["df"].astype(float))


def seasonal_naive_predictive(Y, m: int, H: int) -> MixturePredictive:
    """Predictive distribution of the seasonal random walk ``y_t = y_{t-m} + e_t``.

    The scale of ``e`` is the root mean square of the observed seasonal differences (no drift),
    with as many degrees of freedom as differences; the forecast of period ``h`` is the last
    value of its season, its variance ``sigma^2 ceil(h / m)``, and two periods of the same season
    share the steps they have in common.

    Examples
    --------
    >>> y = np.array([[0.0, 1.0, 0.2, 1.2, 0.1, 1.1]])
    >>> p = seasonal_naive_predictive(y, 2, 3)
    >>> p.mean[0, 0].tolist(), np.round(p.cov[0, 0], 4).tolist()
    ([0.1, 1.1, 0.1], [[0.025, 0.0, 0.025], [0.0, 0.025, 0.0], [0.025, 0.0, 0.05]])
    """
    Y = np.atleast_2d(np.asarray(Y, float))
    D = Y[:, m:] - Y[:, :-m]
    n = np.isfinite(D).sum(axis=1).astype(float)
    s2 = np.nansum(D**2, axis=1) / n
    A = integration_matrix(H, m)
    cov = s2[:, None, None, None] * (A @ A.T)[None, None]
    return MixturePredictive(np.ones((Y.shape[0], 1)), _base(Y, m, H)[:, None, :], cov, n)
