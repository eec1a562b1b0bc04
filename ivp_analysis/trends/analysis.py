"""The crime-trends analysis of one municipality and moment in one call: :func:`analyse`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ivp_analysis import codes, moments, wijken
from ivp_analysis.moments import Moment
from ivp_analysis.trends import benchmark as bm
from ivp_analysis.trends.changes import ALL_COLUMNS, trends_table
from ivp_analysis.trends.inputs import (
    SERIES_COLUMNS,
    Inputs,
    all_municipalities,
    load_inputs,
    municipal_series,
    national_series,
    population_in,
)
from ivp_analysis.trends.models import MODEL_COLUMNS, fit_all_municipalities, trend_models
from ivp_analysis.trends.reconcile import RECONCILIATION_COLUMNS, plan_reconciliation


def _empty(columns: list[str] | None = None):
    """Return a factory of an empty frame with ``columns`` (a field without results)."""
    return field(default_factory=lambda: pd.DataFrame(columns=columns), repr=False)


@dataclass
class TrendAnalysis:
    """The crime trends of one municipality: every result table and what the report shows.

    Attributes
    ----------
    municipality, name : str
        CBS code and name of the municipality.
    moment : Moment
        The resolved evaluation moment with every year the analysis uses (series
        ``first_year``-``last_year``, ``base_year``, ``eval_year``, ``benchmark_year``).
    table : DataFrame
        ``trends.csv``: the municipality's series and the Netherlands, with rates and changes.
    models : DataFrame
        ``trend_models.csv``: the trend of each of the municipality's series.
    benchmark : DataFrame
        ``benchmark.csv``: the municipality against the Netherlands and its peers.
    reconciliation : DataFrame
        ``reconciliation.csv``: the plan's figures against the official series.
    series : DataFrame
        The municipality's series with population (input of ``table``).
    national : DataFrame
        The national series (sum of all municipalities, GM0000 included).
    all_fits : DataFrame
        The trend of every municipality and crime type (for the national position).
    peers : Peers or None
        The peer group of the benchmark.
    peer_rates : DataFrame
        Every peer's rate per crime type in the benchmark year.
    plan_regions : tuple of str
        The municipalities the shipped plan has figures for.
    wijken : WijkFigures or None
        Counts and rates per wijk where the data hold buurt figures (``wijken.csv``), with the
        shortfall of the buurt sums against the municipal figure.
    level : float
        Confidence level of every test and interval.
    provisional_verdicts : bool
        Whether comparisons and trends with provisional figures got a verdict (otherwise
        ``voorlopig: geen oordeel``, and provisional years are left out of the trend fits).
    """

    municipality: str
    name: str
    moment: Moment
    table: pd.DataFrame = _empty(ALL_COLUMNS)
    models: pd.DataFrame = _empty(MODEL_COLUMNS)
    benchmark: pd.DataFrame = _empty(bm.BENCHMARK_COLUMNS)
    reconciliation: pd.DataFrame = _empty(RECONCILIATION_COLUMNS)
    series: pd.DataFrame = _empty(SERIES_COLUMNS)
    national: pd.DataFrame = _empty(SERIES_COLUMNS)
    all_fits: pd.DataFrame = _empty()
    peers: bm.Peers | None = None
    peer_rates: pd.DataFrame = _empty()
    plan_regions: tuple[str, ...] = ()
    level: float = 0.95
    provisional_verdicts: bool = False
    wijken: wijken.WijkFigures | None = None

    @property
    def result_tables(self) -> dict[str, pd.DataFrame]:
        """The result tables by file name (without ``.csv``), in the order they are written;
        ``wijken`` only where the data hold figures per wijk."""
        tables = {
            "trends": self.table,
            "trend_models": self.models,
            "benchmark": self.benchmark,
            "reconciliation": self.reconciliation,
        }
        if self.wijken is not None and len(self.wijken.table):
            tables["wijken"] = self.wijken.table
        return tables


def analyse(
    municipality: str,
    moment: str = "tussenevaluatie-2024",
    *,
    baseline_year: int = 0,
    eval_year: int = 0,
    first_year: int = moments.FIRST_DATA_YEAR,
    last_year: int = 0,
    base_year: int = 0,
    peer_group: str = bm.SIZE_CLASS,
    benchmark_year: int = 0,
    data_last_year: int = 0,
    provisional_verdicts: bool = False,
    level: float = 0.95,
    inputs: Sequence[str] = (),
    data: Inputs | None = None,
) -> TrendAnalysis:
    """Analyse the crime trends of a municipality for an evaluation moment: a TrendAnalysis.

    Parameters
    ----------
    municipality : str
        CBS code, e.g. ``GM1926``.
    moment : str
        ``tussenevaluatie-2024``, ``eindevaluatie-2026`` or ``custom`` (with ``baseline_year``
        and ``eval_year``).
    first_year, last_year, base_year, benchmark_year : int
        The series' period (``last_year`` 0: the moment's data vintage; a later year is refused),
        the year later years are compared with (0: the baseline) and the year of the peer
        benchmark (0: the evaluation year); all resolved by :func:`moments.resolve`.
    data_last_year : int
        The data vintage of a ``custom`` moment (0: its evaluation year).
    provisional_verdicts : bool
        Give verdicts on comparisons and trends with provisional figures as well.
    peer_group : str
        ``size_class`` or a comma-separated list of GM codes.
    level : float
        Confidence level of every test and interval.
    inputs : sequence of str
        Added files or snapshot folders (the report's ``inputs``), laid over the shipped data
        (:func:`load_inputs`).
    data : Inputs, optional
        The data themselves (for tests; default: :func:`load_inputs` of ``inputs``).

    Raises
    ------
    ParameterError
        For a year outside the data or in the wrong order, or a bad peer group.

    Examples
    --------
    >>> r = analyse("GM1926", "tussenevaluatie-2024")
    >>> r.moment.base_year, r.moment.eval_year, r.moment.last_year, list(r.result_tables)[-1]
    (2022, 2023, 2023, 'wijken')
    """
    data = data if data is not None else load_inputs(inputs)
    m = moments.resolve(
        moment,
        baseline_year,
        eval_year,
        first_year=first_year,
        last_year=last_year,
        base_year=base_year,
        benchmark_year=benchmark_year,
        data_last_year=data_last_year,
        available=data.years,
    )
    peers = bm.peer_group(
        peer_group, municipality, population_in(data, m.eval_year), m.eval_year, data.names
    )
    return _analysis(data, municipality, m, peers, level, provisional_verdicts)


def _analysis(
    data: Inputs, municipality: str, m: Moment, peers: bm.Peers, level: float, prov: bool
) -> TrendAnalysis:
    """Run every step of the analysis for a resolved moment and peer group."""
    first, last = m.first_year, m.last_year
    series = municipal_series(data, municipality, first, last)
    national = national_series(data.crime, data.population, first, last)
    everyone = all_municipalities(data, first, last)
    all_fits = fit_all_municipalities(everyone, first, last, level, prov)
    table = trends_table(
        series, national, m.base_year, level, eval_year=m.eval_year, provisional_verdicts=prov
    )
    return TrendAnalysis(
        municipality=municipality,
        name=codes.municipality_name(municipality),
        moment=m,
        table=table,
        models=trend_models(series, all_fits, first, last, level, prov),
        benchmark=bm.benchmark(everyone, national, municipality, peers, m.benchmark_year),
        reconciliation=plan_reconciliation(data, municipality),
        series=series,
        national=national,
        all_fits=all_fits,
        peers=peers,
        peer_rates=bm.peer_rates(everyone, peers, m.benchmark_year),
        plan_regions=data.plan_regions,
        level=level,
        provisional_verdicts=prov,
        wijken=_wijken(data, municipality, m, level),
    )


def _wijken(data: Inputs, municipality: str, m: Moment, level: float) -> wijken.WijkFigures:
    """Return the figures per wijk up to the data vintage (none without buurt figures)."""
    if data.buurt_crime.empty:
        return wijken.WijkFigures(municipality, level=level)
    return wijken.analyse(
        data.buurt_crime,
        data.buurt_population,
        data.municipal_figures(),
        municipality,
        m.last_year,
        level,
    )
