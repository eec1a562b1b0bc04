"""Checks of the COVID-19 models that the reports never run: simulations and reference fits.

* :func:`simulate_national` and :func:`validate_national`: a national counterfactual model on
  series simulated from the model itself and from other processes (seasonal random walk, trend
  with AR(1) errors, a level shift or a trend break before the intervention), with and without a
  planted effect: coverage, false alarms, bias;
* :func:`design_matrix`: the trend and month-effect design of those processes (and of the model
  the reports used before the seasonal AR(1) model);
* :func:`validate_municipal`: the same for the municipal count model;
* :func:`municipal_fit_statsmodels`: the reference route for the batched municipal fits, one
  statsmodels call per series.

Used by ``tests/covid/test_validation.py`` and ``benchmarks/bench_covid.py``; imports statsmodels
lazily.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from scipy import stats

from ivp_analysis.stats.ar1 import ar1_components, fit_ar1_regression, forecast_covariance
from ivp_analysis.stats.countpredict import predict_counts
from ivp_analysis.stats.forecast import (
    MixturePredictive,
    integration_matrix,
    seasonal_ar1_predictive,
    seasonal_naive_predictive,
)
from ivp_analysis.stats.runs import rule_rate_gaussian, significant_runs


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


def design_matrix(months, origin: str = "2012-01") -> np.ndarray:
    """Design of the national model: intercept, linear trend (years since ``origin``), and 11
    month-of-year dummies (January is the reference).

    Examples
    --------
    >>> X = design_matrix(pd.period_range("2012-01", "2012-03", freq="M"))
    >>> X.shape, X[2, :4].tolist()
    ((3, 13), [1.0, 0.16666666666666666, 0.0, 1.0])
    """
    months = pd.PeriodIndex(months, freq="M")
    t = (
        (months.year - pd.Period(origin, "M").year) * 12
        + months.month
        - pd.Period(origin, "M").month
    )
    cols = [np.ones(len(months)), np.asarray(t, float) / 12.0]
    cols += [(np.asarray(months.month) == m).astype(float) for m in range(2, 13)]
    return np.column_stack(cols)


#: Processes that :func:`simulate_national` draws from: the model of the reports, and four others.
PROCESSES = (
    "seasonal_ar1",
    "seasonal_random_walk",
    "trend_ar1",
    "level_shift",
    "trend_break",
)


def _ar1_noise(rng, n_series: int, T: int, phi: float, sigma: float) -> np.ndarray:
    """AR(1) noise started from its stationary distribution (S, T)."""
    e = rng.standard_normal((n_series, T)) * sigma
    u = np.empty_like(e)
    u[:, 0] = e[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, T):
        u[:, t] = phi * u[:, t - 1] + e[:, t]
    return u


def simulate_national(
    process: str,
    params: dict,
    n_series: int,
    pre_months: int = 98,
    horizon: int = 24,
    seed: int = 1,
    shift: float = 0.2,
    slope_change: float = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate log-rate series (pre-period and the true counterfactual after it).

    Parameters
    ----------
    process : one of :data:`PROCESSES`
        ``seasonal_ar1``: seasonal differences ``mu + AR(1)`` (the model of the reports), from
        ``params`` ``start`` (the first twelve values), ``mu``, ``phi``, ``sigma``;
        ``seasonal_random_walk``: ``y_t = y_{t-12} + e_t`` (``start``, ``sigma_rw``);
        ``trend_ar1``: a linear trend and month effects with AR(1) errors (``beta`` of
        :func:`design_matrix`, ``phi_trend``, ``sigma_trend``), the model of the reports before
        issue 12; ``level_shift``: that process with the level raised by ``shift`` (log) for the
        last twelve months of the pre-period and after; ``trend_break``: that process whose trend
        changes by ``slope_change`` (log per year) for the last 24 months and after.
    params : dict
        The parameters named above (for example fitted to a real series).

    Returns
    -------
    Y_pre : (S, pre_months), Y_future : (S, horizon)
    """
    rng = np.random.default_rng(seed)
    T = pre_months + horizon
    if process in ("seasonal_ar1", "seasonal_random_walk"):
        ar = process == "seasonal_ar1"
        z = (
            params["mu"] + _ar1_noise(rng, n_series, T - 12, params["phi"], params["sigma"])
            if ar
            else rng.standard_normal((n_series, T - 12)) * params["sigma_rw"]
        )
        Y = np.empty((n_series, T))
        Y[:, :12] = np.asarray(params["start"], float)
        for t in range(12, T):
            Y[:, t] = Y[:, t - 12] + z[:, t - 12]
    elif process in ("trend_ar1", "level_shift", "trend_break"):
        X = design_matrix(pd.period_range("2012-01", periods=T, freq="M"))
        u = _ar1_noise(rng, n_series, T, params["phi_trend"], params["sigma_trend"])
        Y = X @ np.asarray(params["beta"], float) + u
        months = np.arange(T)
        if process == "level_shift":
            Y = Y + shift * (months >= pre_months - 12)
        if process == "trend_break":
            Y = Y + slope_change * np.maximum(months - (pre_months - 24), 0) / 12
    else:
        raise ValueError(f"unknown process {process!r}; choose from {PROCESSES}")
    return Y[:, :pre_months], Y[:, pre_months:]


