"""Count statistics used by every analysis: an exact test for two Poisson rates, and Poisson and
negative binomial (NB2) regressions with an exposure offset, fitted for many series at once.

Why batched: the benchmarks fit one model per municipality and crime type (342 x 12 series);
one statsmodels call per series costs seconds, a vectorised Newton iteration milliseconds.
``benchmarks/bench_trends.py`` compares both and prints the largest difference.

The models are log-linear: ``log E[y_st] = log(exposure_st) + X_t @ beta_s``. Missing counts or
exposures (NaN) drop out of the likelihood of their series.

Two rates compared with the dispersion of their series, and trends with dispersion and a
prediction interval, are in :mod:`ivp_analysis.stats.quasipoisson` and
:mod:`ivp_analysis.stats.quasitrend` (built on :func:`fit_poisson`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

# every change in a report carries one of these verdicts (defined in the vocabulary)
from ivp_analysis.vocab import VERDICT_DOWN, VERDICT_NA, VERDICT_UP, VERDICT_WITHIN

_MAX_ITER = 200
_TOL = 1e-10
_MIN_ALPHA = 1e-8


# --------------------------------------------------------------------------- two counts


def rate_ratio_test(
    count0: float | np.ndarray,
    exposure0: float | np.ndarray,
    count1: float | np.ndarray,
    exposure1: float | np.ndarray,
    level: float = 0.95,
) -> dict[str, np.ndarray]:
    """Compare two Poisson counts with their exposures: rate ratio, exact interval and p-value.

    The test conditions on the total ``n = count0 + count1``: under equal rates ``count1`` is
    binomial with ``p0 = exposure1 / (exposure0 + exposure1)``. The two-sided p-value is twice
    the smaller tail (equal-tailed), and the interval is the Clopper-Pearson interval for the
    binomial proportion turned into a rate ratio, so "p < 1 - level" holds exactly when the
    interval excludes 1.

    Parameters
    ----------
    count0, exposure0 : float or array
        Count and exposure (e.g. population) of the reference period.
    count1, exposure1 : float or array
        Count and exposure of the period compared with it.
    level : float
        Confidence level of the interval.

    Returns
    -------
    dict of arrays
        ``rate_ratio``, ``ci_low``, ``ci_high``, ``p_value`` and ``verdict`` (Dutch).
        Missing input gives NaN and verdict ``niet te toetsen``.

    Examples
    --------
    Burglary in Pijnacker-Nootdorp, 61 in 2021 (population 56,123) and 76 in 2022 (57,122):

    >>> r = rate_ratio_test(61, 56123, 76, 57122)
    >>> round(float(r["rate_ratio"]), 2), round(float(r["p_value"]), 2), str(r["verdict"])
    (1.22, 0.27, 'binnen normale schommeling')
    """
    c0, e0, c1, e1 = (np.asarray(a, dtype=float) for a in (count0, exposure0, count1, exposure1))
    c0, e0, c1, e1 = np.broadcast_arrays(c0, e0, c1, e1)
    n = c0 + c1
    ok = np.isfinite(n) & np.isfinite(e0) & np.isfinite(e1) & (e0 > 0) & (e1 > 0) & (n > 0)
    p0 = np.where(ok, e1 / np.where(ok, e0 + e1, 1.0), 0.5)
    nn = np.where(ok, n, 1.0)
    k = np.where(ok, c1, 0.0)
    lower_tail = stats.binom.cdf(k, nn, p0)
    upper_tail = stats.binom.sf(k - 1, nn, p0)
    p_value = np.minimum(1.0, 2.0 * np.minimum(lower_tail, upper_tail))
    a = (1.0 - level) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        p_lo = np.where(k > 0, special.betaincinv(k, nn - k + 1, a), 0.0)
        p_hi = np.where(k < nn, special.betaincinv(k + 1, nn - k, 1 - a), 1.0)
        scale = e0 / e1
        rr = (c1 / e1) / (c0 / e0)
        lo = p_lo / (1 - p_lo) * scale
        hi = np.where(p_hi < 1, p_hi / (1 - p_hi) * scale, np.inf)
    rr = np.where(ok, rr, np.nan)
    lo = np.where(ok, lo, np.nan)
    hi = np.where(ok, hi, np.nan)
    p_value = np.where(ok, p_value, np.nan)
    return {
        "rate_ratio": rr,
        "ci_low": lo,
        "ci_high": hi,
        "p_value": p_value,
        "verdict": verdict(rr, p_value, 1.0 - level),
    }


def verdict(ratio: np.ndarray, p_value: np.ndarray, alpha: float = 0.05) -> np.ndarray:
    """Label each change: significant increase, significant decrease or within normal variation.

    Examples
    --------
    >>> verdict(np.array([1.5, 0.5, 1.1, np.nan]), np.array([0.01, 0.001, 0.4, np.nan])).tolist()
    ['significante stijging', 'significante daling', 'binnen normale schommeling', 'niet te toetsen']
    """
    ratio = np.asarray(ratio, dtype=float)
    p_value = np.asarray(p_value, dtype=float)
    out = np.full(ratio.shape, VERDICT_WITHIN, dtype=object)
    sig = p_value < alpha
    out[sig & (ratio > 1)] = VERDICT_UP
    out[sig & (ratio < 1)] = VERDICT_DOWN
    out[~np.isfinite(p_value) | ~np.isfinite(ratio)] = VERDICT_NA
    return out


# --------------------------------------------------------------------------- regressions


@dataclass
class CountFit:
    """Estimates of a batch of log-linear count models (one row per series)."""

    family: np.ndarray  # "poisson" or "negbin" per series
    params: np.ndarray  # (S, p)
    cov: np.ndarray  # (S, p, p)
    alpha: np.ndarray  # (S,) NB2 dispersion; 0 for Poisson
    loglike: np.ndarray  # (S,)
    pearson_chi2: np.ndarray  # (S,) of the Poisson fit
    df_resid: np.ndarray  # (S,)
    dispersion_p: np.ndarray  # (S,) P(chi2_df > pearson_chi2): small = overdispersed
    n_obs: np.ndarray  # (S,)
    converged: np.ndarray  # (S,) bool

    @property
    def bse(self) -> np.ndarray:
        """Standard errors of the parameters, (S, p)."""
        return np.sqrt(np.einsum("sii->si", self.cov))


def _prepare(y, X, exposure):
    y = np.atleast_2d(np.asarray(y, dtype=float))
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    exposure = np.broadcast_to(np.asarray(exposure, dtype=float), y.shape)
    w = np.isfinite(y) & np.isfinite(exposure) & (exposure > 0)
    y0 = np.where(w, y, 0.0)
    offset = np.where(w, np.log(np.where(w, exposure, 1.0)), 0.0)
    return y0, X, offset, w.astype(float)


def _start(y, X, offset, w):
    # intercept-only start: log of the pooled rate
    rate = (y * w).sum(1) / np.maximum((np.exp(offset) * w).sum(1), 1e-300)
    beta = np.zeros((y.shape[0], X.shape[1]))
    const = np.where(np.all(X == 1.0, axis=0))[0]
    if len(const):
        beta[:, const[0]] = np.log(np.maximum(rate, 1e-10))
    return beta


def _poisson_ll(y, mu, w):
    return (w * (y * np.log(np.maximum(mu, 1e-300)) - mu - special.gammaln(y + 1))).sum(1)


def fit_poisson(y, X, exposure) -> CountFit:
    """Fit ``log E[y] = log(exposure) + X beta`` by maximum likelihood for every row of ``y``.

    Parameters
    ----------
    y : array (S, T)
        Counts; NaN where missing.
    X : array (T, p)
        Design shared by all series (e.g. a column of ones and the centred year).
    exposure : array (S, T) or (T,)
        Exposure, e.g. population; NaN or 0 drops the observation.

    Returns
    -------
    CountFit
        Series with no positive count cannot be estimated: their parameters are NaN and
        ``converged`` is False.

    Examples
    --------
    Two years with counts 10 and 20 and equal exposure: the slope is log 2.

    >>> f = fit_poisson([[10, 20]], [[1, 0], [1, 1]], [[100, 100]])
    >>> np.round(f.params, 6).tolist()
    [[-2.302585, 0.693147]]
    """
    y, X, offset, w = _prepare(y, X, exposure)
    beta = _start(y, X, offset, w)
    S = y.shape[0]
    converged = np.zeros(S, dtype=bool)
    estimable = (y * w).sum(1) > 0
    for _ in range(_MAX_ITER):
        eta = offset + beta @ X.T
        mu = np.exp(eta)
        grad = np.einsum("st,tp->sp", w * (y - mu), X)
        info = np.einsum("st,tp,tq->spq", w * mu, X, X)
        step = _solve(info, grad)
        step = np.where(estimable[:, None], step, 0.0)
        beta = beta + step
        done = np.max(np.abs(step), axis=1) < _TOL
        converged |= done
        # An estimate running off to infinity (all cases in the first or last year) has no
        # maximum: stop it instead of iterating on.
        estimable &= np.isfinite(beta).all(1) & (np.abs(beta).max(1) < 50)
        if np.all(converged | ~estimable):
            break
    mu = np.exp(offset + beta @ X.T)
    info = np.einsum("st,tp,tq->spq", w * mu, X, X)
    cov = _inv(info)
    n_obs = w.sum(1)
    pearson = (w * (y - mu) ** 2 / np.maximum(mu, 1e-300)).sum(1)
    df = n_obs - X.shape[1]
    disp_p = np.where(df > 0, stats.chi2.sf(pearson, np.maximum(df, 1)), np.nan)
    bad = ~estimable | ~converged
    beta[bad] = np.nan
    cov[bad] = np.nan
    return CountFit(
        family=np.full(S, "poisson", dtype=object),
        params=beta,
        cov=cov,
        alpha=np.zeros(S),
        loglike=np.where(bad, np.nan, _poisson_ll(y, mu, w)),
        pearson_chi2=np.where(bad, np.nan, pearson),
        df_resid=df,
        dispersion_p=np.where(bad, np.nan, disp_p),
        n_obs=n_obs,
        converged=converged & estimable,
    )


def _nb_ll(y, mu, a, w):
    inv = 1.0 / a[:, None]
    ll = (special.gammaln(y + inv) - special.gammaln(inv) - special.gammaln(y + 1)
          + inv * np.log(inv / (inv + mu)) + y * np.log(mu / (inv + mu)))  # fmt: skip
    return (w * ll).sum(1)


def _nb_derivatives(y, X, mu, a, w):
    """Gradient and Hessian of the NB2 log-likelihood in (beta, log alpha)."""
    a_ = a[:, None]
    inv = 1.0 / a_
    one_am = 1.0 + a_ * mu
    # d/d eta and d2/d eta2
    d_eta = (y - mu) / one_am
    d2_eta = -mu * (1.0 + a_ * y) / one_am**2
    # d/d alpha and d2/d alpha2
    core = special.digamma(inv) - special.digamma(y + inv) + np.log(one_am)
    d_a = core / a_**2 + (y - mu) / (a_ * one_am)
    d2_a = (-2.0 / a_**3 * core
            + (special.polygamma(1, y + inv) - special.polygamma(1, inv)) / a_**4
            + mu / (a_**2 * one_am)
            - (y - mu) * (1.0 + 2.0 * a_ * mu) / (a_ * one_am) ** 2)  # fmt: skip
    d_eta_a = -(y - mu) * mu / one_am**2
    # chain rule to theta = log alpha
    d_t = a_ * d_a
    d2_t = a_ * d_a + a_**2 * d2_a
    d_eta_t = a_ * d_eta_a
    p = X.shape[1]
    S = y.shape[0]
    grad = np.empty((S, p + 1))
    grad[:, :p] = np.einsum("st,tp->sp", w * d_eta, X)
    grad[:, p] = (w * d_t).sum(1)
    hess = np.empty((S, p + 1, p + 1))
    hess[:, :p, :p] = np.einsum("st,tp,tq->spq", w * d2_eta, X, X)
    cross = np.einsum("st,tp->sp", w * d_eta_t, X)
    hess[:, :p, p] = cross
    hess[:, p, :p] = cross
    hess[:, p, p] = (w * d2_t).sum(1)
    return grad, hess


def fit_negbin(y, X, exposure, start: CountFit | None = None) -> CountFit:
    """Fit the negative binomial (NB2: variance ``mu + alpha mu^2``) model for every series.

    Newton's method on ``(beta, log alpha)`` with step halving; the covariance of ``beta`` is
    the inverse of the observed information, as statsmodels' ``NegativeBinomial`` reports it.
    A series whose dispersion goes to zero (no overdispersion) keeps its Poisson estimates.

    Examples
    --------
    >>> y = [[3, 14, 2, 20, 5, 30, 4, 25]]
    >>> f = fit_negbin(y, np.c_[np.ones(8), np.arange(8) - 3.5], np.ones((1, 8)))
    >>> bool(f.alpha[0] > 0.1), str(f.family[0])
    (True, 'negbin')
    """
    y_, X_, offset, w = _prepare(y, X, exposure)
    pois = start if start is not None else fit_poisson(y, X, exposure)
    S, p = y_.shape[0], X_.shape[1]
    ok = pois.converged.copy()
    beta = np.where(ok[:, None], pois.params, 0.0)
    mu = np.exp(offset + beta @ X_.T)
    # moment start for alpha
    num = (w * ((y_ - mu) ** 2 - y_)).sum(1)
    den = np.maximum((w * mu**2).sum(1), 1e-300)
    alpha0 = np.clip(num / den, 1e-6, 10.0)
    # NB2 score for alpha at 0 (Poisson): positive means the maximum lies inside, alpha > 0
    score0 = (w * ((y_ - mu) ** 2 - y_)).sum(1)
    theta = np.log(alpha0)
    params = np.column_stack([beta, theta])
    converged = np.zeros(S, dtype=bool)
    ll = _nb_ll(y_, mu, np.exp(theta), w)
    for _ in range(_MAX_ITER):
        act = np.where(ok & ~converged)[0]  # work on the series still moving only
        if not len(act):
            break
        ya, oa, wa, pa = y_[act], offset[act], w[act], params[act]
        mu = np.exp(oa + pa[:, :p] @ X_.T)
        grad, hess = _nb_derivatives(ya, X_, mu, np.exp(pa[:, p]), wa)
        step = _solve(-hess, grad)
        # If the Hessian is not negative definite, fall back to a scaled gradient step.
        bad = ~np.all(np.isfinite(step), axis=1) | (np.einsum("sp,sp->s", step, grad) <= 0)
        if bad.any():
            scale = np.maximum(np.abs(np.einsum("sii->si", hess)), 1e-8)
            step[bad] = grad[bad] / scale[bad]
        # at most a factor e^2 on alpha per step: no jumps across the likelihood's flat tail
        big = np.abs(step[:, p]) > 2.0
        step[big] *= (2.0 / np.abs(step[big, p]))[:, None]
        factor = np.ones(len(act))
        lla = ll[act]
        for _half in range(40):
            trial = pa + factor[:, None] * step
            t_ll = _nb_ll(ya, np.exp(oa + trial[:, :p] @ X_.T), np.exp(trial[:, p]), wa)
            worse = ~(t_ll >= lla - 1e-12) & (factor > 1e-10)
            if not worse.any():
                break
            factor = np.where(worse, factor / 2.0, factor)
        trial[:, p] = np.maximum(trial[:, p], np.log(_MIN_ALPHA) - 2.0)
        params[act] = trial
        ll[act] = t_ll
        done = np.max(np.abs(factor[:, None] * step), axis=1) < _TOL
        # dispersion on the boundary: the Poisson model is the MLE (only when the score says so)
        done |= (trial[:, p] < np.log(_MIN_ALPHA)) & (score0[act] <= 0)
        converged[act] = done
    alpha = np.exp(params[:, p])
    boundary = alpha < _MIN_ALPHA * 10
    mu = np.exp(offset + params[:, :p] @ X_.T)
    _, hess = _nb_derivatives(y_, X_, mu, np.maximum(alpha, _MIN_ALPHA), w)
    cov_full = _inv(-hess)
    cov = cov_full[:, :p, :p]
    family = np.full(S, "negbin", dtype=object)
    out_params = params[:, :p].copy()
    # No overdispersion: keep the Poisson fit.
    family[boundary] = "poisson"
    out_params[boundary] = pois.params[boundary]
    cov[boundary] = pois.cov[boundary]
    alpha = np.where(boundary, 0.0, alpha)
    loglike = np.where(boundary, pois.loglike, ll)
    good = ok & converged
    out_params[~good] = np.nan
    cov[~good] = np.nan
    return CountFit(family=family, params=out_params, cov=cov, alpha=np.where(good, alpha, np.nan),
                    loglike=np.where(good, loglike, np.nan), pearson_chi2=pois.pearson_chi2,
                    df_resid=pois.df_resid, dispersion_p=pois.dispersion_p, n_obs=pois.n_obs,
                    converged=good)  # fmt: skip


def fit_auto(y, X, exposure, overdispersion_alpha: float = 0.05) -> CountFit:
    """Fit Poisson, and negative binomial where the Poisson fit is overdispersed.

    The decision per series is Pearson's goodness-of-fit test of the Poisson model:
    ``P(chi2_df > X2) < overdispersion_alpha`` means overdispersed (the test and its p-value
    are kept in ``pearson_chi2``, ``df_resid`` and ``dispersion_p``).

    Examples
    --------
    >>> y = np.array([[10, 11, 9, 10, 12, 9], [3, 30, 2, 25, 4, 28]])
    >>> f = fit_auto(y, np.c_[np.ones(6), np.arange(6) - 2.5], np.ones((2, 6)))
    >>> f.family.tolist()
    ['poisson', 'negbin']
    """
    pois = fit_poisson(y, X, exposure)
    over = pois.converged & (pois.dispersion_p < overdispersion_alpha)
    if not over.any():
        return pois
    y = np.atleast_2d(np.asarray(y, dtype=float))
    exposure_b = np.broadcast_to(np.asarray(exposure, dtype=float), y.shape)
    nb = fit_negbin(y[over], X, exposure_b[over], start=_subset(pois, over))
    out = _subset(pois, np.ones(len(over), dtype=bool))
    for name in ("family", "params", "cov", "alpha", "loglike", "converged"):
        getattr(out, name)[over] = getattr(nb, name)
    return out


def _subset(fit: CountFit, mask: np.ndarray) -> CountFit:
    return CountFit(
        **{k: np.array(getattr(fit, k)[mask], copy=True) for k in fit.__dataclass_fields__}
    )


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a batch of small systems; a singular or non-finite one gives NaN, in one pass."""
    out = np.full(b.shape, np.nan)
    ok = np.isfinite(a).all(axis=(1, 2)) & np.isfinite(b).all(axis=1)
    if ok.any():
        # relative condition check first, so one singular matrix cannot force a slow fallback
        cond = np.full(len(a), np.inf)
        cond[ok] = np.linalg.cond(a[ok])
        ok &= cond < 1e14
    if ok.any():
        out[ok] = np.linalg.solve(a[ok], b[ok][..., None])[..., 0]
    return out


