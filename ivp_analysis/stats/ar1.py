"""Regressions with AR(1) errors, fitted for many series at once, and their forecast distributions.

The model of one series is ``y_t = X_t beta + u_t`` with ``u_t = phi u_{t-1} + e_t``. Given
``phi`` it is an ordinary regression after the Prais-Winsten transform, so ``beta`` and the
innovation variance have closed forms and only ``phi`` is searched; every series of a batch is
handled in the same arrays (dozens of models in milliseconds, where one statsmodels ``SARIMAX``
call per series takes seconds: ``benchmarks/bench_covid.py``).

* :func:`fit_ar1_regression`: point estimates, exact (``"ml"``) or restricted (``"reml"``)
  likelihood; verified against statsmodels in ``tests/stats/test_ar1.py``.
* :func:`forecast_ar1`: Student t forecasts for a given ``phi`` with the joint covariance of the
  forecast errors (future AR noise plus the error in ``beta``).
* :func:`predictive_ar1`: the predictive distribution integrated over ``phi`` (a likelihood
  weighted mixture on a grid), with quantiles, intervals and seeded simulation of paths.

Used by the national COVID-19 counterfactuals (:mod:`ivp_analysis.covid.national`), which put a
linear trend and month-of-year effects in ``X``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats


@dataclass
class AR1Fit:
    """Estimates of a batch of regressions with AR(1) errors (one row per series)."""

    params: np.ndarray  # (S, p) regression coefficients (GLS given phi)
    phi: np.ndarray  # (S,) AR(1) coefficient
    sigma2: np.ndarray  # (S,) innovation variance used for forecasting: SSR / (n - p)
    sigma2_ml: np.ndarray  # (S,) maximum-likelihood innovation variance: SSR / n
    cov: np.ndarray  # (S, p, p) covariance of params given phi: sigma2 (X~'X~)^-1
    n_obs: np.ndarray  # (S,)
    loglike: np.ndarray  # (S,) exact Gaussian log-likelihood at the estimates (ML version)
    method: str
    first: np.ndarray  # (S,) index of each series' first observation
    last_resid: np.ndarray  # (S,) residual y - X beta at the last observation


def _moments(Y, X):
    """Cross-products needed to evaluate the Prais-Winsten regression for any phi."""
    S, T = Y.shape
    ok = np.isfinite(Y)
    first = np.argmax(ok, axis=1)
    contiguous = ok.sum(1) == T - first
    if not (contiguous.all() and ok[:, -1].all()):
        raise ValueError(
            "each series must be observed from its first month to the last without gaps"
        )
    Z = np.concatenate([np.broadcast_to(X, (S, T, X.shape[1])), Y[..., None]], axis=2)
    Z = np.where(ok[..., None], Z, 0.0)
    full = np.einsum("sti,stj->sij", Z, Z)
    za = Z[np.arange(S), first]
    zlast = Z[:, -1]
    D = np.einsum("si,sj->sij", za, za)
    A = full - D  # t > first
    B = np.einsum("sti,stj->sij", Z[:, 1:], Z[:, :-1])  # z_t z_{t-1}', zero before first
    Cl = full - np.einsum("si,sj->sij", zlast, zlast)  # z_{t-1} z_{t-1}' for t > first
    n = (T - first).astype(float)
    return A, B + np.swapaxes(B, 1, 2), Cl, D, n, first


def _ar1_inputs(Y, X):
    """Return (Y, X, p, moments, S) for the AR(1) regression, refusing series that are too short."""
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    X = np.asarray(X, dtype=float)
    p = X.shape[1]
    mom = _moments(Y, X)
    if np.any(mom[4] < p + 2):
        raise ValueError(f"every series needs at least {p + 2} observations")
    return Y, X, p, mom, Y.shape[0]


def _evaluate(phi, mom, p, method):
    A, B2, Cl, D, n, _first = mom
    f = phi[:, None, None]
    M = A - f * B2 + f**2 * Cl + (1 - f**2) * D
    XX, Xy, yy = M[:, :p, :p], M[:, :p, p], M[:, p, p]
    beta = np.linalg.solve(XX, Xy[..., None])[..., 0]
    ssr = np.maximum(yy - np.einsum("sp,sp->s", Xy, beta), 1e-300)
    half_log_det_r = 0.5 * np.log(1 - phi**2)
    if method == "ml":
        obj = -0.5 * n * (np.log(2 * np.pi * ssr / n) + 1) + half_log_det_r
    else:  # restricted (diffuse) likelihood: the regression coefficients integrated out
        m = n - p
        _, logdet = np.linalg.slogdet(XX)
        obj = -0.5 * m * (np.log(2 * np.pi * ssr / m) + 1) + half_log_det_r - 0.5 * logdet
    return obj, beta, ssr, XX


def fit_ar1_regression(
    Y, X, method: str = "reml", phi_bounds=(-0.98, 0.98), phi: float | None = None
) -> AR1Fit:
    """Fit ``y_t = X_t beta + u_t`` with ``u_t = phi u_{t-1} + e_t`` for every row of ``Y`` at once.

    For a given ``phi`` the model is a regression after the Prais-Winsten transform, so
    ``beta`` and ``sigma2`` have closed forms and only ``phi`` is searched: on a grid of
    0.02, then by golden-section search to 1e-9. All series are handled in the same arrays,
    which is what makes dozens of models cost milliseconds.

    Parameters
    ----------
    Y : array (S, T)
        One series per row; a series may start later (leading NaN), all end at ``T``.
    X : array (T, p)
        Design shared by the series.
    method : {"reml", "ml"}
        ``"ml"``: exact maximum likelihood (statsmodels ``SARIMAX(order=(1, 0, 0), exog=X)``).
        ``"reml"`` (default): restricted likelihood, with ``beta`` integrated out (statsmodels
        ``SARIMAX(..., mle_regression=False)`` with an exact diffuse prior on ``beta``); less
        biased ``phi`` in short series.
    phi : float, optional
        Fix ``phi`` instead of estimating it.

    Examples
    --------
    A series without autocorrelation and an exact line gets ``beta`` of the line:

    >>> t = np.arange(40.0)
    >>> f = fit_ar1_regression((1 + 0.5 * t)[None, :], np.c_[np.ones(40), t], method="ml")
    >>> np.round(f.params[0], 6).tolist()
    [1.0, 0.5]
    """
    if method not in ("ml", "reml"):
        raise ValueError("method must be 'ml' or 'reml'")
    Y, X, p, mom, S = _ar1_inputs(Y, X)
    if phi is not None:
        return _ar1_fit_at(np.full(S, float(phi)), Y, X, mom, method)
    lo, hi = phi_bounds
    grid = np.arange(lo, hi + 1e-9, 0.02)
    objs = np.stack([_evaluate(np.full(S, g), mom, p, method)[0] for g in grid], axis=1)
    k = np.argmax(objs, axis=1)
    a = grid[np.maximum(k - 1, 0)]
    b = grid[np.minimum(k + 1, len(grid) - 1)]
    # golden-section search inside the bracket around the best grid point
    g = (np.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = _evaluate(c, mom, p, method)[0], _evaluate(d, mom, p, method)[0]
    for _ in range(60):
        left = fc > fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        c_new, d_new = b - g * (b - a), a + g * (b - a)
        c, d = np.where(left, c_new, d), np.where(left, c, d_new)
        fc, fd = _evaluate(c, mom, p, method)[0], _evaluate(d, mom, p, method)[0]
        if np.max(b - a) < 1e-9:
            break
    return _ar1_fit_at((a + b) / 2, Y, X, mom, method)


def _ar1_fit_at(phi, Y, X, mom, method):
    p = X.shape[1]
    n, first = mom[4], mom[5]
    _, beta, ssr, XX = _evaluate(phi, mom, p, method)
    sigma2 = ssr / (n - p)
    cov = sigma2[:, None, None] * np.linalg.inv(XX)
    ll = -0.5 * n * (np.log(2 * np.pi * ssr / n) + 1) + 0.5 * np.log(1 - phi**2)
    resid_last = Y[:, -1] - beta @ X[-1]
    return AR1Fit(
        params=beta,
        phi=phi,
        sigma2=sigma2,
        sigma2_ml=ssr / n,
        cov=cov,
        n_obs=n,
        loglike=ll,
        method=method,
        first=first,
        last_resid=resid_last,
    )


@dataclass
class AR1Forecast:
    """Forecasts of a batch of AR(1) regressions on the modelled (log) scale."""

    mean: np.ndarray  # (S, H)
    sd: np.ndarray  # (S, H)
    cov: np.ndarray  # (S, H, H) joint covariance of the forecast errors
    df: np.ndarray  # (S,) degrees of freedom for t quantiles

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Return the lower and upper limits of the central ``level`` interval (t quantiles)."""
        q = stats.t.ppf(0.5 + level / 2, self.df)[:, None]
        return self.mean - q * self.sd, self.mean + q * self.sd


