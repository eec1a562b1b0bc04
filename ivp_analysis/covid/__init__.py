"""COVID-19 effects on registered crime: counterfactual forecasts against the phases of the measures.

The design follows the published work (``docs/covid.md`` gives the method, the sources of the
measures and the references): fit a model on the months before the pandemic, forecast the
pandemic months, and compare observed with expected.

:func:`analyse` runs the whole chapter for one municipality and returns one
:class:`CovidAnalysis`; notebook ``02_covid_effects`` shows it with
:mod:`ivp_analysis.present.covid` and :mod:`ivp_analysis.plots.covid`. The modules:

* :mod:`~ivp_analysis.covid.phases`: phase table of the Dutch measures, month -> phase, declared
  series breaks;
* :mod:`~ivp_analysis.covid.data`: national monthly series, normalised rates, which types to model;
* :mod:`~ivp_analysis.covid.national`: national counterfactuals (trend, month effects, AR(1)
  errors; :mod:`ivp_analysis.stats.ar1`), decision rule, sums per phase and year;
* :mod:`~ivp_analysis.covid.backtest` and :mod:`~ivp_analysis.covid.sensitivity`: how far the
  national model can be trusted;
* :mod:`~ivp_analysis.covid.municipal`: yearly count models for every municipality at once;
* :mod:`~ivp_analysis.covid.nuisance`: national nuisance registrations, for context;
* :mod:`~ivp_analysis.covid.validation`: simulations and reference fits (tests only).

The expensive results (national models, back-test, sensitivity, all municipal models) are
cached on disk with :func:`ivp_analysis.cache.memoize`, keyed on the content of their inputs,
the data files they read and the package source, so a change of data or code recomputes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ivp_analysis import codes as _codes
from ivp_analysis import datasets
from ivp_analysis.covid.backtest import backtest as _backtest
from ivp_analysis.covid.data import NationalData, history_table, prepare_national
from ivp_analysis.covid.municipal import (
    check_municipal_pre_period,
    municipal_counterfactual,
    municipal_series,
)
from ivp_analysis.covid.national import national_counterfactual, phase_summary
from ivp_analysis.covid.nuisance import national_nuisance
from ivp_analysis.covid.phases import first_lockdown_month, load_phases, measure_years
from ivp_analysis.covid.sensitivity import sensitivity as _sensitivity
from ivp_analysis.covid.settings import NationalSettings
from ivp_analysis.stats.ar1 import AR1Fit, AR1Predictive

__all__ = ["CovidAnalysis", "NationalSettings", "analyse", "load_phases"]

#: Years of observed history shown before the intervention year in the national figures.
HISTORY_YEARS = 3


@dataclass
class CovidAnalysis:
    """Everything the COVID-19 chapter shows for one municipality (the result of :func:`analyse`)."""

    municipality: str
    name: str  # the municipality's name
    settings: NationalSettings
    phases: pd.DataFrame  # data/covid_phases.csv, checked
    data: NationalData  # national monthly series, modelled codes, exclusions, breaks
    focus: list[str]  # modelled codes shown large (the focus codes that are modelled)
    min_monthly_count: float
    national: pd.DataFrame  # covid_national.csv
    summary: pd.DataFrame  # covid_summary.csv
    backtest: pd.DataFrame  # back-test scores per code
    backtest_period: tuple[str, str]  # last fitted month, last forecast month
    history: pd.DataFrame  # observed rates from history_start, for the figures
    history_start: str
    first_lockdown_month: str  # first month of the window whose phase is a lockdown ("" if none)
    sensitivity: pd.DataFrame  # overview per variant and code
    sensitivity_changes: pd.DataFrame  # periods whose verdict changes under a variant
    sensitivity_pre_start: str
    municipal: pd.DataFrame  # covid_municipal.csv (every municipality)
    municipal_pre_years: tuple[int, int]
    eval_years: tuple[int, ...]  # calendar years of the measures (municipal model)
    own_series: pd.DataFrame  # the municipality's yearly counts per code
    nuisance: pd.DataFrame  # national nuisance registrations per type and year
    predictive: AR1Predictive = field(repr=False)
    fit: AR1Fit = field(repr=False)

    @property
    def labels(self) -> pd.Series:
        """Dutch label per national crime code."""
        return self.data.labels

    @property
    def own_municipal(self) -> pd.DataFrame:
        """The municipality's rows of the municipal table."""
        return self.municipal[self.municipal["region"] == self.municipality]

    @property
    def window(self) -> pd.PeriodIndex:
        """The forecast window: the intervention month to the forecast end."""
        return pd.period_range(self.settings.intervention, self.settings.forecast_end, freq="M")

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the result tables by file name (``results/<name>.csv``)."""
        return {
            "covid_national": self.national,
            "covid_summary": self.summary,
            "covid_municipal": self.municipal,
        }


def analyse(
    municipality: str,
    settings: NationalSettings,
    *,
    codes: list[str] | None = None,
    focus: list[str] | tuple[str, ...] = (),
    min_monthly_count: float = 100.0,
    backtest_fit_end: str = "2017-12",
    backtest_end: str = "2019-12",
    sensitivity_pre_start: str = "2015-01",
    municipal_pre_years: tuple[int, int] = (2012, 2019),
) -> CovidAnalysis:
    """Run the COVID-19 chapter for one municipality: national and municipal counterfactuals.

    Parameters
    ----------
    municipality : str
        CBS code, e.g. ``GM1926``.
    settings : NationalSettings
        Pre-period, intervention month, forecast end, interval levels and decision rule.
    codes : list of str, optional
        National crime codes to model (each must pass the volume rule); default all that do.
    focus : list of str
        Codes the chapter shows large; codes that are not modelled are left out.
    min_monthly_count : float
        Minimum mean number of crimes a month in the pre-period for a national model.
    backtest_fit_end, backtest_end : str
        Back-test: fit up to and including ``backtest_fit_end``, forecast to ``backtest_end``.
    sensitivity_pre_start : str
        Later start of the pre-period in the sensitivity analysis.
    municipal_pre_years : (int, int)
        First and last year of the municipal pre-period; the evaluated years are the calendar
        years of the measures (:func:`~ivp_analysis.covid.phases.measure_years`).

    Returns
    -------
    CovidAnalysis
    """
    phases = load_phases()
    eval_years = measure_years(phases)
    check_municipal_pre_period(*municipal_pre_years, eval_years[0])
    national = _national_part(
        settings,
        phases,
        codes,
        min_monthly_count,
        backtest_fit_end,
        backtest_end,
        sensitivity_pre_start,
    )
    mcrime, mpop = datasets.municipal_crime(), datasets.municipal_population()
    return CovidAnalysis(
        municipality=municipality,
        name=_codes.municipality_name(municipality),
        settings=settings,
        phases=phases,
        focus=[c for c in focus if c in national["data"].codes],
        min_monthly_count=min_monthly_count,
        **national,
        municipal=municipal_counterfactual(
            mcrime, mpop, pre_years=municipal_pre_years, eval_years=eval_years, level=settings.level
        ),
        municipal_pre_years=municipal_pre_years,
        eval_years=eval_years,
        own_series=municipal_series(mcrime, municipality, municipal_pre_years[0], eval_years[-1]),
        nuisance=national_nuisance(datasets.get("national_annual_nuisance")),
    )


def _national_part(
    s: NationalSettings,
    phases,
    codes,
    min_monthly_count,
    backtest_fit_end,
    backtest_end,
    sensitivity_pre_start,
) -> dict:
    """Run the national models, the back-test and the sensitivity analysis (fields of the result)."""
    nat = prepare_national(
        datasets.get("national_monthly_crime"),
        datasets.get("national_population_monthly"),
        s,
        min_mean=min_monthly_count,
        codes=codes,
    )
    bt = _backtest(
        nat.counts,
        nat.population,
        nat.codes,
        nat.starts,
        fit_start=s.pre_start,
        fit_end=backtest_fit_end,
        test_end=backtest_end,
        level=s.level,
        level_strict=s.level_strict,
        min_run=s.min_run,
    )
    national, predictive, fit = national_counterfactual(
        nat.counts, nat.population, nat.codes, nat.starts, s, nat.labels, phases
    )
    summary = phase_summary(national, predictive, s, phases, bt, nat.breaks)
    history_start = f"{pd.Period(s.intervention, 'M').year - HISTORY_YEARS}-01"
    window = pd.period_range(s.intervention, s.forecast_end, freq="M")
    lockdown = first_lockdown_month(window, phases)
    overview, changes = _sensitivity(
        nat.counts,
        nat.population,
        nat.codes,
        nat.starts,
        s,
        summary,
        phases,
        nat.breaks,
        pre_start_alt=sensitivity_pre_start,
        month=lockdown,
    )
    return {
        "data": nat,
        "national": national,
        "summary": summary,
        "backtest": bt,
        "backtest_period": (backtest_fit_end, backtest_end),
        "history": history_table(
            nat.counts, nat.population, nat.codes, history_start, s.forecast_end
        ),
        "history_start": history_start,
        "first_lockdown_month": lockdown,
        "sensitivity": overview,
        "sensitivity_changes": changes,
        "sensitivity_pre_start": sensitivity_pre_start,
        "predictive": predictive,
        "fit": fit,
    }
