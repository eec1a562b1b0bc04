"""Words and numbers shared by the sections of the COVID-19 chapter (Dutch months, percentages, lists)."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.present.numbers import format_pct_nl
from ivp_analysis.vocab import (
    MONTHS_NL,
)

_YES_NO = {True: "ja", False: "nee"}


#: Full Dutch month names, for sentences.
_MONTH_NAMES = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def nl_month_label(month) -> str:
    """Return the Dutch short label of a month: ``apr 2020``.

    Examples
    --------
    >>> nl_month_label("2020-04")
    'apr 2020'
    """
    p = pd.Period(month, "M")
    return f"{MONTHS_NL[p.month - 1]} {p.year}"


def nl_month_name(month) -> str:
    """Return the Dutch full name of a month: ``april 2020``.

    Examples
    --------
    >>> nl_month_name("2020-04")
    'april 2020'
    """
    p = pd.Period(month, "M")
    return f"{_MONTH_NAMES[p.month - 1]} {p.year}"


def nl_date(ts: pd.Timestamp) -> str:
    """Return a date in Dutch words: ``12 maart 2020``.

    Examples
    --------
    >>> nl_date(pd.Timestamp("2020-03-12"))
    '12 maart 2020'
    """
    return f"{ts.day} {_MONTH_NAMES[ts.month - 1]} {ts.year}"


def _pct(v: float) -> str:
    return format_pct_nl(v, 0)


def _level(level: float) -> str:
    return f"{100 * level:g}%"


def _n(n: int, one: str, more: str) -> str:
    """A count with its noun: ``1 soort``, ``3 soorten``."""
    return f"{n} {one if n == 1 else more}"


def _and(items: list[str]) -> str:
    """Join words the Dutch way: ``a, b en c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]
