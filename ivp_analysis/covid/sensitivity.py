"""Sensitivity of the national verdicts to the intervention month and the pre-period start."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis import cache
from ivp_analysis.covid.backtest import MODEL_SEASONAL_AR1
from ivp_analysis.covid.national import (
    DIGITAL_DESK_CODES,
    fit_national,
    national_counterfactual,
    phase_summary,
)
from ivp_analysis.covid.phases import MODEL_FILES
from ivp_analysis.covid.settings import NationalSettings
from ivp_analysis.vocab import PERIOD_TOTAL

#: Draws for the interval sums of a variant (the base analysis uses more).
N_SIM_VARIANT = 1000

#: Variants of the sensitivity analysis, in the order they are shown: the analysis itself, the
#: intervention a month earlier and a month later, and a later start of the pre-period.
VARIANT_BASE = "base"
VARIANT_EARLIER = "intervention_earlier"
VARIANT_LATER = "intervention_later"
VARIANT_PRE_START = "later_pre_start"
VARIANTS = (VARIANT_BASE, VARIANT_EARLIER, VARIANT_LATER, VARIANT_PRE_START)


def variant_settings(settings: NationalSettings, pre_start_alt: str) -> dict[str, NationalSettings]:
    """Return the settings of each variant (:data:`VARIANTS`).

    Examples
    --------
    >>> v = variant_settings(NationalSettings(), "2015-01")
    >>> v[VARIANT_EARLIER].intervention, v[VARIANT_PRE_START].pre_start
    ('2020-02', '2015-01')
    """
    return {
        VARIANT_BASE: settings,
        VARIANT_EARLIER: settings.shifted(-1),
        VARIANT_LATER: settings.shifted(+1),
        VARIANT_PRE_START: settings.shifted(0, pre_start=pre_start_alt),
    }


def compare_verdicts(base: pd.DataFrame, other: pd.DataFrame, name: str) -> pd.DataFrame:
    """List the periods whose verdict differs between two summaries (matched on code and phase).

    Periods that exist in only one of them (a month more or less in the window) are compared
    on what they share. Returns code, label, phase_label, both verdicts and both percentages.
    """
    key = ["code", "phase"]
    m = base.merge(other[[*key, "verdict", "pct_difference"]], on=key, suffixes=("", "_alt"))
    changed = m[m["verdict"] != m["verdict_alt"]]
    return pd.DataFrame(
        {
            "variant": name,
            "code": changed["code"],
            "label": changed["label"],
            "phase_label": changed["phase_label"],
            "verdict": changed["verdict"],
            "verdict_alt": changed["verdict_alt"],
            "pct_difference": changed["pct_difference"],
            "pct_difference_alt": changed["pct_difference_alt"],
        }
    ).reset_index(drop=True)


@cache.memoize("covid", files=MODEL_FILES)
def sensitivity(
    counts,
    population,
    codes,
    starts,
    settings: NationalSettings,
    base_summary: pd.DataFrame,
    phases=None,
    breaks=None,
    pre_start_alt: str = "2015-01",
    month: str = "",
    backtest: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rerun the national analysis under each variant of :func:`variant_settings`.

    Each series keeps the model that the base analysis' back-test chose (``backtest``).

    Returns
    -------
    overview : DataFrame
        Per variant and code: ``pct_difference_total`` and ``verdict_total`` over the whole
        window, ``pct_difference_month`` in ``month`` (the first lockdown month in the reports;
        NaN when not given), ``significant_months`` and ``sum_outside_total``.
    changes : DataFrame
        The periods whose verdict differs from the base analysis (:func:`compare_verdicts`).
    """
    overview, changes = [], []
    for name, st in variant_settings(settings, pre_start_alt).items():
        st_starts = {c: max(v, st.pre_start) for c, v in starts.items()}
        nat, fitted = national_counterfactual(
            counts, population, codes, st_starts, st, phases=phases, backtest=backtest
        )
        if name == VARIANT_BASE:
            summ = base_summary
        else:
            summ = phase_summary(nat, fitted, st, phases=phases, breaks=breaks, n_sim=N_SIM_VARIANT)
        tot = summ[summ["period_type"] == PERIOD_TOTAL].set_index("code")
        at = nat[nat["month"] == month].set_index("code")
        for c in codes:
            overview.append(
                {
                    "variant": name,
                    "code": c,
                    "pct_difference_total": tot.loc[c, "pct_difference"],
                    "verdict_total": tot.loc[c, "verdict"],
                    "pct_difference_month": at.loc[c, "pct_difference"]
                    if c in at.index
                    else np.nan,
                    "significant_months": int(nat.loc[nat["code"] == c, "significant"].sum()),
                    "sum_outside_total": tot.loc[c, "sum_outside"],
                }
            )
        if name != VARIANT_BASE:
            changes.append(compare_verdicts(base_summary, summ, name))
    return pd.DataFrame(overview), pd.concat(changes, ignore_index=True)


@cache.memoize("covid", files=MODEL_FILES)
def pre_start_range(
    counts,
    population,
    starts,
    settings: NationalSettings,
    labels: pd.Series,
    years,
    codes=DIGITAL_DESK_CODES,
) -> pd.DataFrame:
    """The difference of some series over each year and the whole window, per pre-period start.

    For the series the digital reporting desk affects (cybercrime, online fraud) one number
    hides how much it depends on the pre-period: the model (seasonal AR(1), whatever the gate
    says) is refitted with the pre-period starting in each January from the series' own first
    model month to three years before the pre-period ends.

    Returns
    -------
    DataFrame
        ``code, label, pre_start, period, observed, expected, pct_difference``; ``period`` is a
        year or ``totaal``.
    """
    rows = []
    last = pd.Period(settings.pre_end, "M") - 36
    for code in [c for c in codes if c in starts]:
        first = pd.Period(max(starts[code], settings.pre_start), "M")
        first = first if first.month == 1 else pd.Period(f"{first.year + 1}-01", "M")
        for start in pd.period_range(first, last, freq="12M"):
            st = settings.shifted(0, pre_start=str(start))
            fitted = fit_national(
                counts, population, [code], {code: str(start)}, st, model=MODEL_SEASONAL_AR1
            )
            fitted = fitted.window(fitted.periods >= pd.Period(st.intervention, "M"))
            groups = [(str(y), fitted.periods.year == y) for y in years]
            groups.append((PERIOD_TOTAL, np.ones(len(fitted.periods), bool)))
            expected = fitted.expected()[0]
            for name, m in groups:
                o, e = float(fitted.observed[0, m].sum()), float(expected[m].sum())
                rows.append(
                    {
                        "code": code,
                        "label": labels.get(code, ""),
                        "pre_start": str(start),
                        "period": name,
                        "observed": o,
                        "expected": e,
                        "pct_difference": 100 * (o / e - 1),
                    }
                )
    cols = ["code", "label", "pre_start", "period", "observed", "expected", "pct_difference"]
    return pd.DataFrame(rows, columns=cols)
