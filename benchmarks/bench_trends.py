"""Benchmark the batched count-model fit of every municipality and crime type against a loop.

The count-model engine fits one log-linear model per municipality and crime type (342 x 12
series, 2012-2025, population as exposure) in one batched call; the trends notebook uses its
Poisson fit (with dispersion, ``stats.quasitrend``), the COVID chapter ``fit_auto``.
This script times that batched fit (``countmodels.fit_auto``) and a plain per-series loop with
statsmodels on the same data: ``GLM(Poisson)``, and for the series whose Pearson chi-square test
rejects the Poisson model, ``NegativeBinomial(loglike_method="nb2")`` (BFGS from the Poisson
estimates, then Newton to polish: Newton alone steps alpha below zero from a cold start).
It prints both times, the speed ratio and the largest absolute differences of the estimates.

Target: at least 20 times faster than the loop, estimates equal to 1e-6.

Run: ``.venv/bin/python benchmarks/bench_trends.py`` (about half a minute: the statsmodels loop
is the slow part). ``--limit N`` runs the loop on the first N series only and scales its time.
"""

from __future__ import annotations

import os

# Benchmarks time the computations themselves: no results from the disk cache.
os.environ["IVP_NO_CACHE"] = "1"

import argparse
import platform
import time
import warnings

import numpy as np
import statsmodels.api as sm
from scipy import stats

from ivp_analysis.stats import countmodels as cm
from ivp_analysis.stats.quasitrend import design
from ivp_analysis.trends.inputs import all_municipalities, load_inputs
from ivp_analysis.trends.models import matrices

FIRST, LAST = 2012, 2025


def statsmodels_fit(y: np.ndarray, X: np.ndarray, exposure: np.ndarray, alpha_level: float = 0.05):
    """Fit one series the way a plain loop would: Poisson GLM, NB2 when overdispersed."""
    keep = np.isfinite(y) & np.isfinite(exposure) & (exposure > 0)
    y, X, exposure = y[keep], X[keep], exposure[keep]
    pois = sm.GLM(y, X, family=sm.families.Poisson(), exposure=exposure).fit(tol=1e-12, maxiter=200)
    df = len(y) - X.shape[1]
    over = df > 0 and stats.chi2.sf(pois.pearson_chi2, df) < alpha_level
    if not over:
        return "poisson", pois.params, pois.bse, 0.0
    model = sm.NegativeBinomial(y, X, exposure=exposure, loglike_method="nb2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rough = model.fit(start_params=[*pois.params, 0.1], method="bfgs", maxiter=2000, disp=0)
        ref = model.fit(start_params=rough.params, method="newton", maxiter=100, tol=1e-12, disp=0)
    return "negbin", ref.params[:-1], ref.bse[:-1], ref.params[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="loop over the first N series only")
    ap.add_argument(
        "--repeat", type=int, default=5, help="repeats of the batched fit (best is kept)"
    )
    args = ap.parse_args()

    inputs = load_inputs()
    everyone = all_municipalities(inputs, FIRST, LAST)
    y, p = matrices(everyone, ["region", "code"], FIRST, LAST)
    Y, P = y.to_numpy(float), p.to_numpy(float)
    X = design(range(FIRST, LAST + 1))[:, :2]  # intercept and centred year
    n_muni, n_codes = y.index.get_level_values(0).nunique(), y.index.get_level_values(1).nunique()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"series: {len(Y)} ({n_muni} municipalities x {n_codes} crime types), years {FIRST}-{LAST}"
    )

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        fit = cm.fit_auto(Y, X, P)
        times.append(time.perf_counter() - t0)
    t_batch = min(times)
    n_nb = int(np.sum(fit.family == "negbin"))
    print(
        f"batched fit_auto: {t_batch:.3f} s (best of {args.repeat}; median "
        f"{np.median(times):.3f} s); {n_nb} negative binomial, {len(Y) - n_nb} Poisson, "
        f"{int(np.sum(~fit.converged))} not estimable (no crime in any year)"
    )

    todo = np.where(fit.converged)[0]
    if args.limit:
        todo = todo[: args.limit]
    d_coef = {"poisson": 0.0, "negbin": 0.0}
    d_bse = {"poisson": 0.0, "negbin": 0.0}
    d_alpha = 0.0
    disagree = 0
    t0 = time.perf_counter()
    for k, s in enumerate(todo, 1):
        fam, params, bse, alpha = statsmodels_fit(Y[s], X, P[s])
        # the batch keeps the Poisson fit where the NB2 dispersion goes to zero
        ours = fit.family[s]
        if fam != ours and not (fam == "negbin" and alpha < 1e-6):
            disagree += 1
            continue
        key = ours
        d_coef[key] = max(d_coef[key], float(np.max(np.abs(params - fit.params[s]))))
        d_bse[key] = max(d_bse[key], float(np.max(np.abs(bse - fit.bse[s]))))
        if key == "negbin":
            d_alpha = max(d_alpha, abs(float(alpha) - float(fit.alpha[s])))
        if k % 500 == 0:
            elapsed = time.perf_counter() - t0
            print(f"  statsmodels loop: {k}/{len(todo)} series, {elapsed:.0f} s", flush=True)
    t_loop = time.perf_counter() - t0
    # with --limit, compare like with like: the loop's time per series times all series
    scale = len(Y) / max(len(todo), 1) if args.limit else 1.0
    t_loop_all = t_loop * scale
    scaled = f" (scaled to all {len(Y)}: {t_loop_all:.1f} s)" if scale != 1 else ""
    print(f"statsmodels loop: {t_loop:.1f} s for {len(todo)} series{scaled}")
    ratio = t_loop_all / t_batch
    met = "met" if ratio >= 20 else "NOT met"
    print(f"speed ratio (loop / batched): {ratio:.0f}x  (target >= 20x: {met})")
    worst = max(*d_coef.values(), *d_bse.values(), d_alpha)
    print(
        f"largest |difference| Poisson: coefficients {d_coef['poisson']:.2e}, "
        f"standard errors {d_bse['poisson']:.2e}"
    )
    print(
        f"largest |difference| NB2:     coefficients {d_coef['negbin']:.2e}, "
        f"standard errors {d_bse['negbin']:.2e}, alpha {d_alpha:.2e}"
    )
    print(f"family decisions that differ: {disagree}")
    equal = "yes" if worst <= 1e-6 and disagree == 0 else "NO"
    print(f"estimates equal to 1e-6: {equal} (largest {worst:.2e})")


if __name__ == "__main__":
    main()
