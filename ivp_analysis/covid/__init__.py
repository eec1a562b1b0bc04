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
* :mod:`~ivp_analysis.covid.series`: :func:`counterfactual`, the counterfactual of any
  monthly or weekly series (seasonal differences with AR(1) errors,
  :mod:`ivp_analysis.stats.forecast`), gated by a rolling back-test
  (:mod:`~ivp_analysis.covid.backtest`);
* :mod:`~ivp_analysis.covid.national`: the national series through it, decision rule, sums
  per phase and year with the verdict of their own interval;
* :mod:`~ivp_analysis.covid.sensitivity`: the verdicts under another intervention month or
  pre-period, and the range of the digital-desk series across pre-periods;
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
from ivp_analysis.covid import cells
from ivp_analysis.covid.data import NationalData, history_table, national_years, prepare_national
from ivp_analysis.covid.municipal import (
    check_municipal_pre_period,
    municipal_counterfactual,
    municipal_series,
)
from ivp_analysis.covid.national import multiplicity, national_counterfactual, phase_summary
from ivp_analysis.covid.nuisance import national_nuisance
from ivp_analysis.covid.phases import first_lockdown_month, load_phases, measure_years
from ivp_analysis.covid.sensitivity import pre_start_range
from ivp_analysis.covid.sensitivity import sensitivity as _sensitivity
from ivp_analysis.covid.series import (
    CounterfactualModel,
    counterfactual,
    counterfactual_model,
)
from ivp_analysis.covid.settings import NationalSettings

__all__ = [
    "CounterfactualModel",
    "CovidAnalysis",
    "NationalSettings",
    "analyse",
    "counterfactual",
    "counterfactual_model",
    "load_phases",
]

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
    backtest: pd.DataFrame  # rolling back-test per code: scores, model, usable, reason
    multiplicity: dict  # the national family of series-months and its expected false flags
    national_years: pd.DataFrame  # covid_national_years.csv
    desk_range: pd.DataFrame  # digital-desk series across pre-period starts
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
    fitted: CounterfactualModel = field(repr=False)  # national counterfactuals of the window

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
            "covid_national_years": self.national_years,
            "covid_municipal": self.municipal,
        }


def analyse(
    municipality: str,
    settings: NationalSettings,
    *,
    codes: list[str] | None = None,
    focus: list[str] | tuple[str, ...] = (),
    min_monthly_count: float = 100.0,
    sensitivity_pre_start: str = "2015-01",
    municipal_pre_years: tuple[int, int] | list[int] = (2012, 2019),
    inputs: list[str] | tuple[str, ...] = (),
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
    sensitivity_pre_start : str
        Later start of the pre-period in the sensitivity analysis.
    municipal_pre_years : (int, int) or list of two int
        First and last year of the municipal pre-period; the evaluated years are the calendar
        years of the measures (:func:`~ivp_analysis.covid.phases.measure_years`).
    inputs : list of str
        Added files or snapshot folders (the report's ``inputs``), laid over the shipped
        series within their scope (:data:`ivp_analysis.datasets.SCOPES`).

    Returns
    -------
    CovidAnalysis
    """
    phases = load_phases()
    eval_years = measure_years(phases)
    first_pre, last_pre = (int(y) for y in municipal_pre_years)
    municipal_pre_years = (first_pre, last_pre)
    check_municipal_pre_period(*municipal_pre_years, eval_years[0])
    monthly = datasets.get("national_monthly_crime", inputs)
    national = _national_part(
        settings, phases, codes, min_monthly_count, sensitivity_pre_start, eval_years, inputs
    )
    national["national"] = cells.national_cells(national["national"], monthly)
    national["summary"] = cells.summary_cells(national["summary"], monthly)
    national["national_years"] = cells.years_cells(national["national_years"], monthly)
    mcrime, mpop = datasets.municipal_crime(inputs), datasets.municipal_population(inputs)
    return CovidAnalysis(
        municipality=municipality,
        name=_codes.municipality_name(municipality),
        settings=settings,
        phases=phases,
        focus=[c for c in focus if c in national["data"].codes],
        min_monthly_count=min_monthly_count,
        **national,
        municipal=cells.municipal_cells(
            municipal_counterfactual(
                mcrime,
                mpop,
                pre_years=municipal_pre_years,
                eval_years=eval_years,
                level=settings.level,
            ),
            mcrime,
        ),
        municipal_pre_years=municipal_pre_years,
        eval_years=eval_years,
        own_series=municipal_series(mcrime, municipality, municipal_pre_years[0], eval_years[-1]),
        nuisance=national_nuisance(datasets.get("national_annual_nuisance", inputs)),
    )


def _national_part(
    s: NationalSettings, phases, codes, min_monthly_count, sensitivity_pre_start, eval_years, inputs
) -> dict:
    """Run the national models, the sensitivity analysis and the context tables (result fields)."""
    nat = prepare_national(
        datasets.get("national_monthly_crime", inputs),
        datasets.get("national_population_monthly", inputs),
        s,
        min_mean=min_monthly_count,
        codes=codes,
    )
    national, fitted = national_counterfactual(
        nat.counts, nat.population, nat.codes, nat.starts, s, nat.labels, phases
    )
    summary = phase_summary(national, fitted, s, phases, nat.breaks)
    history_start = f"{pd.Period(s.intervention, 'M').year - HISTORY_YEARS}-01"
    lockdown = first_lockdown_month(
        pd.period_range(s.intervention, s.forecast_end, freq="M"), phases
    )
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
        backtest=fitted.backtest,
    )
    years = sorted(set(fitted.periods.year))
    return {
        "data": nat,
        "national": national,
        "summary": summary,
        "backtest": fitted.backtest.rename_axis("code").reset_index(),
        "multiplicity": multiplicity(national, fitted, s.level_strict),
        "national_years": national_years(
            nat.counts, nat.labels, nat.codes, range(eval_years[0] - 1, eval_years[-1] + 1)
        ),
        "desk_range": pre_start_range(nat.counts, nat.population, nat.starts, s, nat.labels, years),
        "history": history_table(
            nat.counts, nat.population, nat.codes, history_start, s.forecast_end
        ),
        "history_start": history_start,
        "first_lockdown_month": lockdown,
        "sensitivity": overview,
        "sensitivity_changes": changes,
        "sensitivity_pre_start": sensitivity_pre_start,
        "fitted": fitted,
    }
