"""Benchmark of the COVID-19 analysis: time of the notebook's computations and of each model family.

Prints (seconds, wall clock, this machine):

1. the whole notebook ``02_covid_effects.ipynb`` run in-process on its defaults, cell by cell
   (figures included, kernel start excluded);
2. each model family: national models (fit + predictive distribution of 31 series), the
   back-test, the sensitivity runs, the interval sums of the phase table, the municipal batch
   (342 municipalities x 12 crime types: fit, intervals) against one statsmodels call per
   series, and the national model against one statsmodels SARIMAX call per series;
3. the single back-test of the first version (fit to 2017, forecast 2018-2019) for several model
   families: the seasonal-difference AR(1) model used now, the trend + month + AR(1) model used
   before issue 12, the seasonal ARIMA "airline" model, a random walk with drift and month
   effects, seasonal naive. The rolling back-test that chose the model is
   ``benchmarks/covid_backtest_coverage.py``.

Run: ``.venv/bin/python benchmarks/bench_covid.py`` (about a minute).
"""

from __future__ import annotations

import os

# Benchmarks time the computations themselves: no results from the disk cache.
os.environ["IVP_NO_CACHE"] = "1"

import contextlib
import io
import time
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")

from ivp_analysis import datasets  # noqa: E402
from ivp_analysis.covid import backtest, data, municipal, national, phases, validation  # noqa: E402
from ivp_analysis.covid.sensitivity import sensitivity  # noqa: E402
from ivp_analysis.covid.settings import NationalSettings  # noqa: E402
from ivp_analysis.stats import ar1, countmodels  # noqa: E402
from ivp_analysis.stats.forecast import seasonal_ar1_predictive  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeat: int = 3):
    """Best of ``repeat`` wall-clock times and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def notebook_cells() -> list[tuple[str, float]]:
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "02_covid_effects.ipynb", as_version=4)
    env: dict = {}
    times = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(cell.source, "<cell>", "exec"), env)  # noqa: S102 - our own notebook
        times.append((cell.source.splitlines()[0][:60], time.perf_counter() - t))
    return times


def main() -> None:
    print("== 1. notebook 02_covid_effects, in-process (kernel start not included)")
    cells = notebook_cells()
    for first, sec in cells:
        if sec >= 0.05:
            print(f"  {sec:6.2f} s  {first}")
    print(f"  {sum(s for _, s in cells):6.2f} s  total of all cells")

    print("\n== 2. model families")
    settings = NationalSettings()
    t_load, (crime, pop) = timed(
        lambda: (
            datasets.get("national_monthly_crime"),
            datasets.get("national_population_monthly"),
        ),
        1,
    )
    nat = data.prepare_national(crime, pop, settings)
    phase_table = phases.load_phases()
    t_nat, (table, fitted) = timed(
        lambda: national.national_counterfactual(
            nat.counts, nat.population, nat.codes, nat.starts, settings, nat.labels, phase_table
        )
    )
    t_bt, _ = timed(
        lambda: national.fit_national(
            nat.counts, nat.population, nat.codes, nat.starts, settings, model="seasonal_ar1"
        )
    )
    t_sum, summ = timed(
        lambda: national.phase_summary(table, fitted, settings, phase_table, nat.breaks)
    )
    t_sens, _ = timed(
        lambda: sensitivity(
            nat.counts,
            nat.population,
            nat.codes,
            nat.starts,
            settings,
            summ,
            phase_table,
            nat.breaks,
            backtest=fitted.backtest,  # as the notebook: each type keeps its model
        ),
        1,
    )
    print(
        f"  national models ({len(nat.codes)} series, rolling back-test + fit + intervals): "
        f"{t_nat:6.2f} s"
    )
    print(f"  of which the fit without the back-test:                  {t_bt:6.2f} s")
    print(f"  phase table with simulated interval sums (4000 draws):   {t_sum:6.2f} s")
    print(f"  sensitivity (3 variants):                                {t_sens:6.2f} s")

    # national model: one statsmodels SARIMAX call per series, same model (ML, for speed)
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    months = pd.period_range("2012-01", settings.pre_end, freq="M")
    X = validation.design_matrix(months)
    Y = np.log(
        nat.counts.loc[months, nat.codes].to_numpy(float).T
        * data.to_rate_factor(nat.population[months], months)
    )
    for i, c in enumerate(nat.codes):
        Y[i, months < pd.Period(nat.starts[c], "M")] = np.nan
    t_batch_ml, f_ml = timed(lambda: ar1.fit_ar1_regression(Y, X, method="ml"))

    def sm_loop():
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for y in Y:
                ok = np.isfinite(y)
                out.append(SARIMAX(y[ok], exog=X[ok], order=(1, 0, 0)).fit(disp=0, maxiter=1000))
        return out

    t_sm, res = timed(sm_loop, 1)
    d_phi = max(abs(f_ml.phi[i] - r.params[-2]) for i, r in enumerate(res))
    d_ll = max(r.llf - f_ml.loglike[i] for i, r in enumerate(res))
    print(
        f"  AR(1) regression, {len(Y)} series, ML: batched {t_batch_ml:.3f} s, statsmodels SARIMAX loop "
        f"{t_sm:.2f} s (x{t_sm / t_batch_ml:.0f}); largest |phi difference| {d_phi:.1e}, "
        f"statsmodels log-likelihood at most {d_ll:+.1e} above ours"
    )

    mcrime, mpop = datasets.municipal_crime(), datasets.municipal_population()
    t_mun, mun = timed(lambda: municipal.municipal_counterfactual(mcrime, mpop), 1)
    print(f"  municipal, whole table (fit + intervals, 342 x 12 x 2 years):     {t_mun:6.2f} s")
    y, expo, _imp, _idx = municipal.municipal_panel(mcrime, mpop, range(2012, 2020))
    Xm = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    ok = ((y > 0).sum(axis=1) >= 2) & np.isfinite(expo).all(axis=1)
    t_fit, mfit = timed(lambda: countmodels.fit_auto(y[ok], Xm, expo[ok], 0.2))
    rng = np.random.default_rng(1)
    sample = rng.choice(np.where(ok)[0], 300, replace=False)
    t_loop, ref = timed(
        lambda: validation.municipal_fit_statsmodels(y[sample], Xm, expo[sample], 0.2), 1
    )
    pos = {s: i for i, s in enumerate(np.where(ok)[0])}
    diff = max(
        float(np.max(np.abs(mfit.params[pos[s]] - r["params"])))
        for s, r in zip(sample, ref, strict=True)
        if r["family"] and mfit.family[pos[s]] == r["family"]
    )
    same = np.mean([mfit.family[pos[s]] == r["family"] for s, r in zip(sample, ref, strict=True)])
    per_series = t_loop / len(sample)
    print(
        f"  municipal fits: batched fit_auto {ok.sum()} series {t_fit:.3f} s; statsmodels one call per "
        f"series {per_series * 1000:.1f} ms/series = {per_series * ok.sum():.1f} s for all "
        f"(measured on {len(sample)}; x{per_series * ok.sum() / t_fit:.0f}); same family {100 * same:.0f} %, "
        f"largest |coefficient difference| {diff:.1e}"
    )

    print(
        "\n== 3. back-test 2018-2019 of other model families (MASE: lower is better; 95 % coverage)"
    )
    compare_families(nat)


def single_origin(nat) -> pd.DataFrame:
    """The old single back-test: fit to 2017-12, forecast 2018-2019, old and new model."""
    fit_m = pd.period_range("2012-01", "2017-12", freq="M")
    test_m = pd.period_range("2018-01", "2019-12", freq="M")
    codes = [c for c in nat.codes if pd.Period(nat.starts[c], "M") <= fit_m[-1] - 23]
    Y = np.log(
        nat.counts.loc[fit_m, codes].to_numpy(float).T
        * data.to_rate_factor(nat.population[fit_m], fit_m)
    )
    for i, c in enumerate(codes):
        Y[i, fit_m < pd.Period(nat.starts[c], "M")] = np.nan
    obs = np.log(
        nat.counts.loc[test_m, codes].to_numpy(float).T
        * data.to_rate_factor(nat.population[test_m], test_m)
    )
    X = validation.design_matrix(fit_m.append(test_m))
    old = ar1.predictive_ar1(Y, X[: len(fit_m)], X[len(fit_m) :])
    new = seasonal_ar1_predictive(Y, 12, len(test_m))
    naive = np.tile(np.exp(Y[:, -12:]), 2)
    rate_in, rate_obs = np.exp(Y), np.exp(obs)

    def coverage(p):
        lo, hi = p.interval(0.95)
        return ((obs >= lo) & (obs <= hi)).mean(axis=1)

    return pd.DataFrame(
        {
            "code": codes,
            "mase": backtest.mase(rate_obs, np.exp(old.median()), rate_in),
            "mase_sd": backtest.mase(rate_obs, new.mean_exp(), rate_in),
            "mase_naive": backtest.mase(rate_obs, naive, rate_in),
            "coverage": coverage(old),
            "coverage_sd": coverage(new),
        }
    )


def compare_families(nat) -> None:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    bt = single_origin(nat)
    fit_m = pd.period_range("2012-01", "2017-12", freq="M")
    test_m = pd.period_range("2018-01", "2019-12", freq="M")
    rows = []
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for c in nat.codes:
            fm = fit_m[fit_m >= pd.Period(nat.starts[c], "M")]
            if len(fm) < 24:
                continue
            y = np.log(
                nat.counts.loc[fm, c].to_numpy(float) * data.to_rate_factor(nat.population[fm], fm)
            )
            obs = nat.counts.loc[test_m, c].to_numpy(float) * data.to_rate_factor(
                nat.population[test_m], test_m
            )
            r = SARIMAX(y, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(disp=0)
            f = r.get_forecast(len(test_m))
            ci = np.exp(f.conf_int(alpha=0.05))
            fc = np.exp(f.predicted_mean)
            # local level with drift and fixed month effects: ARIMA(0,1,1) errors, month dummies
            dm = validation.design_matrix(fm)[:, 2:]
            dt = validation.design_matrix(test_m)[:, 2:]
            r2 = SARIMAX(y, exog=dm, order=(0, 1, 1), trend="t").fit(disp=0)
            f2 = r2.get_forecast(len(test_m), exog=dt)
            ci2 = np.exp(f2.conf_int(alpha=0.05))
            rows.append(
                {
                    "code": c,
                    "mase_airline": backtest.mase(obs, fc, np.exp(y))[0],
                    "coverage_airline": float(np.mean((obs >= ci[:, 0]) & (obs <= ci[:, 1]))),
                    "mase_drift": backtest.mase(obs, np.exp(f2.predicted_mean), np.exp(y))[0],
                    "coverage_drift": float(np.mean((obs >= ci2[:, 0]) & (obs <= ci2[:, 1]))),
                }
            )
    t_air = time.perf_counter() - t
    d = bt.merge(pd.DataFrame(rows), on="code")
    print(f"  {len(d)} series (statsmodels fits of both families took {t_air:.1f} s)")
    print(f"  {'model':44s} {'median MASE':>12s} {'beats naive':>12s} {'95% coverage':>13s}")
    print(
        f"  {'seasonal differences + AR(1), drift (used)':44s} {d['mase_sd'].median():12.3f} "
        f"{int((d['mase_sd'] < d['mase_naive']).sum()):>9d}/{len(d)} "
        f"{100 * d['coverage_sd'].mean():12.1f}%"
    )
    print(
        f"  {'trend + month + AR(1) (used before issue 12)':44s} {d['mase'].median():12.3f} "
        f"{int((d['mase'] < d['mase_naive']).sum()):>9d}/{len(d)} {100 * d['coverage'].mean():12.1f}%"
    )
    print(
        f"  {'seasonal ARIMA (0,1,1)(0,1,1)12 (airline)':44s} {d['mase_airline'].median():12.3f} "
        f"{int((d['mase_airline'] < d['mase_naive']).sum()):>9d}/{len(d)} "
        f"{100 * d['coverage_airline'].mean():12.1f}%"
    )
    print(
        f"  {'random walk + drift + month effects, MA(1)':44s} {d['mase_drift'].median():12.3f} "
        f"{int((d['mase_drift'] < d['mase_naive']).sum()):>9d}/{len(d)} "
        f"{100 * d['coverage_drift'].mean():12.1f}%"
    )
    print(
        f"  {'seasonal naive (2017 repeated)':44s} {d['mase_naive'].median():12.3f} {'-':>12s} {'-':>13s}"
    )


if __name__ == "__main__":
    main()
