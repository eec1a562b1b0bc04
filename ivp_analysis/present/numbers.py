"""Numbers the Dutch way: thousands with a dot, decimals with a comma, percentages with a space."""

from __future__ import annotations

import math

import pandas as pd


def format_nl(value: object, decimals: int = 0) -> str:
    """Format a number the Dutch way: thousands with a dot, decimals with a comma.

    Parameters
    ----------
    value : number or None
        NaN and None give an en dash (no value).
    decimals : int
        Number of decimals.

    Examples
    --------
    >>> format_nl(1674)
    '1.674'
    >>> format_nl(1.2241, 2)
    '1,22'
    >>> format_nl(-0.5, 1)
    '-0,5'
    >>> format_nl(float("nan"))
    '–'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_pct_nl(value: float, decimals: int = 1, sign: bool = True) -> str:
    """Format a fraction or percentage difference in percent, Dutch style.

    Examples
    --------
    >>> format_pct_nl(22.4)
    '+22,4 %'
    >>> format_pct_nl(-3.05, 1)
    '-3,0 %'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    s = format_nl(value, decimals)
    if sign and value > 0:
        s = "+" + s
    return f"{s} %"
