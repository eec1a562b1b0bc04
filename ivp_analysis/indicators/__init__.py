"""Evaluation indicators of the safety plan: catalogue, the municipality's own figures, and verdicts.

The plan (IVP 2023-2026, section 1.3.2) is evaluated on objective figures (police crime and
nuisance, municipal enforcement, reports about undermining) and subjective ones (the IVM and
Lemon surveys). This package

* reads the indicator catalogue ``data/indicators.yaml`` and checks every entry
  (:func:`load_catalogue`, errors are :class:`~ivp_analysis.errors.CatalogueError`);
* reads the municipality's own figures from the CSV templates in ``data/templates``
  (:func:`read_template`, through :func:`~ivp_analysis.load.load_table`);
* compares each indicator between a baseline and an evaluation year and gives it exactly one
  status (:func:`assess` for one series, :func:`evaluate` for the catalogue).

Method (docs/indicators.md has the full text). Counts are compared as rates per inhabitant
with the exact conditional test of :func:`ivp_analysis.stats.countmodels.rate_ratio_test`. Yearly
counts of a municipality often vary more than a Poisson model allows; when the years up to the
baseline show that (Pearson dispersion test of a log-linear trend, p < 0.05), the interval and
test are widened by the dispersion factor (quasi-Poisson), so that normal year-to-year swings are
not called a change. Survey marks count as changed only when the difference exceeds its 95 %
margin.

Modules: :mod:`.catalogue` (the catalogue), :mod:`.sources` (templates, series, population),
:mod:`.baseline` (the baseline rule), :mod:`.assess` (one indicator), :mod:`.evaluate` (the
catalogue). The Dutch tables and sentences are in :mod:`ivp_analysis.present.indicators`.
"""

from ivp_analysis.indicators.assess import (
    MIN_YEARS_DISPERSION,
    RESULT_COLUMNS,
    SCORE_BASELINE_LOOKBACK,
    SURVEY_SD,
    assess,
    dispersion,
    survey_margin,
)
from ivp_analysis.indicators.baseline import BaselineRule, baseline_rule
from ivp_analysis.indicators.catalogue import (
    KINDS,
    Indicator,
    Source,
    catalogue_path,
    load_catalogue,
)
from ivp_analysis.indicators.evaluate import Evaluation, evaluate
from ivp_analysis.indicators.sources import (
    TEMPLATE_OPTIONAL,
    TEMPLATE_REQUIRED,
    indicator_series,
    population_series,
    read_template,
)

__all__ = [
    "KINDS",
    "MIN_YEARS_DISPERSION",
    "RESULT_COLUMNS",
    "SCORE_BASELINE_LOOKBACK",
    "SURVEY_SD",
    "TEMPLATE_OPTIONAL",
    "TEMPLATE_REQUIRED",
    "BaselineRule",
    "Evaluation",
    "Indicator",
    "Source",
    "assess",
    "baseline_rule",
    "catalogue_path",
    "dispersion",
    "evaluate",
    "indicator_series",
    "load_catalogue",
    "population_series",
    "read_template",
    "survey_margin",
]
