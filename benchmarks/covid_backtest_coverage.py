"""Rolling back-test coverage of the national COVID-19 models, per series and median (issue 12).

For every modelled national series (default parameters) and every origin of the pre-period
(the last fitted month runs from three years after the series starts to 24 months before
February 2020), three models forecast the next 24 months, which are known:

* before: trend + month effects + AR(1) errors, phi integrated (the model of the reports until
  issue 12);
* after: seasonal differences with AR(1) errors and drift (``stats.forecast``), the model now;
* seasonal naive (the benchmark, and the fallback of the gate).

Prints, per series, the share of back-test months inside each model's 95 % interval, the model's
MAE relative to seasonal naive, and the model the gate chooses; then the pooled share and the
median over series. Seeded where random; no disk cache.

Run: ``.venv/bin/python benchmarks/covid_backtest_coverage.py`` (about a minute).
"""

from __future__ import annotations

import os

os.environ["IVP_NO_CACHE"] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ivp_analysis import datasets  # noqa: E402
from ivp_analysis.covid import backtest, data  # noqa: E402
from ivp_analysis.covid.settings import NationalSettings  # noqa: E402
from ivp_analysis.covid.validation import design_matrix  # noqa: E402
from ivp_analysis.stats.ar1 import ar1_components  # noqa: E402
from ivp_analysis.stats.forecast import (  # noqa: E402
    MixturePredictive,
    seasonal_ar1_predictive,
    seasonal_naive_predictive,
)

H = 24


def _trend_model(Y, months):
    X = design_matrix(months)
    c = ar1_components(Y, X[: Y.shape[1]], X[Y.shape[1] :])
    return MixturePredictive(c["weights"], c["mean"], c["cov"], c["df"].astype(float))


def main() -> None:
    s = NationalSettings()
    nat = data.prepare_national(
        datasets.get("national_monthly_crime"), datasets.get("national_population_monthly"), s
    )
    months = pd.period_range(s.pre_start, s.pre_end, freq="M")
    Y = np.log(
        nat.counts.loc[months, nat.codes].to_numpy(float).T
        * data.to_rate_factor(nat.population[months], months)
    )
    for i, c in enumerate(nat.codes):
        Y[i, months < pd.Period(nat.starts[c], "M")] = np.nan
    first = np.argmax(np.isfinite(Y), axis=1)
    covered = {k: np.zeros(len(Y)) for k in ("before", "after", "naive")}
    points = np.zeros(len(Y))
    for e, rows in backtest.origins(first, Y.shape[1], 12, H):
        Yf, obs = Y[rows, : e + 1], Y[rows, e + 1 : e + 1 + H]
        for name, p in (
            ("before", _trend_model(Yf, months[: e + 1 + H])),
            ("after", seasonal_ar1_predictive(Yf, 12, H)),
            ("naive", seasonal_naive_predictive(Yf, 12, H)),
        ):
            u = p.cdf(obs)
            covered[name][rows] += ((u >= 0.025) & (u <= 0.975)).sum(axis=1)
        points[rows] += H
    scores = backtest.rolling_backtest(Y, 12, H)
    gate = backtest.gate(scores)
    ok = points > 0
    table = pd.DataFrame(
        {
            "code": nat.codes,
            "origins": scores["origins"],
            "before": 100 * covered["before"] / np.where(ok, points, np.nan),
            "after": 100 * covered["after"] / np.where(ok, points, np.nan),
            "naive": 100 * covered["naive"] / np.where(ok, points, np.nan),
            "rel_mae": scores["relative_mae"],
            "model": gate["model"],
        }
    )
    used = np.where(table["model"] == "seasonal_naive", table["naive"], table["after"])
    table["used"] = np.where(table["model"] == "none", np.nan, used)
    pd.set_option("display.width", 160)
    print("95 % interval coverage in the rolling back-test (% of back-test months), per series")
    print(table.round(1).to_string(index=False))
    d = table[ok]
    print(f"\nseries with a back-test: {int(ok.sum())} of {len(table)}")
    for k in ("before", "after", "naive"):
        pooled = 100 * covered[k][ok].sum() / points[ok].sum()
        print(f"  {k:7s} pooled {pooled:5.1f} %   median per series {d[k].median():5.1f} %")
    u = d.dropna(subset=["used"])
    print(
        f"  model used after the gate ({len(u)} series with a verdict): median "
        f"{u['used'].median():5.1f} %, lowest {u['used'].min():5.1f} %"
    )
    print(f"  model beats seasonal naive (relative MAE < 1): {int((d['rel_mae'] < 1).sum())}")
    print(f"  gate: {gate['model'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
