"""The presentation layer: everything a reader sees, in Dutch, and nothing that computes a result.

Analysis modules return numbers and frames; the modules here turn them into tables, sentences
and figures with one vocabulary (:mod:`ivp_analysis.vocab`) and one number format
(:mod:`ivp_analysis.present.numbers`). Notebooks show what they make with the functions below.
"""

from ivp_analysis.present.display import (
    render_cached,
    show_figure,
    show_markdown,
    show_table,
    write_results,
)
from ivp_analysis.present.numbers import format_nl, format_pct_nl

__all__ = [
    "format_nl",
    "format_pct_nl",
    "render_cached",
    "show_figure",
    "show_markdown",
    "show_table",
    "write_results",
]
