"""The COVID-19 chapter for readers: Dutch tables, captions and generated text from a `CovidAnalysis`.

Naming: ``<thing>_table(...)`` returns a table shown to readers (Dutch headers), ``<thing>_text``
generated Markdown, ``<thing>_caption`` and ``<thing>_alt`` the caption and alternative text of
a table or figure. Nothing here computes a result; every number comes from
:func:`ivp_analysis.covid.analyse`. Verdict words come from :mod:`ivp_analysis.vocab`.

One module per section of the chapter, in the notebook's order; this package exposes them all,
so a notebook calls ``chapter.<name>`` whatever module words it.
"""

from __future__ import annotations

from pathlib import Path

from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.present.covid.backtest import (
    backtest_alt,
    backtest_caption,
    backtest_intro_text,
    backtest_period_label,
    backtest_table,
    backtest_text,
    desk_table,
    desk_text,
    model_text,
    multiplicity_text,
    national_years_table,
    rule_text,
)
from ivp_analysis.present.covid.conclusions import (
    municipal_conclusions_text,
    national_conclusions_text,
    show_desk,
    show_national_years,
)
from ivp_analysis.present.covid.municipal import (
    municipal_distribution_alt,
    municipal_distribution_title,
    municipal_intro_text,
    municipal_series_alt,
    municipal_series_title,
    municipal_table,
)
from ivp_analysis.present.covid.national import (
    focus_month,
    month_caption,
    month_table,
    month_text,
    national_panels_alt,
    show_summary_tables,
    summary_table,
    totals_table,
)
from ivp_analysis.present.covid.nuisance import nuisance_change_text, nuisance_text
from ivp_analysis.present.covid.phases import (
    month_phase_table,
    month_phase_text,
    phase_timeline_alt,
    phases_table,
    phases_text,
)
from ivp_analysis.present.covid.sensitivity import (
    sensitivity_intro_text,
    sensitivity_table,
    sensitivity_text,
    variant_labels,
)
from ivp_analysis.present.covid.series import breaks_table, excluded_caption, excluded_table
from ivp_analysis.present.covid.words import nl_date, nl_month_label, nl_month_name
from ivp_analysis.present.display import write_results


def write_tables(r: CovidAnalysis, results_dir: str | Path) -> list[Path]:
    """Write the chapter's result tables as CSV into ``results_dir`` (nothing when it is empty)."""
    written = [write_results(df, name, results_dir) for name, df in r.tables().items()]
    return [p for p in written if p is not None]


def overview_text(r: CovidAnalysis) -> str:
    """One line on what was analysed: the municipality and the number of national series."""
    return (
        f"{r.name} ({r.municipality}); {len(r.data.codes)} landelijke soorten gemodelleerd, "
        f"{len(r.data.excluded)} niet"
    )


__all__ = [
    "backtest_alt",
    "backtest_caption",
    "backtest_intro_text",
    "backtest_period_label",
    "backtest_table",
    "backtest_text",
    "breaks_table",
    "desk_table",
    "desk_text",
    "excluded_caption",
    "excluded_table",
    "focus_month",
    "model_text",
    "month_caption",
    "month_phase_table",
    "month_phase_text",
    "month_table",
    "month_text",
    "multiplicity_text",
    "municipal_conclusions_text",
    "municipal_distribution_alt",
    "municipal_distribution_title",
    "municipal_intro_text",
    "municipal_series_alt",
    "municipal_series_title",
    "municipal_table",
    "national_conclusions_text",
    "national_panels_alt",
    "national_years_table",
    "nl_date",
    "nl_month_label",
    "nl_month_name",
    "nuisance_change_text",
    "nuisance_text",
    "overview_text",
    "phase_timeline_alt",
    "phases_table",
    "phases_text",
    "rule_text",
    "sensitivity_intro_text",
    "sensitivity_table",
    "sensitivity_text",
    "show_desk",
    "show_national_years",
    "show_summary_tables",
    "summary_table",
    "totals_table",
    "variant_labels",
    "write_tables",
]
