"""Crime trends for one municipality (notebook 01): counts and rates per 1,000, changes between
years with the series' dispersion always on and verdicts on Benjamini-Hochberg q-values, the
evaluation year against the pre-plan trend, a quasi-Poisson trend per crime type, peer benchmarks
and the reconciliation of the plan's printed figures with the official series. Everything ends at
the moment's data vintage.

:func:`analyse` runs it all for a municipality and moment and returns one
:class:`TrendAnalysis`; the modules hold the steps, each testable on a few hand-made rows:

- :mod:`~ivp_analysis.trends.inputs`: the shipped data, a municipality's and the national series;
- :mod:`~ivp_analysis.trends.pretrend`: the pre-plan model of every series (dispersion, trend
  context);
- :mod:`~ivp_analysis.trends.changes`: rates, year-on-year and base-year changes (``trends.csv``);
- :mod:`~ivp_analysis.trends.models`: trend fits and the national position (``trend_models.csv``);
- :mod:`~ivp_analysis.trends.benchmark`: size classes, peer groups, benchmark (``benchmark.csv``);
- :mod:`~ivp_analysis.trends.reconcile`: the plan's figures against the official series
  (``reconciliation.csv``).

Tables, sentences and figure texts for readers are in :mod:`ivp_analysis.present.trends`.
"""

from ivp_analysis.trends.analysis import TrendAnalysis, analyse

__all__ = ["TrendAnalysis", "analyse"]
