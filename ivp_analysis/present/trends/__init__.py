"""The crime trends for readers (notebook 01): tables, captions, figure texts and generated
sentences in Dutch, made from a :class:`ivp_analysis.trends.TrendAnalysis`.

``<thing>_table`` returns a table as shown to readers, ``<thing>_text`` generated Markdown;
``*_caption`` and ``*_alt`` are the caption and alternative text of a table or figure. The
modules follow the notebook's sections: :mod:`.series` (1), :mod:`.changes` (2-3),
:mod:`.context` (the evaluation year against the pre-plan trend), :mod:`.models` (4),
:mod:`.benchmark` (5), :mod:`.wijken` (6), :mod:`.reconcile` (7), :mod:`.conclusions`; the shared formatters are in
:mod:`.formats`.
"""

from ivp_analysis.present.trends.benchmark import (
    BENCHMARK_DECIMALS,
    benchmark_caption,
    benchmark_figure_alt,
    benchmark_figure_caption,
    benchmark_table,
    peers_text,
)
from ivp_analysis.present.trends.changes import (
    PLAN_READING,
    PLAN_READING_YEAR,
    change_example_text,
    change_grid_alt,
    changes_caption,
    changes_table,
    multiplicity_text,
    plan_reading_text,
)
from ivp_analysis.present.trends.conclusions import CLAIM_WORDS, caveats_text, conclusions_text
from ivp_analysis.present.trends.context import context_caption, context_table, context_text
from ivp_analysis.present.trends.formats import RATE_UNIT, gap_amount, gap_phrase, series_name
from ivp_analysis.present.trends.models import (
    fits_text,
    models_caption,
    models_family_text,
    models_table,
    trend_position_alt,
)
from ivp_analysis.present.trends.reconcile import (
    match_table,
    no_series_table,
    no_series_text,
    reconciliation_table,
    reconciliation_text,
)
from ivp_analysis.present.trends.series import (
    rate_decimals,
    rates_figure_alt,
    rates_figure_caption,
    run_text,
    series_table,
    sources_text,
    write_tables,
)
from ivp_analysis.present.trends.wijken import show_wijken, wijken_table, wijken_text

__all__ = [
    "show_wijken",
    "wijken_table",
    "wijken_text",
    "BENCHMARK_DECIMALS",
    "CLAIM_WORDS",
    "PLAN_READING",
    "PLAN_READING_YEAR",
    "RATE_UNIT",
    "benchmark_caption",
    "benchmark_figure_alt",
    "benchmark_figure_caption",
    "benchmark_table",
    "caveats_text",
    "change_example_text",
    "change_grid_alt",
    "changes_caption",
    "changes_table",
    "conclusions_text",
    "context_caption",
    "context_table",
    "context_text",
    "fits_text",
    "gap_amount",
    "gap_phrase",
    "match_table",
    "models_caption",
    "models_family_text",
    "models_table",
    "multiplicity_text",
    "no_series_table",
    "no_series_text",
    "peers_text",
    "plan_reading_text",
    "rate_decimals",
    "rates_figure_alt",
    "rates_figure_caption",
    "reconciliation_table",
    "reconciliation_text",
    "run_text",
    "series_name",
    "series_table",
    "sources_text",
    "trend_position_alt",
    "write_tables",
]