def _predictive(model: str, Y, H):
    if model == "seasonal_ar1":
        return seasonal_ar1_predictive(Y, 12, H)
    if model == "seasonal_naive":
        return seasonal_naive_predictive(Y, 12, H)
    if model == "trend_ar1":
        X = design_matrix(pd.period_range("2012-01", periods=Y.shape[1] + H, freq="M"))
        c = ar1_components(Y, X[: Y.shape[1]], X[Y.shape[1] :])
        return MixturePredictive(c["weights"], c["mean"], c["cov"], c["df"].astype(float))
    raise ValueError(f"unknown model {model!r}")


def _score_chunk(pred, F, effect, level, level_strict, min_run, n_sim, seed) -> dict:
    """Scores of one chunk of simulated series (sums over series, to be pooled)."""
    lo, hi = pred.interval(level)
    lo2, hi2 = pred.interval(level_strict)
    observed = F + np.log1p(effect)
    side = np.where(F < lo2, -1, np.where(F > hi2, 1, 0))
    side_eff = np.where(observed < lo2, -1, np.where(observed > hi2, 1, 0))
    expected = pred.mean_exp()
    sums = np.exp(pred.simulate(n_sim, seed)).sum(axis=2)
    s_lo, s_hi = np.quantile(sums, [(1 - level) / 2, (1 + level) / 2], axis=1)
    true_sum = np.exp(F).sum(axis=1)
    return {
        "covered": ((F >= lo) & (F <= hi)).sum(axis=0),
        "outside_strict": ((F < lo2) | (F > hi2)).sum(),
        "fired": significant_runs(side, min_run).any(axis=1).sum(),
        "power": significant_runs(side_eff, min_run).any(axis=1).sum(),
        "sum_outside": ((true_sum < s_lo) | (true_sum > s_hi)).sum(),
        "ratio": (np.exp(observed).sum(axis=1) / expected.sum(axis=1)).sum(),
        "ratio_sq": ((np.exp(observed).sum(axis=1) / expected.sum(axis=1)) ** 2).sum(),
    }


