"""Evaluation indicators of the safety plan: catalogue, the municipality's own figures, and verdicts.

The plan (IVP 2023-2026, section 1.3.2) is evaluated on objective figures (police crime and
nuisance, municipal enforcement, reports about undermining) and subjective ones (the IVM and
Lemon surveys). This package

* reads the indicator catalogue ``data/indicators.yaml`` and checks every entry
  (:func:`load_catalogue`, errors are :class:`~ivp_analysis.errors.CatalogueError`);
* reads the municipality's own figures from the CSV templates in ``data/templates``
  (:func:`read_template`, through :func:`~ivp_analysis.load.load_table`);
* compares each indicator between a baseline and an evaluation year and gives it exactly one
  status (:func:`assess` for one series, :func:`evaluate` for the catalogue), with the facts
  behind it (:class:`Assessment`); the numbers only, the Dutch reason is worded by
  :func:`ivp_analysis.present.indicator_reasons.reason_text`.

Method (docs/indicators.md has the full text). Counts are compared as rates per inhabitant
with the quasi-score test of :func:`ivp_analysis.stats.quasipoisson.compare_rates`, with the
dispersion of the years up to the baseline always on (``phi = max(1, phi_hat)``, t reference), so
that normal year-to-year swings are not called a change; the exact Poisson p-value is kept for
comparison. The same pre-plan model gives the trend context (the latest figure against the trend's
prediction interval, the baseline year against its own trend) and the smallest detectable change.
The tested indicators form one family for the Benjamini-Hochberg q-value; the status stays on p.
Survey marks count as changed only when the difference exceeds its 95 % margin.

Modules: :mod:`.catalogue` (the catalogue file), :mod:`.sources` (templates, series,
population, budget), :mod:`.baseline` (the baseline rule), :mod:`.assess` (one indicator),
:mod:`.comparisons` (the count and survey tests), :mod:`.context` (the pre-plan model: dispersion,
trend context, evaluability), :mod:`.evaluate` (the whole catalogue). The
Dutch tables and sentences are in :mod:`ivp_analysis.present.indicators`, the scorecard figure
in :mod:`ivp_analysis.plots.indicators`.
"""

from ivp_analysis.indicators.assess import SCORE_BASELINE_LOOKBACK, Assessment, assess
from ivp_analysis.indicators.baseline import BaselineRule, baseline_rule, format_years
from ivp_analysis.indicators.catalogue import (
    KINDS,
    Indicator,
    Source,
    catalogue_path,
    load_catalogue,
)
from ivp_analysis.indicators.comparisons import (
    MIN_YEARS_DISPERSION,
    SURVEY_SD,
    compare_counts,
    compare_scores,
    dispersion,
    status_of,
    survey_margin,
)
from ivp_analysis.indicators.evaluate import RESULT_COLUMNS, Evaluation, evaluate, next_moment
from ivp_analysis.indicators.sources import (
    TEMPLATE_OPTIONAL,
    TEMPLATE_REQUIRED,
    budget,
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
    "Assessment",
    "BaselineRule",
    "Evaluation",
    "Indicator",
    "Source",
    "assess",
    "baseline_rule",
    "budget",
    "catalogue_path",
    "compare_counts",
    "compare_scores",
    "dispersion",
    "evaluate",
    "format_years",
    "indicator_series",
    "load_catalogue",
    "next_moment",
    "population_series",
    "read_template",
    "status_of",
    "survey_margin",
]
