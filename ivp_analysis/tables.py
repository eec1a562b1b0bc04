"""Which code makes each result table: the analysis call and the table builders, by name.

The manifest records this map for the tables a report wrote (``reproducible.tables``) and
``ivp trace`` prints it for a row, so an auditor can go from a CSV row to the function that
computed it. Functions are named ``module:qualified name``; a test imports every one of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TableMaker:
    """The notebook, the analysis call and the builders (in the order they run) of a result table."""

    notebook: str
    analysis: str
    builders: tuple[str, ...]

    def as_dict(self) -> dict:
        """Return the entry as the manifest records it."""
        return {
            "notebook": self.notebook,
            "analysis": self.analysis,
            "builders": list(self.builders),
        }


_OVERVIEW = "00_data_overview.ipynb"
_TRENDS = "01_crime_trends.ipynb"
_COVID = "02_covid_effects.ipynb"
_INDICATORS = "03_evaluation_indicators.ipynb"

#: Result table (file name without ``.csv``) -> what makes it.
MAKERS: dict[str, TableMaker] = {
    "data_availability": TableMaker(
        _OVERVIEW,
        "ivp_analysis.overview:analyse",
        ("ivp_analysis.overview:municipal_data", "ivp_analysis.overview:availability"),
    ),
    "data_inputs": TableMaker(
        _OVERVIEW, "ivp_analysis.overview:analyse", ("ivp_analysis.inputs:vintage",)
    ),
    "data_overrides": TableMaker(
        _OVERVIEW,
        "ivp_analysis.overview:analyse",
        ("ivp_analysis.datasets:overrides", "ivp_analysis.inputs:meetings"),
    ),
    "trends": TableMaker(
        _TRENDS,
        "ivp_analysis.trends.analysis:analyse",
        ("ivp_analysis.trends.inputs:municipal_series", "ivp_analysis.trends.changes:trends_table"),
    ),
    "trend_models": TableMaker(
        _TRENDS,
        "ivp_analysis.trends.analysis:analyse",
        ("ivp_analysis.trends.models:trend_models",),
    ),
    "benchmark": TableMaker(
        _TRENDS,
        "ivp_analysis.trends.analysis:analyse",
        ("ivp_analysis.trends.benchmark:benchmark",),
    ),
    "reconciliation": TableMaker(
        _TRENDS,
        "ivp_analysis.trends.analysis:analyse",
        (
            "ivp_analysis.trends.reconcile:plan_reconciliation",
            "ivp_analysis.trends.reconcile:reconcile",
        ),
    ),
    "wijken": TableMaker(
        _TRENDS, "ivp_analysis.trends.analysis:analyse", ("ivp_analysis.wijken:wijk_table",)
    ),
    "covid_national": TableMaker(
        _COVID,
        "ivp_analysis.covid:analyse",
        (
            "ivp_analysis.covid.national:national_counterfactual",
            "ivp_analysis.covid.cells:national_cells",
        ),
    ),
    "covid_summary": TableMaker(
        _COVID,
        "ivp_analysis.covid:analyse",
        ("ivp_analysis.covid.national:phase_summary", "ivp_analysis.covid.cells:summary_cells"),
    ),
    "covid_national_years": TableMaker(
        _COVID,
        "ivp_analysis.covid:analyse",
        ("ivp_analysis.covid.data:national_years", "ivp_analysis.covid.cells:years_cells"),
    ),
    "covid_municipal": TableMaker(
        _COVID,
        "ivp_analysis.covid:analyse",
        (
            "ivp_analysis.covid.municipal:municipal_counterfactual",
            "ivp_analysis.covid.cells:municipal_cells",
        ),
    ),
    "indicators": TableMaker(
        _INDICATORS,
        "ivp_analysis.indicators.evaluate:evaluate",
        (
            "ivp_analysis.indicators.sources:indicator_series",
            "ivp_analysis.indicators.assess:assess",
            "ivp_analysis.present.indicator_reasons:result_table",
        ),
    ),
}


def resolve(name: str) -> Callable:
    """Return the function a ``module:qualified name`` names.

    Examples
    --------
    >>> resolve("ivp_analysis.tables:resolve").__name__
    'resolve'
    """
    module, _, qual = name.partition(":")
    obj: object = importlib.import_module(module)
    for part in qual.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise TypeError(f"{name} is not a function")
    return obj


def makers(names: list[str]) -> dict[str, dict]:
    """Return the manifest entry of each result table in ``names`` that the map knows."""
    return {n: MAKERS[n].as_dict() for n in sorted(names) if n in MAKERS}