def validate_national(
    process: str,
    params: dict,
    model: str = "seasonal_ar1",
    n_series: int = 1000,
    effect: float = -0.25,
    level: float = 0.95,
    level_strict: float = 0.99,
    min_run: int = 2,
    n_sim: int = 1000,
    seed: int = 1,
    chunk: int = 250,
    **process_options,
) -> dict:
    """Run a counterfactual model on series simulated from a process, with and without an effect.

    Returns the coverage of the true counterfactual by the ``level`` intervals (all months and
    the lowest and highest per horizon), the share of months outside the strict interval, the
    false alarms without an effect (the decision rule in the window; the whole-window sum
    outside its ``level`` interval), the estimated effect (mean of observed / expected sums)
    against the planted one, and the rule's power against the planted effect.
    """
    Y, F = simulate_national(process, params, n_series, seed=seed, **process_options)
    H = F.shape[1]
    acc: dict = {}
    for i in range(0, n_series, chunk):
        rows = slice(i, i + chunk)
        pred = _predictive(model, Y[rows], H)
        part = _score_chunk(pred, F[rows], effect, level, level_strict, min_run, n_sim, seed + i)
        acc = {k: acc.get(k, 0) + v for k, v in part.items()}
    by_h = acc["covered"] / n_series
    mean_ratio = acc["ratio"] / n_series
    sd_ratio = np.sqrt(max(acc["ratio_sq"] / n_series - mean_ratio**2, 0.0))
    return {
        "process": process,
        "model": model,
        "n_series": n_series,
        "coverage": float(by_h.mean()),
        "coverage_by_horizon_min": float(by_h.min()),
        "coverage_by_horizon_max": float(by_h.max()),
        "outside_strict_rate": float(acc["outside_strict"] / (n_series * H)),
        "false_alarm_rule": float(acc["fired"] / n_series),
        "false_alarm_sum": float(acc["sum_outside"] / n_series),
        "effect_planted_pct": 100 * effect,
        "effect_estimated_pct": float(100 * (mean_ratio - 1)),
        "effect_se_pct": float(100 * sd_ratio / np.sqrt(n_series)),
        "power_rule": float(acc["power"] / n_series),
    }


def nominal_rule_rate(
    params: dict, pre_months: int = 98, horizon: int = 24, level_strict=0.99, min_run: int = 2
) -> float:
    """Chance that the rule fires without an effect under the seasonal AR(1) process itself.

    The forecast errors of the seasonal AR(1) model with known ``phi`` and ``sigma`` (the drift
    estimated) are jointly normal with covariance ``A C A'``; the rule's rate for that
    correlation comes from :func:`~ivp_analysis.stats.runs.rule_rate_gaussian`.
    """
    n_z = pre_months - 12
    C = forecast_covariance(
        params["phi"], params["sigma"] ** 2, np.ones((n_z, 1)), np.ones((horizon, 1))
    )
    A = integration_matrix(horizon, 12)
    cov = A @ C @ A.T
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    return rule_rate_gaussian(corr, level_strict, min_run)


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
    args = (y[:, pre], X[pre], expo[:, pre], X[ev], expo[:, ev])
    run = functools.partial(predict_counts, *args, level=level, n_sim=n_sim, seed=seed + 1)
    res = run(overdispersion_alpha=overdispersion_alpha)
    # the plain route: fit_auto with its default test level and plug-in predict_interval
    plain = run(dispersion_mixture=False, overdispersion_alpha=0.05)
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


def process_params(y) -> dict:
    """Fit the parameters of every process of :func:`simulate_national` to one log-rate series.

    ``y`` is a monthly log series that starts in January (the months of :func:`design_matrix`).
    """
    y = np.asarray(y, float)
    z = y[12:] - y[:-12]
    sd_fit = fit_ar1_regression(z[None, :], np.ones((len(z), 1)))
    X = design_matrix(pd.period_range("2012-01", periods=len(y), freq="M"))
    trend_fit = fit_ar1_regression(y[None, :], X)
    return {
        "start": y[:12],
        "mu": float(sd_fit.params[0, 0]),
        "phi": float(sd_fit.phi[0]),
        "sigma": float(np.sqrt(sd_fit.sigma2[0])),
        "sigma_rw": float(np.sqrt(np.mean(z**2))),
        "beta": trend_fit.params[0],
        "phi_trend": float(trend_fit.phi[0]),
        "sigma_trend": float(np.sqrt(trend_fit.sigma2[0])),
    }
