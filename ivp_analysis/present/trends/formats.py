"""Small formatters of the crime trends for readers: series names, intervals, p-values, counts
in words, changes (a percentage only from a base of at least :data:`MIN_BASE_FOR_PERCENT`), and
the verdict of a test recomputed from its ratio and q-value."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.stats import quasipoisson as qp
from ivp_analysis.stats.multiplicity import FamilySummary
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.vocab import SOURCE_CBS, SOURCE_NL, SOURCE_PLAN, SOURCE_POLICE

#: Unit of every rate in tables and figure axes.
RATE_UNIT = "per 1.000 inwoners (gemiddelde bevolking)"
#: Short source names for table rows.
SHORT_SOURCE = {SOURCE_CBS: "CBS", SOURCE_PLAN: "plan"}
#: Below this many cases in the earlier year a change is written as counts ("van 4 naar 9"),
#: never as a percentage: one case is then already more than 10 %.
MIN_BASE_FOR_PERCENT = 10
#: Dutch words for small counts in running text ("De twaalf soorten ...").
NUMBER_WORDS = (
    "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien "
    "zestien zeventien achttien negentien twintig"
).split()


def series_name(code: str, label: str, source: str = SOURCE_POLICE, short: bool = False) -> str:
    """Return the reader's name of a series: code, label and, for totals, the source.

    Examples
    --------
    >>> series_name("0.0.0", "Totaal misdrijven", "CBS 83648NED")
    '0.0.0 Totaal misdrijven (CBS 83648NED)'
    >>> series_name("0.0.0", "Totaal misdrijven", "IVP 2023-2026", short=True)
    '0.0.0 Totaal misdrijven (plan)'
    """
    name = f"{code} {label}"
    if source in (SOURCE_POLICE, SOURCE_NL, ""):
        return name
    return f"{name} ({SHORT_SOURCE.get(source, source) if short else source})"


def names(frame: pd.DataFrame, short: bool = False) -> list[str]:
    """Return the reader's name of every row of a frame with code, label and source."""
    return [
        series_name(c, lab, s, short)
        for c, lab, s in zip(frame["code"], frame["label"], frame["source"], strict=True)
    ]