def _inv(a: np.ndarray) -> np.ndarray:
    out = np.full(a.shape, np.nan)
    finite = np.isfinite(a).all(axis=(1, 2))
    try:
        out[finite] = np.linalg.inv(a[finite])
        return out
    except np.linalg.LinAlgError:
        pass  # a singular matrix among them: invert one by one
    for i in range(a.shape[0]):
        if np.isfinite(a[i]).all():
            try:
                out[i] = np.linalg.inv(a[i])
            except np.linalg.LinAlgError:
                pass
    return out


# --------------------------------------------------------------------------- summaries


def slope_change(fit: CountFit, column: int = 1, level: float = 0.95) -> dict[str, np.ndarray]:
    """Yearly change in percent from the slope of a log-linear model, with a Wald interval.

    Examples
    --------
    >>> f = fit_poisson([[10, 20]], [[1, 0], [1, 1]], [[100, 100]])
    >>> round(float(slope_change(f)["change_pct"][0]), 6)
    100.0
    """
    z = stats.norm.ppf(0.5 + level / 2)
    b = fit.params[:, column]
    se = fit.bse[:, column]
    with np.errstate(invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(b / se))
    return {
        "change_pct": 100 * (np.exp(b) - 1),
        "ci_low_pct": 100 * (np.exp(b - z * se) - 1),
        "ci_high_pct": 100 * (np.exp(b + z * se) - 1),
        "p_value": p,
        "verdict": verdict(np.exp(b), p, 1 - level),
    }


