"""Parse numbers, periods and statuses of one cell, with errors that name the cell.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pandas as pd

from ivp_analysis.load.common import Ctx
from ivp_analysis.periods import EXPECTED as PERIOD_EXPECTED
from ivp_analysis.periods import parse_period

PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_WITHHELD = {"", ".", "x", "na", "nan", "null"}
#: Status words of CBS code lists and templates -> status of the tidy frame.
STATUS = {
    "definitief": "final",
    "final": "final",
    "voorlopig": "provisional",
    "nader voorlopig": "provisional",
    "provisional": "provisional",
    "": "unknown",
    "unknown": "unknown",
    "onbekend": "unknown",
}


def number(ctx: Ctx, raw: object, line: int | None, column: str, *, dutch: bool = False) -> float:
    """Parse one value; withheld marks give NaN. Counts are checked later, per unit.

    Examples
    --------
    >>> from pathlib import Path
    >>> ctx = Ctx(Path("x.csv"), None, None)  # type: ignore[arg-type]
    >>> number(ctx, " 76 ", 2, "value"), number(ctx, ".", 2, "value"), number(ctx, "-", 2, "value")
    (76.0, nan, 0.0)
    >>> number(ctx, "1.674", 2, "value", dutch=True)
    1674.0
    """
    if raw is None:
        return math.nan
    if isinstance(raw, bool):
        raise ctx.error("not a number", row=line, column=column, found=raw, expected="a number")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and math.isnan(raw):
            return math.nan
        return float(raw)
    s = str(raw).strip()
    if s.lower() in _WITHHELD:
        return math.nan
    if s == "-":  # StatLine's mark for "nihil": exactly zero
        return 0.0
    if dutch:
        s = dutch_number(s)
    if not PLAIN_NUMBER.match(s):
        hint = None
        if re.match(r"^[+-]?[\d.,]+\s+\S+$", s):
            hint = "one figure per cell: move footnote marks and 'w.v.' figures to the note column"
        elif "," in s:
            hint = "write numbers with a decimal point and no thousands separator, e.g. 1674 or 7.8"
        raise ctx.error(
            "not a number",
            row=line,
            column=column,
            found=str(raw).strip(),
            expected="a plain number (empty or '.' where withheld)",
            hint=hint,
        )
    return float(s)


def dutch_number(s: str) -> str:
    """Turn a number printed the Dutch way into a plain one: '1.674' -> '1674', '7,8' -> '7.8'."""
    s = s.replace("€", "").replace("\u00a0", " ").strip()
    if DUTCH_THOUSANDS.match(s):
        return s.replace(".", "")
    if re.match(r"^\d{1,3}(\.\d{3})*,\d+$", s):
        return s.replace(".", "").replace(",", ".")
    return s


@lru_cache(maxsize=8192)
def _parse_period_cached(raw: str, monthly_dates: bool) -> tuple[pd.Period, bool]:
    return parse_period(raw, monthly_dates=monthly_dates)


def period(
    ctx: Ctx, raw: object, line: int | None, column: str, *, monthly_dates: bool = False
) -> tuple[pd.Period, bool]:
    """Parse one period cell into (Period, provisional mark); a bad one names the cell."""
    try:
        return _parse_period_cached(str(raw), monthly_dates)
    except ValueError as exc:
        raise ctx.error(
            f"period cannot be parsed ({exc})",
            row=line,
            column=column,
            found=str(raw).strip(),
            expected=PERIOD_EXPECTED,
        ) from None


def status(ctx: Ctx, raw: str, line: int | None, column: str) -> str:
    """Return ``provisional``, ``final`` or ``unknown`` for a status cell (Dutch or English)."""
    s = str(raw).strip().lower()
    if s not in STATUS:
        raise ctx.error(
            "unknown status",
            row=line,
            column=column,
            found=str(raw).strip(),
            expected="provisional, final or unknown (or voorlopig, definitief)",
        )
    return STATUS[s]


def is_zero(raw: object) -> bool:
    """Return whether a cell holds the number 0 (an empty or text cell is not zero)."""
    if isinstance(raw, bool) or raw is None:
        return False
    if isinstance(raw, (int, float)):
        return raw == 0
    try:
        return float(str(raw).strip()) == 0
    except ValueError:
        return False


def int_or_none(x: float | None) -> int | None:
    """Return a line number as int, or None for a missing one (None or NaN)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return int(x)