def forecast_ar1(fit: AR1Fit, X_last, X_future) -> AR1Forecast:
    """Forecast ``H`` periods after the last observation, with the joint error covariance.

    The forecast error of ``y_{T+h}`` is the future AR(1) noise plus the error in the estimated
    regression part: ``Var = sigma2 (1 - phi^2h) / (1 - phi^2) + g_h' Cov(beta) g_h`` with
    ``g_h = x_{T+h} - phi^h x_T``; ``phi`` is treated as known (as statsmodels does).

    Parameters
    ----------
    fit : AR1Fit
    X_last : array (p,)
        Design row of the last observed period.
    X_future : array (H, p)
        Design rows of the forecast periods, consecutive from the period after the last.

    Examples
    --------
    >>> t = np.arange(40.0)
    >>> f = fit_ar1_regression((1 + 0.5 * t + np.sin(t))[None, :], np.c_[np.ones(40), t])
    >>> fc = forecast_ar1(f, [1, 39], np.c_[np.ones(3), 40 + np.arange(3)])
    >>> bool(np.all(np.diff(fc.sd[0]) > 0))
    True
    """
    X_last = np.asarray(X_last, dtype=float)
    X_future = np.atleast_2d(np.asarray(X_future, dtype=float))
    H = X_future.shape[0]
    h = np.arange(1, H + 1)
    phi = fit.phi[:, None]
    powers = phi**h  # (S, H)
    mean = fit.params @ X_future.T + powers * fit.last_resid[:, None]
    G = X_future[None, :, :] - powers[..., None] * X_last[None, None, :]  # (S, H, p)
    param_part = np.einsum("shp,spq,sgq->shg", G, fit.cov, G)
    hmin = np.minimum.outer(h, h)
    lag = np.abs(np.subtract.outer(h, h))
    ph = fit.phi[:, None, None]
    ar_part = fit.sigma2[:, None, None] * ph**lag * (1 - ph ** (2 * hmin)) / (1 - ph**2)
    cov = ar_part + param_part
    sd = np.sqrt(np.einsum("shh->sh", cov))
    p = fit.params.shape[1]
    return AR1Forecast(mean=mean, sd=sd, cov=cov, df=fit.n_obs - p - 1)


