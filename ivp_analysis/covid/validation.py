"""Checks of the COVID-19 models that the reports never run: simulations and reference fits.

* :func:`simulate_national` and :func:`validate_national`: the national model on series simulated
  with known parameters and a planted effect (coverage, bias, false alarms of the rule);
* :func:`validate_municipal`: the same for the municipal count model;
* :func:`municipal_fit_statsmodels`: the reference route for the batched municipal fits, one
  statsmodels call per series.

Used by ``tests/covid/test_validation.py`` and ``benchmarks/bench_covid.py``; imports statsmodels
lazily.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ivp_analysis.covid.national import design_matrix
from ivp_analysis.stats.ar1 import forecast_covariance, predictive_ar1
from ivp_analysis.stats.countpredict import predict_counts
from ivp_analysis.stats.runs import rule_rate_gaussian, rule_rate_independent, significant_runs


def municipal_fit_statsmodels(y, X, exposure, overdispersion_alpha: float = 0.05) -> list[dict]:
    """Fit each series with statsmodels, one call per series (the reference route).

    Poisson GLM with ``log(exposure)`` offset; where Pearson's chi-square test of the Poisson
    fit gives ``p < overdispersion_alpha``, statsmodels' NB2 ``NegativeBinomial`` instead. Used
    by the tests (the batched route must give the same estimates) and the benchmark.
    """
    import warnings

    import statsmodels.api as sm

    out = []
    y = np.atleast_2d(np.asarray(y, float))
    exposure = np.broadcast_to(np.asarray(exposure, float), y.shape)
    for yi, ei in zip(y, exposure, strict=True):
        ok = np.isfinite(yi) & np.isfinite(ei) & (ei > 0)
        if yi[ok].sum() <= 0:
            out.append({"family": "", "params": np.full(X.shape[1], np.nan), "alpha": np.nan})
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            glm = sm.GLM(yi[ok], X[ok], family=sm.families.Poisson(), offset=np.log(ei[ok])).fit(
                tol=1e-12
            )
            pval = stats.chi2.sf(glm.pearson_chi2, glm.df_resid)
            if pval < overdispersion_alpha:
                nb = sm.NegativeBinomial(yi[ok], X[ok], offset=np.log(ei[ok]), loglike_method="nb2")
                mu = glm.fittedvalues
                a0 = max(float(np.sum((yi[ok] - mu) ** 2 - yi[ok]) / np.sum(mu**2)), 0.01)
                res = nb.fit(
                    start_params=np.r_[glm.params, a0],
                    method="bfgs",
                    maxiter=2000,
                    disp=0,
                    gtol=1e-10,
                )
                # polish with Newton unless BFGS put the dispersion on the Poisson boundary:
                # there statsmodels' NB2 Hessian (polygamma of 1 / alpha) can take minutes
                if res.params[-1] > 1e-6:
                    res = nb.fit(
                        start_params=res.params, method="newton", maxiter=100, disp=0, tol=1e-12
                    )
                if np.all(np.isfinite(res.params)) and res.params[-1] > 1e-6:
                    out.append(
                        {"family": "negbin", "params": res.params[:-1], "alpha": res.params[-1]}
                    )
                    continue
            out.append({"family": "poisson", "params": glm.params, "alpha": 0.0})
    return out


def simulate_national(
    beta,
    phi: float,
    sigma: float,
    n_series: int,
    pre_months: int = 98,
    horizon: int = 24,
    origin: str = "2012-01",
    seed: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate log-rate series from the national model (trend, month effects, AR(1) noise).

    Returns ``(Y_pre, Y_future, X_all)``: the pre-period (S, pre_months), the counterfactual
    forecast months (S, horizon) and the design of all months. The AR(1) noise starts from its
    stationary distribution.
    """
    rng = np.random.default_rng(seed)
    months = pd.period_range(origin, periods=pre_months + horizon, freq="M")
    X = design_matrix(months, origin)
    T = len(months)
    e = rng.standard_normal((n_series, T)) * sigma
    u = np.empty_like(e)
    u[:, 0] = e[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, T):
        u[:, t] = phi * u[:, t - 1] + e[:, t]
    Y = X @ np.asarray(beta, float) + u
    return Y[:, :pre_months], Y[:, pre_months:], X


def validate_national(
    beta,
    phi,
    sigma,
    n_series: int = 1000,
    effect: float = -0.25,
    level: float = 0.95,
    level_strict: float = 0.99,
    min_run: int = 2,
    method: str = "reml",
    seed: int = 1,
) -> dict:
    """Run the national model on simulated series with a planted effect and score it.

    Returns coverage of the ``level`` interval for the true counterfactual (all months and per
    horizon), the mean estimated effect against the planted one, the rule's false-alarm rate
    on series without an effect, and the rule's nominal rates (independent months, and
    correlated months with the true parameters).
    """
    Y, F, X = simulate_national(beta, phi, sigma, n_series, seed=seed)
    T = Y.shape[1]
    pred = predictive_ar1(Y, X[:T], X[T:], method=method)
    lo, hi = pred.interval(level)
    med = pred.median()
    covered = (F >= lo) & (F <= hi)
    observed = F + np.log1p(effect)
    est = np.mean(observed - med, axis=1)  # mean log(observed / expected)
    lo2, hi2 = pred.interval(level_strict)
    outside_strict = (F < lo2) | (F > hi2)
    side = np.where(F < lo2, -1, np.where(F > hi2, 1, 0))
    fired = significant_runs(side, min_run).any(axis=1)
    side_eff = np.where(observed < lo2, -1, np.where(observed > hi2, 1, 0))
    power = significant_runs(side_eff, min_run).any(axis=1)
    # nominal rate: correlation of the forecast errors under the true parameters
    cov = forecast_covariance(phi, sigma**2, X[:T], X[T:])
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    return {
        "n_series": n_series,
        "coverage": float(covered.mean()),
        "coverage_by_horizon_min": float(covered.mean(axis=0).min()),
        "coverage_by_horizon_max": float(covered.mean(axis=0).max()),
        "outside_strict_rate": float(outside_strict.mean()),
        "effect_planted_pct": 100 * effect,
        "effect_estimated_pct": float(100 * (np.exp(est.mean()) - 1)),
        "effect_bias_log": float(est.mean() - np.log1p(effect)),
        "effect_bias_se": float(est.std(ddof=1) / np.sqrt(n_series)),
        "false_alarm_rate": float(fired.mean()),
        "nominal_rate_independent": rule_rate_independent(F.shape[1], level_strict, min_run),
        "nominal_rate_correlated": rule_rate_gaussian(corr, level_strict, min_run),
        "power": float(power.mean()),
    }