def interval(lo: float, hi: float, decimals: int = 2) -> str:
    """Return an interval as ``0,86–1,74`` (an en dash when a limit is missing)."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "–"
    return f"{format_nl(lo, decimals)}–{format_nl(hi, decimals)}"


def p_text(p: float) -> str:
    """Return a p-value as ``0,274`` or ``< 0,001``."""
    if not np.isfinite(p):
        return "–"
    return "< 0,001" if p < 0.001 else format_nl(p, 3)


def p_equals(p: float) -> str:
    """Return 'p = 0,027' or 'p < 0,001'."""
    text = p_text(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def join(items: Sequence[str]) -> str:
    """Join items the Dutch way: ``a, b en c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def count_word(n: int) -> str:
    """Return a small count as a word ("twaalf"), a larger one in digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else format_nl(n)


def recomputed_verdicts(ratio, q, level: float = 0.95) -> np.ndarray:
    """Recompute the verdict of each test from its ratio and q-value (never a text column).

    An empty ratio with a q-value is a rise from zero (``rate_ratio`` is empty exactly when the
    earlier count is 0, see docs/results.md).

    Examples
    --------
    >>> recomputed_verdicts([0.48, float("nan"), 1.2], [0.01, 0.02, 0.3]).tolist()
    ['significante daling', 'significante stijging', 'binnen normale schommeling']
    """
    r = np.asarray(ratio, dtype=float)
    direction = np.where(np.isnan(r), 1.0, r - 1.0)
    return qp.verdict(direction, np.asarray(q, dtype=float), 1 - level)


def change_text(c0: float, c1: float, ratio: float, decimals: int = 0) -> str:
    """Write a change as a percentage, or as counts when the earlier count is small.

    Examples
    --------
    >>> change_text(76, 37, 0.4811), change_text(0, 2, float("nan")), change_text(4, 9, 2.2)
    ('-52 %', 'van 0 naar 2', 'van 4 naar 9')
    >>> change_text(float("nan"), 37, 0.4811)  # the earlier count unknown here: the ratio decides
    '-52 %'
    """
    small = np.isfinite(c0) and c0 < MIN_BASE_FOR_PERCENT
    if small or not np.isfinite(ratio):
        return f"van {format_nl(c0)} naar {format_nl(c1)}"
    return format_pct_nl(100 * (ratio - 1), decimals)


def q_text(q: float) -> str:
    """Return a q-value as ``q = 0,27`` or ``q < 0,001``."""
    text = p_text(q)
    return f"q {text}" if text.startswith("<") else f"q = {text}"


def family_text(summary: FamilySummary, what: str) -> str:
    """Write a family of tests: its size, the false flags to expect, and what is flagged.

    Examples
    --------
    >>> from ivp_analysis.stats.multiplicity import family_summary
    >>> print(family_text(family_summary([0.001, 0.02, 0.3, 0.8]), "veranderingen"))
    ... # doctest: +NORMALIZE_WHITESPACE
    4 veranderingen zijn getoetst; als er niets veranderd was, zou een toets op 5 % er gemiddeld
    0,2 ten onrechte significant noemen. 2 zijn significant op p, 2 ook na de correctie voor
    meervoudig toetsen (q < 0,05, Benjamini-Hochberg); van die 2 is naar verwachting hooguit
    0,1 vals alarm.
    """
    n = summary.size
    if not n:
        return f"Er zijn geen {what} getoetst."
    fp, fq = summary.flagged_p, summary.flagged_q
    text = (
        f"{n} {what} {'is' if n == 1 else 'zijn'} getoetst; als er niets veranderd was, zou een "
        f"toets op 5 % er gemiddeld {format_nl(summary.expected_false_flags, 1)} ten onrechte "
        f"significant noemen. {fp} {'is' if fp == 1 else 'zijn'} significant op p, {fq} ook na "
        "de correctie voor meervoudig toetsen (q < 0,05, Benjamini-Hochberg)"
    )
    if not fq:
        return text + "."
    false = format_nl(summary.expected_false_among_flagged_q, 1)
    return f"{text}; van die {fq} is naar verwachting hooguit {false} vals alarm."


def own_rows(result: TrendAnalysis) -> pd.DataFrame:
    """Return the municipality's rows of ``trends.csv``."""
    return result.table[result.table["region"] == result.municipality]


def gap_amount(gap: tuple[float, float]) -> str:
    """Return the size of the differences between two series in whole percents: ``1 à 2 %``.

    Examples
    --------
    >>> gap_amount((1.16, 2.1)), gap_amount((-3.2, -2.6)), gap_amount((-0.7, 1.4))
    ('1 à 2 %', '3 %', 'tot 1 %')
    >>> gap_amount((0.1, 0.3)), gap_amount((0.06, 2.1))
    ('minder dan 1 %', 'tot 2 %')
    """
    lo, hi = gap
    a, b = sorted((abs(lo), abs(hi)))
    if b < 0.5:
        return "minder dan 1 %"
    if lo < 0 < hi:
        return f"tot {format_nl(b)} %"
    a_text, b_text = format_nl(a), format_nl(b)
    if a_text == "0":
        return f"tot {b_text} %"
    return f"{a_text} %" if a_text == b_text else f"{a_text} à {b_text} %"


def gap_phrase(gap: tuple[float, float]) -> str:
    """Return where one series lies against another, from the lowest and highest % difference.

    Examples
    --------
    >>> gap_phrase((1.16, 2.1)), gap_phrase((-3.2, -2.6)), gap_phrase((-0.7, 1.4))
    ('1 à 2 % boven', '3 % onder', 'tussen 1 % onder en 1 % boven')
    """
    lo, hi = gap
    if lo < 0 < hi:
        return f"tussen {format_nl(-lo)} % onder en {format_nl(hi)} % boven"
    return f"{gap_amount(gap)} {'boven' if lo >= 0 else 'onder'}"