def mixture_quantile(
    weights: np.ndarray,
    mean: np.ndarray,
    sd: np.ndarray,
    df: np.ndarray,
    q: float,
    steps: int,
) -> np.ndarray:
    """Return the ``q`` quantile (S, H) of mixtures of t components, by bisection.

    ``weights`` (S, K) weigh components with location ``mean`` and scale ``sd`` (S, K, H) and
    ``df`` (S,) degrees of freedom. For speed each t component is replaced by the normal with
    the same ``q`` quantile (``scale x t_q / z_q``); ``steps`` halvings of the bracket between
    the smallest and largest component quantile.

    Examples
    --------
    >>> w = np.array([[1.0]]); m = np.zeros((1, 1, 1)); s = np.ones((1, 1, 1))
    >>> round(float(mixture_quantile(w, m, s, np.array([1e9]), 0.975, 40)[0, 0]), 3)
    1.96
    """
    zq = stats.norm.ppf(q)
    factor = stats.t.ppf(q, df) / zq if q != 0.5 else np.ones_like(df)
    scale = sd * factor[:, None, None]
    comp = mean + zq * scale
    used = (weights > 0)[:, :, None]
    lo = np.where(used, comp, np.inf).min(axis=1)
    hi = np.where(used, comp, -np.inf).max(axis=1)
    for _ in range(steps):
        mid = (lo + hi) / 2
        z = (mid[:, None, :] - mean) / scale
        below = np.einsum("sk,skh->sh", weights, special.ndtr(z)) < q
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