def _simulate_municipal(rng, intercept, slope, alpha, population, replicates, T, pre_years):
    """Simulate yearly NB2 counts (Poisson where ``alpha`` is 0) around a log-linear trend."""
    a0, b0, al0, pop0 = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, float)) for v in (intercept, slope, alpha, population))
    )
    a0, b0, al0, pop0 = (np.repeat(v, replicates) for v in (a0, b0, al0, pop0))
    S = len(a0)
    t = np.arange(T) - (pre_years - 1) / 2
    mu = pop0[:, None] * np.exp(a0[:, None] + b0[:, None] * t[None, :])
    gam = np.where(
        al0[:, None] > 0,
        rng.gamma(1 / np.maximum(al0, 1e-12)[:, None], np.maximum(al0, 1e-12)[:, None], (S, T)),
        1.0,
    )
    lam = mu * gam
    return lam, rng.poisson(lam).astype(float), t, pop0, al0


def validate_municipal(
    intercept,
    slope,
    alpha,
    population,
    replicates: int = 1,
    pre_years: int = 8,
    eval_years: int = 2,
    effect: float = -0.25,
    level: float = 0.95,
    n_sim: int = 1000,
    seed: int = 2,
    overdispersion_alpha: float = 0.2,
) -> dict:
    """Run the municipal count model on simulated yearly counts with a planted effect.

    Each parameter set (``intercept``, ``slope``, ``alpha``, ``population``: scalars or arrays
    of equal length, e.g. taken from fits to real series) is simulated ``replicates`` times:
    NB2 counts (Poisson where ``alpha`` is 0) around ``population x exp(intercept + slope x
    (year - centre of the pre-period))``. The model sees the pre-period only. Coverage is
    reported for the intervals used in the reports (dispersion mixture for overdispersed
    series) and for the plain route (``fit_auto`` at its default test level with the plug-in
    ``countmodels.predict_interval``).
    """
    rng = np.random.default_rng(seed)
    lam, y, t, pop0, al0 = _simulate_municipal(
        rng, intercept, slope, alpha, population, replicates, pre_years + eval_years, pre_years
    )
    S, T = y.shape
    X = np.column_stack([np.ones(T), t])
    expo = np.broadcast_to(pop0[:, None], (S, T))
    pre, ev = slice(0, pre_years), slice(pre_years, T)
    res = predict_counts(
        y[:, pre],
        X[pre],
        expo[:, pre],
        X[ev],
        expo[:, ev],
        level=level,
        n_sim=n_sim,
        seed=seed + 1,
        overdispersion_alpha=overdispersion_alpha,
    )
    # the plain route: fit_auto with its default test level and plug-in predict_interval
    plain = predict_counts(
        y[:, pre],
        X[pre],
        expo[:, pre],
        X[ev],
        expo[:, ev],
        level=level,
        n_sim=n_sim,
        seed=seed + 1,
        dispersion_mixture=False,
        overdispersion_alpha=0.05,
    )
    cf = y[:, ev]  # the true counterfactual
    ok = res["converged"]
    covered = ((cf >= res["lower"]) & (cf <= res["upper"]))[ok]
    covered_plain = ((cf >= plain["lower"]) & (cf <= plain["upper"]))[ok]
    over = (al0 > 0)[ok]
    # the planted effect changes the expected count of the evaluated years
    observed = rng.poisson(lam[:, ev] * (1 + effect)).astype(float)
    ratio = (observed / res["expected"])[ok]
    return {
        "n_series": int(ok.sum()),
        "mean_count_pre": float(y[ok][:, pre].mean()),
        "coverage": float(covered.mean()),
        "coverage_overdispersed": float(covered[over].mean()) if over.any() else float("nan"),
        "coverage_poisson": float(covered[~over].mean()) if (~over).any() else float("nan"),
        "coverage_plugin": float(covered_plain.mean()),
        "coverage_plugin_overdispersed": float(covered_plain[over].mean())
        if over.any()
        else float("nan"),
        "effect_planted_pct": 100 * effect,
        "effect_estimated_pct": float(100 * (ratio.mean() - 1)),
        "effect_bias_pct": float(100 * (ratio.mean() - (1 + effect))),
        "effect_bias_se_pct": float(100 * ratio.std(ddof=1) / np.sqrt(ratio.size)),
        "false_alarm_rate": float(1 - covered.mean()),
        "nominal_rate": 1 - level,
        "share_negbin": float(np.mean(res["fit"].family[ok] == "negbin")),
    }
