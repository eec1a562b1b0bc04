"""Validation of the national COVID-19 models under misspecification: coverage and false alarms.

Series are simulated (seeded, 1000 per cell, 98 pre-period months + 24 forecast months, the
size of the real data) from five processes with parameters fitted to a real 47022NED series
(``covid.validation.process_params``): the seasonal AR(1) model itself, a seasonal random walk,
a fixed trend with month effects and AR(1) errors, that process with a level shift of +20 % in
the last twelve months of the pre-period, and that process whose trend changes by +10 % a year
in the last two years of the pre-period. Each is forecast by the model of the reports (seasonal
AR(1)), by seasonal naive, and by the model used before issue 12 (trend + month + AR(1)).

Printed per cell: coverage of the true counterfactual by the 95 % intervals (and the lowest
horizon), false alarms without an effect (the decision rule, 2 months outside the 99 %
interval; the whole-window sum outside its 95 % interval), and the estimated effect when -25 %
is planted. Tables for ``docs/covid.md``.

Run: ``.venv/bin/python benchmarks/covid_misspecification.py`` (a few minutes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis import datasets
from ivp_analysis.covid import data, validation
from ivp_analysis.covid.settings import NationalSettings

CODES = ("1.1.1", "1.2.4")
MODELS = ("seasonal_ar1", "seasonal_naive", "trend_ar1")
N_SERIES = 1000


def main() -> None:
    s = NationalSettings()
    nat = data.prepare_national(
        datasets.get("national_monthly_crime"), datasets.get("national_population_monthly"), s
    )
    months = pd.period_range(s.pre_start, s.pre_end, freq="M")
    for k, code in enumerate(CODES):
        y = np.log(
            nat.counts.loc[months, code].to_numpy(float)
            * data.to_rate_factor(nat.population[months], months)
        )
        p = validation.process_params(y)
        print(
            f"\n### parameters of {code} {nat.labels[code]} (seasonal AR(1): phi {p['phi']:.2f}, "
            f"sigma {p['sigma']:.3f}; trend model: phi {p['phi_trend']:.2f}, sigma "
            f"{p['sigma_trend']:.3f})\n"
        )
        print(
            "| process | model | 95 % coverage (lowest horizon) | false alarms: rule | "
            "false alarms: window sum | effect -25 % estimated |"
        )
        print("|---|---|---|---|---|---|")
        for j, process in enumerate(validation.PROCESSES):
            for model in MODELS:
                r = validation.validate_national(
                    process, p, model=model, n_series=N_SERIES, seed=1000 * k + 10 * j + 1
                )
                print(
                    f"| {process} | {model} | {100 * r['coverage']:.1f} % "
                    f"({100 * r['coverage_by_horizon_min']:.1f} %) | "
                    f"{100 * r['false_alarm_rule']:.1f} % | {100 * r['false_alarm_sum']:.1f} % | "
                    f"{r['effect_estimated_pct']:+.1f} % (± {r['effect_se_pct']:.1f}) |",
                    flush=True,
                )
        print(
            f"\nnominal rule rate of the seasonal AR(1) process: "
            f"{100 * validation.nominal_rule_rate(p):.1f} %"
        )


if __name__ == "__main__":
    main()
