"""Figures for the reports: one style, Dutch labels, units on every axis.

One module per analysis family; every function returns a matplotlib Figure, which notebooks
show with :func:`ivp_analysis.present.show_figure` (alternative text required).
"""

from ivp_analysis.plots.covid import (
    PHASE_COLOURS,
    covid_backtest,
    covid_difference_heatmap,
    covid_municipal_distribution,
    covid_municipal_series,
    covid_national_panels,
    covid_nuisance,
    covid_phase_timeline,
    covid_sensitivity,
    phase_bands,
)
from ivp_analysis.plots.indicators import scorecard_figure
from ivp_analysis.plots.overview import availability_heatmap
from ivp_analysis.plots.style import dutch_axis, dutch_ticks, format_pct, use_style
from ivp_analysis.plots.trends import (
    benchmark_figure,
    change_grid,
    rate_small_multiples,
    trend_position_figure,
)

__all__ = [
    "PHASE_COLOURS",
    "availability_heatmap",
    "benchmark_figure",
    "change_grid",
    "covid_backtest",
    "covid_difference_heatmap",
    "covid_municipal_distribution",
    "covid_municipal_series",
    "covid_national_panels",
    "covid_nuisance",
    "covid_phase_timeline",
    "covid_sensitivity",
    "dutch_axis",
    "dutch_ticks",
    "format_pct",
    "phase_bands",
    "rate_small_multiples",
    "scorecard_figure",
    "trend_position_figure",
    "use_style",
]