def predict_interval(
    fit: CountFit,
    X_new,
    exposure_new,
    level: float = 0.95,
    n_sim: int = 4000,
    seed: int = 20230629,
) -> dict[str, np.ndarray]:
    """Expected counts for new periods with a prediction interval for the observed count.

    The interval mixes the uncertainty of the estimates (a normal draw of ``beta`` from its
    covariance) with the count noise (Poisson, or NB2 with the fitted ``alpha``), by seeded
    simulation: the same inputs always give the same interval.

    Returns
    -------
    dict of arrays
        ``expected`` (point forecast), ``lower`` and ``upper`` (equal-tailed quantiles of the
        simulated counts), all (S, T_new); ``simulated``: the draws, (S, n_sim, T_new), for
        tail probabilities of an observed count.
    """
    X_new = np.asarray(X_new, dtype=float)
    if X_new.ndim == 1:
        X_new = X_new[None, :]
    S = fit.params.shape[0]
    exposure_new = np.broadcast_to(np.asarray(exposure_new, dtype=float), (S, X_new.shape[0]))
    rng = np.random.default_rng(seed)
    ok = fit.converged & np.isfinite(fit.params).all(1)
    beta = np.where(ok[:, None], fit.params, 0.0)
    cov = np.where(ok[:, None, None], fit.cov, np.eye(fit.params.shape[1]) * 1e-12)
    chol = np.linalg.cholesky(_nearest_pd(cov))
    z = rng.standard_normal((S, n_sim, fit.params.shape[1]))
    draws = beta[:, None, :] + np.einsum("spq,snq->snp", chol, z)
    log_mu = np.log(np.where(exposure_new > 0, exposure_new, np.nan))[:, None, :] + np.einsum(
        "snp,tp->snt", draws, X_new
    )
    mu = np.exp(log_mu)
    alpha = np.nan_to_num(fit.alpha)[:, None, None]
    # NB2 as a gamma-Poisson mixture; alpha = 0 gives Poisson
    shape = np.where(alpha > 0, 1.0 / np.maximum(alpha, 1e-12), np.inf)
    lam = np.where(alpha > 0, rng.gamma(np.where(np.isfinite(shape), shape, 1.0), 1.0, size=mu.shape)
                   / np.where(np.isfinite(shape), shape, 1.0) * mu, mu)  # fmt: skip
    counts = rng.poisson(np.nan_to_num(lam))
    a = (1 - level) / 2
    expected = exposure_new * np.exp(beta @ X_new.T)
    lower = np.quantile(counts, a, axis=1, method="inverted_cdf")
    upper = np.quantile(counts, 1 - a, axis=1, method="inverted_cdf")
    bad = ~ok[:, None] | ~np.isfinite(expected)
    return {
        "expected": np.where(bad, np.nan, expected),
        "lower": np.where(bad, np.nan, lower),
        "upper": np.where(bad, np.nan, upper),
        "simulated": counts,
    }


def _nearest_pd(cov: np.ndarray) -> np.ndarray:
    c = np.nan_to_num((cov + np.swapaxes(cov, 1, 2)) / 2)
    vals, vecs = np.linalg.eigh(c)
    return np.einsum("spk,sk,sqk->spq", vecs, np.maximum(vals, 1e-14), vecs)