@dataclass
class AR1Predictive:
    """Predictive distribution of future values that integrates over the AR(1) coefficient.

    Given ``phi``, the forecast is Student t (``beta`` and ``log sigma`` integrated out with
    flat priors, as in :func:`forecast_ar1`); ``phi`` itself is integrated out over a grid with
    weights proportional to the restricted likelihood. Plugging in one estimate of ``phi``
    makes the 99 % intervals too narrow at long horizons (``phi`` is estimated with error and
    biased towards 0 in short series); the mixture removes that (see ``docs/covid.md``).
    Each series keeps its own grid values (``phi``), the fewest that hold all but 1e-6 of the
    weight.
    """

    phi: np.ndarray  # (S, K) grid values per series
    weights: np.ndarray  # (S, K), rows sum to 1 (0 for padding)
    mean: np.ndarray  # (S, K, H) component means (log scale)
    sd: np.ndarray  # (S, K, H) component scales
    df: np.ndarray  # (S,) degrees of freedom of the t components
    cov_beta: np.ndarray  # (S, K, p, p)
    sigma2: np.ndarray  # (S, K)
    X_last: np.ndarray  # (p,)
    X_future: np.ndarray  # (H_all, p)
    cols: np.ndarray  # (H,) which of the forecast periods this object covers

    def cdf(self, x) -> np.ndarray:
        """Predictive CDF at ``x`` (S, H), with exact t components."""
        z = (np.asarray(x, float)[:, None, :] - self.mean) / self.sd
        return np.einsum("sk,skh->sh", self.weights, special.stdtr(self.df[:, None, None], z))

    def quantile(self, q: float) -> np.ndarray:
        """Predictive quantile (S, H), by bisection between the component quantiles.

        For speed each t component is replaced by the normal with the same ``q`` quantile
        (``scale x t_q / z_q``), which moves the result by far less than the Monte Carlo
        error of any interval check (tested against the exact t mixture).
        """
        return mixture_quantile(self.weights, self.mean, self.sd, self.df, q, steps=30)

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed central ``level`` interval (S, H)."""
        return self.quantile((1 - level) / 2), self.quantile((1 + level) / 2)

    def median(self) -> np.ndarray:
        """Predictive median (S, H): the point forecast."""
        return self.quantile(0.5)

    def window(self, keep) -> AR1Predictive:
        """The same distribution restricted to some forecast periods (boolean mask over H)."""
        keep = np.asarray(keep, bool)
        return AR1Predictive(
            phi=self.phi,
            weights=self.weights,
            mean=self.mean[:, :, keep],
            sd=self.sd[:, :, keep],
            df=self.df,
            cov_beta=self.cov_beta,
            sigma2=self.sigma2,
            X_last=self.X_last,
            X_future=self.X_future,
            cols=self.cols[keep],
        )

    def simulate(self, n_sim: int, seed: int = 20200312) -> np.ndarray:
        """Draw future paths (S, n_sim, H) from the joint predictive distribution (seeded).

        Each draw picks ``phi`` by its weight, then a multivariate t path with the joint
        forecast covariance of that ``phi``.
        """
        rng = np.random.default_rng(seed)
        S, K, H = self.mean.shape
        cum = np.cumsum(self.weights, axis=1)
        comp = np.minimum((rng.random((S, n_sim))[..., None] > cum[:, None, :]).sum(axis=2), K - 1)
        z = rng.standard_normal((S, n_sim, H))
        scale = np.sqrt(self.df[:, None] / rng.chisquare(self.df[:, None], (S, n_sim)))
        out = np.empty((S, n_sim, H))
        h_all = np.arange(1, len(self.X_future) + 1)
        for k in range(K):
            if not (comp == k).any():
                continue
            cov = _joint_cov(
                self.phi[:, k],
                self.sigma2[:, k],
                self.cov_beta[:, k],
                self.X_last,
                self.X_future,
                h_all,
            )[:, self.cols][:, :, self.cols]
            chol = np.linalg.cholesky(cov + 1e-12 * np.eye(H))
            for s_ in np.where((comp == k).any(axis=1))[0]:
                sel = comp[s_] == k
                out[s_, sel] = self.mean[s_, k] + scale[s_, sel, None] * (z[s_, sel] @ chol[s_].T)
        return out


def _joint_cov(phi, sigma2, cov_beta, X_last, X_future, h):
    """Joint covariance (S, H, H) of the forecast errors, one value of phi per series."""
    phi = np.broadcast_to(np.asarray(phi, float), sigma2.shape)[:, None, None]
    powers = phi[:, :, 0] ** h[None, :]  # (S, H)
    G = X_future[None, :, :] - powers[..., None] * X_last[None, None, :]
    param_part = np.einsum("shp,spq,sgq->shg", G, cov_beta, G)
    hmin = np.minimum.outer(h, h)[None]
    lag = np.abs(np.subtract.outer(h, h))[None]
    ar = phi**lag * (1 - phi ** (2 * hmin)) / (1 - phi**2)
    return sigma2[:, None, None] * ar + param_part


def _phi_weights(objs: np.ndarray, grid: np.ndarray, tail_mass: float):
    """Grid values of ``phi`` per series and their weights (likelihood, flat prior).

    Each series keeps its most likely values that together hold all but ``tail_mass`` of the
    weight, padded with zero weight to a common number of columns.
    """
    w = np.exp(objs - objs.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    order = np.argsort(-w, axis=1, kind="stable")
    w_sorted = np.take_along_axis(w, order, axis=1)
    n_keep = (np.cumsum(w_sorted, axis=1) < 1 - tail_mass).sum(axis=1) + 1
    K = int(n_keep.max())
    weights = np.where(np.arange(K)[None, :] < n_keep[:, None], w_sorted[:, :K], 0.0)
    return grid[order[:, :K]], weights / weights.sum(axis=1, keepdims=True)


def predictive_ar1(
    Y,
    X,
    X_future,
    method: str = "reml",
    step: float = 0.02,
    bounds=(-0.98, 0.98),
    tail_mass: float = 1e-6,
) -> AR1Predictive:
    """Fit the AR(1) regression to every row of ``Y`` and return the predictive distribution
    of the next ``len(X_future)`` periods, integrated over ``phi``.

    Parameters
    ----------
    Y : array (S, T)
        Series (leading NaN allowed), all ending in the last period of ``X``.
    X : array (T, p)
    X_future : array (H, p)
        Design of the periods after the last observation, consecutive.
    method : {"reml", "ml"}
        Likelihood that weighs the values of ``phi`` (restricted by default).
    step, bounds : grid of ``phi`` values (flat prior on the grid).
    tail_mass : each series drops its least likely grid values that together weigh less.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(60.0)
    >>> Y = (0.02 * t + rng.normal(0, 0.1, (3, 60)))
    >>> pr = predictive_ar1(Y, np.c_[np.ones(60), t], np.c_[np.ones(12), 60 + np.arange(12)])
    >>> lo, hi = pr.interval(0.95)
    >>> bool(np.all(lo < pr.median()) and np.all(pr.median() < hi))
    True
    """
    Y, X, p, mom, S = _ar1_inputs(Y, X)
    n = mom[4]
    X_future = np.atleast_2d(np.asarray(X_future, dtype=float))
    grid = np.arange(bounds[0], bounds[1] + 1e-9, step)
    objs = np.stack([_evaluate(np.full(S, g), mom, p, method)[0] for g in grid], axis=1)
    phi, weights = _phi_weights(objs, grid, tail_mass)
    K = phi.shape[1]
    H = X_future.shape[0]
    h = np.arange(1, H + 1)
    mean = np.empty((S, K, H))
    sd = np.empty((S, K, H))
    cov_k = np.empty((S, K, p, p))
    s2_k = np.empty((S, K))
    y_last = Y[:, -1]
    for k in range(K):
        g = phi[:, k]
        _, beta, ssr, XX = _evaluate(g, mom, p, method)
        s2 = ssr / (n - p)
        cov = s2[:, None, None] * np.linalg.inv(XX)
        powers = g[:, None] ** h[None, :]
        resid = y_last - beta @ X[-1]
        mean[:, k] = beta @ X_future.T + powers * resid[:, None]
        G = X_future[None, :, :] - powers[..., None] * X[-1][None, None, :]
        var = s2[:, None] * (1 - powers**2) / (1 - g[:, None] ** 2) + np.einsum(
            "shp,spq,shq->sh", G, cov, G
        )
        sd[:, k] = np.sqrt(var)
        cov_k[:, k], s2_k[:, k] = cov, s2
    return AR1Predictive(
        phi=phi,
        weights=weights,
        mean=mean,
        sd=sd,
        df=n - p,
        cov_beta=cov_k,
        sigma2=s2_k,
        X_last=X[-1].copy(),
        X_future=X_future,
        cols=np.arange(H),
    )


def forecast_covariance(phi: float, sigma2: float, X, X_future) -> np.ndarray:
    """Joint covariance (H, H) of the forecast errors when ``phi`` and ``sigma2`` are known.

    ``beta`` is estimated by GLS on a series observed at every row of ``X``; the forecast error
    of the periods ``X_future`` (consecutive after the last row of ``X``) is the future AR(1)
    noise plus the error in ``beta``. Gives the nominal rate of the decision rule for correlated
    months (:func:`ivp_analysis.stats.runs.rule_rate_gaussian`).

    Examples
    --------
    Without autocorrelation and with an intercept only, the error variance is
    ``sigma2 (1 + 1/n)`` and the covariance between two months ``sigma2 / n``:

    >>> c = forecast_covariance(0.0, 2.0, np.ones((4, 1)), np.ones((2, 1)))
    >>> np.round(c, 6).tolist()
    [[2.5, 0.5], [0.5, 2.5]]
    """
    X = np.asarray(X, dtype=float)
    X_future = np.atleast_2d(np.asarray(X_future, dtype=float))
    A, B2, Cl, D, _n, _first = _moments(np.zeros((1, X.shape[0])), X)
    XX = (A - phi * B2 + phi**2 * Cl + (1 - phi**2) * D)[:, :-1, :-1]
    h = np.arange(1, X_future.shape[0] + 1)
    cov_beta = sigma2 * np.linalg.inv(XX)
    return _joint_cov(np.array([phi]), np.array([sigma2]), cov_beta, X[-1], X_future, h)[0]


def ar1_components(
    Y,
    X,
    X_future,
    method: str = "reml",
    step: float = 0.02,
    bounds=(-0.98, 0.98),
    tail_mass: float = 1e-6,
) -> dict[str, np.ndarray]:
    """Return the components of the predictive distribution over the grid of ``phi``, with
    the joint covariance of the forecast errors of each component.

    The same distribution as :func:`predictive_ar1` (each component Student t with
    ``df = n - p``), in a form that linear transforms of the forecasts (sums, integration of
    differenced series) can use: ``weights`` (S, K), ``phi`` (S, K), ``mean`` (S, K, H),
    ``cov`` (S, K, H, H) and ``df`` (S,).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = ar1_components(rng.normal(0, 0.1, (2, 40)), np.ones((40, 1)), np.ones((3, 1)))
    >>> c["cov"].shape[0], c["cov"].shape[2:], bool(np.allclose(c["weights"].sum(axis=1), 1))
    (2, (3, 3), True)
    """
    Y, X, p, mom, S = _ar1_inputs(Y, X)
    n = mom[4]
    X_future = np.atleast_2d(np.asarray(X_future, dtype=float))
    grid = np.arange(bounds[0], bounds[1] + 1e-9, step)
    objs = np.stack([_evaluate(np.full(S, g), mom, p, method)[0] for g in grid], axis=1)
    phi, weights = _phi_weights(objs, grid, tail_mass)
    K, H = phi.shape[1], X_future.shape[0]
    h = np.arange(1, H + 1)
    mean = np.empty((S, K, H))
    cov = np.empty((S, K, H, H))
    for k in range(K):
        g = phi[:, k]
        _, beta, ssr, XX = _evaluate(g, mom, p, method)
        s2 = ssr / (n - p)
        cov_beta = s2[:, None, None] * np.linalg.inv(XX)
        resid = Y[:, -1] - beta @ X[-1]
        mean[:, k] = beta @ X_future.T + g[:, None] ** h[None, :] * resid[:, None]
        cov[:, k] = _joint_cov(g, s2, cov_beta, X[-1], X_future, h)
    return {"weights": weights, "phi": phi, "mean": mean, "cov": cov, "df": n - p}
